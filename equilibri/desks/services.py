"""Every state change of the help desks: one function each, in a transaction; e-mails go out
after the commit.

Booking takes a seat with a conditional UPDATE (`booked < capacity`): whoever runs it second on
the last seat updates no row and gets a clear "already full" message, on SQLite and PostgreSQL
alike. Cancel, confirm and reschedule links are signed (django.core.signing) and carry the
appointment's nonce: a reschedule changes the nonce, so the old links stop working."""

import logging
import re
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _

from equilibri.core import audit, identifiers, mail

from .ical import appointment_ics
from .models import (
    Appointment,
    CollectiveAgreement,
    Contact,
    Desk,
    DeskClosure,
    DeskOperator,
    KnowledgeArticle,
    KnowledgeArticleVersion,
    Need,
    OpeningHours,
    Referral,
    Slot,
    SlotTemplate,
)

logger = logging.getLogger(__name__)

TOKEN_SALT = "equilibri.desks.appointment"  # noqa: S105 - a signing salt
PURPOSES = ("confirm", "cancel", "reschedule")


def booking_weeks() -> int:
    return getattr(settings, "DESK_BOOKING_WEEKS", 4)


def confirm_hours() -> int:
    """How long an unconfirmed booking (no account) holds its seat."""
    return getattr(settings, "DESK_BOOKING_CONFIRM_HOURS", 2)


def retention_months() -> int:
    return getattr(settings, "DESK_CONTACT_RETENTION_MONTHS", 24)


def _when(value: datetime) -> str:
    return date_format(timezone.localtime(value), "l j F Y, H:i")


# --- The catalogue listing ------------------------------------------------------------------


def sync_listing(desk: Desk) -> None:
    """Keeps the desk's entry in the service catalogue (category "sportelli") up to date; an
    inactive desk leaves the catalogue."""
    from equilibri.catalogue import services as catalogue

    key = f"desks:{desk.pk}"
    if not desk.active:
        catalogue.listing_remove(key=key)
        return
    channels = ", ".join(
        str(label)
        for on, label in [
            (desk.offers_in_person, _("in presenza")),
            (desk.offers_phone, _("al telefono")),
            (desk.offers_video, _("in videochiamata")),
        ]
        if on
    )
    description = desk.description or _(
        "Sportello conciliazione vita-lavoro: informazioni e orientamento su servizi, voucher, "
        "congedi, lavoro agile e contratti."
    )
    catalogue.listing_upsert(
        key=key,
        organisation=desk.organisation,
        name=desk.name,
        description=f"{description}\n{_('Colloqui')}: {channels}.",
        term_codes=["sportelli"],
        location={
            "name": desk.name,
            "address": desk.address,
            "comune": desk.comune,
            "accessibility": desk.accessibility,
            "kind": "physical",
        },
        schedules=[
            {"weekday": h.weekday, "opens_at": h.opens, "closes_at": h.closes}
            for h in desk.hours.all()
        ],
        phones=[desk.phone] if desk.phone else [],
        email=desk.email,
        languages=desk.language_codes or ["it"],
        url=mail.absolute_url(reverse("desks_public:desk_detail", args=[desk.pk])),
    )


# --- Desks ----------------------------------------------------------------------------------

DESK_FIELDS = (
    "ats",
    "organisation",
    "name",
    "comune",
    "address",
    "phone",
    "email",
    "description",
    "offers_in_person",
    "offers_phone",
    "offers_video",
    "languages",
    "accessibility",
    "video_link",
    "active",
)


@transaction.atomic
def desk_save(*, desk: Desk | None = None, by, **fields) -> Desk:
    desk = desk or Desk()
    for name, value in fields.items():
        if name not in DESK_FIELDS:
            raise TypeError(name)
        setattr(desk, name, value)
    if desk.comune_id and not desk.ats_id:
        desk.ats_id = desk.comune.ats_id
    desk.full_clean()
    desk.save()
    sync_listing(desk)
    return desk


@transaction.atomic
def desk_set_hours(*, desk: Desk, hours: Iterable[tuple[int, time, time]], by) -> None:
    rows = [OpeningHours(desk=desk, weekday=w, opens=o, closes=c) for w, o, c in hours]
    for row in rows:
        row.full_clean(exclude=["desk"])
    desk.hours.all().delete()
    # Saved one by one (a week's hours): the audit log keeps each row's values.
    for row in rows:
        row.save()
    sync_listing(desk)


