"""Opening hours: the next opening of a service (from its weekly schedules, their validity dates
and closures, in Europe/Rome) and a readable summary of its timetable."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import groupby

from django.utils import timezone

from .cards import CardClosure, CardSchedule
from .models import Closure, Schedule, Service

HORIZON_DAYS = 400


@dataclass(frozen=True)
class Opening:
    starts: datetime.datetime
    ends: datetime.datetime
    is_now: bool


def _closed(closures: Sequence[Closure | CardClosure], day: datetime.date) -> bool:
    return any(c.location_id is None and c.date_from <= day <= c.date_to for c in closures)


def _valid(schedule: Schedule | CardSchedule, day: datetime.date) -> bool:
    return (schedule.valid_from is None or schedule.valid_from <= day) and (
        schedule.valid_to is None or day <= schedule.valid_to
    )


def next_opening(service: Service, now: datetime.datetime | None = None) -> Opening | None:
    """The current or next opening interval within about a year (None: no known opening).
    Uses the prefetched `schedules` and `closures` when present."""
    return opening_of(list(service.schedules.all()), list(service.closures.all()), now)


def opening_of(
    schedules: Sequence[Schedule | CardSchedule],
    closures: Sequence[Closure | CardClosure],
    now: datetime.datetime | None = None,
) -> Opening | None:
    """`next_opening` from the schedules and closures themselves (models or card rows)."""
    now = timezone.localtime(now)
    if not schedules:
        return None
    tz = timezone.get_current_timezone()
    by_day: dict[int, list[Schedule | CardSchedule]] = {}
    for s in schedules:
        by_day.setdefault(s.weekday, []).append(s)
    latest_end = (
        max((s.valid_to for s in schedules if s.valid_to is not None), default=None)
        if all(s.valid_to is not None for s in schedules)
        else None
    )
    today = now.date()
    for offset in range(HORIZON_DAYS):
        day = today + datetime.timedelta(days=offset)
        if latest_end is not None and day > latest_end:
            return None
        candidates = [s for s in by_day.get(day.weekday(), []) if _valid(s, day)]
        if not candidates or _closed(closures, day):
            continue
        for s in sorted(candidates, key=lambda s: s.opens_at):
            starts = datetime.datetime.combine(day, s.opens_at, tzinfo=tz)
            ends = datetime.datetime.combine(day, s.closes_at, tzinfo=tz)
            if ends <= now:
                continue
            return Opening(starts, ends, is_now=starts <= now < ends)
    return None


@dataclass(frozen=True)
class TimetableRow:
    days: str
    hours: str


@dataclass(frozen=True)
class Timetable:
    valid_from: datetime.date | None
    valid_to: datetime.date | None
    rows: list[TimetableRow]


def _day_ranges(days: list[int]) -> str:
    labels = dict(Schedule.Weekday.choices)
    parts = []
    run: list[int] = []
    for day in [*sorted(set(days)), 99]:
        if run and day == run[-1] + 1:
            run.append(day)
            continue
        if run:
            if len(run) >= 3:
                parts.append(f"{labels[run[0]]}–{labels[run[-1]]}")
            else:
                parts.extend(str(labels[d]) for d in run)
        run = [day]
    return ", ".join(parts)


def timetable(service: Service) -> list[Timetable]:
    """Schedules grouped by validity period, then by identical hours ("lunedì-venerdì 7:30")."""
    return timetable_of(list(service.schedules.all()))


def timetable_of(schedules: Sequence[Schedule | CardSchedule]) -> list[Timetable]:
    """`timetable` from the schedules themselves (models or card rows)."""
    schedules = sorted(
        schedules,
        key=lambda s: (s.valid_from or datetime.date.min, s.valid_to or datetime.date.max),
    )
    out = []
    for (valid_from, valid_to), group in groupby(
        schedules, key=lambda s: (s.valid_from, s.valid_to)
    ):
        hours_by_days: dict[str, list[int]] = {}
        for s in group:
            hours = f"{s.opens_at:%H:%M}–{s.closes_at:%H:%M}"
            hours_by_days.setdefault(hours, []).append(s.weekday)
        by_days: dict[str, list[str]] = {}
        order: list[tuple[int, str]] = []
        for hours, days in hours_by_days.items():
            key = _day_ranges(days)
            if key not in by_days:
                order.append((min(days), key))
            by_days.setdefault(key, []).append(hours)
        rows = [TimetableRow(key, ", ".join(sorted(by_days[key]))) for _d, key in sorted(order)]
        out.append(Timetable(valid_from, valid_to, rows))
    return out
