"""The family's yearly cap, duplicate receipts and payments compare identifiers in one canonical
form, however they were typed (equilibri.core.identifiers)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from equilibri.vouchers import services
from equilibri.vouchers.models import ExpenseLine, VoucherApplication

from .conftest import PROVIDER_VAT, VALID_CF, expense_data, pdf

pytestmark = pytest.mark.django_db

# The same person's code as typed in other ways: full width, lower case with spaces, a
# non-breaking space and a zero-width space.
FULL_WIDTH_CF = VALID_CF.translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)})
SPACED_CF = "clmsra 85r50\u00a0l682h\u200b"


@pytest.mark.parametrize("typed", [FULL_WIDTH_CF, SPACED_CF])
def test_the_familys_yearly_cap_holds_whatever_the_code_looks_like(
    typed, make_scheme, ready_draft, worker
):
    assert typed != VALID_CF
    scheme = make_scheme(cap_per_family_year=Decimal("200"))
    first = ready_draft(scheme_=scheme, number="F-1")  # 300 € of receipts: 150 €
    services.application_submit(application=first, by=first.applicant)
    first.refresh_from_db()
    assert first.requested_amount == Decimal("150.00")

    # Another account of the same family, the code typed another way.
    second = ready_draft(worker("altro"), scheme_=scheme, number="F-2", cf=typed)
    assert second.fiscal_code == VALID_CF
    services.application_submit(application=second, by=second.applicant)
    second.refresh_from_db()
    assert second.requested_amount == Decimal("50.00")  # what is left of the 200 € cap
    assert VoucherApplication.objects.filter(scheme=scheme, fiscal_code=typed).count() == 2


def test_an_invalid_fiscal_code_is_refused_with_a_clear_message(ready_draft):
    application = ready_draft()
    with pytest.raises(ValidationError) as error:
        services.application_update(
            application=application, by=application.applicant, fiscal_code="CLMSRA85R50L682X"
        )
    assert "non è un codice fiscale valido" in error.value.message_dict["fiscal_code"][0]


def test_iban_and_phone_are_stored_in_canonical_form(ready_draft):
    application = ready_draft()
    services.application_update(
        application=application,
        by=application.applicant,
        iban="it60 x054 2811 1010 0000 0123\u00a0456",
        phone="0331\u2009841 234",
    )
    application.refresh_from_db()
    assert application.iban == "IT60X0542811101000000123456"
    assert application.phone == "+390331841234"
    with pytest.raises(ValidationError) as error:
        services.application_update(
            application=application, by=application.applicant, phone="chiamami"
        )
    assert "non è un numero di telefono valido" in error.value.message_dict["phone"][0]


def test_the_same_receipt_typed_another_way_is_not_claimed_twice(ready_draft, worker):
    ready_draft(number="R-15")
    other = ready_draft(worker("collega"), number="X-1")
    full_width_vat = PROVIDER_VAT.translate({c: c + 0xFEE0 for c in range(0x30, 0x3A)})
    with pytest.raises(ValidationError) as error:
        services.expense_add(
            application=other,
            by=other.applicant,
            file=pdf(),
            **expense_data(receipt_number="ｒ\u200b15", provider_tax_id=f"IT {full_width_vat}"),
        )
    assert "receipt_number" in error.value.message_dict
    assert not other.expenses.exclude(receipt_number="X-1").exists()
    # The provider's code is stored in one form, and found in any.
    assert ExpenseLine.objects.get(receipt_number="R-15").provider_tax_id == PROVIDER_VAT
    assert ExpenseLine.objects.filter(provider_tax_id=f"IT {full_width_vat}").count() >= 2
