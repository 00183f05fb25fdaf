"""The e-mails about an appointment, sent to the address it was booked with."""

from datetime import datetime

from django.utils import timezone
from django.utils.formats import date_format

from equilibri.core import mail

from ..ical import appointment_ics
from ..meetings import meeting_link
from ..models import Appointment, DeskClosure
from .config import confirm_hours
from .links import appointment_link


def when_text(value: datetime) -> str:
    return date_format(timezone.localtime(value), "l j F Y, H:i")


def _mail_appointment(appointment: Appointment, template: str, *, ics: str = "", **context) -> None:
    """An e-mail about an appointment to the address it was booked with (there may be no
    account), with its summary and, for a confirmed or cancelled one, the .ics."""
    mail.send(
        appointment.email,
        f"desks/mail/{template}",
        {
            "appointment": appointment,
            "when": when_text(appointment.slot.starts_at),
            "meeting_link": meeting_link(appointment),
            **context,
        },
        attachments=[mail.Attachment("appuntamento.ics", ics, "text/calendar")] if ics else (),
    )


def _address(appointment: Appointment) -> str:
    desk = appointment.desk
    return ", ".join(p for p in [desk.address, desk.comune.name] if p)


def mail_confirmation_request(appointment: Appointment) -> None:
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


def mail_confirmed(appointment: Appointment, *, rescheduled: bool = False) -> None:
    _mail_appointment(
        appointment,
        "confirmed",
        ics=appointment_ics(appointment),
        rescheduled=rescheduled,
        **_links(appointment),
    )


def mail_cancelled(appointment: Appointment) -> None:
    _mail_appointment(
        appointment,
        "cancelled",
        ics=appointment_ics(appointment, cancelled=True),
        address=_address(appointment),
    )


def mail_reminder(appointment: Appointment) -> None:
    _mail_appointment(appointment, "reminder", **_links(appointment))


def mail_closed(appointment: Appointment, closure: DeskClosure) -> None:
    """The desk closes on the appointment's day: it is cancelled, and the citizen may book
    another time."""
    _mail_appointment(
        appointment,
        "closed",
        ics=appointment_ics(appointment, cancelled=True),
        address=_address(appointment),
        closure=closure,
    )
