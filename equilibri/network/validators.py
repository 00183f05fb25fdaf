from codicefiscale import codicefiscale
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.it import iva


def validate_vat_number(value: str) -> None:
    """Partita IVA: 11 digits with a valid check digit."""
    if not iva.is_valid(value):
        raise ValidationError(
            _(
                "«%(value)s» non è una partita IVA valida: servono 11 cifre con la cifra di "
                "controllo corretta."
            ),
            code="invalid_vat",
            params={"value": value},
        )


def validate_organisation_fiscal_code(value: str) -> None:
    """An organisation's codice fiscale: 11 digits (bodies, companies) or 16 characters
    (sole traders, whose code is a person's)."""
    if len(value) == 11 and value.isdigit():
        if iva.is_valid(value):
            return
    elif len(value) == 16 and codicefiscale.is_valid(value):
        return
    raise ValidationError(
        _(
            "«%(value)s» non è un codice fiscale valido: servono 11 cifre (enti e società) o "
            "16 caratteri (persone fisiche)."
        ),
        code="invalid_fiscal_code",
        params={"value": value},
    )
