"""iCalendar (RFC 5545) for an appointment: one VEVENT with Europe/Rome local times (and the
VTIMEZONE that defines them), a stable UID and a SEQUENCE that grows with each change, so
calendar apps update or remove the same event on reschedule or cancellation."""

from datetime import UTC, datetime

from django.conf import settings
from django.utils import timezone

from .models import Appointment

PRODID = "-//Equilibri//Sportelli conciliazione//IT"
TZID = "Europe/Rome"
VTIMEZONE = [
    "BEGIN:VTIMEZONE",
    f"TZID:{TZID}",
    "BEGIN:DAYLIGHT",
    "TZOFFSETFROM:+0100",
    "TZOFFSETTO:+0200",
    "TZNAME:CEST",
    "DTSTART:19700329T020000",
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
    "END:DAYLIGHT",
    "BEGIN:STANDARD",
    "TZOFFSETFROM:+0200",
    "TZOFFSETTO:+0100",
    "TZNAME:CET",
    "DTSTART:19701025T030000",
    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
    "END:STANDARD",
    "END:VTIMEZONE",
]


def escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space."""
    encoded = line.encode("utf-8")
    if len(encoded) <= 75:
        return line
    parts: list[str] = []
    current = b""
    for char in line:
        piece = char.encode("utf-8")
        if len(current) + len(piece) > (75 if not parts else 74):
            parts.append(current.decode("utf-8"))
            current = b""
        current += piece
    parts.append(current.decode("utf-8"))
    return "\r\n ".join(parts)


def _local(value: datetime) -> str:
    return timezone.localtime(value, timezone.get_default_timezone()).strftime("%Y%m%dT%H%M%S")


def _utc(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def appointment_ics(appointment: Appointment, *, cancelled: bool = False) -> str:
    slot, desk = appointment.slot, appointment.desk
    host = settings.SITE_URL.split("://")[-1].split("/")[0].split(":")[0] or "equilibri"
    summary = f"{desk.name} — {slot.get_channel_display()}"
    where = ", ".join(part for part in [desk.address, desk.comune.name] if part)
    if slot.channel != "in_person":
        where = str(slot.get_channel_display())
    description = appointment.topic
    if desk.phone:
        description += f"\n{desk.phone}"
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        f"METHOD:{'CANCEL' if cancelled else 'PUBLISH'}",
        *VTIMEZONE,
        "BEGIN:VEVENT",
        f"UID:{appointment.uid}@{host}",
        f"SEQUENCE:{appointment.sequence}",
        f"DTSTAMP:{_utc(timezone.now())}",
        f"DTSTART;TZID={TZID}:{_local(slot.starts_at)}",
        f"DTEND;TZID={TZID}:{_local(slot.ends_at)}",
        f"SUMMARY:{escape(summary)}",
        f"LOCATION:{escape(where)}",
        f"DESCRIPTION:{escape(description)}",
        f"STATUS:{'CANCELLED' if cancelled else 'CONFIRMED'}",
    ]
    if desk.email:
        name = desk.name.replace('"', "")
        lines.append(f'ORGANIZER;CN="{name}":mailto:{desk.email}')
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "\r\n".join(fold(line) for line in lines) + "\r\n"
