"""The gender categories of the whole platform: a desk's contact, a voucher application and a
monitoring indicator's beneficiaries are counted in the same categories, so their statistics add
up. In core because several sibling apps record gender and none may import another."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Gender(models.TextChoices):
    FEMALE = "female", _("Donna")
    MALE = "male", _("Uomo")
    OTHER = "other", _("Altro")
    UNSPECIFIED = "unspecified", _("Non indicato")


# The longest value, for the CharFields that store one.
MAX_LENGTH = 12


def from_fiscal_code(letter: str) -> str:
    """The category of the "F"/"M" an Italian codice fiscale encodes ("" when it says nothing)."""
    return {"F": Gender.FEMALE, "M": Gender.MALE}.get(letter.upper(), "") if letter else ""
