"""Identifiers people type — codice fiscale, partita IVA, IBAN, e-mail, phone, CAP — brought to
one canonical form at the boundary, before they are validated and before they are stored.

Why: the same code typed in full-width characters (U+FF21…), with spaces, a non-breaking
space, a zero-width space or in lower case passes the validators, and a cap or a
uniqueness check that compares strings would count it as someone else. Every path in (forms,
services, the HSDS import, commands) goes through the `normalise_*` functions here, the model
fields below apply them again on every save and every exact lookup, and a data migration of each
app brought what was stored before to the same form.

What each identifier becomes:

- text of every kind: Unicode NFKC (full-width letters and digits become ASCII, NBSP a space),
  any other decimal digit (e.g. Arabic-Indic) its ASCII digit, invisible format and control
  characters (zero-width space, soft hyphen, BOM) removed, runs of whitespace one space, trimmed;
- codice fiscale and partita IVA (`normalise_tax_code`): no spaces, dots or dashes, upper case,
  and an "IT" before the 11 digits of a partita IVA dropped;
- IBAN: no spaces or dashes, upper case;
- e-mail: the whole address lower case. The local part is case-sensitive in principle
  (RFC 5321), but no provider people use treats it so, and django-allauth — our sign-up and
  login — lower-cases the whole address itself (sign-up, login, `EmailAddress`): one rule, the
  same as allauth's, means one account per mailbox and one mailbox per cap;
- phone: E.164, `+` and digits only; a number of 6 to 11 digits without an international
  prefix is Italian (`0331 841234` → `+390331841234`), `00` before the country code is `+`;
- CAP: no spaces.

The functions never raise: what is not a valid identifier is left readable for the validators,
which give a clear message.
"""

import re
import unicodedata
from collections.abc import Callable
from typing import Any

from codicefiscale import codicefiscale
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from schwifty import IBAN
from schwifty.exceptions import SchwiftyException
from stdnum.it import iva

# ---------------------------------------------------------------------------------------------
# Normalisation


def clean_text(value: Any) -> str:
    """NFKC, ASCII digits, no invisible characters, single spaces, trimmed."""
    text = "" if value is None else str(value)
    if not (text.isascii() and text.isprintable()):
        chars = []
        for char in unicodedata.normalize("NFKC", text):
            if char.isspace():
                chars.append(" ")
            elif unicodedata.category(char) in ("Cc", "Cf"):
                continue  # zero-width space, soft hyphen, BOM, control characters
            elif not char.isascii() and unicodedata.category(char) == "Nd":
                chars.append(str(unicodedata.decimal(char)))
            else:
                chars.append(char)
        # Again: a character removed may have kept apart two that compose.
        text = unicodedata.normalize("NFKC", "".join(chars))
    return " ".join(text.split())


def _without(text: str, characters: str) -> str:
    return _settled(text.translate({ord(c): None for c in characters}))


def _settled(text: str) -> str:
    """NFKC again after characters were removed or their case changed (e.g. a letter and an
    accent a space kept apart compose): normalising twice gives the same value."""
    return text if text.isascii() else unicodedata.normalize("NFKC", text)


def normalise_tax_code(value: Any) -> str:
    """A codice fiscale (16 characters, or 11 digits for bodies) or a partita IVA."""
    code = _settled(_without(clean_text(value), " .-").upper())
    if len(code) == 13 and code.startswith("IT") and code[2:].isdigit():
        code = code[2:]  # the VAT number's country prefix
    return code


def normalise_iban(value: Any) -> str:
    return _settled(_without(clean_text(value), " -").upper())


def normalise_email(value: Any) -> str:
    return _settled(clean_text(value).lower())


def normalise_phone(value: Any) -> str:
    text = clean_text(value)
    number = _without(text, " .-/()")
    if number.startswith("00"):
        number = "+" + number[2:]
    elif number.isdigit() and 6 <= len(number) <= 11:
        number = "+39" + number  # an Italian number written without the country code
    if number[1:].isdigit() and number.startswith("+"):
        return number
    return text  # not a number we can write in E.164: the validator says so


def normalise_postcode(value: Any) -> str:
    return _without(clean_text(value), " ")


# ---------------------------------------------------------------------------------------------
# Validation (of values already normalised)

ASCII_CF = re.compile(r"[A-Z0-9]{16}")
ASCII_DIGITS_11 = re.compile(r"[0-9]{11}")
PHONE = re.compile(r"\+[1-9][0-9]{5,14}")  # E.164: at most 15 digits
ITALIAN_PHONE = re.compile(r"\+39[0-9]{6,11}")
POSTCODE = re.compile(r"[0-9]{5}")


