"""Every identifier in one canonical form, whatever way it comes in (equilibri.core.identifiers):
odd spellings give one stored value, invalid ones a clear message, the data migrations bring
stored values to that form, and normalising twice changes nothing."""

import importlib

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.db import connection
from hypothesis import given
from hypothesis import strategies as st

from equilibri.core import identifiers as ids

CF = "BNCGLI88E52L319S"


def full_width(text: str) -> str:
    return text.translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)})


ODD = [
    # (normaliser, typed, canonical)
    (ids.normalise_tax_code, full_width(CF), CF),
    (ids.normalise_tax_code, " bncgli 88e52 l319s ", CF),
    (ids.normalise_tax_code, "BNCGLI88E52\u00a0L319S", CF),
    (ids.normalise_tax_code, "BNC\u200bGLI88E52L319S\ufeff", CF),
    (ids.normalise_tax_code, "BNCGLI88E52L319S\u00ad", CF),
    (ids.normalise_tax_code, "IT 01114601006", "01114601006"),
    (ids.normalise_tax_code, "０１１１４６０１００６", "01114601006"),
    (ids.normalise_tax_code, "011.146.010-06", "01114601006"),
    (ids.normalise_tax_code, "٠١١١٤٦٠١٠٠٦", "01114601006"),  # Arabic-Indic digits
    (ids.normalise_iban, "it60 x054 2811 1010 0000 0123 456", "IT60X0542811101000000123456"),
    (ids.normalise_iban, full_width("IT60X0542811101000000123456"), "IT60X0542811101000000123456"),
    (
        ids.normalise_iban,
        "IT60-X054\u200b2811\u00a01010-0000-0123-456",
        "IT60X0542811101000000123456",
    ),
    (ids.normalise_email, " Mario.Rossi@Example.IT ", "mario.rossi@example.it"),
    (ids.normalise_email, full_width("mario@example.it"), "mario@example.it"),
    (ids.normalise_email, "mario\u200b@example.it\u00a0", "mario@example.it"),
    (ids.normalise_phone, "0331 841234", "+390331841234"),
    (ids.normalise_phone, "0331/84.12.34", "+390331841234"),
    (ids.normalise_phone, "+39 (0)331 841234", "+390331841234"),
    (ids.normalise_phone, "0039 0331 841234", "+390331841234"),
    (ids.normalise_phone, "０３３１\u3000８４１２３４", "+390331841234"),
    (ids.normalise_phone, "333\u00a0123\u200b4567", "+393331234567"),
    (ids.normalise_phone, "+41 44 668 18 00", "+41446681800"),
    (ids.normalise_postcode, "21 049", "21049"),
    (ids.normalise_postcode, "２１０４９", "21049"),
    (ids.normalise_postcode, "\u200b21049\u00a0", "21049"),
]


@pytest.mark.parametrize(("normalise", "typed", "canonical"), ODD)
def test_odd_spellings_give_one_value(normalise, typed, canonical):
    assert normalise(typed) == canonical


INVALID = [
    (ids.validate_person_fiscal_code, ids.normalise_tax_code, "BNCGLI88E52L319X", "codice fiscale"),
    (ids.validate_person_fiscal_code, ids.normalise_tax_code, "BNCGLI88E52L31", "codice fiscale"),
    (ids.validate_organisation_fiscal_code, ids.normalise_tax_code, "01114601007", "codice"),
    (ids.validate_vat_number, ids.normalise_tax_code, "IT0111460100", "partita IVA"),
    (ids.validate_iban, ids.normalise_iban, "IT60X0542811101000000123457", "IBAN"),
    (ids.validate_iban, ids.normalise_iban, "IT00BROKEN", "IBAN"),
    (ids.validate_phone, ids.normalise_phone, "chiamami dopo le 5", "telefono"),
    (ids.validate_phone, ids.normalise_phone, "112", "telefono"),
    (ids.validate_phone, ids.normalise_phone, "+39 0331 841234 567 890", "telefono"),
    (ids.validate_postcode, ids.normalise_postcode, "2104", "CAP"),
    (ids.validate_postcode, ids.normalise_postcode, "CH-8001", "CAP"),
]


@pytest.mark.parametrize(("validate", "normalise", "typed", "word"), INVALID)
def test_invalid_identifiers_are_refused_with_a_clear_message(validate, normalise, typed, word):
    with pytest.raises(ValidationError) as error:
        validate(normalise(typed))
    assert word in error.value.messages[0]
    assert "«" in error.value.messages[0]  # it shows what was read


def test_the_library_alone_accepted_a_full_width_code():
    """Why the form is checked before the check digit: python-codicefiscale's own check
    accepts the full-width code, so without normalisation it would be stored as typed."""
    from codicefiscale import codicefiscale

    assert codicefiscale.is_valid(full_width(CF))
    with pytest.raises(ValidationError):
        ids.validate_person_fiscal_code(full_width(CF))
    ids.validate_person_fiscal_code(ids.normalise_tax_code(full_width(CF)))


NORMALISERS = [
    ids.clean_text,
    ids.normalise_tax_code,
    ids.normalise_iban,
    ids.normalise_email,
    ids.normalise_phone,
    ids.normalise_postcode,
]


@pytest.mark.parametrize("normalise", NORMALISERS)
@given(
    text=st.text(
        alphabet=st.one_of(
            st.characters(),
            st.sampled_from("0123456789+()-./ @ITit\u00a0\u200b\u3000０１２ＡＢｃ"),
        ),
        max_size=40,
    )
)
def test_normalising_twice_changes_nothing(normalise, text):
    once = normalise(text)
    assert normalise(once) == once


