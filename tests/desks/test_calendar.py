"""The desks' calendar and channels: no slot on national holidays, on the comune's patron saint's
feast or in a closure; a closure over booked appointments cancels them with an e-mail; a phone
appointment needs a number; a video appointment gets its own meeting link in the e-mails, the
.ics and the agenda; every date in a desk page's address is bounded with a message, never a 500."""

from datetime import date, timedelta

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from equilibri.desks import selectors, services
from equilibri.desks.ical import appointment_ics
from equilibri.desks.models import Appointment, Desk, DeskClosure, PatronDay, Slot

from .test_appointments import book, erba, first_open_day, tomorrow_at_ten

pytestmark = pytest.mark.django_db

MEETING = "https://meet.example.org/"


def slot_days(desk: Desk) -> set[date]:
    return {timezone.localtime(s.starts_at).date() for s in Slot.objects.filter(desk=desk)}


def test_no_slot_is_generated_on_national_holidays():
    desk = erba()
    services.slots_generate(desk=desk, weeks=56)  # a full year ahead: every holiday once
    days = slot_days(desk)
    today = timezone.localdate()
    for year in (today.year, today.year + 1):
        for month, day in [(1, 1), (4, 25), (5, 1), (6, 2), (8, 15), (12, 8), (12, 25), (12, 26)]:
            assert date(year, month, day) not in days
    assert len(days) > 200  # the working days are there


def test_the_patron_saint_closes_the_comune_s_desks_every_year():
    desk = erba()
    feast = first_open_day(desk) + timedelta(days=7)
    assert selectors.bookable_slots(desk).filter(starts_at__date=feast).exists()
    services.patron_day_save(desk=desk, month=feast.month, day=feast.day, saint="Sant'X", by=None)
    assert services.closed_days(desk, feast, feast) == {feast: "Sant'X"}
    # Slots made before are no longer offered, and cannot be booked.
    assert not selectors.bookable_slots(desk).filter(starts_at__date=feast).exists()
    slot = Slot.objects.filter(desk=desk, starts_at__date=feast).first()
    with pytest.raises(Exception, match="chiuso"):
        book(slot)
    next_year = date(feast.year + 1, feast.month, feast.day)
    assert next_year in services.closed_days(desk, next_year, next_year)


def test_the_demo_knows_milan_s_patron_and_christmas_closure():
    milano = Desk.objects.get(name="Sportello conciliazione LYBRA – Milano")
    year = timezone.localdate().year
    assert PatronDay.objects.get(comune=milano.comune).saint == "Sant'Ambrogio"
    assert services.closed_days(milano, date(year, 12, 7), date(year, 12, 7))
    assert DeskClosure.objects.filter(desk=milano, reason="Chiusura natalizia").exists()


def test_a_closure_over_booked_appointments_cancels_them_with_an_e_mail():
    appointment = book(tomorrow_at_ten(), name="Maria Rossi")
    services.appointment_confirm(appointment=appointment)
    day = timezone.localtime(appointment.slot.starts_at).date()
    mail.outbox.clear()
    _closure, cancelled = services.desk_add_closure(
        desk=appointment.desk, start_date=day, end_date=day, reason="Sciopero", by=None
    )
    appointment.refresh_from_db()
    assert cancelled == [appointment]
    assert appointment.state == Appointment.State.CANCELLED
    assert appointment.slot.booked == 0 or Slot.objects.get(pk=appointment.slot_id).booked == 0
    [message] = mail.outbox
    assert message.to == ["maria.rossi@posta.it"]
    assert "Sciopero" in message.body and "chiuso" in message.body
    assert f"/sportelli/{appointment.desk_id}/" in message.body  # where to book again
    assert "STATUS:CANCELLED" in message.attachments[0][1]
    assert not selectors.bookable_slots(appointment.desk).filter(starts_at__date=day).exists()


def test_an_ats_operator_closes_every_desk_of_the_ats_from_the_setup_page(login):
    desk = erba()
    appointment = book(tomorrow_at_ten(), name="Maria Rossi")
    day = timezone.localtime(appointment.slot.starts_at).date()
    response = login("operatore.insubria").post(
        reverse("desks:desk_setup", args=[desk.pk]),
        {
            "action": "closure",
            "start_date": day,
            "end_date": day,
            "reason": "Chiusura",
            "whole_ats": "on",
        },
    )
    assert response.status_code == 302
    [said] = [str(m) for m in get_messages(response.wsgi_request)]
    assert "Appuntamenti annullati: 1" in said
    active = Desk.objects.filter(ats=desk.ats, active=True)
    assert DeskClosure.objects.filter(desk__in=active, start_date=day).count() == active.count()


def test_a_desk_operator_closes_only_their_desk(login):
    desk = erba()
    client = login("sportello.erba")
    page = client.get(reverse("desks:desk_setup", args=[desk.pk])).content.decode()
    assert "whole_ats" not in page
    day = timezone.localdate() + timedelta(days=40)
    client.post(
        reverse("desks:desk_setup", args=[desk.pk]),
        {"action": "closure", "start_date": day, "end_date": day, "whole_ats": "on"},
    )
    assert DeskClosure.objects.filter(start_date=day).count() == 1


