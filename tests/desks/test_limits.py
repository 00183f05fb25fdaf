"""Anonymous bookings cannot empty a desk: rate limits per address and per e-mail on booking and
on the signed links, a cap of unconfirmed bookings per requester, and no renewing a hold."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from equilibri.desks import selectors, services
from equilibri.desks.models import Appointment, Desk, Slot

from .test_appointments import book, erba

pytestmark = pytest.mark.django_db


def free_slots(desk: Desk | None = None, count: int = 6) -> list[Slot]:
    slots = list(selectors.bookable_slots(desk or erba())[:count])
    assert len(slots) == count
    return slots


def other_desk() -> Desk:
    return selectors.public_desks().exclude(pk=erba().pk).first()


def post_booking(client, slot: Slot, email: str, ip: str = "203.0.113.7"):
    return client.post(
        reverse("desks_public:book", args=[slot.desk_id]),
        {"slot": slot.pk, "name": "Mario Verdi", "email": email, "topic": "x", "privacy": "on"},
        REMOTE_ADDR=ip,
    )


# --- Rate limits ----------------------------------------------------------------------------


@override_settings(RATE_LIMITS={"desk_booking": "3/h/ip"})
def test_booking_is_limited_per_address(client):
    slots = free_slots(count=4)
    for n, slot in enumerate(slots[:3]):
        assert post_booking(client, slot, f"persona{n}@posta.it").status_code == 302
    sent = len(mail.outbox)
    response = post_booking(client, slots[3], "persona3@posta.it")
    assert response.status_code == 429
    assert "Troppe richieste" in response.content.decode()
    assert int(response["Retry-After"]) > 0
    assert not Appointment.objects.filter(email="persona3@posta.it").exists()
    assert len(mail.outbox) == sent
    slots[3].refresh_from_db()
    assert slots[3].booked == 0
    # Another address is not affected.
    assert post_booking(client, slots[3], "persona3@posta.it", ip="198.51.100.9").status_code == 302


@override_settings(RATE_LIMITS={"desk_booking": "2/h/email"}, DESK_PENDING_PER_EMAIL=10)
def test_booking_is_limited_per_e_mail_from_any_address(client):
    slots = free_slots(count=3)
    for n, slot in enumerate(slots[:2]):
        response = post_booking(client, slot, "vittima@posta.it", ip=f"198.51.100.{n + 1}")
        assert response.status_code == 302
    # The same mailbox however typed, from a third address.
    response = post_booking(client, slots[2], " Vittima@Posta.it ", ip="198.51.100.3")
    assert response.status_code == 429
    assert Appointment.objects.filter(email__iexact="vittima@posta.it").count() == 2
    assert len(mail.outbox) == 2
    # Another e-mail from that address is not affected.
    assert post_booking(client, slots[2], "altra@posta.it", ip="198.51.100.3").status_code == 302


def test_booking_limit_counts_only_writes(client):
    desk = erba()
    with override_settings(RATE_LIMITS={"desk_booking": "1/h/ip"}):
        for _ in range(3):
            assert client.get(reverse("desks_public:book", args=[desk.pk])).status_code == 200


@override_settings(RATE_LIMITS={"desk_link": "2/h/ip"})
def test_signed_links_are_limited(client):
    slots = free_slots(count=2)
    appointment = book(slots[0])
    token = services.appointment_token(appointment, "reschedule")
    url = reverse("desks_public:appointment_reschedule", args=[token])
    for _ in range(2):  # two wrong choices: the form says so
        assert client.post(url, {"slot": ""}).status_code == 200
    sent = len(mail.outbox)
    response = client.post(url, {"slot": slots[1].pk})
    assert response.status_code == 429
    appointment.refresh_from_db()
    assert appointment.slot_id == slots[0].pk
    assert len(mail.outbox) == sent  # no confirmation e-mail sent again
    # Reading the page is not a write.
    assert client.get(url).status_code == 200


# --- Unconfirmed bookings: caps and no renewal ----------------------------------------------


def test_pending_bookings_are_capped_per_e_mail():
    slots = free_slots(count=3)
    book(slots[0], email="tanti@posta.it")
    book(slots[1], email="Tanti@posta.it")
    sent = len(mail.outbox)
    with pytest.raises(ValidationError, match="prenotazioni da confermare"):
        book(slots[2], email="tanti@posta.it")
    slots[2].refresh_from_db()
    assert slots[2].booked == 0
    assert len(mail.outbox) == sent
    # Once one is confirmed, another may be held.
    services.appointment_confirm(appointment=Appointment.objects.filter(slot=slots[0]).get())
    book(slots[2], email="tanti@posta.it")


def test_pending_bookings_are_capped_per_address(client):
    slots = free_slots(count=6)
    for n, slot in enumerate(slots[:5]):
        book(slot, email=f"p{n}@posta.it", requester_ip="203.0.113.50")
    with pytest.raises(ValidationError, match="Da questa connessione"):
        book(slots[5], email="p5@posta.it", requester_ip="203.0.113.50")
    # Through the page: the reason is shown, nothing is saved.
    response = post_booking(client, slots[5], "p5@posta.it", ip="203.0.113.50")
    assert response.status_code == 200
    assert "Da questa connessione" in response.content.decode()
    assert not Appointment.objects.filter(email="p5@posta.it").exists()
    # Another address may still book.
    book(slots[5], email="p5@posta.it", requester_ip="203.0.113.51")


def test_signed_in_citizens_are_not_capped(user_of):
    citizen = user_of("cittadina")
    for slot in free_slots(count=3):
        appointment = book(slot, user=citizen, requester_ip="203.0.113.60")
        assert appointment.state == Appointment.State.BOOKED
        assert appointment.requester_ip is None


def test_a_lapsed_hold_cannot_be_renewed_by_the_same_requester(user_of):
    slots = free_slots(count=4)
    held = book(slots[0], email="rinnovo@posta.it", requester_ip="203.0.113.70")
    assert held.requester_ip == "203.0.113.70"
    assert services.release_unconfirmed(now=timezone.now() + timedelta(hours=3)) == 1
    held.refresh_from_db()
    assert held.state == Appointment.State.CANCELLED
    assert held.lapsed_at is not None
    # Same e-mail (another address), same slot or another one at this desk: refused.
    for slot in (slots[0], slots[1]):
        with pytest.raises(ValidationError, match="scaduta da poco"):
            book(slot, email="rinnovo@posta.it", requester_ip="198.51.100.70")
    # Same address, another e-mail: refused.
    with pytest.raises(ValidationError, match="scaduta da poco"):
        book(slots[1], email="altro.nome@posta.it", requester_ip="203.0.113.70")
    assert Appointment.objects.filter(state=Appointment.State.PENDING).count() == 0
    # Someone else may hold the seat; another desk is not affected.
    book(slots[1], email="vicina@posta.it", requester_ip="198.51.100.71")
    book(free_slots(other_desk(), 1)[0], email="rinnovo@posta.it", requester_ip="203.0.113.70")
    # Signing in books at once.
    citizen = user_of("cittadina")
    assert book(slots[2], user=citizen, requester_ip="203.0.113.70").state == "booked"
    # After the cool-down the requester may hold a seat here again.
    Appointment.objects.filter(pk=held.pk).update(lapsed_at=timezone.now() - timedelta(hours=25))
    book(slots[3], email="rinnovo@posta.it", requester_ip="198.51.100.72")


def test_a_late_hold_not_yet_released_already_counts_as_lapsed():
    slots = free_slots(count=2)
    late = book(slots[0], email="tardi@posta.it")
    Appointment.objects.filter(pk=late.pk).update(created_at=timezone.now() - timedelta(hours=3))
    with pytest.raises(ValidationError, match="scaduta da poco"):
        book(slots[1], email="tardi@posta.it")


def test_confirming_erases_the_requester_address():
    appointment = book(free_slots(count=1)[0], requester_ip="203.0.113.80")
    services.appointment_confirm(appointment=appointment)
    appointment.refresh_from_db()
    assert appointment.requester_ip is None
