import pytest
from django.core.exceptions import ValidationError

from equilibri.network.models import Organisation
from equilibri.network.selectors import organisations_visible_to
from equilibri.network.validators import validate_organisation_fiscal_code, validate_vat_number

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("value", ["00743110157", "02105420158"])
def test_valid_vat_numbers(value):
    validate_vat_number(value)


@pytest.mark.parametrize("value", ["00743110158", "1234", "ABCDEFGHIJK"])
def test_invalid_vat_number_says_what_is_wrong(value):
    with pytest.raises(ValidationError, match="non è una partita IVA valida"):
        validate_vat_number(value)


@pytest.mark.parametrize("value", ["00743110157", "RSSMRA80A01F205X"])
def test_valid_organisation_fiscal_codes(value):
    validate_organisation_fiscal_code(value)


@pytest.mark.parametrize("value", ["00743110150", "RSSMRA80A01F205Y", "XYZ"])
def test_invalid_organisation_fiscal_code(value):
    with pytest.raises(ValidationError, match="non è un codice fiscale valido"):
        validate_organisation_fiscal_code(value)


def names(user) -> set[str]:
    return set(organisations_visible_to(user).values_list("name", flat=True))


def test_ats_operator_sees_only_their_ats(user_of):
    visible = names(user_of("operatore.insubria"))
    assert "L'Aquilone Coop. Soc." in visible and "Comune di Cuveglio" in visible
    assert "Spazio Aperto Servizi" not in visible and "Comune di Brescia" not in visible
    assert names(user_of("operatore.brescia")) == {
        "ATS di Brescia",
        "Comune di Brescia",
        "Comune di Montichiari",
        "Comune di Palazzolo sull'Oglio",
        "Il Cerchio Coop. Soc.",  # a catalogue provider
    }


def test_organisation_roles_see_their_own_organisation_only(user_of):
    assert names(user_of("hr.arca")) == {"L'Arca Coop. Soc."}
    assert names(user_of("ente.spazioaperto")) == {"Spazio Aperto Servizi"}


def test_region_wide_roles_see_everything(user_of):
    total = Organisation.objects.count()
    assert organisations_visible_to(user_of("regione")).count() == total
    assert organisations_visible_to(user_of("admin")).count() == total


def test_citizen_sees_none(user_of):
    assert names(user_of("cittadina")) == set()


def test_list_shows_the_scope(login):
    page = login("operatore.milano").get("/area-riservata/organizzazioni/").content.decode()
    assert "Spazio Aperto Servizi" in page and "L&#x27;Aquilone" not in page
