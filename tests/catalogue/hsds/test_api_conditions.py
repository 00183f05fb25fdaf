"""The HSDS API's filters of who and when a service is for (our profile): `age` in decimal years,
`open_on` a date, `free`, `voucher`, `language`, with the public search's semantics, on both
lists of services and both ways of answering (the ORM list and the engine's, with text or
distance); bounded, a bad value a 400 naming the parameter; documented in the OpenAPI."""

from datetime import date

import pytest

from equilibri.catalogue.filters import where_filters
from equilibri.catalogue.search import SearchQuery

from .conftest import assert_page

pytestmark = pytest.mark.django_db

SERVICES = "/api/hsds/services?per_page=100"
SALS = "/api/hsds/service_at_locations?per_page=100"
# Our catalogue's services outside the fixture's ("Zeta ... HSDS") are the demo data's.
MINE = "Zeta"


def names(api, url: str) -> set[str]:
    response = api.get(url)
    assert response.status_code == 200, response.content[:300]
    data = response.json()
    if "/service_at_locations" in url:
        assert_page(data, "compiled/service_at_location_list.json")
        return {
            item["service"]["name"] for item in data["contents"] if MINE in item["service"]["name"]
        }
    assert_page(data, "compiled/service_list.json")
    return {item["name"] for item in data["contents"] if MINE in item["name"]}


CAMP, IRONING, ONLINE = (
    "Zeta centro estivo HSDS Tradate",
    "Zeta stireria sociale HSDS",
    "Zeta consulenza online HSDS",
)


@pytest.mark.parametrize(
    "base",
    [SERVICES, SALS, SERVICES + "&search=zeta", SERVICES + "&postcode=21049&proximity=50000"],
)
def test_age_in_decimal_years(api, catalogue, base):
    # The camp is for 6 to 11 years; the others say no age (every age).
    assert CAMP in names(api, f"{base}&age=6")
    assert CAMP in names(api, f"{base}&age=11.5")  # 11 years and a half: still 11
    assert CAMP not in names(api, f"{base}&age=5.9")
    assert CAMP not in names(api, f"{base}&age=0.25")
    assert IRONING in names(api, f"{base}&age=0.25")


@pytest.mark.parametrize("base", [SERVICES, SALS, SERVICES + "&search=zeta"])
def test_open_on_a_date(api, catalogue, base):
    # The camp opens Monday to Friday from 15 June to 28 August 2026; the ironing on
    # Wednesdays, closed from 10 to 21 August 2026.
    assert {CAMP, IRONING} <= names(api, f"{base}&open_on=2026-07-01")  # a Wednesday
    assert CAMP in names(api, f"{base}&open_on=2026-07-02")
    assert IRONING not in names(api, f"{base}&open_on=2026-07-02")  # a Thursday
    assert IRONING not in names(api, f"{base}&open_on=2026-08-12")  # a closed Wednesday
    assert CAMP not in names(api, f"{base}&open_on=2026-07-04")  # a Saturday
    assert CAMP not in names(api, f"{base}&open_on=2026-09-02")  # after the summer


@pytest.mark.parametrize("base", [SERVICES, SALS, SERVICES + "&search=zeta"])
def test_free_voucher_and_language(api, catalogue, base):
    assert names(api, f"{base}&free=true") == {IRONING}
    assert names(api, f"{base}&voucher=true") == {CAMP}
    assert names(api, f"{base}&free=false") == {CAMP, IRONING, ONLINE}
    assert names(api, f"{base}&language=en") == {CAMP}
    assert names(api, f"{base}&language=zh") == set()
    assert names(api, f"{base}&language=en&age=7&open_on=2026-07-01&voucher=true") == {CAMP}


def test_the_api_and_the_page_share_the_filters_sql():
    """Both read `filters.where_filters`: the API builds its conditions with it."""
    query = SearchQuery(age=7, open_on=date(2026, 7, 1), free_only=True, language="en")
    where, params = where_filters(query, [], [])
    assert len(where) == 4 and params


@pytest.mark.parametrize(
    ("query", "parameter", "message"),
    [
        ("age=-1", "age", "da 0 a 120"),
        ("age=121", "age", "da 0 a 120"),
        ("age=NaN", "age", "da 0 a 120"),
        ("age=1e309", "age", "da 0 a 120"),
        ("age=tre", "age", "da 0 a 120"),
        ("age=1_0", "age", "da 0 a 120"),
        ("age=", "age", "vuoto"),
        ("age=1&age=2", "age", "una sola volta"),
        ("open_on=2026-02-30", "open_on", "data esistente"),
        ("open_on=20260701", "open_on", "data esistente"),
        ("open_on=domani", "open_on", "data esistente"),
        ("open_on=99999-01-01", "open_on", "data esistente"),
        ("free=1", "free", "'true' o 'false'"),
        ("voucher=yes", "voucher", "'true' o 'false'"),
        ("language=EN", "language", "ISO 639"),
        ("language=english", "language", "ISO 639"),
        ("language=e", "language", "ISO 639"),
    ],
)
def test_bad_values_are_400_with_a_clear_message(api, catalogue, query, parameter, message):
    for path in ("/api/hsds/services", "/api/hsds/service_at_locations"):
        response = api.get(f"{path}?{query}")
        assert response.status_code == 400, (path, query, response.content[:300])
        data = response.json()
        assert data["parameter"] == parameter
        assert message in data["detail"]


def test_an_unknown_postcode_is_an_empty_page_not_an_error(api, catalogue):
    for path in ("/api/hsds/services", "/api/hsds/service_at_locations"):
        for query in ("postcode=99999", "postcode=99999&proximity=5000", "postcode=00000&age=7"):
            response = api.get(f"{path}?{query}")
            assert response.status_code == 200
            if "proximity" in query or "age" in query:
                assert response.json()["total_items"] == 0


def test_the_filters_are_in_the_openapi_document(api):
    doc = api.get("/api/hsds/openapi.json").json()
    parameters = doc["components"]["parameters"]
    assert parameters["age"]["schema"] == {"type": "number", "minimum": 0, "maximum": 120}
    assert parameters["open_on"]["schema"]["format"] == "date"
    assert parameters["free"]["schema"] == {"type": "boolean"}
    assert parameters["voucher"]["schema"] == {"type": "boolean"}
    assert parameters["language"]["schema"]["pattern"] == "^[a-z]{2,3}$"
    for path in ("/services", "/service_at_locations"):
        refs = {p.get("$ref") for p in doc["paths"][path]["get"]["parameters"]}
        for name in ("age", "open_on", "free", "voucher", "language"):
            assert f"#/components/parameters/{name}" in refs
