"""iCalendar (RFC 5545) for an appointment: one VEVENT with Europe/Rome local times (and the
VTIMEZONE that defines them), a stable UID and a SEQUENCE that grows with each change, so
calendar apps update or remove the same event on reschedule or cancellation.

Written with `icalendar`, never by hand: what a citizen or an operator typed (the topic, a desk's
name or address) is escaped and folded by the library, so a line break of any kind (CR, LF, CRLF)
stays inside its property's text and cannot start a property of its own."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from icalendar import (
    Calendar,
    Event,
    Timezone,
    TimezoneDaylight,
    TimezoneStandard,
    vCalAddress,
)

from .meetings import meeting_link
from .models import Appointment

PRODID = "-//Equilibri//Sportelli conciliazione//IT"
TZID = "Europe/Rome"


def _vtimezone() -> Timezone:
    """Europe/Rome as two yearly rules (CET/CEST since 1996), the compact form every calendar
    app reads, instead of a list of past transitions."""
    zone = Timezone()
    zone.add("tzid", TZID)
    for kind, name, start, month, before, after in (
        (TimezoneDaylight, "CEST", datetime(1970, 3, 29, 2), 3, 1, 2),
        (TimezoneStandard, "CET", datetime(1970, 10, 25, 3), 10, 2, 1),
    ):
        rule = kind()
        rule.add("tzoffsetfrom", timedelta(hours=before))
        rule.add("tzoffsetto", timedelta(hours=after))
        rule.add("tzname", name)
        rule.add("dtstart", start)
        rule.add("rrule", {"freq": "yearly", "bymonth": month, "byday": "-1SU"})
        zone.add_component(rule)
    return zone


def appointment_ics(appointment: Appointment, *, cancelled: bool = False) -> str:
    slot, desk = appointment.slot, appointment.desk
    rome = ZoneInfo(TZID)
    host = settings.SITE_URL.split("://")[-1].split("/")[0].split(":")[0] or "equilibri"
    where = ", ".join(part for part in [desk.address, desk.comune.name] if part)
    link = meeting_link(appointment)
    if slot.channel != "in_person":
        where = link or str(slot.get_channel_display())
    description = appointment.topic
    if link:
        description += f"\n{link}"
    if desk.phone:
        description += f"\n{desk.phone}"

    calendar = Calendar()
    calendar.add("version", "2.0")
    calendar.add("prodid", PRODID)
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "CANCEL" if cancelled else "PUBLISH")
    calendar.add_component(_vtimezone())

    event = Event()
    event.add("uid", f"{appointment.uid}@{host}")
    event.add("sequence", appointment.sequence)
    event.add("dtstamp", timezone.now().astimezone(UTC))
    event.add("dtstart", timezone.localtime(slot.starts_at, rome))
    event.add("dtend", timezone.localtime(slot.ends_at, rome))
    event.add("summary", f"{desk.name} — {slot.get_channel_display()}")
    event.add("location", where)
    event.add("description", description)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    if link:
        event.add("url", link)
    if desk.email:
        organizer = vCalAddress(f"mailto:{desk.email}")
        organizer.params["cn"] = desk.name
        event.add("organizer", organizer)
    calendar.add_component(event)
    return calendar.to_ical().decode("utf-8")
