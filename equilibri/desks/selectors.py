"""Reads of the help desks, scoped.

Who sees what (privacy, README):
- contacts (with their notes) and appointments: desk operators, for every desk of their ATS
  (colleagues cover for each other); nobody else reads them one by one — not the ATS operator,
  not the Region, not the superuser in the application (the Django admin is for technical use);
- statistics (counts only, no personal data): desk operators and ATS operators of their ATS,
  the regional viewer and the superuser for every ATS;
- desks: desk operators manage their own desks, ATS operators every desk of their ATS;
- knowledge base and agreements: shared by every desk of the region."""

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from equilibri.accounts.roles import Grant, Role, ats_ids_for, has_role, is_region_wide
from equilibri.catalogue.search import stems, words
from equilibri.core.text import fold
from equilibri.territory.geo import nearest
from equilibri.territory.models import Comune

from .models import (
    AgeBand,
    Appointment,
    CollectiveAgreement,
    Contact,
    ContactChannel,
    Desk,
    DeskOperator,
    GenderChoice,
    KnowledgeArticle,
    Need,
    Referral,
    Slot,
)


def desk_operator_grants(user) -> Iterable[Grant]:
    for operator in DeskOperator.objects.filter(user=user).select_related("desk"):
        yield Grant(Role.DESK_OPERATOR, operator.desk.ats_id, operator.desk.name, operator.desk_id)


# --- Public ---------------------------------------------------------------------------------


def public_desks() -> QuerySet[Desk]:
    return Desk.objects.filter(active=True).select_related("comune", "organisation", "ats")


def desks_near(comune: Comune, radius_km: float, limit: int = 10) -> list[tuple[Desk, float]]:
    """The desks within `radius_km` of the comune, its own ATS's first (they serve its
    residents), each group nearest first, with the distances."""
    return desks_nearest_to(comune.lat, comune.lon, comune.ats_id, radius_km=radius_km)[:limit]


def desks_nearest_to(
    lat, lon, ats_id: int | None, *, radius_km: float | None = None
) -> list[tuple[Desk, float]]:
    """Every public desk (within `radius_km` if given) with its distance in km: the desks of
    `ats_id` first, nearest first, then the others, nearest first. For a place or a service:
    a desk of another ATS may be nearer, but the citizen's own ATS's desk is the one that
    serves them."""
    found = nearest(lat, lon, public_desks(), lambda d: (d.comune.lat, d.comune.lon), radius_km)
    return sorted(found, key=lambda pair: pair[0].ats_id != ats_id)  # stable: nearest kept


def bookable_slots(desk: Desk, *, days: int | None = None) -> QuerySet[Slot]:
    from .services import booking_weeks, closed_days

    now = timezone.now()
    until = now + timedelta(days=days or booking_weeks() * 7 + 1)
    # Slots made before a holiday or closure was set stay in the table but are not offered.
    closed = closed_days(desk, timezone.localdate(), timezone.localtime(until).date())
    return (
        Slot.objects.filter(desk=desk, starts_at__gt=now, starts_at__lte=until)
        .exclude(booked__gte=F("capacity"))
        .exclude(starts_at__date__in=list(closed))
        .order_by("starts_at", "channel")
    )


def faq_articles(query: str = "") -> QuerySet[KnowledgeArticle]:
    return search_articles(KnowledgeArticle.objects.filter(is_public=True), query)


def _search_terms(query: str) -> list[str]:
    """The query's words as Italian stems, so "congedi" finds "congedo" and "permessi" finds
    "permesso" (accents folded, stop words dropped)."""
    return [
        stem if len(stem) >= 3 else word
        for word, stem in zip(words(query), stems(query), strict=True)
    ][:8]


def _folded_match(queryset: QuerySet, fields: Sequence[str], terms: list[str]) -> QuerySet:
    """The rows whose `fields`, folded as the catalogue folds text (core.text.fold: case and
    accents aside), contain every term: "papà" finds "papa" and "papa" finds "papà". Compared in
    Python over the few rows of a shared knowledge base or register, because SQLite has no
    unaccent() and a LIKE would miss every accented word."""
    if not terms:
        return queryset
    matching = [
        pk
        for pk, *texts in queryset.values_list("pk", *fields)
        if all(term in fold(" ".join(t for t in texts if t)) for term in terms)
    ]
    return queryset.filter(pk__in=matching)


ARTICLE_TEXT = ("title", "summary", "body", "tags")


def search_articles(articles: QuerySet[KnowledgeArticle], query: str) -> QuerySet[KnowledgeArticle]:
    return _folded_match(articles, ARTICLE_TEXT, _search_terms(query))