@transaction.atomic
def desk_add_closure(
    *, desk: Desk, start_date: date, end_date: date, reason: str, by
) -> DeskClosure:
    closure = DeskClosure(desk=desk, start_date=start_date, end_date=end_date, reason=reason)
    closure.full_clean()
    closure.save()
    # Free slots in the closure disappear; booked ones stay for the operator to handle.
    Slot.objects.filter(
        desk=desk,
        starts_at__date__gte=start_date,
        starts_at__date__lte=end_date,
        booked=0,
    ).delete()
    return closure


@transaction.atomic
def desk_add_operator(*, desk: Desk, user, by) -> DeskOperator:
    operator, _created = DeskOperator.objects.get_or_create(desk=desk, user=user)
    return operator


@transaction.atomic
def desk_remove_operator(*, operator: DeskOperator, by) -> None:
    operator.delete()


# --- Slots ----------------------------------------------------------------------------------


def _within_hours(desk: Desk, weekday: int, start: time, end: time) -> bool:
    return any(
        h.opens <= start and end <= h.closes for h in desk.hours.all() if h.weekday == weekday
    )


@transaction.atomic
def slot_template_create(
    *,
    desk: Desk,
    weekday: int,
    start_time: time,
    end_time: time,
    duration_minutes: int,
    channel: str,
    capacity: int,
    operator=None,
    by,
) -> SlotTemplate:
    if start_time >= end_time:
        raise ValidationError({"end_time": _("L'orario di fine deve seguire quello di inizio.")})
    if not _within_hours(desk, weekday, start_time, end_time):
        raise ValidationError(
            {
                "start_time": _(
                    "Le fasce devono stare dentro l'orario di apertura dello sportello: "
                    "controlla gli orari di quel giorno o aggiungili prima."
                )
            }
        )
    if channel not in desk.channels:
        raise ValidationError({"channel": _("Lo sportello non offre questo canale.")})
    template = SlotTemplate(
        desk=desk,
        operator=operator,
        weekday=weekday,
        start_time=start_time,
        end_time=end_time,
        duration_minutes=duration_minutes,
        channel=channel,
        capacity=capacity,
    )
    template.full_clean()
    template.save()
    slots_generate(desk=desk)
    return template


@transaction.atomic
def slot_template_deactivate(*, template: SlotTemplate, by) -> None:
    template.active = False
    template.save(update_fields=["active"])
    Slot.objects.filter(template=template, booked=0, starts_at__gt=timezone.now()).delete()


def _closed_days(desk: Desk, first: date, last: date) -> set[date]:
    days: set[date] = set()
    for closure in desk.closures.filter(end_date__gte=first, start_date__lte=last):
        day = max(closure.start_date, first)
        while day <= min(closure.end_date, last):
            days.add(day)
            day += timedelta(days=1)
    return days


@transaction.atomic
def slots_generate(*, desk: Desk | None = None, weeks: int | None = None, today=None) -> int:
    """Creates the slots of the active templates for the next `weeks` weeks (from tomorrow's
    perspective: today's remaining times too); existing slots are kept. Returns how many."""
    today = today or timezone.localdate()
    weeks = weeks or booking_weeks()
    last = today + timedelta(weeks=weeks)
    tz = timezone.get_default_timezone()
    now = timezone.now()
    templates = SlotTemplate.objects.filter(active=True, desk__active=True).select_related("desk")
    if desk is not None:
        templates = templates.filter(desk=desk)
    created: list[int] = []
    closed: dict[int, set[date]] = {}
    for template in templates:
        if template.desk_id not in closed:
            closed[template.desk_id] = _closed_days(template.desk, today, last)
        existing = set(
            Slot.objects.filter(
                template=template, starts_at__gte=now, starts_at__date__lte=last
            ).values_list("starts_at", flat=True)
        )
        new = []
        day = today + timedelta(days=(template.weekday - today.weekday()) % 7)
        while day <= last:
            if day not in closed[template.desk_id]:
                start = datetime.combine(day, template.start_time, tz)
                end_of_block = datetime.combine(day, template.end_time, tz)
                step = timedelta(minutes=template.duration_minutes)
                while start + step <= end_of_block:
                    if start > now and start not in existing:
                        new.append(
                            Slot(
                                desk_id=template.desk_id,
                                template=template,
                                operator_id=template.operator_id,
                                starts_at=start,
                                ends_at=start + step,
                                channel=template.channel,
                                capacity=template.capacity,
                            )
                        )
                    start += step
            day += timedelta(days=7)
        Slot.objects.bulk_create(new, ignore_conflicts=True)
        if new:
            # bulk_create gives no ids when it may skip rows: they are read back, one query
            # per template, for the audit log.
            created.extend(
                Slot.objects.filter(
                    template=template, starts_at__in=[slot.starts_at for slot in new]
                ).values_list("pk", flat=True)
            )
    audit.log_bulk(Slot, created, audit.CREATE, fields=["starts_at", "ends_at", "capacity"])
    return len(created)


