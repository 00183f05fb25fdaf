import pytest
from django.core.exceptions import ValidationError

from equilibri.network.forms import MultiComuneField, OrganisationForm

pytestmark = pytest.mark.django_db


def test_multi_comune_field_reads_a_list():
    comuni = MultiComuneField().clean("Tradate; varese, Cantu, Tradate (VA), 012133")
    # Accents optional, "Name (PR)" and ISTAT codes accepted, duplicates dropped.
    assert [c.name for c in comuni] == ["Tradate", "Varese", "Cantù"]


def test_multi_comune_field_names_what_it_cannot_find():
    with pytest.raises(ValidationError, match="«Atlantide», «Utopia»"):
        MultiComuneField().clean("Tradate, Atlantide, Utopia")


def test_multi_comune_field_shows_comuni_back():
    field = MultiComuneField()
    comuni = field.clean("Tradate, Erba")
    assert field.prepare_value(comuni) == "Tradate (VA), Erba (CO)"


def test_vat_number_accepts_the_it_prefix_and_spaces():
    form = OrganisationForm(
        data={"name": "X", "kind": "company", "vat_number": "IT 0074311 0157", "comune": "Erba"}
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["vat_number"] == "00743110157"
