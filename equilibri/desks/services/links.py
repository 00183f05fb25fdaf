"""Signed links to confirm, cancel and reschedule an appointment.

They are signed (django.core.signing) and carry the appointment's nonce: a reschedule changes
the nonce, so the old links stop working."""

from django.core import signing
from django.urls import reverse

from equilibri.core import mail

from ..models import Appointment

TOKEN_SALT = "equilibri.desks.appointment"  # noqa: S105 - a signing salt
PURPOSES = ("confirm", "cancel", "reschedule")


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