# --- E-mail addresses -----------------------------------------------------------------------

# Frequent typos of the big providers: "probably a mistake", with the right spelling.
DOMAIN_TYPOS = {
    "gmial.com": "gmail.com",
    "gmai.com": "gmail.com",
    "gmail.co": "gmail.com",
    "gmail.con": "gmail.com",
    "gmail.it": "gmail.com",
    "gnail.com": "gmail.com",
    "hotmial.com": "hotmail.com",
    "hotmail.con": "hotmail.com",
    "hotmai.it": "hotmail.it",
    "libero.con": "libero.it",
    "libreo.it": "libero.it",
    "yahoo.con": "yahoo.com",
    "yaho.it": "yahoo.it",
    "outlok.com": "outlook.com",
    "outlook.con": "outlook.com",
    "virgilio.con": "virgilio.it",
    "tiscali.con": "tiscali.it",
}
RESERVED_TLDS = {"test", "example", "invalid", "localhost", "local", "lan"}
RESERVED_DOMAINS = {"example.com", "example.org", "example.net", "example.it"}


def check_plausible_email(value: str) -> str:
    """The address, normalised, or a ValidationError saying what looks wrong."""
    email = identifiers.normalise_email(value)
    if not email:
        raise ValidationError(_("Inserisci il tuo indirizzo e-mail."))
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError(
            _(
                "«%(email)s» non è un indirizzo e-mail valido: controlla che sia scritto come "
                "nome@dominio.it."
            )
            % {"email": email[:100]}
        ) from None
    local, domain = email.rsplit("@", 1)
    domain = domain.lower()
    if domain in DOMAIN_TYPOS:
        raise ValidationError(
            _("Controlla l'indirizzo: forse intendevi %(suggestion)s?")
            % {"suggestion": f"{local}@{DOMAIN_TYPOS[domain]}"}
        )
    tld = domain.rsplit(".", 1)[-1]
    if (
        "." not in domain
        or tld in RESERVED_TLDS
        or domain in RESERVED_DOMAINS
        or not re.fullmatch(r"[a-z]{2,24}", tld)
    ):
        raise ValidationError(
            _("Il dominio «%(domain)s» non può ricevere e-mail: controlla l'indirizzo.")
            % {"domain": domain}
        )
    return f"{local}@{domain}"


# --- Signed links ---------------------------------------------------------------------------


class LinkError(Exception):
    """A link that is forged/damaged (`forged`) or no longer valid."""

    def __init__(self, forged: bool):
        super().__init__("forged" if forged else "stale")
        self.forged = forged


def appointment_token(appointment: Appointment, purpose: str) -> str:
    assert purpose in PURPOSES
    return signing.dumps(
        {"a": appointment.pk, "n": appointment.link_nonce, "p": purpose}, salt=TOKEN_SALT
    )


def appointment_link(appointment: Appointment, purpose: str) -> str:
    return mail.absolute_url(
        reverse(
            f"desks_public:appointment_{purpose}", args=[appointment_token(appointment, purpose)]
        )
    )


def appointment_from_token(token: str, purpose: str) -> Appointment:
    """The appointment a link is about; LinkError(forged=True) for a forged or damaged link,
    LinkError(forged=False) for one retired by a reschedule."""
    try:
        data = signing.loads(token, salt=TOKEN_SALT)
    except signing.BadSignature:
        raise LinkError(forged=True) from None
    if not isinstance(data, dict) or data.get("p") != purpose:
        raise LinkError(forged=True)
    if not isinstance(data.get("a"), int):
        raise LinkError(forged=True)
    appointment = (
        Appointment.objects.select_related("slot", "desk", "desk__comune")
        .filter(pk=data["a"])
        .first()
    )
    if appointment is None or appointment.anonymised_at is not None:
        raise LinkError(forged=False)
    if appointment.link_nonce != data.get("n"):
        raise LinkError(forged=False)
    return appointment


# --- Appointments ---------------------------------------------------------------------------


