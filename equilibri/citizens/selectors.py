"""What the personal area and the ATS queue read. A person sees only their own things; an ATS
operator the messages and ratings of their ATS; the Region and superusers all of them (the Region
reads only). Outside the scope is a 404."""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Avg, Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from equilibri.accounts.roles import Role, ats_ids_for, has_role, is_region_wide
from equilibri.calls import selectors as calls_selectors
from equilibri.catalogue import selectors as catalogue_selectors
from equilibri.desks import selectors as desks_selectors
from equilibri.territory.models import ATS
from equilibri.vouchers import selectors as vouchers_selectors

from .models import Message, Preferences, Rating, SavedSearch, SavedService

VoucherState = vouchers_selectors.AppState


# --- The person's own ------------------------------------------------------------------------


def preferences_of(user) -> Preferences | None:
    if not user.is_authenticated:
        return None
    return Preferences.objects.filter(user=user).select_related("comune__ats").first()


def ats_of(user) -> ATS | None:
    """The ATS of the comune the person gave in their personal area (None: not given)."""
    preferences = preferences_of(user)
    if preferences is None or preferences.comune is None:
        return None
    return preferences.comune.ats


def saved_searches_of(user) -> QuerySet[SavedSearch]:
    return SavedSearch.objects.filter(user=user)


def saved_services_of(user) -> QuerySet[SavedService]:
    """Saved services still published (a hidden one comes back if it is published again)."""
    return (
        SavedService.objects.filter(
            user=user, service__in=catalogue_selectors.public_services().values("pk")
        )
        .select_related("service__organisation__comune")
        .order_by("-created_at", "-pk")
    )


def has_saved(user, service_id: int) -> bool:
    return (
        user.is_authenticated
        and SavedService.objects.filter(user=user, service_id=service_id).exists()
    )


def messages_of(user) -> QuerySet[Message]:
    return Message.objects.filter(user=user).select_related("ats").order_by("-created_at", "-pk")


@dataclass
class Step:
    """A state shown with what happens next and, when the person has something to do, where."""

    text: str
    url: str = ""
    label: str = ""


@dataclass
class VoucherRow:
    application: Any
    step: Step
    position: int | None = None
    missing: list[str] = field(default_factory=list)


def voucher_rows(user) -> list[VoucherRow]:
    """The person's voucher applications, each with its next step, its place in the budget
    queue while it waits, and what a draft still lacks."""
    rows = []
    applications = vouchers_selectors.applications_of(user).order_by("-created_at", "-pk")
    for application in applications:
        row = VoucherRow(application, _voucher_step(application))
        if application.state == VoucherState.WAITING:
            row.position = vouchers_selectors.queue_position(application)
        if application.state == VoucherState.DRAFT:
            row.missing = vouchers_selectors.application_missing(application)
        rows.append(row)
    return rows


def _voucher_step(application) -> Step:
    state = application.state
    edit = reverse("vouchers_public:application_edit", args=[application.pk])
    detail = reverse("vouchers_public:application_detail", args=[application.pk])
    if state == VoucherState.DRAFT:
        return Step(
            _("Completa la domanda e inviala entro il %(date)s.")
            % {"date": _date(application.scheme.closes_on)},
            edit,
            _("Completa la domanda"),
        )
    if state == VoucherState.INTEGRATION_REQUESTED:
        text = _("L'ente ti chiede di integrare la domanda")
        if application.integration_deadline:
            text += " " + _("entro il %(date)s") % {"date": _date(application.integration_deadline)}
        return Step(text + ".", edit, _("Integra la domanda"))
    if state == VoucherState.SUBMITTED:
        return Step(
            _("Il tuo datore di lavoro deve confermare che lavori per lui; poi l'ente la esamina."),
            detail,
            _("Vedi la domanda"),
        )
    if state == VoucherState.EMPLOYER_CONFIRMED:
        return Step(_("L'ente sta esaminando la domanda."), detail, _("Vedi la domanda"))
    if state == VoucherState.WAITING:
        return Step(
            _(
                "La domanda è approvabile ma il budget è esaurito: sarà approvata, in ordine di "
                "invio, appena si libera budget."
            ),
            detail,
            _("Vedi la domanda"),
        )
    if state in (VoucherState.APPROVED, VoucherState.PARTLY_APPROVED):
        return Step(
            _("Approvata: il rimborso sarà pagato sull'IBAN indicato."),
            detail,
            _("Vedi la domanda"),
        )
    if state == VoucherState.PAID:
        return Step(_("Pagata: non devi fare altro."), detail, _("Vedi la domanda"))
    return Step(
        _("Respinta: leggi la motivazione; puoi chiedere chiarimenti allo sportello."),
        detail,
        _("Leggi la motivazione"),
    )


def call_rows(user) -> list[tuple[Any, Step]]:
    """The calls the person applied to in person (not for an organisation), with next steps."""
    applications = calls_selectors.applications_of(user).filter(lead__isnull=True)
    return [(a, _call_step(a)) for a in applications.order_by("-created_at", "-pk")]


def _call_step(application) -> Step:
    State = type(application).State
    state = application.state
    edit = reverse("calls:application_edit", args=[application.pk])
    detail = reverse("calls:application_detail", args=[application.pk])
    if state == State.DRAFT:
        return Step(
            _("Completa la domanda e inviala entro il %(date)s.")
            % {"date": _date(application.call.closes_at)},
            edit,
            _("Completa la domanda"),
        )
    if state == State.SUBMITTED and application.integration_request:
        return Step(
            _("L'ATS ti chiede un'integrazione."),
            reverse("calls:integration_respond", args=[application.pk]),
            _("Rispondi"),
        )
    if state in (State.SUBMITTED, State.ADMISSIBLE, State.SCORED):
        return Step(
            _("La domanda è in istruttoria e valutazione: riceverai un'e-mail con l'esito."),
            detail,
            _("Vedi la domanda"),
        )
    if state == State.FUNDED:
        return Step(
            _("Finanziata: rendiconta le spese entro la scadenza."),
            reverse("calls:reporting", args=[application.pk]),
            _("Rendiconta"),
        )
    return Step(_("Non finanziata: leggi l'esito."), detail, _("Vedi la domanda"))


