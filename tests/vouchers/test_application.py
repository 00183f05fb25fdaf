"""The worker's application: personal data, employer, receipts, submission; every "bad input"
is refused with a clear message and nothing already saved is lost."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from equilibri.vouchers import services
from equilibri.vouchers.models import ExpenseLine, VoucherApplication
from tests.uploads import JPEG, PNG

from .conftest import VALID_CF, VALID_IBAN, expense_data, pdf

A = VoucherApplication.State
pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user, backend="allauth.account.auth_backends.AuthenticationBackend")
    return client


def _post_expense(client, application, file, **overrides):
    data = {f"expense-{k}": v for k, v in expense_data(**overrides).items()}
    data["expense-file"] = file
    return client.post(reverse("vouchers_public:expense_add", args=[application.pk]), data)


def test_codice_fiscale_and_iban_are_validated_and_gender_comes_from_the_code(scheme, worker, arca):
    user = worker()
    application = services.application_start(scheme=scheme, by=user)
    with pytest.raises(ValidationError) as error:
        services.application_update(
            application=application, by=user, fiscal_code="RSSMRA85C55L319X", iban="IT00X123"
        )
    assert "codice fiscale valido" in str(error.value.message_dict["fiscal_code"])
    assert "IBAN valido" in str(error.value.message_dict["iban"])
    services.application_update(
        application=application, by=user, fiscal_code=VALID_CF.lower(), iban=VALID_IBAN
    )
    application.refresh_from_db()
    assert application.fiscal_code == VALID_CF and application.gender == "female"


def test_an_employer_outside_the_scheme_is_refused(scheme, worker, db):
    from equilibri.network.models import Organisation

    user = worker()
    application = services.application_start(scheme=scheme, by=user)
    piano_c = Organisation.objects.get(name="Piano C")
    with pytest.raises(ValidationError) as error:
        services.application_update(application=application, by=user, employer=piano_c)
    assert "non è tra le organizzazioni" in str(error.value.message_dict["employer"])


def test_a_complete_draft_shows_the_amount_and_is_sent(
    ready_draft, user_of, django_capture_on_commit_callbacks
):
    application = ready_draft()
    client = _client(application.applicant)
    page = client.get(reverse("vouchers_public:application_edit", args=[application.pk]))
    assert page.status_code == 200
    assert "€ 150,00" in page.content.decode()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("vouchers_public:application_submit", args=[application.pk]))
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == A.SUBMITTED and application.requested_amount == Decimal("150.00")
    recipients = {m.to[0] for m in mail.outbox}
    assert application.applicant.email in recipients
    assert "hr.arca@demo.equilibri.it" in recipients  # the employer is asked to attest
    events = list(application.events.values_list("from_state", "state"))
    assert events[-1] == (A.DRAFT, A.SUBMITTED)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"amount": "-10"}, "amount", "maggiore di zero"),
        ({"amount": "10.123"}, "amount", "al massimo due decimali"),
        ({"amount": "abc"}, "amount", "ad esempio 120,50"),
        ({"receipt_date": datetime.date(2001, 1, 1)}, "receipt_date", "il bando ammette spese"),
        ({"provider_tax_id": "12345678901"}, "provider_tax_id", "non è una partita IVA"),
    ],
)
def test_bad_receipts_are_refused_and_the_draft_is_kept(ready_draft, overrides, field, message):
    application = ready_draft()
    client = _client(application.applicant)
    response = _post_expense(client, application, pdf(), receipt_number="R-2", **overrides)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert field in response.context["expense_form"].errors
    # The draft, its data and the receipt already saved are all still there.
    application.refresh_from_db()
    assert application.state == A.DRAFT and application.fiscal_code == VALID_CF
    assert list(application.expenses.values_list("receipt_number", flat=True)) == ["R-1"]
    line = application.expenses.get()
    assert line.file.storage.exists(line.file.name)


def test_the_same_receipt_is_refused_in_the_same_and_in_another_application(ready_draft, worker):
    first = ready_draft()
    client = _client(first.applicant)
    again = _post_expense(client, first, pdf(), receipt_number="r 1")  # same, normalised
    assert "già stata presentata" in again.content.decode()
    other = ready_draft(worker("collega"), number="R-9")
    with pytest.raises(ValidationError) as error:
        services.expense_add(
            application=other, by=other.applicant, file=pdf(), **expense_data(receipt_number="R-1")
        )
    assert "già stata presentata" in str(error.value)
    assert ExpenseLine.objects.filter(receipt_number="R-1").count() == 1


def test_files_are_sniffed_from_their_bytes_and_limited_in_size(ready_draft, settings):
    application = ready_draft()
    client = _client(application.applicant)
    fake = pdf("ricevuta.pdf", b"MZ\x90\x00 not really a pdf")
    response = _post_expense(client, application, fake, receipt_number="R-3")
    assert "PDF, un JPEG o un PNG" in response.content.decode()
    settings.VOUCHER_RECEIPT_MAX_BYTES = 100
    big = pdf("grande.pdf", b"%PDF-1.4\n" + b"0" * 200)
    response = _post_expense(client, application, big, receipt_number="R-4")
    assert "supera il limite" in response.content.decode()
    settings.VOUCHER_RECEIPT_MAX_BYTES = 5 * 1024 * 1024
    for number, content in (("R-5", PNG), ("R-6", JPEG)):
        assert (
            _post_expense(
                client, application, pdf("foto", content), receipt_number=number
            ).status_code
            == 302
        )
    assert set(application.expenses.values_list("file_type", flat=True)) == {
        "application/pdf",
        "image/png",
        "image/jpeg",
    }


def test_applying_after_the_window_closes_is_refused_and_the_draft_kept(ready_draft):
    application = ready_draft()
    scheme = application.scheme
    scheme.closes_on = timezone.localdate() - datetime.timedelta(days=1)
    scheme.save()
    client = _client(application.applicant)
    response = client.post(
        reverse("vouchers_public:application_submit", args=[application.pk]), follow=True
    )
    assert "ora il bando non è aperto" in response.content.decode()
    application.refresh_from_db()
    assert application.state == A.DRAFT and application.expenses.count() == 1
    with pytest.raises(ValidationError):
        services.application_start(scheme=scheme, by=application.applicant)


def test_claim_within_days_and_the_minimum(make_scheme, ready_draft):
    scheme = make_scheme(claim_within_days=60, minimum_amount=Decimal("40"), title="60 giorni")
    application = ready_draft(scheme_=scheme, amount="70.00")
    with pytest.raises(ValidationError) as error:
        services.expense_add(
            application=application,
            by=application.applicant,
            file=pdf(),
            **expense_data(
                receipt_number="R-OLD",
                receipt_date=timezone.localdate() - datetime.timedelta(days=61),
            ),
        )
    assert "entro 60 giorni" in str(error.value)
    with pytest.raises(ValidationError) as error:  # 35 € is below the 40 € minimum
        services.application_submit(application=application, by=application.applicant)
    assert "sotto il minimo" in str(error.value)


def test_children_in_the_age_range_are_required_when_the_scheme_asks(make_scheme, ready_draft):
    scheme = make_scheme(child_max_age=6, title="Figli 0-6")
    application = ready_draft(scheme_=scheme)
    assert any("figlio" in item for item in services.application_missing(application))
    today = timezone.localdate()
    services.family_member_add(
        application=application,
        by=application.applicant,
        name="Sofia",
        relation="child",
        birth_date=today.replace(year=today.year - 3),
    )
    assert services.application_missing(application) == []


def test_only_the_applicant_sees_the_application_and_its_receipts(ready_draft, login):
    application = ready_draft()
    line = application.expenses.get()
    owner = _client(application.applicant)
    url = reverse("vouchers_public:receipt", args=[line.pk])
    response = owner.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    for persona in ("cittadina", "hr.arca", "operatore.insubria"):
        client = login(persona)
        assert client.get(url).status_code == 404
        detail = reverse("vouchers_public:application_detail", args=[application.pk])
        assert client.get(detail).status_code == 404
    assert login(None).get(url).status_code == 302


def test_a_submitted_application_can_no_longer_be_changed(ready_draft):
    application = ready_draft()
    services.application_submit(application=application, by=application.applicant)
    with pytest.raises(ValidationError):
        services.expense_add(
            application=application,
            by=application.applicant,
            file=pdf(),
            **expense_data(receipt_number="R-77"),
        )
    client = _client(application.applicant)
    response = client.get(reverse("vouchers_public:application_edit", args=[application.pk]))
    assert response.status_code == 302


def test_public_pages_list_the_scheme(client, scheme):
    response = client.get(reverse("vouchers_public:scheme_list"))
    assert scheme.title in response.content.decode()
    detail = client.get(reverse("vouchers_public:scheme_detail", args=[scheme.pk]))
    assert "al massimo € 400,00 per domanda" in detail.content.decode()