def is_person_fiscal_code(code: str) -> bool:
    # The library also accepts non-ASCII letters and digits: the form is checked first.
    return bool(ASCII_CF.fullmatch(code)) and codicefiscale.is_valid(code)


def is_vat_number(code: str) -> bool:
    return bool(ASCII_DIGITS_11.fullmatch(code)) and iva.is_valid(code)


def validate_person_fiscal_code(value: str) -> None:
    if not is_person_fiscal_code(value):
        raise ValidationError(
            _(
                "«%(value)s» non è un codice fiscale valido: controlla i 16 caratteri "
                "(lettere e cifre) e il carattere di controllo finale."
            ),
            code="invalid_fiscal_code",
            params={"value": value},
        )


def validate_vat_number(value: str) -> None:
    """Partita IVA: 11 digits with a valid check digit."""
    if not is_vat_number(value):
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
    if not (is_vat_number(value) or is_person_fiscal_code(value)):
        raise ValidationError(
            _(
                "«%(value)s» non è un codice fiscale valido: servono 11 cifre (enti e società) o "
                "16 caratteri (persone fisiche)."
            ),
            code="invalid_fiscal_code",
            params={"value": value},
        )


def is_iban(code: str) -> bool:
    try:
        IBAN(code)
    except SchwiftyException:
        return False
    return True


def validate_iban(value: str) -> None:
    if not is_iban(value):
        raise ValidationError(
            _(
                "«%(value)s» non è un IBAN valido: controlla le lettere e le cifre "
                "(in Italia 27 caratteri, inizia con IT)."
            ),
            code="invalid_iban",
            params={"value": value},
        )


def validate_phone(value: str) -> None:
    italian = value.startswith("+39")
    if not (PHONE.fullmatch(value) and (not italian or ITALIAN_PHONE.fullmatch(value))):
        raise ValidationError(
            _(
                "«%(value)s» non è un numero di telefono valido: scrivilo con le sole cifre, "
                "ad esempio 031 123456 o +39 333 1234567."
            ),
            code="invalid_phone",
            params={"value": value},
        )


def validate_postcode(value: str) -> None:
    if not POSTCODE.fullmatch(value):
        raise ValidationError(
            _("«%(value)s» non è un CAP valido: servono 5 cifre."),
            code="invalid_postcode",
            params={"value": value},
        )


# ---------------------------------------------------------------------------------------------
# Form fields: normalise in to_python, so that the validators, clean_*() and cleaned_data all
# see the canonical value.


class IdentifierFormField(forms.CharField):
    def __init__(self, *, normaliser: Callable[[Any], str], **kwargs: Any):
        self.normaliser = normaliser
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> str:
        value = super().to_python(value)
        return self.normaliser(value) if value else value

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        if self.max_length is not None:
            # Room for the spaces people type ("IT60 X054 …"): the limit applies to the
            # normalised value.
            attrs["maxlength"] = str(2 * self.max_length)
        return attrs


class TaxCodeFormField(IdentifierFormField):
    """Codice fiscale or partita IVA; the form or service says which it accepts."""

    def __init__(self, **kwargs: Any):
        super().__init__(normaliser=normalise_tax_code, **{"max_length": 16, **kwargs})


class IbanFormField(IdentifierFormField):
    default_validators = [validate_iban]

    def __init__(self, **kwargs: Any):
        super().__init__(normaliser=normalise_iban, **{"max_length": 34, **kwargs})


class PhoneFormField(IdentifierFormField):
    default_validators = [validate_phone]

    def __init__(self, **kwargs: Any):
        super().__init__(normaliser=normalise_phone, **{"max_length": 30, **kwargs})


class PostcodeFormField(IdentifierFormField):
    default_validators = [validate_postcode]

    def __init__(self, **kwargs: Any):
        super().__init__(normaliser=normalise_postcode, **{"max_length": 5, **kwargs})


class EmailFormField(forms.EmailField):
    def to_python(self, value: Any) -> str:
        value = super().to_python(value)
        return normalise_email(value) if value else value


# ---------------------------------------------------------------------------------------------
# Model fields: the value is normalised when a model is cleaned (to_python), when it is saved
# (pre_save, also by bulk_create) and when it is compared in an exact or `in` lookup or written
# by update() (get_prep_value), so no path stores or looks up another form of it.