def check_bookable(slot: Slot, *, now: datetime | None = None) -> None:
    now = now or timezone.now()
    if slot.starts_at <= now:
        raise ValidationError(
            {"slot": _("Questo orario è già passato: scegline uno dei prossimi giorni.")}
        )
    desk = slot.desk
    if not desk.active:
        raise ValidationError({"slot": _("Questo sportello non riceve prenotazioni.")})
    local_start = timezone.localtime(slot.starts_at)
    local_end = timezone.localtime(slot.ends_at)
    if not _within_hours(desk, local_start.weekday(), local_start.time(), local_end.time()):
        raise ValidationError(
            {"slot": _("Questo orario è fuori dall'orario di apertura dello sportello.")}
        )
    if local_start.date() in _closed_days(desk, local_start.date(), local_start.date()):
        raise ValidationError({"slot": _("Lo sportello è chiuso in quel giorno.")})
    if slot.channel not in desk.channels:
        raise ValidationError({"slot": _("Lo sportello non offre più questo canale.")})


def _take_seat(slot_id: int) -> None:
    """The conditional UPDATE: one row changes only while a seat is free."""
    taken = Slot.objects.filter(pk=slot_id, booked__lt=F("capacity")).update(booked=F("booked") + 1)
    if not taken:
        raise ValidationError(
            {"slot": _("Questo orario è appena stato occupato: scegline un altro.")}
        )
    _log_seats(slot_id, 1)


def _log_seats(slot_id: int, change: int) -> None:
    """The seat count moves by conditional UPDATEs (two bookings never take the last seat
    twice), which auditlog does not see."""
    audit.log_bulk(Slot, [slot_id], audit.UPDATE, fields=["booked"], data={"booked": change})


def _release_seat(slot_id: int) -> None:
    if Slot.objects.filter(pk=slot_id, booked__gt=0).update(booked=F("booked") - 1):
        _log_seats(slot_id, -1)


def check_may_hold(*, desk: Desk, email: str, requester_ip: str | None) -> None:
    """A booking without an account holds a seat for free until it is confirmed or lapses, so
    one requester (the same e-mail or client address) may hold only a few at a time
    (DESK_PENDING_PER_EMAIL, DESK_PENDING_PER_IP), and may not hold a seat at a desk again for
    DESK_HOLD_COOLDOWN_HOURS after one there lapsed unconfirmed: holds cannot be renewed."""
    now = timezone.now()
    cooldown = timedelta(hours=settings.DESK_HOLD_COOLDOWN_HOURS)
    late = now - timedelta(hours=confirm_hours())
    same_requester = Q(email__iexact=email)
    if requester_ip:
        same_requester |= Q(requester_ip=requester_ip)
    lapsed = Appointment.objects.filter(same_requester, desk=desk).filter(
        Q(lapsed_at__gte=now - cooldown)
        # Late but not yet released (release_unconfirmed runs every quarter of an hour).
        | Q(state=Appointment.State.PENDING, created_at__lt=late)
    )
    if lapsed.exists():
        ends = [a.lapsed_at or now for a in lapsed.only("lapsed_at")]
        until = max(ends) + cooldown
        raise ValidationError(
            _(
                "Una tua prenotazione a questo sportello è scaduta da poco senza conferma: puoi "
                "prenotare di nuovo a partire da %(when)s, oppure subito accedendo con il tuo "
                "account."
            )
            % {"when": _when(until)}
        )
    # Late ones too: they hold their seat until release_unconfirmed runs.
    pending = Appointment.objects.filter(state=Appointment.State.PENDING)
    if pending.filter(email__iexact=email).count() >= settings.DESK_PENDING_PER_EMAIL:
        raise ValidationError(
            _(
                "Hai già prenotazioni da confermare con questo indirizzo e-mail: conferma quelle "
                "con il link che ti abbiamo inviato, oppure accedi con il tuo account per "
                "prenotare senza conferma."
            )
        )
    if requester_ip and (
        pending.filter(requester_ip=requester_ip).count() >= settings.DESK_PENDING_PER_IP
    ):
        raise ValidationError(
            _(
                "Da questa connessione ci sono già troppe prenotazioni da confermare: confermale "
                "con il link ricevuto per e-mail, oppure accedi con il tuo account per prenotare "
                "senza conferma."
            )
        )


def appointment_book(**kwargs) -> Appointment:
    """Books a seat (see `_appointment_book`). On SQLite a writer that finds the database
    locked by another booking (shared-cache connections do not wait for the busy timeout) tries
    again a few times, so a lost race ends in "already full", never in a database error."""
    from django.db import OperationalError, connection

    attempts = 1 if connection.in_atomic_block or connection.vendor != "sqlite" else 20
    for attempt in range(attempts):
        try:
            return _appointment_book(**kwargs)
        except OperationalError as error:
            if "locked" not in str(error) or attempt == attempts - 1:
                raise
            import time as time_module

            time_module.sleep(0.05 * (attempt + 1))
    raise AssertionError("unreachable")