def appointment_rows(user) -> tuple[list, list]:
    """(upcoming, past or cancelled) appointments booked with the person's account."""
    appointments = list(desks_selectors.appointments_of_citizen(user))
    now = timezone.now()
    upcoming = [a for a in appointments if a.holds_seat and a.slot.starts_at >= now]
    upcoming.reverse()  # soonest first
    past = [a for a in appointments if a not in upcoming]
    return upcoming, past


def own_appointment(user, pk: int):
    """The person's own appointment, or None (the view answers 404)."""
    return desks_selectors.appointments_of_citizen(user).filter(pk=pk).first()


def free_slots_for(appointment) -> list:
    """The desk's bookable slots other than the appointment's own."""
    return [
        slot
        for slot in desks_selectors.bookable_slots(appointment.desk)
        if slot.pk != appointment.slot_id
    ]


def notifications_of(user, limit: int = 10) -> list[dict]:
    """The latest changes to the person's things, newest first: voucher applications' state
    changes and the answers to their messages."""
    items: list[dict[str, Any]] = []
    for event in vouchers_selectors.events_of(user)[:limit]:
        items.append(
            {
                "when": event.at,
                "text": _("Domanda di voucher «%(scheme)s»: %(state)s")
                % {"scheme": event.application.scheme.title, "state": event.get_state_display()},
                "url": reverse("vouchers_public:application_detail", args=[event.application_id]),
            }
        )
    for message in messages_of(user).filter(answered_at__isnull=False)[:limit]:
        items.append(
            {
                "when": message.answered_at,
                "text": _("Risposta a «%(subject)s»")
                % {"subject": message.subject or message.get_kind_display()},
                "url": "",
            }
        )
    items.sort(key=lambda item: item["when"], reverse=True)
    return items[:limit]


def _date(value) -> str:
    from django.utils.formats import date_format

    if hasattr(value, "tzinfo") and hasattr(value, "hour"):
        value = timezone.localtime(value)
    return date_format(value, "j F Y")


# --- Findable --------------------------------------------------------------------------------


def open_opportunities(user) -> dict:
    """Open calls and voucher schemes for the home page: of the person's ATS when known, all
    otherwise."""
    ats = ats_of(user)
    calls = calls_selectors.open_calls()
    if ats is not None:
        calls = calls.filter(ats=ats)
    return {
        "ats": ats,
        "calls": list(calls.order_by("closes_at")[:5]),
        "schemes": list(vouchers_selectors.open_schemes(ats_id=ats.pk if ats else None)[:5]),
    }


def service_schemes(service) -> list:
    """The voucher schemes that may reimburse a service (see vouchers.selectors)."""
    categories = set()
    for term in service.terms.all():
        categories.add(term.code)
        if term.parent_id:
            categories.add(term.parent.code)
    ats_id = getattr(service.organisation.comune, "ats_id", None)
    return list(
        vouchers_selectors.schemes_reimbursing(
            categories=sorted(categories), ats_id=ats_id, action_id=service.funding_action_id
        )
    )


# --- The ATS's queue -------------------------------------------------------------------------


def _ats_scope(user) -> Q | None:
    """None: every ATS; otherwise the condition on `ats_id`."""
    if is_region_wide(user):
        return None
    return Q(ats_id__in=ats_ids_for(user, Role.ATS_OPERATOR))


def messages_visible_to(user) -> QuerySet[Message]:
    qs = Message.objects.select_related("ats", "comune", "answered_by")
    if not user.is_authenticated:
        return qs.none()
    scope = _ats_scope(user)
    return qs if scope is None else qs.filter(scope)


def messages_answered_by(user) -> QuerySet[Message]:
    """Messages the user may answer and close: their ATS's (the Region only reads)."""
    qs = messages_visible_to(user)
    if has_role(user, Role.SUPERUSER):
        return qs
    return qs.filter(ats_id__in=ats_ids_for(user, Role.ATS_OPERATOR))


def ratings_visible_to(user) -> QuerySet[Rating]:
    qs = Rating.objects.all()
    if not user.is_authenticated:
        return qs.none()
    scope = _ats_scope(user)
    return qs if scope is None else qs.filter(scope)


@dataclass
class RatingRow:
    moment: str
    label: str
    count: int
    average: float | None
    scores: list[int]  # how many gave 1, 2, 3, 4, 5


def rating_summary(ratings: QuerySet[Rating]) -> list[RatingRow]:
    """Per moment (booking, voucher decision, search): how many answers, the average and the
    spread of the scores."""
    rows = []
    counts = {
        (row["moment"], row["score"]): row["n"]
        for row in ratings.values("moment", "score").annotate(n=Count("pk"))
    }
    averages = {
        row["moment"]: row["avg"] for row in ratings.values("moment").annotate(avg=Avg("score"))
    }
    for moment, label in Rating.Moment.choices:
        scores = [counts.get((moment, score), 0) for score in range(1, 6)]
        average = averages.get(moment)
        rows.append(
            RatingRow(
                moment,
                str(label),
                sum(scores),
                None if average is None else round(float(average), 2),
                scores,
            )
        )
    return rows
