"""The desks' calendar: the days a desk is closed (Italian national holidays from the `holidays`
library, the feast of its comune's patron saint, the closures its managers add), and adding a
closure, which cancels the appointments booked in it with an e-mail to each citizen."""

from datetime import date, timedelta
from functools import lru_cache

import holidays as holiday_library
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from equilibri.territory.models import ATS

from ..models import Appointment, Desk, DeskClosure, PatronDay, Slot
from .appointment_mail import mail_closed

# A closure longer than this is a desk shutting down: deactivate it instead.
MAX_CLOSURE_DAYS = 366


@lru_cache(maxsize=16)
def national_holidays(year: int) -> dict[date, str]:
    return dict(holiday_library.country_holidays("IT", years=year, language="it").items())


def closed_days(desk: Desk, first: date, last: date) -> dict[date, str]:
    """Each day from `first` to `last` the desk is closed, with the reason."""
    days: dict[date, str] = {}
    patron = PatronDay.objects.filter(comune_id=desk.comune_id).first()
    for year in range(first.year, last.year + 1):
        for day, name in national_holidays(year).items():
            if first <= day <= last:
                days[day] = name
        feast = patron.in_year(year) if patron else None
        if feast and first <= feast <= last:
            days.setdefault(feast, patron.saint or _("Festa patronale"))  # type: ignore[union-attr]
    for closure in desk.closures.filter(end_date__gte=first, start_date__lte=last):
        day = max(closure.start_date, first)
        while day <= min(closure.end_date, last):
            days.setdefault(day, closure.reason or _("Chiusura"))
            day += timedelta(days=1)
    return days


def next_open_day(desk: Desk, after: date) -> date:
    """The first day after `after` that is not a holiday or a closure of the desk (opening
    hours aside)."""
    closed = closed_days(desk, after, after + timedelta(days=MAX_CLOSURE_DAYS + 31))
    day = after + timedelta(days=1)
    while day in closed:
        day += timedelta(days=1)
    return day


@transaction.atomic
def desk_add_closure(
    *, desk: Desk, start_date: date, end_date: date, reason: str, by
) -> tuple[DeskClosure, list[Appointment]]:
    """Closes the desk from `start_date` to `end_date`: its free slots there disappear and the
    appointments booked there are cancelled, each citizen told by e-mail (with the link to book
    another time). Returns the closure and the cancelled appointments."""
    from .appointments import appointment_cancel

    closure = DeskClosure(desk=desk, start_date=start_date, end_date=end_date, reason=reason)
    closure.full_clean()
    if (end_date - start_date).days >= MAX_CLOSURE_DAYS:
        raise ValidationError(
            {
                "end_date": _(
                    "Una chiusura dura al massimo un anno: per chiudere lo sportello, disattivalo."
                )
            }
        )
    closure.save()
    affected = Appointment.objects.filter(
        desk=desk,
        state__in=[Appointment.State.PENDING, Appointment.State.BOOKED],
        slot__starts_at__date__gte=start_date,
        slot__starts_at__date__lte=end_date,
    ).select_related("slot", "desk", "desk__comune")
    cancelled = []
    for appointment in affected:
        appointment_cancel(appointment=appointment, by=by, notify=False)
        if appointment.anonymised_at is None:
            mail_closed(appointment, closure)
        cancelled.append(appointment)
    # Free slots without any appointment go; the others stay (their history) but are not
    # offered: bookable_slots and check_bookable skip closed days.
    Slot.objects.filter(
        desk=desk,
        starts_at__date__gte=start_date,
        starts_at__date__lte=end_date,
        booked=0,
        appointments__isnull=True,
    ).delete()
    return closure, cancelled


@transaction.atomic
def ats_add_closure(
    *, ats: ATS, start_date: date, end_date: date, reason: str, by
) -> tuple[list[DeskClosure], list[Appointment]]:
    """The same closure on every active desk of the ATS (e.g. Christmas week)."""
    closures, cancelled = [], []
    for desk in Desk.objects.filter(ats=ats, active=True).select_related("comune"):
        closure, gone = desk_add_closure(
            desk=desk, start_date=start_date, end_date=end_date, reason=reason, by=by
        )
        closures.append(closure)
        cancelled += gone
    return closures, cancelled


@transaction.atomic
def patron_day_save(*, desk: Desk, month: int | None, day: int | None, saint: str, by) -> None:
    """Sets (or, without a date, removes) the patron saint's feast of the desk's comune."""
    if not month or not day:
        PatronDay.objects.filter(comune_id=desk.comune_id).delete()
        return
    patron = PatronDay.objects.filter(comune_id=desk.comune_id).first() or PatronDay(
        comune_id=desk.comune_id
    )
    patron.month, patron.day, patron.saint = month, day, saint.strip()
    patron.full_clean()
    patron.save()
