"""Appointments: booking, confirming, cancelling, rescheduling and marking them, and the jobs
that release unconfirmed bookings and send the reminders.

Booking takes a seat with a conditional UPDATE (`booked < capacity`): whoever runs it second on
the last seat updates no row and gets a clear "already full" message, on SQLite and PostgreSQL
alike."""

import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from equilibri.core import audit

from ..models import Appointment, Channel, Desk, Need, Slot
from .addresses import check_plausible_email
from .appointment_mail import (
    mail_cancelled,
    mail_confirmation_request,
    mail_confirmed,
    mail_reminder,
    when_text,
)
from .calendar import closed_days
from .config import confirm_hours
from .retention import anonymise_appointments
from .slots import within_hours


def check_bookable(slot: Slot, *, now: datetime | None = None) -> None:
    now = now or timezone.now()
    if slot.starts_at <= now:
        raise ValidationError(
            {"slot": _("Questo orario è già passato: scegline uno dei prossimi giorni.")}
        )
    desk = slot.desk
    if not desk.active:
        raise ValidationError({"slot": _("Questo sportello non riceve prenotazioni.")})
    local_start = timezone.localtime(slot.starts_at)
    local_end = timezone.localtime(slot.ends_at)
    if not within_hours(desk, local_start.weekday(), local_start.time(), local_end.time()):
        raise ValidationError(
            {"slot": _("Questo orario è fuori dall'orario di apertura dello sportello.")}
        )
    if local_start.date() in closed_days(desk, local_start.date(), local_start.date()):
        raise ValidationError({"slot": _("Lo sportello è chiuso in quel giorno.")})
    if slot.channel not in desk.channels:
        raise ValidationError({"slot": _("Lo sportello non offre più questo canale.")})


def check_channel_needs(slot: Slot, phone: str) -> None:
    """Each channel needs its way to reach the citizen: a phone appointment a number to call
    (the e-mail address every booking has; a video call's link goes to it)."""
    if slot.channel == Channel.PHONE and not phone.strip():
        raise ValidationError(
            {
                "phone": _(
                    "Per un colloquio al telefono scrivi il numero al quale chiamarti, oppure "
                    "scegli un orario in presenza o in videochiamata."
                )
            }
        )


def _take_seat(slot_id: int) -> None:
    """The conditional UPDATE: one row changes only while a seat is free."""
    taken = Slot.objects.filter(pk=slot_id, booked__lt=F("capacity")).update(booked=F("booked") + 1)
    if not taken:
        raise ValidationError(
            {"slot": _("Questo orario è appena stato occupato: scegline un altro.")}
        )
    _log_seats(slot_id, 1)


def _log_seats(slot_id: int, change: int) -> None:
    """The seat count moves by conditional UPDATEs (two bookings never take the last seat
    twice), which auditlog does not see."""
    audit.log_bulk(Slot, [slot_id], audit.UPDATE, fields=["booked"], data={"booked": change})


def _release_seat(slot_id: int) -> None:
    if Slot.objects.filter(pk=slot_id, booked__gt=0).update(booked=F("booked") - 1):
        _log_seats(slot_id, -1)


def check_may_hold(*, desk: Desk, email: str, requester_ip: str | None) -> None:
    """A booking without an account holds a seat for free until it is confirmed or lapses, so
    one requester (the same e-mail or client address) may hold only a few at a time
    (DESK_PENDING_PER_EMAIL, DESK_PENDING_PER_IP), and may not hold a seat at a desk again for
    DESK_HOLD_COOLDOWN_HOURS after one there lapsed unconfirmed: holds cannot be renewed."""
    now = timezone.now()
    cooldown = timedelta(hours=settings.DESK_HOLD_COOLDOWN_HOURS)
    late = now - timedelta(hours=confirm_hours())
    same_requester = Q(email__iexact=email)
    if requester_ip:
        same_requester |= Q(requester_ip=requester_ip)
    lapsed = Appointment.objects.filter(same_requester, desk=desk).filter(
        Q(lapsed_at__gte=now - cooldown)
        # Late but not yet released (release_unconfirmed runs every quarter of an hour).
        | Q(state=Appointment.State.PENDING, created_at__lt=late)
    )
    if lapsed.exists():
        ends = [a.lapsed_at or now for a in lapsed.only("lapsed_at")]
        until = max(ends) + cooldown
        raise ValidationError(
            _(
                "Una tua prenotazione a questo sportello è scaduta da poco senza conferma: puoi "
                "prenotare di nuovo a partire da %(when)s, oppure subito accedendo con il tuo "
                "account."
            )
            % {"when": when_text(until)}
        )
    # Late ones too: they hold their seat until release_unconfirmed runs.
    pending = Appointment.objects.filter(state=Appointment.State.PENDING)
    if pending.filter(email__iexact=email).count() >= settings.DESK_PENDING_PER_EMAIL:
        raise ValidationError(
            _(
                "Hai già prenotazioni da confermare con questo indirizzo e-mail: conferma quelle "
                "con il link che ti abbiamo inviato, oppure accedi con il tuo account per "
                "prenotare senza conferma."
            )
        )
    if requester_ip and (
        pending.filter(requester_ip=requester_ip).count() >= settings.DESK_PENDING_PER_IP
    ):
        raise ValidationError(
            _(
                "Da questa connessione ci sono già troppe prenotazioni da confermare: confermale "
                "con il link ricevuto per e-mail, oppure accedi con il tuo account per prenotare "
                "senza conferma."
            )
        )


