"""Employer attestation, the manager's review (checklist, integration, full and partial
approval, rejection), the waiting queue, access control and cross-ATS scope."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from equilibri.vouchers import services
from equilibri.vouchers.models import Scheme, VoucherApplication

A = VoucherApplication.State
pytestmark = pytest.mark.django_db


def test_the_employer_confirms_from_their_area(ready_draft, login, user_of):
    application = ready_draft()
    services.application_submit(application=application, by=application.applicant)
    client = login("hr.arca")
    listing = client.get(reverse("vouchers:attestation_list"))
    assert application.full_name in listing.content.decode()
    url = reverse("vouchers:attestation_detail", args=[application.pk])
    response = client.post(url, {"attest-confirmed": "1", "attest-note": ""})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == A.EMPLOYER_CONFIRMED and application.employer_confirmed_at
    # Another organisation's admin never sees it.
    assert login("hr.pianoc").get(url).status_code == 404


def test_the_employer_denies_with_a_reason(ready_draft, user_of):
    application = ready_draft()
    services.application_submit(application=application, by=application.applicant)
    with pytest.raises(ValidationError):
        services.application_attest(application=application, confirmed=False, by=user_of("hr.arca"))
    services.application_attest(
        application=application,
        confirmed=False,
        note="Non è nostra dipendente",
        by=user_of("hr.arca"),
    )
    application.refresh_from_db()
    assert (
        application.state == A.REJECTED and "Non è nostra dipendente" in application.decision_reason
    )


def test_partial_approval_needs_a_reason_and_reserves_the_amount(confirmed, user_of, login):
    application = confirmed()
    manager = user_of("alleanza.tradate")
    with pytest.raises(ValidationError) as error:
        services.application_approve(application=application, amount="100", by=manager)
    assert "motivazione" in str(error.value)
    with pytest.raises(ValidationError):
        services.application_approve(application=application, amount="151", by=manager)
    client = login("alleanza.tradate")
    response = client.post(
        reverse("vouchers:application_approve", args=[application.pk]),
        {"approve-amount": "100,00", "approve-reason": "Una ricevuta riguarda il trasporto"},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == A.PARTLY_APPROVED
    assert application.approved_amount == Decimal("100.00")
    assert Scheme.objects.get(pk=application.scheme_id).reserved == Decimal("100.00")
    assert application.events.last().note == "Una ricevuta riguarda il trasporto"


def test_integration_goes_back_to_the_applicant_and_returns(
    confirmed, user_of, django_capture_on_commit_callbacks
):
    application = confirmed()
    manager = user_of("operatore.insubria")
    with pytest.raises(ValidationError):
        services.application_request_integration(
            application=application, message="", deadline=timezone.localdate(), by=manager
        )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.application_request_integration(
            application=application,
            message="Allega la ricevuta leggibile",
            deadline=timezone.localdate() + datetime.timedelta(days=10),
            by=manager,
        )
    application.refresh_from_db()
    assert application.state == A.INTEGRATION_REQUESTED
    assert "Allega la ricevuta leggibile" in mail.outbox[-1].body
    services.application_submit(application=application, by=application.applicant)
    application.refresh_from_db()
    # The employment was already attested: straight back to the manager.
    assert application.state == A.EMPLOYER_CONFIRMED


def test_checklist_per_document(confirmed, login):
    application = confirmed()
    line = application.expenses.get()
    client = login("alleanza.tradate")
    response = client.post(
        reverse("vouchers:application_checklist", args=[application.pk]),
        {f"check-expense-{line.pk}": "not_ok", f"check-expense-{line.pk}-note": "illeggibile"},
    )
    assert response.status_code == 302
    line.refresh_from_db()
    assert line.check_state == "not_ok" and line.check_note == "illeggibile"


def test_rejection_after_approval_frees_budget_and_the_queue_moves_up(
    make_scheme, confirmed, user_of
):
    scheme = make_scheme(budget=Decimal("250.00"), title="Piccolo")
    manager = user_of("alleanza.tradate")
    first = confirmed(scheme_=scheme, number="Q-1")  # 150
    second = confirmed(scheme_=scheme, number="Q-2")  # 150: does not fit
    third = confirmed(scheme_=scheme, number="Q-3")  # 150: waits behind the second
    for application in (first, second, third):
        services.application_approve(application=application, by=manager)
    states = [VoucherApplication.objects.get(pk=a.pk).state for a in (first, second, third)]
    assert states == [A.APPROVED, A.WAITING, A.WAITING]
    services.application_reject(application=first, reason="Doppio finanziamento", by=manager)
    second.refresh_from_db()
    third.refresh_from_db()
    assert second.state == A.APPROVED and third.state == A.WAITING
    assert Scheme.objects.get(pk=scheme.pk).reserved == Decimal("150.00")
    assert "si è liberato budget" in second.events.last().note


def test_reject_needs_a_reason(confirmed, user_of):
    application = confirmed()
    with pytest.raises(ValidationError):
        services.application_reject(
            application=application, reason=" ", by=user_of("alleanza.tradate")
        )


def test_managers_of_another_ats_cannot_see_or_decide(confirmed, user_of, login):
    application = confirmed()
    for persona in ("operatore.milano", "alleanza.sudestmilano"):
        client = login(persona)
        url = reverse("vouchers:application_review", args=[application.pk])
        assert client.get(url).status_code == 404
        response = client.post(
            reverse("vouchers:application_approve", args=[application.pk]),
            {"approve-amount": "150"},
        )
        assert response.status_code == 404
        with pytest.raises(PermissionDenied):
            services.application_approve(application=application, by=user_of(persona))
    application.refresh_from_db()
    assert application.state == A.EMPLOYER_CONFIRMED


def test_the_regional_viewer_reads_but_does_not_decide(confirmed, login):
    application = confirmed()
    client = login("regione")
    assert (
        client.get(reverse("vouchers:application_review", args=[application.pk])).status_code == 200
    )
    response = client.post(reverse("vouchers:application_approve", args=[application.pk]))
    assert response.status_code == 403


def test_staff_reads_are_logged(confirmed, login, user_of):
    from auditlog.models import LogEntry

    application = confirmed()
    login("operatore.insubria").get(reverse("vouchers:application_review", args=[application.pk]))
    entry = LogEntry.objects.filter(
        action=LogEntry.Action.ACCESS, object_pk=str(application.pk)
    ).latest("timestamp")
    assert entry.actor == user_of("operatore.insubria")


def test_staff_receipt_download_is_scoped(confirmed, login):
    application = confirmed()
    line = application.expenses.get()
    url = reverse("vouchers:application_receipt", args=[line.pk])
    assert login("alleanza.tradate").get(url).status_code == 200
    assert login("operatore.milano").get(url).status_code == 404
    assert login("hr.arca").get(url).status_code == 403  # the employer sees no receipts


def test_a_reminder_goes_out_the_day_before_the_additions_deadline(
    confirmed, user_of, django_capture_on_commit_callbacks
):
    application = confirmed()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    services.application_request_integration(
        application=application,
        message="Allega la ricevuta leggibile",
        deadline=tomorrow + datetime.timedelta(days=1),
        by=user_of("operatore.insubria"),
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.integration_reminders_send() == 0  # not due yet
    type(application).objects.filter(pk=application.pk).update(integration_deadline=tomorrow)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.integration_reminders_send() == 1
    assert mail.outbox[-1].to == [application.applicant.email]
    assert "Allega la ricevuta leggibile" in mail.outbox[-1].body