@transaction.atomic
def _appointment_book(
    *,
    slot: Slot,
    name: str,
    email: str,
    topic: str,
    need: Need | None = None,
    phone: str = "",
    user=None,
    requester_ip: str | None = None,
) -> Appointment:
    """Books a seat. Signed-in citizens are booked at once; without an account the booking
    waits for the confirmation link sent to the address (the seat is held meanwhile, within the
    limits of `check_may_hold`; `requester_ip` is the client's address)."""
    slot = Slot.objects.select_related("desk", "desk__comune").get(pk=slot.pk)
    check_bookable(slot)
    if user is not None and user.is_authenticated:
        email = user.email
    else:
        user = None
    email = check_plausible_email(email)
    if Appointment.objects.filter(
        slot=slot,
        email__iexact=email,
        state__in=[Appointment.State.PENDING, Appointment.State.BOOKED],
    ).exists():
        raise ValidationError(
            {"slot": _("Hai già una prenotazione in questo orario con questo indirizzo e-mail.")}
        )
    if user is None:
        check_may_hold(desk=slot.desk, email=email, requester_ip=requester_ip)
    _take_seat(slot.pk)
    appointment = Appointment.objects.create(
        slot=slot,
        desk=slot.desk,
        user=user,
        name=name.strip(),
        email=email,
        phone=phone.strip(),
        topic=topic.strip(),
        need=need,
        link_nonce=secrets.token_hex(8),
        state=Appointment.State.BOOKED if user else Appointment.State.PENDING,
        confirmed_at=timezone.now() if user else None,
        requester_ip=None if user else requester_ip,
    )
    if user:
        _send_confirmed(appointment)
    else:
        _send_confirmation_request(appointment)
    return appointment


@transaction.atomic
def appointment_confirm(*, appointment: Appointment) -> Appointment:
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if appointment.state != Appointment.State.PENDING:
        raise ValidationError(_("Questa prenotazione non è più da confermare."))
    appointment.state = Appointment.State.BOOKED
    appointment.confirmed_at = timezone.now()
    appointment.requester_ip = None  # needed only while the seat is held unconfirmed
    appointment.save(update_fields=["state", "confirmed_at", "requester_ip"])
    _send_confirmed(appointment)
    return appointment


@transaction.atomic
def appointment_cancel(*, appointment: Appointment, by=None, notify: bool = True) -> Appointment:
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if not appointment.holds_seat:
        raise ValidationError(_("Questo appuntamento è già stato annullato o si è già svolto."))
    was_booked = appointment.state == Appointment.State.BOOKED
    _release_seat(appointment.slot_id)
    appointment.state = Appointment.State.CANCELLED
    appointment.cancelled_at = timezone.now()
    appointment.sequence += 1
    appointment.save(update_fields=["state", "cancelled_at", "sequence"])
    if notify and was_booked and appointment.anonymised_at is None:
        _send_cancelled(appointment)
    return appointment


@transaction.atomic
def appointment_reschedule(*, appointment: Appointment, slot: Slot) -> Appointment:
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if not appointment.holds_seat:
        raise ValidationError(_("Questo appuntamento è già stato annullato o si è già svolto."))
    slot = Slot.objects.select_related("desk", "desk__comune").get(pk=slot.pk)
    if slot.pk == appointment.slot_id:
        raise ValidationError({"slot": _("È l'orario che hai già: scegline un altro.")})
    if slot.desk_id != appointment.desk_id:
        raise ValidationError({"slot": _("Scegli un orario dello stesso sportello.")})
    check_bookable(slot)
    _take_seat(slot.pk)
    _release_seat(appointment.slot_id)
    appointment.slot = slot
    appointment.link_nonce = secrets.token_hex(8)  # the old links stop working
    appointment.sequence += 1
    appointment.reminded_at = None
    appointment.save(update_fields=["slot", "link_nonce", "sequence", "reminded_at"])
    if appointment.state == Appointment.State.BOOKED:
        _send_confirmed(appointment, rescheduled=True)
    else:
        _send_confirmation_request(appointment)
    return appointment