def search_agreements(
    query: str = "", kind: str = "", sector: str = "", provision: str = ""
) -> QuerySet[CollectiveAgreement]:
    agreements = _folded_match(
        CollectiveAgreement.objects.select_related("organisation"),
        ("title", "sector", "parties", "territory", *CollectiveAgreement.PROVISIONS),
        _search_terms(query),
    )
    if kind:
        agreements = agreements.filter(kind=kind)
    if sector:
        agreements = agreements.filter(sector__icontains=sector)
    if provision in CollectiveAgreement.PROVISIONS:
        agreements = agreements.exclude(**{provision: ""})
    return agreements


def sectors() -> list[str]:
    return sorted(set(CollectiveAgreement.objects.values_list("sector", flat=True)))


def appointments_of_citizen(user) -> QuerySet[Appointment]:
    return (
        Appointment.objects.filter(user=user, anonymised_at__isnull=True)
        .select_related("slot", "desk", "desk__comune", "need")
        .order_by("-slot__starts_at")
    )


def appointments_export(user) -> list[dict]:
    """For the personal-data download (accounts.personal_data)."""
    return [
        {
            "sportello": a.desk.name,
            "inizio": timezone.localtime(a.slot.starts_at).isoformat(),
            "canale": a.slot.channel,
            "stato": a.state,
            "nome": a.name,
            "email": a.email,
            "telefono": a.phone,
            "argomento": a.need.name if a.need else "",
            "messaggio": a.topic,
            "prenotato_il": timezone.localtime(a.created_at).isoformat(),
        }
        for a in appointments_of_citizen(user)
    ]


# --- Reserved area --------------------------------------------------------------------------


def operated_desk_ids(user) -> set[int]:
    from equilibri.accounts.roles import object_ids_for

    return object_ids_for(user, Role.DESK_OPERATOR)


def desk_ats_ids(user) -> set[int]:
    """The ATS whose contacts and appointments the user reads: their desks' ATS."""
    return ats_ids_for(user, Role.DESK_OPERATOR)


def desks_managed_by(user) -> QuerySet[Desk]:
    desks = Desk.objects.select_related("comune", "organisation", "ats")
    if has_role(user, Role.SUPERUSER):
        return desks
    return desks.filter(
        Q(pk__in=operated_desk_ids(user)) | Q(ats_id__in=ats_ids_for(user, Role.ATS_OPERATOR))
    )


def desks_for_office(user) -> QuerySet[Desk]:
    """The desks whose agenda and contacts a desk operator works on (their ATS)."""
    return Desk.objects.filter(ats_id__in=desk_ats_ids(user)).select_related("comune")


def contacts_visible_to(user) -> QuerySet[Contact]:
    return Contact.objects.filter(desk__ats_id__in=desk_ats_ids(user)).select_related(
        "desk", "operator", "employer_organisation", "citizen"
    )


def contacts_of_person(contacts: QuerySet[Contact], query: str) -> QuerySet[Contact]:
    """The contacts of a person, by name, e-mail (case and accents aside: "nicolo" finds
    "Nicolò") or phone (digits only, from 5): the contact's own details or its appointment's."""
    terms = fold(query[:100]).split()
    digits = re.sub(r"\D", "", query[:100])
    if not terms:
        return contacts
    columns = ("citizen_name", "citizen_email", "appointment__name", "appointment__email")
    matching = []
    for pk, phone, *texts in contacts.values_list("pk", "appointment__phone", *columns):
        text = fold(" ".join(t for t in texts if t))
        by_phone = len(digits) >= 5 and digits in re.sub(r"\D", "", phone or "")
        if by_phone or all(term in text for term in terms):
            matching.append(pk)
    return contacts.filter(pk__in=matching)


def appointments_visible_to(user) -> QuerySet[Appointment]:
    return Appointment.objects.filter(desk__ats_id__in=desk_ats_ids(user)).select_related(
        "slot", "desk", "need", "slot__operator"
    )


def follow_ups_for(user, *, today: date | None = None) -> QuerySet[Contact]:
    """The operator's to-do list: their open follow-ups, oldest due first."""
    return (
        contacts_visible_to(user)
        .filter(
            operator=user,
            follow_up_due__isnull=False,
            follow_up_done_at__isnull=True,
            anonymised_at__isnull=True,
        )
        .order_by("follow_up_due", "pk")
    )


