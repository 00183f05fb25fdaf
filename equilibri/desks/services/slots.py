"""Slots: the weekly templates of a desk and the bookable slots generated from them."""

from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from equilibri.core import audit

from ..models import Desk, Slot, SlotTemplate
from .calendar import closed_days
from .config import booking_weeks


def within_hours(desk: Desk, weekday: int, start: time, end: time) -> bool:
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
    if not within_hours(desk, weekday, start_time, end_time):
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
    closed: dict[int, dict[date, str]] = {}
    for template in templates:
        if template.desk_id not in closed:
            closed[template.desk_id] = closed_days(template.desk, today, last)
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
