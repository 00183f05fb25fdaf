"""Desks: their data, opening hours and operators (closures: calendar.py)."""

from collections.abc import Iterable
from datetime import time

from django.db import transaction

from ..models import Desk, DeskOperator, OpeningHours
from .listing import sync_listing

DESK_FIELDS = ("ats", *Desk.EDITABLE_FIELDS)


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
def desk_add_operator(*, desk: Desk, user, by) -> DeskOperator:
    operator, _created = DeskOperator.objects.get_or_create(desk=desk, user=user)
    return operator


@transaction.atomic
def desk_remove_operator(*, operator: DeskOperator, by) -> None:
    operator.delete()