def stats_ats_ids(user) -> set[int] | None:
    """None: every ATS."""
    if is_region_wide(user):
        return None
    return ats_ids_for(user, Role.DESK_OPERATOR, Role.ATS_OPERATOR)


def desks_for_stats(user) -> QuerySet[Desk]:
    ats_ids = stats_ats_ids(user)
    desks = Desk.objects.select_related("ats", "comune")
    return desks if ats_ids is None else desks.filter(ats_id__in=ats_ids)


@dataclass
class DeskStats:
    date_from: date
    date_to: date
    contacts: int = 0
    by_desk: list[tuple[str, int]] = field(default_factory=list)
    by_month: list[tuple[str, int]] = field(default_factory=list)
    by_need: list[tuple[str, int]] = field(default_factory=list)
    by_channel: list[tuple[str, int]] = field(default_factory=list)
    by_gender: list[tuple[str, int]] = field(default_factory=list)
    by_age: list[tuple[str, int]] = field(default_factory=list)
    referrals: list[tuple[str, int]] = field(default_factory=list)
    referral_targets: list[tuple[str, int]] = field(default_factory=list)
    appointments: int = 0
    attended: int = 0
    no_shows: int = 0
    cancelled: int = 0
    average_wait_days: float | None = None
    no_show_rate: float | None = None


def _labelled(rows, labels: dict) -> list[tuple[str, int]]:
    return [(str(labels.get(key, key)), count) for key, count in rows]


def desk_stats(user, *, date_from: date, date_to: date, desk: Desk | None = None) -> DeskStats:
    """Counts only (no personal data) over the desks the user may see, in the period."""
    desks = desks_for_stats(user)
    if desk is not None:
        desks = desks.filter(pk=desk.pk)
    tz = timezone.get_default_timezone()
    start = datetime.combine(date_from, datetime.min.time(), tz)
    end = datetime.combine(date_to + timedelta(days=1), datetime.min.time(), tz)
    contacts = Contact.objects.filter(desk__in=desks, contacted_at__gte=start, contacted_at__lt=end)
    stats = DeskStats(date_from=date_from, date_to=date_to, contacts=contacts.count())
    stats.by_desk = list(
        contacts.values_list("desk__name").annotate(n=Count("pk")).order_by("-n", "desk__name")
    )
    months: Counter[str] = Counter(
        timezone.localtime(at).strftime("%Y-%m")
        for at in contacts.values_list("contacted_at", flat=True)
    )
    stats.by_month = sorted(months.items())
    needs = {n.pk: n.name for n in Need.objects.all()}
    stats.by_need = _labelled(
        Contact.needs.through.objects.filter(contact__in=contacts)
        .values_list("need_id")
        .annotate(n=Count("pk"))
        .order_by("-n"),
        needs,
    )
    stats.by_channel = _labelled(
        contacts.values_list("channel").annotate(n=Count("pk")).order_by("-n"),
        dict(ContactChannel.choices),
    )
    stats.by_gender = _labelled(
        contacts.values_list("gender").annotate(n=Count("pk")).order_by("-n"),
        dict(GenderChoice.choices),
    )
    stats.by_age = _labelled(
        contacts.values_list("age_band").annotate(n=Count("pk")).order_by("age_band"),
        dict(AgeBand.choices),
    )
    referrals = Referral.objects.filter(contact__in=contacts)
    stats.referrals = _labelled(
        referrals.values_list("kind").annotate(n=Count("pk")).order_by("-n"),
        dict(Referral.Kind.choices),
    )
    stats.referral_targets = list(
        referrals.values_list("label").annotate(n=Count("pk")).order_by("-n", "label")[:15]
    )
    appointments = Appointment.objects.filter(
        desk__in=desks, slot__starts_at__gte=start, slot__starts_at__lt=end
    ).exclude(state=Appointment.State.PENDING)
    states = dict(appointments.values_list("state").annotate(n=Count("pk")))
    stats.appointments = sum(states.values())
    stats.attended = states.get(Appointment.State.ATTENDED, 0)
    stats.no_shows = states.get(Appointment.State.NO_SHOW, 0)
    stats.cancelled = states.get(Appointment.State.CANCELLED, 0)
    waits = [
        (starts - created).total_seconds() / 86400
        for starts, created in appointments.exclude(state=Appointment.State.CANCELLED).values_list(
            "slot__starts_at", "created_at"
        )
    ]
    if waits:
        stats.average_wait_days = round(sum(waits) / len(waits), 1)
    if stats.attended + stats.no_shows:
        stats.no_show_rate = round(100 * stats.no_shows / (stats.attended + stats.no_shows), 1)
    return stats
