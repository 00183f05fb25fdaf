"""Booking, capacity (with a real race), iCal, the signed links, reminders, the citizen's data."""

import json
import threading
from datetime import datetime, time, timedelta

import pytest
from auditlog.models import LogEntry
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from equilibri.desks import services
from equilibri.desks.models import Appointment, Desk, Slot
from tests.audit import last_entry, logged_ids

pytestmark = pytest.mark.django_db

ERBA = "Sportello conciliazione di Erba"


def erba() -> Desk:
    return Desk.objects.get(name=ERBA)


def first_open_day(desk: Desk | None = None):
    """Tomorrow, unless it is a holiday or a closure of the desk: the demo's promise."""
    return services.next_open_day(desk or erba(), timezone.localdate())


def tomorrow_at_ten(desk: Desk | None = None, channel: str = "in_person") -> Slot:
    """10:00 on the desk's next open day (tomorrow on working days)."""
    desk = desk or erba()
    start = datetime.combine(first_open_day(desk), time(10), timezone.get_default_timezone())
    return Slot.objects.get(desk=desk, starts_at=start, channel=channel)


def book(slot: Slot, email: str = "maria.rossi@posta.it", **kwargs) -> Appointment:
    kwargs.setdefault("name", "Maria Rossi")
    kwargs.setdefault("topic", "Congedo")
    return services.appointment_book(slot=slot, email=email, **kwargs)


def link_in(message, name: str) -> str:
    marker = {"confirm": "/conferma/", "cancel": "/annulla/", "reschedule": "/sposta/"}[name]
    for word in message.body.split():
        if marker in word:
            return "/" + word.split("://", 1)[1].split("/", 1)[1]
    raise AssertionError(f"no {name} link in {message.body}")


def test_demo_has_tomorrow_ten_free():
    slot = tomorrow_at_ten()
    assert slot.free == 1


def test_booking_without_account_waits_for_the_e_mail_confirmation(client):
    slot = tomorrow_at_ten()
    response = client.post(
        reverse("desks_public:book", args=[slot.desk_id]),
        {
            "slot": slot.pk,
            "name": "Maria Rossi",
            "email": "maria.rossi@posta.it",
            "topic": "Vorrei sapere del congedo parentale",
            "privacy": "on",
        },
    )
    assert response.status_code == 302
    appointment = Appointment.objects.get(email="maria.rossi@posta.it")
    assert appointment.state == Appointment.State.PENDING
    slot.refresh_from_db()
    assert slot.booked == 1  # the seat is held meanwhile
    assert len(mail.outbox) == 1
    confirm = link_in(mail.outbox[0], "confirm")
    assert client.get(confirm).status_code == 200
    page = client.post(confirm)
    assert page.status_code == 200
    appointment.refresh_from_db()
    assert appointment.state == Appointment.State.BOOKED
    confirmed = mail.outbox[-1]
    assert confirmed.attachments[0][0] == "appuntamento.ics"
    assert confirmed.attachments[0][2] == "text/calendar"


def test_signed_in_citizen_is_booked_at_once(login, user_of):
    slot = tomorrow_at_ten()
    client = login("cittadina")
    response = client.post(
        reverse("desks_public:book", args=[slot.desk_id]),
        {"slot": slot.pk, "name": "Chiara", "topic": "Nidi", "privacy": "on"},
    )
    assert response.status_code == 302
    appointment = Appointment.objects.get(user=user_of("cittadina"))
    assert appointment.state == Appointment.State.BOOKED
    assert appointment.email == user_of("cittadina").email
    assert "BEGIN:VCALENDAR" in mail.outbox[0].attachments[0][1]


