"""Every state change of the help desks: one function each, in a transaction; e-mails go out
after the commit. One module a concern (desks, slots, appointments, contacts, articles,
agreements, retention, …); this package names the functions the rest of the project uses."""

from ..meetings import meeting_link
from .addresses import check_plausible_email
from .agreements import agreement_save
from .appointments import (
    appointment_book,
    appointment_cancel,
    appointment_confirm,
    appointment_forget,
    appointment_mark,
    appointment_reschedule,
    check_bookable,
    check_may_hold,
    release_unconfirmed,
    send_reminders,
)
from .articles import article_create, article_update
from .calendar import (
    ats_add_closure,
    closed_days,
    desk_add_closure,
    national_holidays,
    next_open_day,
    patron_day_save,
)
from .config import booking_weeks, confirm_hours, retention_months
from .contacts import ReferralInput, contact_follow_up_done, contact_log, notify_due_follow_ups
from .desks import (
    desk_add_operator,
    desk_remove_operator,
    desk_save,
    desk_set_hours,
)
from .links import LinkError, appointment_from_token, appointment_link, appointment_token
from .listing import sync_listing
from .retention import anonymise_old_contacts
from .slots import slot_template_create, slot_template_deactivate, slots_generate

__all__ = [
    "LinkError",
    "ReferralInput",
    "agreement_save",
    "anonymise_old_contacts",
    "appointment_book",
    "appointment_cancel",
    "appointment_confirm",
    "appointment_forget",
    "appointment_from_token",
    "appointment_link",
    "appointment_mark",
    "appointment_reschedule",
    "appointment_token",
    "article_create",
    "article_update",
    "ats_add_closure",
    "booking_weeks",
    "check_bookable",
    "check_may_hold",
    "check_plausible_email",
    "closed_days",
    "confirm_hours",
    "contact_follow_up_done",
    "contact_log",
    "desk_add_closure",
    "desk_add_operator",
    "desk_remove_operator",
    "desk_save",
    "desk_set_hours",
    "meeting_link",
    "national_holidays",
    "next_open_day",
    "notify_due_follow_ups",
    "patron_day_save",
    "release_unconfirmed",
    "retention_months",
    "send_reminders",
    "slot_template_create",
    "slot_template_deactivate",
    "slots_generate",
    "sync_listing",
]
