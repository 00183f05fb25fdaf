"""The help desks' tunable periods, read from the settings with their defaults."""

from django.conf import settings


def booking_weeks() -> int:
    return getattr(settings, "DESK_BOOKING_WEEKS", 4)


def confirm_hours() -> int:
    """How long an unconfirmed booking (no account) holds its seat."""
    return getattr(settings, "DESK_BOOKING_CONFIRM_HOURS", 2)


def retention_months() -> int:
    return getattr(settings, "DESK_CONTACT_RETENTION_MONTHS", 24)