@transaction.atomic
def appointment_mark(*, appointment: Appointment, state: str, by) -> Appointment:
    """The operator records how it went: attended or no-show (once the time has come)."""
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if state not in {Appointment.State.ATTENDED, Appointment.State.NO_SHOW}:
        raise ValidationError(_("Stato non valido."))
    if appointment.state not in {
        Appointment.State.BOOKED,
        Appointment.State.ATTENDED,
        Appointment.State.NO_SHOW,
    }:
        raise ValidationError(_("Solo gli appuntamenti confermati si possono segnare."))
    if appointment.slot.starts_at > timezone.now():
        raise ValidationError(
            _("L'appuntamento non è ancora iniziato: potrai segnarlo dopo l'orario previsto.")
        )
    appointment.state = state
    appointment.save(update_fields=["state"])
    return appointment


@transaction.atomic
def appointment_forget(*, appointment: Appointment, user) -> None:
    """A citizen deletes their appointment: a future one is cancelled (the seat goes back), and
    the personal details are erased; what remains counts only in the statistics."""
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk, user=user)
    if appointment.holds_seat:
        appointment_cancel(appointment=appointment, by=user, notify=False)
        appointment.refresh_from_db()
    _anonymise_appointments(Appointment.objects.filter(pk=appointment.pk), timezone.now())


def _anonymise_appointments(appointments: QuerySet[Appointment], now: datetime) -> int:
    """Erases the personal details of `appointments` with a queryset update, as for contacts
    (anonymise_old_contacts): a save's audit entry would keep the erased values as the change's
    "before". The audit log names the rows and fields erased instead."""
    ids = list(appointments.values_list("pk", flat=True))
    erased = {
        "user": None,
        "name": "",
        "email": "",
        "phone": "",
        "topic": "",
        "link_nonce": "",
        "requester_ip": None,
    }
    audit.log_bulk(
        Appointment,
        ids,
        audit.UPDATE,
        fields=[*erased, "anonymised_at"],
        data={"reason": "anonymisation"},
    )
    return Appointment.objects.filter(pk__in=ids).update(**erased, anonymised_at=now)


@transaction.atomic
def release_unconfirmed(*, now: datetime | None = None) -> int:
    """Bookings never confirmed within DESK_BOOKING_CONFIRM_HOURS give their seat back; they
    are marked lapsed, which starts the requester's cool-down (`check_may_hold`)."""
    now = now or timezone.now()
    stale = Appointment.objects.filter(
        state=Appointment.State.PENDING, created_at__lt=now - timedelta(hours=confirm_hours())
    )
    lapsed = []
    for appointment in stale:
        appointment_cancel(appointment=appointment, notify=False)
        Appointment.objects.filter(pk=appointment.pk).update(lapsed_at=now)
        lapsed.append(appointment.pk)
    audit.log_bulk(Appointment, lapsed, audit.UPDATE, changes={"lapsed_at": (None, now)})
    return len(lapsed)


def send_reminders(*, now: datetime | None = None) -> int:
    """The day before: one reminder to each confirmed appointment of tomorrow."""
    now = now or timezone.now()
    tomorrow = timezone.localtime(now).date() + timedelta(days=1)
    count = 0
    due = Appointment.objects.filter(
        state=Appointment.State.BOOKED,
        reminded_at__isnull=True,
        slot__starts_at__date=tomorrow,
    ).select_related("slot", "desk", "desk__comune")
    for appointment in due:
        with transaction.atomic():
            updated = Appointment.objects.filter(
                pk=appointment.pk, reminded_at__isnull=True
            ).update(reminded_at=now)
            if updated:
                audit.log_bulk(
                    Appointment,
                    [appointment.pk],
                    audit.UPDATE,
                    changes={"reminded_at": (None, now)},
                )
                _send_reminder(appointment)
                count += 1
    return count


# --- Appointment e-mails --------------------------------------------------------------------


def _mail_appointment(appointment: Appointment, template: str, *, ics: str = "", **context) -> None:
    """An e-mail about an appointment to the address it was booked with (there may be no
    account), with its summary and, for a confirmed or cancelled one, the .ics."""
    mail.send(
        appointment.email,
        f"desks/mail/{template}",
        {"appointment": appointment, "when": _when(appointment.slot.starts_at), **context},
        attachments=[mail.Attachment("appuntamento.ics", ics, "text/calendar")] if ics else (),
    )


def _address(appointment: Appointment) -> str:
    desk = appointment.desk
    return ", ".join(p for p in [desk.address, desk.comune.name] if p)


def _send_confirmation_request(appointment: Appointment) -> None:
    _mail_appointment(
        appointment,
        "confirmation_request",
        address=_address(appointment),
        hours=confirm_hours(),
        confirm_link=appointment_link(appointment, "confirm"),
    )


def _links(appointment: Appointment) -> dict[str, str]:
    return {
        "address": _address(appointment),
        "cancel_link": appointment_link(appointment, "cancel"),
        "reschedule_link": appointment_link(appointment, "reschedule"),
    }