class _Normalised:
    normaliser: Callable[[Any], str]
    form_class: type[forms.Field]

    def to_python(self, value: Any) -> Any:
        value = super().to_python(value)  # type: ignore[misc]
        return self.normaliser(value) if isinstance(value, str) and value else value

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)  # type: ignore[misc]
        return self.normaliser(value) if isinstance(value, str) and value else value

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        value = getattr(model_instance, self.attname)  # type: ignore[attr-defined]
        if isinstance(value, str) and value:
            value = self.normaliser(value)
            setattr(model_instance, self.attname, value)  # type: ignore[attr-defined]
        return value

    def formfield(
        self,
        form_class: type[forms.Field] | None = None,
        choices_form_class: type[forms.ChoiceField] | None = None,
        **kwargs: Any,
    ) -> forms.Field | None:
        return super().formfield(  # type: ignore[misc]
            form_class=form_class or self.form_class,
            choices_form_class=choices_form_class,
            **kwargs,
        )


class TaxCodeField(_Normalised, models.CharField):
    """A codice fiscale or partita IVA (the validators say which are accepted)."""

    normaliser = staticmethod(normalise_tax_code)
    form_class = TaxCodeFormField


class IbanField(_Normalised, models.CharField):
    normaliser = staticmethod(normalise_iban)
    form_class = IbanFormField
    default_validators = [validate_iban]


class PhoneField(_Normalised, models.CharField):
    normaliser = staticmethod(normalise_phone)
    form_class = PhoneFormField
    default_validators = [validate_phone]


class PostcodeField(_Normalised, models.CharField):
    normaliser = staticmethod(normalise_postcode)
    form_class = PostcodeFormField
    default_validators = [validate_postcode]


class EmailField(_Normalised, models.EmailField):
    normaliser = staticmethod(normalise_email)
    form_class = EmailFormField


# ---------------------------------------------------------------------------------------------
# Data migrations


def normalise_stored(
    apps: Any,
    model: str,
    fields: dict[str, Callable[[Any], str]],
    *,
    unique: tuple[str, ...] | None = None,
    stdout: Any = None,
) -> list[str]:
    """Brings the stored values of `fields` of `model` ("app_label.Model") to their canonical
    form, row by row (only rows that change are written). In a unique column (`unique`, by
    default the fields declared unique) a value whose canonical form another row already has is
    left as it is and reported, so the migration never stops half-way on an IntegrityError: the
    returned lines (also printed) say which rows to merge by hand."""
    Model = apps.get_model(model)
    manager = Model._base_manager
    if unique is None:
        unique = tuple(name for name in fields if Model._meta.get_field(name).unique)
    rows = list(manager.order_by("pk").values_list("pk", *fields))
    # Who keeps each canonical value of a unique column: the row that already stores it, or
    # else the oldest row that becomes it.
    owners: dict[str, dict[str, int]] = {name: {} for name in unique}
    for name in unique:
        index = list(fields).index(name) + 1
        for already in (True, False):
            for row in rows:
                value = row[index]
                if value and (fields[name](value) == value) == already:
                    owners[name].setdefault(fields[name](value), row[0])
    problems: list[str] = []
    written: list[Any] = []
    written_fields: set[str] = set()
    for pk, *values in rows:
        changes = {}
        for (name, normaliser), value in zip(fields.items(), values, strict=True):
            canonical = normaliser(value) if value else value
            if canonical == value:
                continue
            owner = owners.get(name, {}).get(canonical, pk)
            if owner != pk:
                problems.append(
                    f"{model}.{name}: row {pk} «{value}» is the same as row {owner} "
                    f"«{canonical}»; left unchanged, merge them by hand"
                )
                continue
            changes[name] = canonical
        if changes:
            manager.filter(pk=pk).update(**changes)
            written.append(pk)
            written_fields.update(changes)
    _log_normalised(apps, Model, written, written_fields)
    for line in problems:
        print(line, file=stdout)
    return problems


def _log_normalised(apps: Any, model: Any, ids: list[Any], fields: set[str]) -> None:
    """One audit entry for the rows a data migration rewrote (only the field names: the old
    spellings are personal data), through the migration's own models."""
    from equilibri.core.audit import UPDATE, log_bulk  # the audit log's models load later

    try:
        apps.get_model("auditlog", "LogEntry")
    except LookupError:  # a new database migrating from scratch: no audit log yet
        return
    data = {"reason": "normalisation"}
    log_bulk(model, ids, UPDATE, fields=fields, registry=apps, data=data)
