"""The operator home: what waits for each person, counted by each app's provider within the
person's ATS, with a link to where to work on it."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from equilibri.accounts.todo import todo_for
from equilibri.catalogue.models import MistakeReport
from equilibri.desks.demo import ERBA
from equilibri.desks.models import Appointment, Desk, Slot

from ..matrix.services import insubria_pk, milano_pk

pytestmark = pytest.mark.django_db


def _counts(user) -> dict[str, int]:
    return {str(item.label): item.count for item in todo_for(user)}


def test_new_mistake_reports_are_counted_for_the_operator_of_their_ats_only(user_of, login):
    insubria, milano = user_of("operatore.insubria"), user_of("operatore.milano")
    label = "Segnalazioni di errore nuove"
    before_ins = _counts(insubria).get(label, 0)
    before_mi = _counts(milano).get(label, 0)
    MistakeReport.objects.create(service_id=insubria_pk(), message="Orari errati")
    MistakeReport.objects.create(service_id=insubria_pk(), message="Telefono errato")
    MistakeReport.objects.create(service_id=milano_pk(), message="Indirizzo errato")
    assert _counts(insubria)[label] == before_ins + 2
    assert _counts(milano)[label] == before_mi + 1
    # The home page lists it with its count and the link to the reports.
    page = login("operatore.insubria").get(reverse("accounts:home")).text
    assert "Da fare" in page
    assert label in page
    assert f">{before_ins + 2}<" in page
    assert reverse("catalogue:reports") in page


def test_todays_appointments_for_the_desk_operator_and_nothing_for_others(user_of, login):
    operator = user_of("sportello.erba")
    desk = Desk.objects.get(name=ERBA)
    label = "Appuntamenti di oggi"
    before = _counts(operator).get(label, 0)
    now = timezone.localtime()
    start = now.replace(hour=23, minute=0, second=0, microsecond=0)
    if start <= now:  # Past 23:00: a slot later today is still today.
        start = now + datetime.timedelta(minutes=1)
    slot = Slot.objects.create(
        desk=desk,
        starts_at=start,
        ends_at=start + datetime.timedelta(minutes=30),
        channel=desk.slots.values_list("channel", flat=True).first() or "in_person",
        capacity=2,
        booked=2,
    )
    for state in (Appointment.State.BOOKED, Appointment.State.CANCELLED):
        Appointment.objects.create(
            slot=slot, desk=desk, name="Maria Rossi", email="m@example.org", topic="x", state=state
        )
    tomorrow = Slot.objects.create(
        desk=desk,
        starts_at=start + datetime.timedelta(days=1),
        ends_at=start + datetime.timedelta(days=1, minutes=30),
        channel=slot.channel,
    )
    Appointment.objects.create(
        slot=tomorrow, desk=desk, name="Luca Bianchi", email="l@example.org", topic="x"
    )
    items = {str(item.label): item for item in todo_for(operator)}
    assert items[label].count == before + 1  # the cancelled one and tomorrow's are not
    assert items[label].urgent and items[label].url == reverse("desks:agenda")
    assert todo_for(operator)[0].urgent  # urgent first
    # Neither a citizen nor an operator of another ATS's desks sees them.
    assert label not in _counts(user_of("operatore.milano"))
    assert label not in _counts(user_of("cittadina"))


def test_nothing_waiting_says_so_and_counts_of_zero_are_not_listed(user_of, login):
    user = user_of("regione")
    assert all(item.count > 0 for item in todo_for(user))
    page = login("regione").get(reverse("accounts:home")).text
    assert "Da fare" in page