def _send_confirmed(appointment: Appointment, *, rescheduled: bool = False) -> None:
    _mail_appointment(
        appointment,
        "confirmed",
        ics=appointment_ics(appointment),
        rescheduled=rescheduled,
        **_links(appointment),
    )


def _send_cancelled(appointment: Appointment) -> None:
    _mail_appointment(
        appointment,
        "cancelled",
        ics=appointment_ics(appointment, cancelled=True),
        address=_address(appointment),
    )


def _send_reminder(appointment: Appointment) -> None:
    _mail_appointment(appointment, "reminder", **_links(appointment))


# --- Contact log ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ReferralInput:
    kind: str
    label: str
    service_id: int | None = None
    reference_id: int | None = None


@transaction.atomic
def contact_log(
    *,
    desk: Desk,
    by,
    contacted_at: datetime,
    channel: str,
    needs: Sequence[Need],
    answer: str,
    gender: str,
    age_band: str,
    citizen=None,
    citizen_name: str = "",
    citizen_email: str = "",
    employer_organisation=None,
    employer_text: str = "",
    notes: str = "",
    articles: Sequence[KnowledgeArticle] = (),
    referrals: Sequence[ReferralInput] = (),
    follow_up_due: date | None = None,
    appointment: Appointment | None = None,
) -> Contact:
    if not needs:
        raise ValidationError(
            {"needs": _("Scegli almeno un bisogno: serve per le risposte e le statistiche.")}
        )
    if not (answer or "").strip():
        raise ValidationError({"answer": _("Scrivi la risposta data al cittadino.")})
    if contacted_at > timezone.now() + timedelta(minutes=5):
        raise ValidationError({"contacted_at": _("Il contatto non può essere nel futuro.")})
    if follow_up_due and follow_up_due < timezone.localdate():
        raise ValidationError(
            {"follow_up_due": _("La data per ricontattare non può essere già passata.")}
        )
    if appointment is not None and appointment.desk_id != desk.pk:
        raise ValidationError({"appointment": _("L'appuntamento è di un altro sportello.")})
    contact = Contact(
        desk=desk,
        operator=by,
        contacted_at=contacted_at,
        channel=channel,
        citizen=citizen,
        citizen_name=citizen_name.strip(),
        citizen_email=citizen_email.strip(),
        gender=gender,
        age_band=age_band,
        employer_organisation=employer_organisation,
        employer_text=employer_text.strip(),
        answer=answer.strip(),
        notes=notes.strip(),
        follow_up_due=follow_up_due,
        appointment=appointment,
    )
    contact.full_clean(exclude=["needs", "articles", "operator"])
    contact.save()
    contact.needs.set(needs)
    contact.articles.set(articles)
    for referral in referrals:
        if not referral.label.strip():
            continue
        Referral.objects.create(
            contact=contact,
            kind=referral.kind,
            service_id=referral.service_id,
            reference_id=referral.reference_id,
            label=referral.label.strip()[:200],
        )
    return contact


@transaction.atomic
def contact_follow_up_done(*, contact: Contact, by) -> Contact:
    if contact.follow_up_due is None or contact.follow_up_done_at is not None:
        raise ValidationError(_("Questo contatto non ha un ricontatto in sospeso."))
    contact.follow_up_done_at = timezone.now()
    contact.save(update_fields=["follow_up_done_at"])
    return contact


def notify_due_follow_ups(*, today: date | None = None) -> int:
    """E-mails each operator the contacts to call back today (or overdue), once per contact."""
    today = today or timezone.localdate()
    due = (
        Contact.objects.filter(
            follow_up_due__lte=today,
            follow_up_done_at__isnull=True,
            follow_up_notified_at__isnull=True,
            anonymised_at__isnull=True,
            operator__isnull=False,
        )
        .select_related("operator", "desk")
        .order_by("operator_id", "follow_up_due")
    )
    by_operator: dict = {}
    for contact in due:
        by_operator.setdefault(contact.operator, []).append(contact)
    for operator, contacts in by_operator.items():
        with transaction.atomic():
            ids = [c.pk for c in contacts]
            notified_at = timezone.now()
            Contact.objects.filter(pk__in=ids).update(follow_up_notified_at=notified_at)
            audit.log_bulk(
                Contact, ids, audit.UPDATE, changes={"follow_up_notified_at": (None, notified_at)}
            )
            mail.send(operator, "desks/mail/follow_ups", {"contacts": contacts})
    return sum(len(c) for c in by_operator.values())


