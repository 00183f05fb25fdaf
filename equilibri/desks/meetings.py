"""The address of a video appointment's call, from the desk's link: a fixed room, or a pattern
where `{desk}` and `{token}` stand for the desk and the appointment, so each appointment gets a
room of its own (e.g. `https://meet.example.org/{desk}-{token}`)."""

import re

from django.utils.crypto import salted_hmac
from django.utils.text import slugify

from .models import Appointment, Channel

PLACEHOLDERS = ("{desk}", "{token}")
_PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def unknown_placeholders(pattern: str) -> list[str]:
    return [found for found in _PLACEHOLDER.findall(pattern) if found not in PLACEHOLDERS]


def meeting_link(appointment: Appointment) -> str:
    """The call's address of a video appointment; "" for other channels or without a link."""
    pattern = appointment.desk.video_link
    if appointment.slot.channel != Channel.VIDEO or not pattern:
        return ""
    # Keyed with the site's secret: the room cannot be guessed from the appointment's UID,
    # which calendar files carry.
    token = salted_hmac("desks.meeting", str(appointment.uid)).hexdigest()[:16]
    desk = slugify(appointment.desk.name)[:40] or str(appointment.desk_id)
    return pattern.replace("{desk}", desk).replace("{token}", token)