def test_ical_has_rome_times_uid_and_is_well_formed():
    appointment = book(tomorrow_at_ten())
    services.appointment_confirm(appointment=appointment)
    from equilibri.desks.ical import appointment_ics

    ics = appointment_ics(appointment)
    day = first_open_day().strftime("%Y%m%d")
    assert f"DTSTART;TZID=Europe/Rome:{day}T100000" in ics
    assert f"DTEND;TZID=Europe/Rome:{day}T103000" in ics
    assert f"UID:{appointment.uid}@" in ics
    assert "BEGIN:VTIMEZONE" in ics and "TZID:Europe/Rome" in ics
    assert all(len(line.encode()) <= 75 for line in ics.split("\r\n"))
    assert ics.endswith("\r\n")
    cancelled = appointment_ics(appointment, cancelled=True)
    assert "METHOD:CANCEL" in cancelled and "STATUS:CANCELLED" in cancelled


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("mario", "non è un indirizzo e-mail valido"),
        ("mario@gmial.com", "forse intendevi mario@gmail.com"),
        ("mario@example.com", "non può ricevere e-mail"),
        ("mario@posta.test", "non può ricevere e-mail"),
        ("mario@localhost", "non può ricevere e-mail"),
    ],
)
def test_implausible_e_mails_are_refused_with_a_clear_message(client, email, message):
    slot = tomorrow_at_ten()
    response = client.post(
        reverse("desks_public:book", args=[slot.desk_id]),
        {"slot": slot.pk, "name": "Mario", "email": email, "topic": "x", "privacy": "on"},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Appointment.objects.filter(slot=slot).exists()
    slot.refresh_from_db()
    assert slot.booked == 0


def test_past_full_and_out_of_hours_slots_are_refused(client):
    desk = erba()
    slot = tomorrow_at_ten()
    book(slot)
    with pytest.raises(ValidationError, match="appena stato occupato"):
        book(slot, email="altra.persona@posta.it")
    past = Slot.objects.create(
        desk=desk,
        starts_at=timezone.now() - timedelta(hours=2),
        ends_at=timezone.now() - timedelta(hours=1, minutes=30),
        channel="in_person",
    )
    with pytest.raises(ValidationError, match="già passato"):
        book(past)
    night_start = datetime.combine(
        timezone.localdate() + timedelta(days=1), time(22), timezone.get_default_timezone()
    )
    night = Slot.objects.create(
        desk=desk,
        starts_at=night_start,
        ends_at=night_start + timedelta(minutes=30),
        channel="in_person",
    )
    with pytest.raises(ValidationError, match="fuori dall'orario"):
        book(night)
    # Through the form: a clear message on the page, what was typed is kept.
    response = client.post(
        reverse("desks_public:book", args=[desk.pk]),
        {
            "slot": slot.pk,
            "name": "Luca Bianchi",
            "email": "luca@posta.it",
            "topic": "x",
            "privacy": "on",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "appena stato occupato" in page
    assert "Luca Bianchi" in page


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_people_racing_for_the_last_seat_get_it_once():
    slot = tomorrow_at_ten()
    barrier = threading.Barrier(2)
    results: list[str] = []

    def attempt(n: int) -> None:
        from django.db import connections

        try:
            barrier.wait(timeout=10)
            services.appointment_book(
                slot=slot, name=f"Persona {n}", email=f"persona{n}@posta.it", topic="x"
            )
            results.append("ok")
        except ValidationError:
            results.append("full")
        except Exception as error:
            results.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(results) == ["full", "ok"], results
    slot.refresh_from_db()
    assert slot.booked == 1
    assert Appointment.objects.filter(slot=slot).count() == 1
    assert connection.vendor in {"sqlite", "postgresql"}


def test_cancel_link_works_once_then_says_so(client):
    appointment = book(tomorrow_at_ten())
    services.appointment_confirm(appointment=appointment)
    appointment.refresh_from_db()
    url = reverse(
        "desks_public:appointment_cancel", args=[services.appointment_token(appointment, "cancel")]
    )
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 200
    appointment.refresh_from_db()
    assert appointment.state == Appointment.State.CANCELLED
    assert appointment.slot.booked == 0
    assert "METHOD:CANCEL" in mail.outbox[-1].attachments[0][1]
    again = client.post(url)
    assert again.status_code == 410
    assert "già stato annullato" in again.content.decode()


def test_forged_or_wrong_purpose_links_get_a_clear_page(client):
    appointment = book(tomorrow_at_ten())
    token = services.appointment_token(appointment, "confirm")
    forged = token[:-3] + ("abc" if not token.endswith("abc") else "xyz")
    for url in [
        reverse("desks_public:appointment_cancel", args=[forged]),
        reverse("desks_public:appointment_cancel", args=[token]),  # a confirm token used to cancel
        reverse("desks_public:appointment_confirm", args=["garbage"]),
    ]:
        response = client.post(url)
        assert response.status_code == 400
        assert "Link non valido" in response.content.decode()


def test_reschedule_moves_the_seat_and_retires_old_links(client):
    appointment = book(tomorrow_at_ten())
    services.appointment_confirm(appointment=appointment)
    appointment.refresh_from_db()
    old_cancel = reverse(
        "desks_public:appointment_cancel", args=[services.appointment_token(appointment, "cancel")]
    )
    url = reverse(
        "desks_public:appointment_reschedule",
        args=[services.appointment_token(appointment, "reschedule")],
    )
    other = Slot.objects.filter(desk=appointment.desk, booked=0).exclude(pk=appointment.slot_id)
    target = other.filter(starts_at__gt=appointment.slot.starts_at).first()
    response = client.post(url, {"slot": target.pk})
    assert response.status_code == 200
    appointment.refresh_from_db()
    assert appointment.slot_id == target.pk
    assert Slot.objects.get(pk=target.pk).booked == 1
    assert tomorrow_at_ten().booked == 0
    assert appointment.sequence == 1
    assert client.post(old_cancel).status_code == 410


def test_reminders_go_once_the_day_before():
    appointment = book(tomorrow_at_ten())
    services.appointment_confirm(appointment=appointment)
    mail.outbox.clear()
    the_day_before = appointment.slot.starts_at - timedelta(days=1)
    assert services.send_reminders(now=the_day_before) == 1
    assert services.send_reminders(now=the_day_before) == 0
    assert len(mail.outbox) == 1
    assert "domani" in mail.outbox[0].body
    # Unconfirmed bookings get no reminder.
    pending = book(Slot.objects.filter(desk=appointment.desk, booked=0).first(), email="x@posta.it")
    assert pending.state == Appointment.State.PENDING


def test_unconfirmed_bookings_release_their_seat():
    appointment = book(tomorrow_at_ten())
    assert services.release_unconfirmed(now=timezone.now() + timedelta(hours=3)) == 1
    appointment.refresh_from_db()
    assert appointment.state == Appointment.State.CANCELLED
    assert tomorrow_at_ten().booked == 0


def test_operator_marks_attended_only_after_the_start(login, user_of):
    appointment = book(tomorrow_at_ten())
    services.appointment_confirm(appointment=appointment)
    client = login("sportello.erba")
    url = reverse("desks:appointment_mark", args=[appointment.pk])
    client.post(url, {"state": "attended"})
    appointment.refresh_from_db()
    assert appointment.state == Appointment.State.BOOKED  # not yet
    past = Appointment.objects.get(desk=appointment.desk, state="no_show")
    client.post(reverse("desks:appointment_mark", args=[past.pk]), {"state": "attended"})
    past.refresh_from_db()
    assert past.state == Appointment.State.ATTENDED
    # Another ATS's operator cannot touch it.
    other = login("sportello.lybra")
    response = other.post(reverse("desks:appointment_mark", args=[past.pk]), {"state": "no_show"})
    assert response.status_code == 404


def test_agenda_by_day_and_week(login):
    appointment = book(tomorrow_at_ten(), name="Giulia Verdi")
    client = login("sportello.erba")
    day = first_open_day().isoformat()
    page = client.get(reverse("desks:agenda"), {"giorno": day}).content.decode()
    assert "Giulia Verdi" in page
    week = client.get(
        reverse("desks:agenda"), {"giorno": day, "vista": "settimana"}
    ).content.decode()
    assert "Giulia Verdi" in week
    assert appointment.desk.name in week
    lybra = login("sportello.lybra").get(reverse("desks:agenda"), {"giorno": day})
    assert "Giulia Verdi" not in lybra.content.decode()


def test_citizen_downloads_and_deletes_their_appointments(login, user_of):
    slot = tomorrow_at_ten()
    client = login("cittadina")
    services.appointment_book(
        slot=slot, name="Chiara", email="", topic="Nidi", user=user_of("cittadina")
    )
    data = json.loads(client.post(reverse("accounts:export_my_data")).content)
    assert data["desk_appointments"][0]["sportello"] == ERBA
    page = client.get(reverse("desks_public:my_appointments")).content.decode()
    assert ERBA in page
    appointment = Appointment.objects.get(user=user_of("cittadina"))
    since = last_entry()
    response = client.post(reverse("desks_public:my_appointment_delete", args=[appointment.pk]))
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.state == Appointment.State.CANCELLED
    assert appointment.email == "" and appointment.user is None and appointment.topic == ""
    # The erasure is logged by row and field names: no entry written by it keeps what it erased.
    assert appointment.pk in logged_ids(Appointment, LogEntry.Action.UPDATE, since)
    written = LogEntry.objects.filter(pk__gt=since).values_list("changes", flat=True)
    assert not any("Nidi" in json.dumps(changes or {}) for changes in written)
    assert tomorrow_at_ten().booked == 0
    # Someone else's appointment: 404.
    other = book(Slot.objects.filter(desk=slot.desk, booked=0).first(), email="y@posta.it")
    assert (
        client.post(reverse("desks_public:my_appointment_delete", args=[other.pk])).status_code
        == 404
    )


def test_slot_generation_is_idempotent_and_skips_closures():
    desk = erba()
    assert services.slots_generate(desk=desk) == 0
    day = timezone.localdate() + timedelta(days=8)
    services.desk_add_closure(desk=desk, start_date=day, end_date=day, reason="Festa", by=None)
    assert not Slot.objects.filter(desk=desk, starts_at__date=day, booked=0).exists()
    assert services.slots_generate(desk=desk) == 0


def test_desk_is_listed_in_the_catalogue():
    from equilibri.catalogue.models import Service

    desk = erba()
    service = Service.objects.get(listed_object=f"desks:{desk.pk}")
    assert service.review_state == Service.Review.PUBLISHED
    assert service.terms.filter(code="sportelli").exists()
    services.desk_save(desk=desk, by=None, active=False)
    assert not Service.objects.filter(listed_object=f"desks:{desk.pk}").exists()


def test_slots_and_seats_written_in_bulk_are_logged():
    from auditlog.models import LogEntry

    from tests.audit import bulk_entries

    slot = tomorrow_at_ten()
    since = last_entry()
    appointment = book(slot)
    (taken,) = bulk_entries(Slot, LogEntry.Action.UPDATE, since)
    assert taken.additional_data["ids"] == [slot.pk]
    assert taken.additional_data["booked"] == 1
    since = last_entry()
    assert services.release_unconfirmed(now=timezone.now() + timedelta(hours=3)) == 1
    (released,) = bulk_entries(Slot, LogEntry.Action.UPDATE, since)
    assert released.additional_data["booked"] == -1
    (lapsed,) = bulk_entries(Appointment, LogEntry.Action.UPDATE, since)
    assert lapsed.additional_data["ids"] == [appointment.pk]
    assert "lapsed_at" in lapsed.changes

    # Slot generation: the new slots in one entry.
    future = Slot.objects.filter(
        desk=erba(), booked=0, starts_at__gt=timezone.now(), appointments__isnull=True
    )
    gone = list(future.values_list("pk", flat=True)[:3])
    Slot.objects.filter(pk__in=gone).delete()
    since = last_entry()
    assert services.slots_generate(desk=erba()) == 3
    (created,) = bulk_entries(Slot, LogEntry.Action.CREATE, since)
    assert len(created.additional_data["ids"]) == 3
    assert set(created.additional_data["ids"]) == set(
        Slot.objects.filter(pk__in=created.additional_data["ids"]).values_list("pk", flat=True)
    )