def anonymise_old_contacts(*, now: datetime | None = None) -> int:
    """Retention: after DESK_CONTACT_RETENTION_MONTHS the contacts and appointments lose every
    personal detail; need, channel, gender, age band and referrals stay for the statistics."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=round(retention_months() * 30.44))
    with transaction.atomic():
        contacts = Contact.objects.filter(contacted_at__lt=cutoff, anonymised_at__isnull=True)
        # A queryset update, not saves: a save's audit entry would keep the erased values as the
        # change's "before". The audit log names the rows and fields erased instead.
        ids = list(contacts.select_for_update().values_list("pk", flat=True))
        fields = ["citizen", "citizen_name", "citizen_email", "employer_text", "notes", "answer"]
        audit.log_bulk(
            Contact,
            ids,
            audit.UPDATE,
            fields=[*fields, "anonymised_at"],
            data={"reason": "anonymisation"},
        )
        count = contacts.update(
            citizen=None,
            citizen_name="",
            citizen_email="",
            employer_text="",
            notes="",
            answer=_("[anonimizzato]"),
            anonymised_at=now,
        )
        _anonymise_appointments(
            Appointment.objects.filter(slot__starts_at__lt=cutoff, anonymised_at__isnull=True),
            now,
        )
    return count


# --- Knowledge base -------------------------------------------------------------------------


def _unique_slug(title: str) -> str:
    base = slugify(title)[:100] or "scheda"
    slug, n = base, 2
    while KnowledgeArticle.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def article_create(
    *,
    title: str,
    body: str,
    summary: str = "",
    tags: str = "",
    source_url: str = "",
    is_public: bool = False,
    review_due: date | None = None,
    owner=None,
    by,
) -> KnowledgeArticle:
    article = KnowledgeArticle(
        slug=_unique_slug(title),
        title=title.strip(),
        summary=summary.strip(),
        body=body.strip(),
        tags=tags.strip(),
        source_url=source_url,
        is_public=is_public,
        review_due=review_due,
        owner=owner or by,
        version=1,
    )
    article.full_clean()
    article.save()
    KnowledgeArticleVersion.objects.create(
        article=article,
        number=1,
        title=article.title,
        summary=article.summary,
        body=article.body,
        tags=article.tags,
        note=_("Prima versione"),
        edited_by=by,
    )
    return article


@transaction.atomic
def article_update(
    *,
    article: KnowledgeArticle,
    by,
    expected_version: int | None = None,
    note: str = "",
    **fields,
) -> KnowledgeArticle:
    """Every edit is a new version; an edit made on an older version than the current one is
    refused (someone else saved meanwhile), so nobody overwrites another's text unseen."""
    article = KnowledgeArticle.objects.select_for_update().get(pk=article.pk)
    if expected_version is not None and expected_version != article.version:
        raise ValidationError(
            _(
                "Nel frattempo qualcuno ha salvato una nuova versione (v%(version)s): rileggi la "
                "scheda e riporta le tue modifiche."
            )
            % {"version": article.version}
        )
    allowed = {"title", "summary", "body", "tags", "source_url", "is_public", "review_due", "owner"}
    for name, value in fields.items():
        if name not in allowed:
            raise TypeError(name)
        setattr(article, name, value.strip() if isinstance(value, str) else value)
    article.version += 1
    article.full_clean()
    article.save()
    KnowledgeArticleVersion.objects.create(
        article=article,
        number=article.version,
        title=article.title,
        summary=article.summary,
        body=article.body,
        tags=article.tags,
        note=note.strip(),
        edited_by=by,
    )
    return article


# --- Collective agreements ------------------------------------------------------------------

AGREEMENT_FIELDS = (
    "title",
    "kind",
    "sector",
    "parties",
    "organisation",
    "territory",
    "leave",
    "flexible_hours",
    "part_time",
    "smart_working",
    "welfare_credits",
    "valid_from",
    "valid_until",
    "source_url",
)


@transaction.atomic
def agreement_save(
    *, agreement: CollectiveAgreement | None = None, by, **fields
) -> CollectiveAgreement:
    agreement = agreement or CollectiveAgreement()
    for name, value in fields.items():
        if name not in AGREEMENT_FIELDS:
            raise TypeError(name)
        setattr(agreement, name, value)
    if not any(getattr(agreement, name).strip() for name in CollectiveAgreement.PROVISIONS):
        raise ValidationError(
            _(
                "Descrivi almeno una misura di conciliazione (congedi, flessibilità, part-time, "
                "lavoro agile o welfare)."
            )
        )
    agreement.full_clean()
    agreement.save()
    return agreement