def appointment_book(**kwargs) -> Appointment:
    """Books a seat (see `_appointment_book`). On SQLite a writer that finds the database
    locked by another booking (shared-cache connections do not wait for the busy timeout) tries
    again a few times, so a lost race ends in "already full", never in a database error."""
    from django.db import OperationalError, connection

    attempts = 1 if connection.in_atomic_block or connection.vendor != "sqlite" else 20
    for attempt in range(attempts):
        try:
            return _appointment_book(**kwargs)
        except OperationalError as error:
            if "locked" not in str(error) or attempt == attempts - 1:
                raise
            import time as time_module

            time_module.sleep(0.05 * (attempt + 1))
    raise AssertionError("unreachable")


@transaction.atomic
def _appointment_book(
    *,
    slot: Slot,
    name: str,
    email: str,
    topic: str,
    need: Need | None = None,
    phone: str = "",
    user=None,
    requester_ip: str | None = None,
) -> Appointment:
    """Books a seat. Signed-in citizens are booked at once; without an account the booking
    waits for the confirmation link sent to the address (the seat is held meanwhile, within the
    limits of `check_may_hold`; `requester_ip` is the client's address)."""
    slot = Slot.objects.select_related("desk", "desk__comune").get(pk=slot.pk)
    check_bookable(slot)
    if user is not None and user.is_authenticated:
        email = user.email
    else:
        user = None
    email = check_plausible_email(email)
    if Appointment.objects.filter(
        slot=slot,
        email__iexact=email,
        state__in=[Appointment.State.PENDING, Appointment.State.BOOKED],
    ).exists():
        raise ValidationError(
            {"slot": _("Hai già una prenotazione in questo orario con questo indirizzo e-mail.")}
        )
    check_channel_needs(slot, phone)
    if user is None:
        check_may_hold(desk=slot.desk, email=email, requester_ip=requester_ip)
    _take_seat(slot.pk)
    appointment = Appointment.objects.create(
        slot=slot,
        desk=slot.desk,
        user=user,
        name=name.strip(),
        email=email,
        phone=phone.strip(),
        topic=topic.strip(),
        need=need,
        link_nonce=secrets.token_hex(8),
        state=Appointment.State.BOOKED if user else Appointment.State.PENDING,
        confirmed_at=timezone.now() if user else None,
        requester_ip=None if user else requester_ip,
    )
    if user:
        mail_confirmed(appointment)
    else:
        mail_confirmation_request(appointment)
    return appointment


@transaction.atomic
def appointment_confirm(*, appointment: Appointment) -> Appointment:
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if appointment.state != Appointment.State.PENDING:
        raise ValidationError(_("Questa prenotazione non è più da confermare."))
    appointment.state = Appointment.State.BOOKED
    appointment.confirmed_at = timezone.now()
    appointment.requester_ip = None  # needed only while the seat is held unconfirmed
    appointment.save(update_fields=["state", "confirmed_at", "requester_ip"])
    mail_confirmed(appointment)
    return appointment


@transaction.atomic
def appointment_cancel(*, appointment: Appointment, by=None, notify: bool = True) -> Appointment:
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if not appointment.holds_seat:
        raise ValidationError(_("Questo appuntamento è già stato annullato o si è già svolto."))
    was_booked = appointment.state == Appointment.State.BOOKED
    _release_seat(appointment.slot_id)
    appointment.state = Appointment.State.CANCELLED
    appointment.cancelled_at = timezone.now()
    appointment.sequence += 1
    appointment.save(update_fields=["state", "cancelled_at", "sequence"])
    if notify and was_booked and appointment.anonymised_at is None:
        mail_cancelled(appointment)
    return appointment