def test_form_fields_normalise_before_validating():
    from equilibri.catalogue.forms import ContactForm, LocationForm

    form = ContactForm(data={"email": full_width("Anna@Example.org"), "phone": "0331 84 12 34"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {
        "name": "",
        "title": "",
        "email": "anna@example.org",
        "phone": "+390331841234",
    }
    bad = ContactForm(data={"phone": "sì"})
    assert not bad.is_valid()
    assert "non è un numero di telefono valido" in bad.errors["phone"][0]
    location = LocationForm(data={"kind": "physical", "name": "Sede", "postal_code": "２１０ ４９"})
    location.is_valid()
    assert location.cleaned_data["postal_code"] == "21049"


@pytest.mark.django_db
def test_model_fields_store_and_find_the_canonical_value():
    from equilibri.accounts.models import User
    from equilibri.network.models import Organisation

    org = Organisation.objects.get(name="L'Arca Coop. Soc.")
    org.vat_number = "IT ０１１１４６０１００６"
    org.phone = "0331\u00a0841234"
    org.email = "Segreteria@Arca.IT\u200b"
    org.save()
    org.refresh_from_db()
    assert (org.vat_number, org.phone, org.email) == (
        "01114601006",
        "+390331841234",
        "segreteria@arca.it",
    )
    # update() and exact lookups go through the same normalisation.
    Organisation.objects.filter(pk=org.pk).update(fiscal_code="bncgli88e52l319s ")
    assert Organisation.objects.get(fiscal_code=full_width(CF)).pk == org.pk
    user = User.objects.create_user(email=full_width("Nuova@Example.org"), password="x-Y-z-123456")
    assert user.email == "nuova@example.org"
    assert User.objects.get(email="NUOVA@example.org\u200b") == user


def _raw_update(table: str, pk: int, **values) -> None:
    """Writes values as they were stored before normalisation existed (bypassing the fields)."""
    quote = connection.ops.quote_name
    columns = ", ".join(f"{quote(column)} = %s" for column in values)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {quote(table)} SET {columns} WHERE id = %s",  # noqa: S608 (names are ours)
            [*values.values(), pk],
        )


def _migration(app_label: str, name: str):
    package = django_apps.get_app_config(app_label).name
    return importlib.import_module(f"{package}.migrations.{name}")


@pytest.mark.django_db
def test_the_data_migrations_normalise_what_is_stored(capsys):
    from equilibri.accounts.models import User
    from equilibri.catalogue.models import Location, Phone
    from equilibri.network.models import Organisation
    from equilibri.vouchers.models import VoucherApplication

    org = Organisation.objects.get(name="L'Arca Coop. Soc.")
    _raw_update(
        "network_organisation",
        org.pk,
        fiscal_code=full_width("01114601006"),
        vat_number="01114601006",
        email="Info@ARCA.it",
        phone="0331 841234",
    )
    location = Location.objects.create(name="Sede", postal_code="21049", comune=org.comune)
    _raw_update("services_location", location.pk, postal_code="２１０４９")
    phone = Phone.objects.create(location=location, number="0331 841234")
    _raw_update("services_phone", phone.pk, number="0039 0331-841234")
    application = VoucherApplication.objects.first()
    _raw_update(
        "vouchers_voucherapplication",
        application.pk,
        fiscal_code=full_width(CF),
        iban="it60 x054 2811 1010 0000 0123 456",
        phone="",
    )
    user = User.objects.get(email="cittadina@demo.equilibri.it")
    _raw_update("accounts_user", user.pk, email="Cittadina@DEMO.equilibri.it")

    for app, name in [
        ("network", "0005_normalised_identifiers"),
        ("services", "0005_normalised_identifiers"),
        ("vouchers", "0003_normalised_identifiers"),
        ("accounts", "0002_normalised_identifiers"),
    ]:
        _migration(app, name).forwards(django_apps, None)

    values = Organisation.objects.filter(pk=org.pk).values_list(
        "fiscal_code", "vat_number", "email", "phone"
    )
    assert values.get() == ("01114601006", "01114601006", "info@arca.it", "+390331841234")
    assert Location.objects.values_list("postal_code", flat=True).get(pk=location.pk) == "21049"
    assert Phone.objects.values_list("number", flat=True).get(pk=phone.pk) == "+390331841234"
    assert VoucherApplication.objects.values_list("fiscal_code", "iban").get(pk=application.pk) == (
        CF,
        "IT60X0542811101000000123456",
    )
    assert User.objects.values_list("email", flat=True).get(pk=user.pk) == (
        "cittadina@demo.equilibri.it"
    )
    assert capsys.readouterr().out == ""  # no collision to report


@pytest.mark.django_db
def test_a_collision_in_a_unique_column_is_reported_not_crashed_on(capsys):
    from equilibri.accounts.models import User

    kept = User.objects.get(email="cittadina@demo.equilibri.it")
    twin = User.objects.get(email="cittadino@demo.equilibri.it")
    odd = User.objects.get(email="regione@demo.equilibri.it")
    _raw_update("accounts_user", twin.pk, email=full_width("cittadina@demo.equilibri.it"))
    _raw_update("accounts_user", odd.pk, email="Regione@Demo.Equilibri.it")

    _migration("accounts", "0002_normalised_identifiers").forwards(django_apps, None)

    emails = dict(User.objects.filter(pk__in=[kept.pk, twin.pk, odd.pk]).values_list("pk", "email"))
    assert emails == {
        kept.pk: "cittadina@demo.equilibri.it",
        twin.pk: full_width("cittadina@demo.equilibri.it"),  # left for a person to merge
        odd.pk: "regione@demo.equilibri.it",  # the others are still normalised
    }
    out = capsys.readouterr().out
    assert f"accounts.User.email: row {twin.pk}" in out
    assert f"same as row {kept.pk}" in out
