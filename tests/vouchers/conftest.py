"""Vouchers test helpers: a fresh scheme on the Tradate family-voucher action, workers, receipts,
private media in a temporary folder and e-mails sent at once (immediate task backend)."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.uploads import PDF

ACTION = "Family voucher a rimborso per i dipendenti delle organizzazioni partner"
VALID_CF = "CLMSRA85R50L682H"  # woman
VALID_CF_MAN = "FRRLCU85R10L682R"
VALID_IBAN = "IT60X0542811101000000123456"
PROVIDER_VAT = "02456780010"
OTHER_VAT = "03123450151"


@pytest.fixture(autouse=True)
def _private_media_and_immediate_tasks(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {
        **settings.TASKS,
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    }


def pdf(name: str = "ricevuta.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def action(db):
    from equilibri.plans.models import Action

    return Action.objects.get(title=ACTION)


@pytest.fixture
def make_scheme(action):
    from equilibri.territory.models import Comune
    from equilibri.vouchers.models import Scheme

    def make(**fields) -> Scheme:
        today = timezone.localdate()
        values = {
            "action": action,
            "title": "Bando di prova",
            "budget": Decimal("5000.00"),
            "percentage": Decimal("50"),
            "cap_per_application": Decimal("400"),
            "opens_on": today - datetime.timedelta(days=30),
            "closes_on": today + datetime.timedelta(days=30),
            "expenses_from": today - datetime.timedelta(days=120),
            "expenses_until": today + datetime.timedelta(days=30),
            "categories": ["prima-infanzia", "pre-post-scuola", "centri-estivi"],
            "declarations": "Le spese non hanno altri contributi pubblici.",
        }
        values.update(fields)
        scheme = Scheme.objects.create(**values)
        scheme.comuni.set(Comune.objects.filter(name__in=["Tradate", "Arcisate"]))
        return scheme

    return make


@pytest.fixture
def scheme(make_scheme):
    return make_scheme()


@pytest.fixture
def worker(db):
    from equilibri.accounts.models import User

    count = iter(range(1000))

    def make(local: str = "lavoratrice"):
        return User.objects.create_user(
            email=f"{local}{next(count)}@example.org",
            password="Password-di-prova-2026",
            first_name="Sara",
        )

    return make


@pytest.fixture
def arca(db):
    from equilibri.network.models import Organisation

    return Organisation.objects.get(name="L'Arca Coop. Soc.")


@pytest.fixture
def tradate(db):
    from equilibri.territory.models import Comune

    return Comune.objects.get(name="Tradate")


def expense_data(**overrides) -> dict:
    data = {
        "payer": "Sara Colombo",
        "receipt_number": "R-1",
        "receipt_date": timezone.localdate() - datetime.timedelta(days=10),
        "provider_name": "L'Aquilone Coop. Soc.",
        "provider_tax_id": PROVIDER_VAT,
        "category": "prima-infanzia",
        "service": "Nido",
        "beneficiary": "Sofia Colombo",
        "amount": "300.00",
    }
    data.update(overrides)
    return data


@pytest.fixture
def ready_draft(scheme, worker, arca, tradate):
    """A complete draft (personal data, employer, IBAN, declarations, one receipt)."""
    from equilibri.vouchers import services

    def make(user=None, *, scheme_=None, amount="300.00", number="R-1", cf=VALID_CF):
        user = user or worker()
        application = services.application_start(scheme=scheme_ or scheme, by=user)
        services.application_update(
            application=application,
            by=user,
            first_name="Sara",
            last_name="Colombo",
            fiscal_code=cf,
            address="Via Roma 1",
            comune=tradate,
            employer=arca,
            iban=VALID_IBAN,
            declarations_accepted=True,
        )
        services.expense_add(
            application=application,
            by=user,
            file=pdf(),
            **expense_data(amount=amount, receipt_number=number),
        )
        return application

    return make


def check_all(application, by, state: str = "ok") -> None:
    """The manager's checklist with every receipt and document marked `state`."""
    from equilibri.vouchers import services

    expenses = application.expenses.values_list("pk", flat=True)
    attachments = application.attachments.values_list("pk", flat=True)
    checks = {f"expense-{pk}": (state, "") for pk in expenses}
    checks |= {f"attachment-{pk}": (state, "") for pk in attachments}
    services.documents_check(application=application, checks=checks, by=by)


@pytest.fixture
def confirmed(ready_draft, user_of):
    """An application submitted and confirmed by its employer (hr.arca), its documents checked
    by the manager (alleanza.tradate) unless `checked=False`."""
    from equilibri.vouchers import services

    def make(*, checked: bool = True, **kwargs):
        application = ready_draft(**kwargs)
        services.application_submit(application=application, by=application.applicant)
        services.application_attest(application=application, confirmed=True, by=user_of("hr.arca"))
        application.refresh_from_db()
        if checked:
            check_all(application, user_of("alleanza.tradate"))
        return application

    return make


def xlsx_rows(content: bytes) -> list[tuple]:
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(content)).active
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]
