"""Checks of what the applicant types or uploads: each returns the canonical value or raises
a ValidationError on the form field."""

from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from equilibri.core import identifiers
from equilibri.core.uploads import CheckedUpload, check_upload

from .amounts import CENT

DEFAULT_MAX_UPLOAD_BYTES = 5 * 1024 * 1024


def max_upload_bytes() -> int:
    return int(getattr(settings, "VOUCHER_RECEIPT_MAX_BYTES", DEFAULT_MAX_UPLOAD_BYTES))


def field_error(field: str | None, message: str) -> ValidationError:
    return ValidationError({field: [message]} if field else message)


def _validated(code: str, validate: Callable[[str], None], field: str) -> str:
    """`code` if `validate` accepts it, else its first message on the form field."""
    try:
        validate(code)
    except ValidationError as error:
        raise field_error(field, error.messages[0]) from None
    return code


def check_amount(value: Any, field: str = "amount") -> Decimal:
    """A positive amount in euros with at most two decimals."""
    try:
        amount = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError) as error:
        raise field_error(field, _("Scrivi l'importo in euro, ad esempio 120,50.")) from error
    if not amount.is_finite() or amount <= 0:
        raise field_error(field, _("L'importo deve essere maggiore di zero."))
    exponent = amount.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        raise field_error(field, _("L'importo può avere al massimo due decimali (i centesimi)."))
    if amount >= Decimal("10000000000"):
        raise field_error(field, _("L'importo è troppo grande."))
    return amount.quantize(CENT)


def check_fiscal_code(value: str, field: str = "fiscal_code") -> str:
    """The canonical code (the family's yearly cap compares it), or a clear error."""
    return _validated(
        identifiers.normalise_tax_code(value), identifiers.validate_person_fiscal_code, field
    )


def check_provider_tax_id(value: str, field: str = "provider_tax_id") -> str:
    code = identifiers.normalise_tax_code(value)
    if identifiers.is_vat_number(code) or identifiers.is_person_fiscal_code(code):
        return code
    raise field_error(
        field,
        _(
            "«%(value)s» non è una partita IVA (11 cifre) né un codice fiscale (16 caratteri) "
            "valido: copialo dalla ricevuta."
        )
        % {"value": value},
    )


def check_iban(value: str, field: str = "iban") -> str:
    return _validated(identifiers.normalise_iban(value), identifiers.validate_iban, field)


def check_file(upload: UploadedFile, field: str = "file") -> CheckedUpload:
    """The receipt or document to store, checked by its content (equilibri.core.uploads: a clean
    PDF, or a JPEG / PNG re-encoded without its metadata), or an error on its form field."""
    try:
        return check_upload(upload, max_bytes=max_upload_bytes())
    except ValidationError as error:
        raise field_error(field, error.messages[0]) from error


def receipt_key(provider_tax_id: str, receipt_number: str) -> str:
    """Provider and receipt number in one canonical form: the same receipt typed another way
    (full-width, spaces, dashes, lower case) is the same key, never claimed twice."""
    number = "".join(ch for ch in identifiers.clean_text(receipt_number).upper() if ch.isalnum())
    return f"{identifiers.normalise_tax_code(provider_tax_id)}:{number}"[:80]
