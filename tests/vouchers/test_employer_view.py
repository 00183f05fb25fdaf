"""Employers see what they must attest, nothing more: the attestation request and where their
own answer stands, never the outcome of an employee's application (approved, paid, rejected)
nor its amounts."""

import pytest
from django.urls import reverse
from django.utils import timezone

from equilibri.core.money import format_money
from equilibri.vouchers import services
from equilibri.vouchers.models import VoucherApplication

from .conftest import VALID_CF_MAN

A = VoucherApplication.State
pytestmark = pytest.mark.django_db
OUTCOMES = ("Pagata", "Respinta", "Approvata", "In attesa di budget", "Contributo", "€")


def _pages(client, application) -> tuple[str, str]:
    listing = client.get(reverse("vouchers:attestation_list")).content.decode()
    detail = client.get(reverse("vouchers:attestation_detail", args=[application.pk]))
    assert detail.status_code == 200
    return listing, detail.content.decode()


def _main(page: str) -> str:
    return page[page.index("<main") : page.index("</main>")]


def test_the_employer_does_not_see_payment_or_rejection(confirmed, ready_draft, user_of, login):
    manager = user_of("alleanza.tradate")
    paid = confirmed(number="E-1")
    services.application_approve(application=paid, by=manager)
    batch = services.batch_create(scheme=paid.scheme, title="Lotto", by=manager)
    services.batch_mark_paid(batch=batch, paid_on=timezone.localdate(), by=manager)
    rejected = confirmed(number="E-2", cf=VALID_CF_MAN)
    services.application_reject(application=rejected, reason="Spese non ammesse", by=manager)
    denied = ready_draft(number="E-3")
    services.application_submit(application=denied, by=denied.applicant)
    services.application_attest(
        application=denied, confirmed=False, note="Non lavora da noi", by=user_of("hr.arca")
    )
    paid.refresh_from_db()
    assert paid.state == A.PAID
    client = login("hr.arca")
    for application in (paid, rejected, denied):
        listing, detail = _pages(client, application)
        for page in (_main(listing), _main(detail)):
            for word in (*OUTCOMES, "Spese non ammesse", format_money(paid.paid_amount)):
                assert word not in page, word
    listing, detail = _pages(client, paid)
    assert "Rapporto di lavoro confermato il" in _main(detail)
    _listing, detail = _pages(client, denied)
    assert "Rapporto di lavoro non confermato il" in _main(detail)


def test_the_employer_sees_the_request_to_attest(ready_draft, login):
    application = ready_draft()
    services.application_submit(application=application, by=application.applicant)
    listing, detail = _pages(login("hr.arca"), application)
    assert "Sara Colombo" in _main(listing) and "Da confermare" in _main(detail)
    assert "Invia la risposta" in detail
