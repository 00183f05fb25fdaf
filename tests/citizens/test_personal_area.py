"""The personal area: only the person's own things, each with its next step; reschedule, cancel
and the calendar file of an appointment; saved services; preferences; the erasure request."""

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from equilibri.catalogue.selectors import public_services
from equilibri.citizens import selectors
from equilibri.citizens.models import Message, SavedService
from equilibri.desks import services as desks_services
from equilibri.desks.models import Appointment, Desk
from equilibri.desks.selectors import bookable_slots
from equilibri.territory.models import ATS, Comune
from equilibri.vouchers.models import VoucherApplication

pytestmark = pytest.mark.django_db

HOME = reverse("citizens_public:home")


def erba() -> Desk:
    return Desk.objects.get(name="Sportello conciliazione di Erba")


def booked_for(user) -> Appointment:
    slot = bookable_slots(erba()).first()
    return desks_services.appointment_book(
        slot=slot, name="Cittadina", email=user.email, topic="Congedo", user=user
    )


def test_anonymous_goes_to_login(client):
    response = client.get(HOME)
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_shows_own_appointment_and_vouchers_with_next_steps(login, user_of):
    user = user_of("cittadina")
    appointment = booked_for(user)
    response = login("cittadina").get(HOME)
    assert response.status_code == 200
    page = response.content.decode()
    assert reverse("citizens_public:appointment_reschedule", args=[appointment.pk]) in page
    assert reverse("citizens_public:appointment_calendar", args=[appointment.pk]) in page
    applications = VoucherApplication.objects.filter(applicant=user, anonymised_at__isnull=True)
    assert applications.exists()
    for application in applications:
        assert application.scheme.title in page
    draft = applications.filter(state=VoucherApplication.State.DRAFT).first()
    if draft is not None:
        assert reverse("vouchers_public:application_edit", args=[draft.pk]) in page
    assert "presto" not in page.lower()


def test_someone_elses_appointment_is_a_404(login, user_of):
    appointment = booked_for(user_of("cittadina"))
    other = login("cittadino")
    for name in ("appointment_reschedule", "appointment_calendar"):
        assert (
            other.get(reverse(f"citizens_public:{name}", args=[appointment.pk])).status_code == 404
        )
    url = reverse("citizens_public:appointment_cancel", args=[appointment.pk])
    assert other.post(url).status_code == 404
    appointment.refresh_from_db()
    assert appointment.state == Appointment.State.BOOKED


def test_reschedule_through_the_desks_service(login, user_of):
    user = user_of("cittadina")
    appointment = booked_for(user)
    client = login("cittadina")
    url = reverse("citizens_public:appointment_reschedule", args=[appointment.pk])
    page = client.get(url)
    assert page.status_code == 200
    target = next(s for s in bookable_slots(erba()) if s.pk != appointment.slot_id)
    response = client.post(url, {"slot": target.pk})
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.slot_id == target.pk
    assert appointment.sequence == 1


def test_reschedule_to_a_slot_of_another_desk_is_refused(login, user_of):
    appointment = booked_for(user_of("cittadina"))
    other_desk = Desk.objects.exclude(pk=erba().pk).filter(slots__isnull=False).first()
    foreign = bookable_slots(other_desk).first()
    url = reverse("citizens_public:appointment_reschedule", args=[appointment.pk])
    response = login("cittadina").post(url, {"slot": foreign.pk})
    assert response.status_code == 200  # the form again, with its error
    appointment.refresh_from_db()
    assert appointment.slot.desk_id == erba().pk


def test_cancel_and_calendar(login, user_of):
    appointment = booked_for(user_of("cittadina"))
    client = login("cittadina")
    ics = client.get(reverse("citizens_public:appointment_calendar", args=[appointment.pk]))
    assert ics.status_code == 200
    assert ics["Content-Type"].startswith("text/calendar")
    assert b"BEGIN:VEVENT" in ics.content
    response = client.post(reverse("citizens_public:appointment_cancel", args=[appointment.pk]))
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.state == Appointment.State.CANCELLED
    # A second cancel says so, it does not fail.
    again = client.post(reverse("citizens_public:appointment_cancel", args=[appointment.pk]))
    assert again.status_code == 302


def test_waiting_application_shows_its_queue_position(login, user_of):
    user = user_of("cittadina")
    application = VoucherApplication.objects.filter(applicant=user).first()
    VoucherApplication.objects.filter(pk=application.pk).update(
        state=VoucherApplication.State.WAITING, submitted_at=timezone.now()
    )
    application.refresh_from_db()
    rows = {row.application.pk: row for row in selectors.voucher_rows(user)}
    ahead = application.scheme.applications.filter(
        state=VoucherApplication.State.WAITING, submitted_at__lt=application.submitted_at
    ).count()
    assert rows[application.pk].position == ahead + 1
    page = login("cittadina").get(HOME).content.decode()
    assert f"posto n. {ahead + 1}" in page


def test_save_and_forget_a_service(login, user_of):
    service = public_services().first()
    client = login("cittadina")
    url = reverse("citizens_public:service_save", args=[service.pk])
    detail = client.get(service.get_absolute_url())
    assert "Salva questo servizio" in detail.content.decode()
    assert client.post(url, {"action": "save"}).status_code == 302
    assert client.post(url, {"action": "save"}).status_code == 302  # twice: still one
    assert SavedService.objects.filter(user=user_of("cittadina"), service=service).count() == 1
    assert service.name in client.get(HOME).content.decode()
    assert "Togli dai servizi salvati" in client.get(service.get_absolute_url()).content.decode()
    client.post(url, {"action": "forget", "next": "https://evil.example/"})
    assert not SavedService.objects.filter(service=service).exists()


def test_preferences_pick_the_ats_of_the_home_page(login, user_of):
    client = login("cittadina")
    comune = Comune.objects.get(name="Tradate")
    response = client.post(reverse("citizens_public:preferences"), {"comune": "Tradate"})
    assert response.status_code == 302
    assert selectors.ats_of(user_of("cittadina")) == comune.ats
    home = client.get(reverse("core:home")).content.decode()
    assert comune.ats.name in home
    bad = client.post(reverse("citizens_public:preferences"), {"comune": "Atlantide"}, follow=True)
    assert "Non troviamo il comune" in bad.content.decode()
    assert selectors.ats_of(user_of("cittadina")) == comune.ats  # unchanged


def test_erasure_request_lands_in_the_ats_queue(login, user_of, django_capture_on_commit_callbacks):
    ats = ATS.objects.order_by("pk").first()
    client = login("cittadina")
    assert client.get(reverse("citizens_public:erasure")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("citizens_public:erasure"), {"ats": ats.pk, "body": "Cancellate tutto."}
        )
    assert response.status_code == 302
    message = Message.objects.get(kind=Message.Kind.ERASURE)
    assert message.ats == ats
    assert message.user == user_of("cittadina")
    assert message.email == user_of("cittadina").email
    assert LogEntry.objects.get_for_object(message).filter(action=LogEntry.Action.CREATE).exists()


def test_export_carries_the_citizens_section(login, user_of):
    service = public_services().first()
    SavedService.objects.create(user=user_of("cittadina"), service=service)
    response = login("cittadina").post(reverse("accounts:export_my_data"))
    assert service.name in response.content.decode()