@transaction.atomic
def appointment_reschedule(*, appointment: Appointment, slot: Slot) -> Appointment:
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if not appointment.holds_seat:
        raise ValidationError(_("Questo appuntamento è già stato annullato o si è già svolto."))
    slot = Slot.objects.select_related("desk", "desk__comune").get(pk=slot.pk)
    if slot.pk == appointment.slot_id:
        raise ValidationError({"slot": _("È l'orario che hai già: scegline un altro.")})
    if slot.desk_id != appointment.desk_id:
        raise ValidationError({"slot": _("Scegli un orario dello stesso sportello.")})
    check_bookable(slot)
    check_channel_needs(slot, appointment.phone)
    _take_seat(slot.pk)
    _release_seat(appointment.slot_id)
    appointment.slot = slot
    appointment.link_nonce = secrets.token_hex(8)  # the old links stop working
    appointment.sequence += 1
    appointment.reminded_at = None
    appointment.save(update_fields=["slot", "link_nonce", "sequence", "reminded_at"])
    if appointment.state == Appointment.State.BOOKED:
        mail_confirmed(appointment, rescheduled=True)
    else:
        mail_confirmation_request(appointment)
    return appointment


@transaction.atomic
def appointment_mark(*, appointment: Appointment, state: str, by) -> Appointment:
    """The operator records how it went: attended or no-show (once the time has come)."""
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if state not in {Appointment.State.ATTENDED, Appointment.State.NO_SHOW}:
        raise ValidationError(_("Stato non valido."))
    if appointment.state not in {
        Appointment.State.BOOKED,
        Appointment.State.ATTENDED,
        Appointment.State.NO_SHOW,
    }:
        raise ValidationError(_("Solo gli appuntamenti confermati si possono segnare."))
    if appointment.slot.starts_at > timezone.now():
        raise ValidationError(
            _("L'appuntamento non è ancora iniziato: potrai segnarlo dopo l'orario previsto.")
        )
    appointment.state = state
    appointment.save(update_fields=["state"])
    return appointment


@transaction.atomic
def appointment_forget(*, appointment: Appointment, user) -> None:
    """A citizen deletes their appointment: a future one is cancelled (the seat goes back), and
    the personal details are erased; what remains counts only in the statistics."""
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk, user=user)
    if appointment.holds_seat:
        appointment_cancel(appointment=appointment, by=user, notify=False)
        appointment.refresh_from_db()
    anonymise_appointments(Appointment.objects.filter(pk=appointment.pk), timezone.now())


@transaction.atomic
def release_unconfirmed(*, now: datetime | None = None) -> int:
    """Bookings never confirmed within DESK_BOOKING_CONFIRM_HOURS give their seat back; they
    are marked lapsed, which starts the requester's cool-down (`check_may_hold`)."""
    now = now or timezone.now()
    stale = Appointment.objects.filter(
        state=Appointment.State.PENDING, created_at__lt=now - timedelta(hours=confirm_hours())
    )
    lapsed = []
    for appointment in stale:
        appointment_cancel(appointment=appointment, notify=False)
        Appointment.objects.filter(pk=appointment.pk).update(lapsed_at=now)
        lapsed.append(appointment.pk)
    audit.log_bulk(Appointment, lapsed, audit.UPDATE, changes={"lapsed_at": (None, now)})
    return len(lapsed)


def send_reminders(*, now: datetime | None = None) -> int:
    """The day before: one reminder to each confirmed appointment of tomorrow."""
    now = now or timezone.now()
    tomorrow = timezone.localtime(now).date() + timedelta(days=1)
    count = 0
    due = Appointment.objects.filter(
        state=Appointment.State.BOOKED,
        reminded_at__isnull=True,
        slot__starts_at__date=tomorrow,
    ).select_related("slot", "desk", "desk__comune")
    for appointment in due:
        with transaction.atomic():
            updated = Appointment.objects.filter(
                pk=appointment.pk, reminded_at__isnull=True
            ).update(reminded_at=now)
            if updated:
                audit.log_bulk(
                    Appointment,
                    [appointment.pk],
                    audit.UPDATE,
                    changes={"reminded_at": (None, now)},
                )
                mail_reminder(appointment)
                count += 1
    return count