def test_the_patron_day_is_set_on_the_setup_page(login):
    desk = erba()
    url = reverse("desks:desk_setup", args=[desk.pk])
    client = login("sportello.erba")
    bad = client.post(url, {"action": "patron", "day": "31", "month": "2", "saint": "X"})
    assert "Questo giorno non esiste" in bad.content.decode()
    client.post(url, {"action": "patron", "day": "16", "month": "9", "saint": "Sant'Eufemia"})
    patron = PatronDay.objects.get(comune=desk.comune)
    assert (patron.day, patron.month) == (16, 9)


def free_slot(channel: str) -> Slot:
    return selectors.bookable_slots(erba()).filter(channel=channel).first()


def test_a_phone_appointment_needs_a_phone_number(client):
    slot = free_slot("phone")
    data = {
        "slot": slot.pk,
        "name": "Maria Rossi",
        "email": "maria.rossi@posta.it",
        "topic": "Congedo",
        "privacy": "on",
    }
    response = client.post(reverse("desks_public:book", args=[slot.desk_id]), data)
    assert response.status_code == 200
    assert "scrivi il numero al quale chiamarti" in response.content.decode()
    assert not Appointment.objects.filter(email="maria.rossi@posta.it").exists()
    booked = client.post(
        reverse("desks_public:book", args=[slot.desk_id]), {**data, "phone": "333 123 4567"}
    )
    assert booked.status_code == 302


def test_a_video_appointment_gets_its_own_meeting_link_everywhere(login):
    slot = free_slot("video")
    appointment = book(slot, name="Giulia Verdi", phone="333 123 4567")
    services.appointment_confirm(appointment=appointment)
    link = services.meeting_link(appointment)
    assert link.startswith(MEETING + "sportello-conciliazione-di-erba-")
    assert len(link) > len(MEETING) + 40 and "{" not in link
    other = book(free_slot("video"), email="luca.bianchi@posta.it", name="Luca")
    assert services.meeting_link(other) != link  # one room per appointment
    confirmed = mail.outbox[-2]
    assert link in confirmed.body
    ics = appointment_ics(appointment).replace("\r\n ", "")
    assert f"URL:{link}" in ics
    mail.outbox.clear()
    services.send_reminders(now=appointment.slot.starts_at - timedelta(days=1))
    assert any(link in message.body for message in mail.outbox)
    day = timezone.localtime(slot.starts_at).date().isoformat()
    page = login("sportello.erba").get(reverse("desks:agenda"), {"giorno": day}).content.decode()
    assert f'href="{link}"' in page
    assert 'href="tel:3331234567"' in page or 'href="tel:+393331234567"' in page
    assert 'href="mailto:maria.rossi@posta.it"' in page


def test_in_person_appointments_get_no_meeting_link():
    appointment = book(tomorrow_at_ten())
    assert services.meeting_link(appointment) == ""


def test_the_meeting_pattern_accepts_only_its_placeholders(login):
    desk = erba()
    client = login("operatore.insubria")
    page = client.get(reverse("desks:desk_edit", args=[desk.pk]))
    data = {
        name: value for name, value in page.context["form"].initial.items() if value is not None
    }
    data.update(comune="Erba", video_link="https://meet.example.org/{sportello}-{token}")
    response = client.post(reverse("desks:desk_edit", args=[desk.pk]), data)
    assert "togli {sportello}" in response.content.decode()
    data.update(video_link="", offers_video="on")
    response = client.post(reverse("desks:desk_edit", args=[desk.pk]), data)
    assert "scrivi il link della stanza" in response.content.decode()


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "2101-01-01", "1999-12-31"])
def test_the_agenda_bounds_its_day(login, day):
    response = login("sportello.erba").get(reverse("desks:agenda"), {"giorno": day})
    assert response.status_code == 200
    assert "Scegli una data tra il 01/01/2000 e il 31/12/2100" in response.content.decode()


@pytest.mark.parametrize("day", ["2026-02-30", "abc", "9" * 500, "2100-12-31", "2000-01-01"])
def test_the_agenda_takes_malformed_and_edge_days(login, day):
    response = login("sportello.erba").get(
        reverse("desks:agenda"), {"giorno": day, "vista": "settimana"}
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    "params",
    [
        {"dal": "0001-01-01"},
        {"al": "9999-12-31"},
        {"dal": "0001-01-01", "al": "9999-12-31"},
        {"dal": "ieri"},
    ],
)
def test_the_statistics_and_their_export_bound_their_dates(login, params):
    client = login("operatore.insubria")
    page = client.get(reverse("desks:stats"), params)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Scegli una data tra il" in text or "Inserisci una data valida" in text
    export = client.get(reverse("desks:stats_export"), params)
    assert export.status_code == 400
    assert "data" in export.content.decode()


def test_a_closure_s_dates_are_bounded(login):
    desk = erba()
    response = login("operatore.insubria").post(
        reverse("desks:desk_setup", args=[desk.pk]),
        {"action": "closure", "start_date": "2026-01-01", "end_date": "9999-12-31"},
    )
    assert response.status_code == 200
    assert "Scegli una data tra il" in response.content.decode()
    too_long = login("operatore.insubria").post(
        reverse("desks:desk_setup", args=[desk.pk]),
        {"action": "closure", "start_date": "2030-01-01", "end_date": "2032-01-01"},
    )
    assert "al massimo un anno" in too_long.content.decode()
