"""Approval needs every receipt and required document checked, or a manager's explicit,
audited override with its reason; the review page says what is still to check."""

from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.urls import reverse

from equilibri.vouchers import services
from equilibri.vouchers.models import Scheme, VoucherApplication

from .conftest import check_all

A = VoucherApplication.State
pytestmark = pytest.mark.django_db


def test_an_application_with_documents_to_check_is_not_approved(confirmed, user_of):
    application = confirmed(checked=False)
    manager = user_of("alleanza.tradate")
    with pytest.raises(ValidationError) as error:
        services.application_approve(application=application, by=manager)
    message = str(error.value)
    assert "verifica tutti i documenti" in message and "Ricevuta R-1" in message
    application.refresh_from_db()
    assert application.state == A.EMPLOYER_CONFIRMED
    assert Scheme.objects.get(pk=application.scheme_id).reserved == Decimal("0")
    check_all(application, manager)
    services.application_approve(application=application, by=manager)
    application.refresh_from_db()
    assert application.state == A.APPROVED and application.check_override_reason == ""


def test_a_document_found_not_in_order_still_allows_a_reasoned_decision(confirmed, user_of):
    application = confirmed(checked=False)
    manager = user_of("alleanza.tradate")
    check_all(application, manager, state="not_ok")
    services.application_approve(
        application=application, amount="50", reason="Ricevuta in parte non ammessa", by=manager
    )
    application.refresh_from_db()
    assert application.state == A.PARTLY_APPROVED


def test_a_required_document_not_attached_blocks_the_approval(confirmed, user_of):
    manager = user_of("alleanza.tradate")
    application = confirmed()
    # The scheme asked for a document after this application was sent: nothing shows it.
    Scheme.objects.filter(pk=application.scheme_id).update(required_documents="Certificato ISEE")
    with pytest.raises(ValidationError) as error:
        services.application_approve(application=application, by=manager)
    assert "Certificato ISEE" in str(error.value)


def test_the_override_needs_a_reason_and_is_stored_and_audited(confirmed, user_of, login):
    application = confirmed(checked=False)
    client = login("alleanza.tradate")
    url = reverse("vouchers:application_approve", args=[application.pk])
    refused = client.post(url, {"approve-amount": "150,00"})
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "verifica tutti i documenti" in page and "Documenti ancora da verificare" in page
    done = client.post(
        url,
        {
            "approve-amount": "150,00",
            "approve-override_reason": "Ricevuta originale vista allo sportello",
        },
    )
    assert done.status_code == 302
    application.refresh_from_db()
    assert application.state == A.APPROVED
    assert application.check_override_reason == "Ricevuta originale vista allo sportello"
    note = application.events.last().note
    assert "Ricevuta R-1" in note and "Ricevuta originale vista allo sportello" in note
    entries = LogEntry.objects.get_for_object(application)
    assert any(
        "check_override_reason" in (entry.changes_dict or {})
        and entry.changes_dict["check_override_reason"][1]
        == "Ricevuta originale vista allo sportello"
        for entry in entries
    )
    review = client.get(reverse("vouchers:application_review", args=[application.pk]))
    assert "Ricevuta originale vista allo sportello" in review.content.decode()
