from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from equilibri.territory.forms import ComuneField
from equilibri.territory.geo import haversine_km
from equilibri.territory.models import ATS, Comune, Region
from equilibri.territory.selectors import comune_suggestions, comuni_within
from equilibri.territory.services import COMUNI_CSV

pytestmark = pytest.mark.django_db


def test_lombardy_has_1502_comuni_in_8_ats():
    assert Region.objects.get().name == "Lombardia"
    assert ATS.objects.count() == 8
    assert Comune.objects.count() == 1502
    counts = {ats.code: ats.comuni.count() for ats in ATS.objects.all()}
    assert counts == {
        "ATS-MI": 193,
        "ATS-INS": 267,
        "ATS-BG": 243,
        "ATS-BS": 164,
        "ATS-BRI": 139,
        "ATS-MON": 134,
        "ATS-PV": 185,
        "ATS-VP": 177,
    }
    assert sum(Comune.objects.values_list("population", flat=True)) == 9_950_742


@pytest.mark.parametrize(
    ("comune", "ats"),
    [
        ("Tradate", "ATS Insubria"),
        ("Breno", "ATS Montagna"),
        ("Lodi", "ATS Milano"),
        ("Lecco", "ATS Brianza"),
        ("Dongo", "ATS Montagna"),
        ("Menaggio", "ATS Insubria"),
    ],
)
def test_known_comuni_belong_to_their_ats(comune, ats):
    assert Comune.objects.get(name=comune).ats.name == ats


def test_milano_has_code_coordinates_and_population():
    milano = Comune.objects.get(istat_code="015146")
    assert milano.name == "Milano" and milano.province == "MI"
    assert Decimal("45.3") < milano.lat < Decimal("45.6")
    assert milano.population > 1_300_000


def test_loading_again_changes_nothing(capsys):
    call_command("load_geography")
    assert "0 comuni created, 0 updated, 1502 unchanged" in capsys.readouterr().out


def _write(tmp_path, rows: list[str]):
    path = tmp_path / "comuni.csv"
    header = COMUNI_CSV.read_text(encoding="utf-8").splitlines()[0]
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


GOOD_ROW = "999001,Nuovo Comune,VA,ATS-INS,ATS dell'Insubria,45.700000,8.800000,1000"


@pytest.mark.parametrize(
    ("bad_row", "message"),
    [
        ("99902,Corto,VA,ATS-INS,x,45.7,8.8,10", "line 3: ISTAT code '99902' is not 6 digits"),
        ("999002,Fuori,XX,ATS-INS,x,45.7,8.8,10", "line 3: unknown province 'XX'"),
        ("999002,Fuori,VA,ATS-ZZ,x,45.7,8.8,10", "line 3: unknown ATS 'ATS-ZZ'"),
        ("999002,Lontano,VA,ATS-INS,x,41.9,12.5,10", "line 3: coordinate 41.9 is outside"),
        ("999002,Vuoto,VA,ATS-INS,x,45.7,8.8,molti", "line 3: population 'molti' is not a number"),
        ("999002,Corta", "line 3: wrong number of fields"),
        ("999001,Doppio,VA,ATS-INS,x,45.7,8.8,10", "line 3: ISTAT code 999001 appears twice"),
    ],
)
def test_malformed_csv_names_the_line_and_writes_nothing(tmp_path, bad_row, message):
    path = _write(tmp_path, [GOOD_ROW, bad_row])
    with pytest.raises(CommandError) as excinfo:
        call_command("load_geography", comuni=path)
    assert message in str(excinfo.value)
    assert "Nothing was written" in str(excinfo.value)
    assert not Comune.objects.filter(istat_code="999001").exists()


def test_wrong_header_is_refused(tmp_path):
    path = tmp_path / "comuni.csv"
    path.write_text("codice,nome\n012001,Agra\n", encoding="utf-8")
    with pytest.raises(CommandError, match="line 1: expected the columns"):
        call_command("load_geography", comuni=path)


def test_missing_file_is_refused(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        call_command("load_geography", comuni=tmp_path / "missing.csv")


def test_haversine_distance_milano_tradate():
    milano, tradate = Comune.objects.get(name="Milano"), Comune.objects.get(name="Tradate")
    assert 28 < haversine_km(milano.lat, milano.lon, tradate.lat, tradate.lon) < 36
    assert haversine_km(milano.lat, milano.lon, milano.lat, milano.lon) == 0


def test_comuni_within_radius_nearest_first():
    tradate = Comune.objects.get(name="Tradate")
    near = comuni_within(tradate, 5)
    assert near[0] == (tradate, 0.0)
    assert all(km <= 5 for _comune, km in near)
    assert [km for _c, km in near] == sorted(km for _c, km in near)
    names = {comune.name for comune, _km in near}
    assert "Venegono Inferiore" in names and "Milano" not in names


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Tradate", "Tradate"),
        ("  tradate ", "Tradate"),
        ("Tradate (VA)", "Tradate"),
        ("015146", "Milano"),
        ("cantu", "Cantù"),
        ("CANTÙ", "Cantù"),
        ("saviore dell’adamello", "Saviore dell'Adamello"),
    ],
)
def test_comune_field_accepts_what_people_type(typed, expected):
    assert ComuneField().clean(typed).name == expected


def test_comune_field_explains_unknown_names():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="Non troviamo il comune «Atlantide»"):
        ComuneField().clean("Atlantide")


def test_suggestions_start_with_the_typed_letters_accents_ignored():
    names = [c.name for c in comune_suggestions("cant")]
    assert names[0].startswith("Cant") and "Cantù" in names
    assert comune_suggestions("c") == []


def test_suggestion_endpoint_returns_options(client):
    response = client.get("/territorio/comuni/suggerimenti/", {"comune": "trad"})
    assert response.status_code == 200
    assert '<option value="Tradate (VA)">' in response.content.decode()
