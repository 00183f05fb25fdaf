"""Payment batches for the bank: the SEPA credit transfer file (pain.001.001.09) validated
against its XSD, exact amounts in cents, the debtor account of the scheme, and the warnings on
an IBAN or a codice fiscale shared across the scheme."""

from decimal import Decimal
from pathlib import Path
from xml.etree import ElementTree

import pytest
import sepaxml
import xmlschema
from django.core.exceptions import ValidationError
from django.urls import reverse

from equilibri.vouchers import exporters, services
from equilibri.vouchers.models import Payment, PaymentBatch, Scheme, VoucherApplication

from .conftest import VALID_CF_MAN, VALID_IBAN

pytestmark = pytest.mark.django_db
XSD = Path(sepaxml.__file__).parent / "schemas" / "pain.001.001.09.xsd"
NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"}
OTHER_IBAN = "IT25O0306909606100000012345"  # another valid Italian IBAN (example)


@pytest.fixture
def paying_scheme(make_scheme):
    return make_scheme(
        debtor_name="ATS dell'Insubria",
        debtor_iban="IT60 X054 2811 1010 0000 0123 456",
        debtor_bic="BCITITMM",
    )


@pytest.fixture
def approve(confirmed, user_of):
    def make(**kwargs):
        application = confirmed(**kwargs)
        services.application_approve(application=application, by=user_of("alleanza.tradate"))
        application.refresh_from_db()
        return application

    return make


def test_the_sepa_file_validates_against_the_xsd_with_exact_amounts(
    paying_scheme, approve, user_of, login
):
    first = approve(scheme_=paying_scheme, number="S-1", amount="300.01")  # 150.005 → 150.00
    second = approve(scheme_=paying_scheme, number="S-2", amount="123.45", cf=VALID_CF_MAN)
    batch = services.batch_create(
        scheme=paying_scheme, title="Dicembre", by=user_of("alleanza.tradate")
    )
    response = login("alleanza.tradate").get(reverse("vouchers:batch_sepa", args=[batch.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/xml"
    xmlschema.XMLSchema(str(XSD)).validate(response.content.decode())
    root = ElementTree.fromstring(response.content)  # noqa: S314 (our own file, just validated)
    amounts = [Decimal(node.text) for node in root.iterfind(".//p:InstdAmt", NS)]
    expected = [p.amount for p in batch.payments.order_by("pk")]
    assert amounts == expected == [first.approved_amount, second.approved_amount]
    assert Decimal(root.find(".//p:GrpHdr/p:CtrlSum", NS).text) == sum(expected)
    assert root.find(".//p:GrpHdr/p:NbOfTxs", NS).text == "2"
    assert root.find(".//p:DbtrAcct/p:Id/p:IBAN", NS).text == "IT60X0542811101000000123456"
    assert root.find(".//p:DbtrAgt/p:FinInstnId/p:BICFI", NS).text == "BCITITMM"
    assert [n.text for n in root.iterfind(".//p:CdtTrfTxInf/p:CdtrAcct/p:Id/p:IBAN", NS)] == [
        VALID_IBAN,
        VALID_IBAN,
    ]
    assert f"VOUCHER-{first.pk}" in response.content.decode()
    # Another ATS's staff do not get it.
    outsider = login("operatore.milano").get(reverse("vouchers:batch_sepa", args=[batch.pk]))
    assert outsider.status_code == 404


def test_without_a_debtor_account_the_file_is_refused_with_a_message(
    scheme, approve, user_of, login
):
    approve()
    batch = services.batch_create(
        scheme=scheme, title="Senza conto", by=user_of("alleanza.tradate")
    )
    with pytest.raises(ValidationError):
        exporters.batch_sepa_xml(batch)
    client = login("alleanza.tradate")
    response = client.get(reverse("vouchers:batch_sepa", args=[batch.pk]), follow=True)
    assert "indica nel bando l&#x27;ente che paga" in response.content.decode()


def test_a_scheme_refuses_an_invalid_debtor_bic(make_scheme, user_of, action):
    scheme = make_scheme()
    with pytest.raises(ValidationError) as error:
        services.scheme_update(scheme=scheme, by=user_of("alleanza.tradate"), debtor_bic="XX1")
    assert "debtor_bic" in error.value.message_dict


def test_ibans_are_checked_and_normalised_with_schwifty(scheme, approve, user_of):
    assert services.iban_compact("it60 x054 2811 1010 0000 0123 456") == VALID_IBAN
    assert services.iban_compact("IT60X0542811101000000123457") is None  # check digits
    application = approve()
    VoucherApplication.objects.filter(pk=application.pk).update(
        iban="it60 x054 2811 1010 0000 0123 456"
    )
    batch = services.batch_create(scheme=scheme, title="Lotto", by=user_of("alleanza.tradate"))
    assert Payment.objects.get(batch=batch).iban == VALID_IBAN


def test_shared_iban_and_codice_fiscale_are_warned_before_and_after(
    scheme, approve, user_of, login
):
    first = approve(number="D-1")
    second = approve(number="D-2", cf=VALID_CF_MAN)  # another person, the same IBAN
    third = approve(number="D-3")  # the first person again, another account
    VoucherApplication.objects.filter(pk=third.pk).update(iban=OTHER_IBAN)
    client = login("alleanza.tradate")
    before = client.get(reverse("vouchers:scheme_detail", args=[scheme.pk])).content.decode()
    assert (
        f"Lo stesso IBAN {VALID_IBAN} è indicato in 2 domande: n. {first.pk}, n. {second.pk}"
        in before
    )
    assert f"n. {first.pk}, n. {third.pk}" in before and "Lo stesso codice fiscale" in before
    batch = services.batch_create(scheme=scheme, title="Lotto", by=user_of("alleanza.tradate"))
    after = client.get(reverse("vouchers:batch_detail", args=[batch.pk])).content.decode()
    assert "Lo stesso IBAN" in after and "Lo stesso codice fiscale" in after
    assert PaymentBatch.objects.get(pk=batch.pk).payments.count() == 3


def test_no_warning_when_every_person_has_their_own_account(scheme, approve, login):
    approve(number="U-1")
    other = approve(number="U-2", cf=VALID_CF_MAN)
    VoucherApplication.objects.filter(pk=other.pk).update(iban=OTHER_IBAN)
    assert services.payment_warnings(scheme, services.ready_to_pay(scheme)) == []
    assert Scheme.objects.get(pk=scheme.pk).debtor_iban == ""
