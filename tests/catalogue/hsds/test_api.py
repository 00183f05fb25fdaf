"""The public HSDS 3.0 API: every endpoint validates against the official schemas; filters,
pagination, NDJSON, proximity, bad parameters."""

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from equilibri.catalogue.hsds.serializers import PROFILE_TAXONOMY_ID
from equilibri.catalogue.models import Service, Taxonomy, TaxonomyTerm, hsds_organisation_id

from .conftest import assert_page, assert_valid

pytestmark = pytest.mark.django_db

LIST_ENDPOINTS = [
    ("/api/hsds/services", "compiled/service_list.json"),
    ("/api/hsds/services?full=true", "compiled/service.json"),
    ("/api/hsds/services?minimal=true", "compiled/service_list.json"),
    ("/api/hsds/organizations", "compiled/organization_list.json"),
    ("/api/hsds/organizations?full=true", "compiled/organization.json"),
    ("/api/hsds/organizations?full_service=true", "compiled/organization.json"),
    ("/api/hsds/taxonomies", "taxonomy.json"),
    ("/api/hsds/taxonomy_terms", "taxonomy_term.json"),
    ("/api/hsds/service_at_locations", "compiled/service_at_location_list.json"),
    ("/api/hsds/service_at_locations?full=true", "compiled/service_at_location.json"),
]


def ids(data):
    return {item["id"] for item in data["contents"]}


def get(api, url, status=200):
    response = api.get(url)
    assert response.status_code == status, (url, response.content[:500])
    return response.json()


def test_root(api):
    data = get(api, "/api/hsds/")
    assert data == {
        "version": "3.0",
        "profile": "http://localhost/api/hsds/profile/",
        "openapi_url": "http://localhost/api/hsds/openapi.json",
    }


@pytest.mark.parametrize(("url", "schema"), LIST_ENDPOINTS)
def test_lists_validate(api, catalogue, url, schema):
    sep = "&" if "?" in url else "?"
    data = get(api, f"{url}{sep}per_page=100")
    assert data["total_items"] >= 1
    assert_page(data, schema)


def test_service_items_validate_and_carry_the_profile(api, catalogue):
    for service in (catalogue.camp, catalogue.ironing, catalogue.online):
        data = get(api, f"/api/hsds/services/{service.uuid}")
        assert_valid(data, "compiled/service.json")
    camp = get(api, f"/api/hsds/services/{catalogue.camp.uuid}")
    assert camp["organization"]["name"] == "L'Aquilone Coop. Soc."
    assert camp["minimum_age"] == 6
    assert "review_state" not in json.dumps(camp)
    sal = camp["service_at_locations"][0]
    address = sal["location"]["addresses"][0]
    assert address["city"] == "Tradate"
    assert address["state_province"] == "VA"
    assert address["postal_code"] == "21049"
    assert {a["value"] for a in sal["location"]["attributes"]} == {"012127", "true"}
    schedules = sal["schedules"]
    assert {s["byday"] for s in schedules} == {"MO", "TU", "WE", "TH", "FR"}
    assert schedules[0]["freq"] == "WEEKLY"
    assert schedules[0]["opens_at"] == "08:00"
    assert schedules[0]["valid_from"] == "2026-06-15"
    costs = {c["option"]: c for c in camp["cost_options"]}
    assert costs["fee"]["amount"] == 85.5
    assert costs["fee"]["currency"] == "EUR"
    assert "voucher" in costs
    categories = [a for a in camp["attributes"] if a.get("taxonomy_term")]
    assert categories[0]["taxonomy_term"]["code"] == "centri-estivi"
    assert camp["phones"][0]["extension"] == 12
    assert {lang["code"] for lang in camp["languages"]} == {"it", "en"}

    ironing = get(api, f"/api/hsds/services/{catalogue.ironing.uuid}")
    closure = next(s for s in ironing["schedules"] if "freq" not in s)
    assert closure["valid_from"] == "2026-08-10"
    assert closure["notes"] == "Ferie"
    eligible = {a["value"] for a in ironing["attributes"] if a["value"] in {"012127", "012137"}}
    assert eligible == {"012127", "012137"}

    online = get(api, f"/api/hsds/services/{catalogue.online.uuid}")
    kinds = {s["location"]["location_type"] for s in online["service_at_locations"]}
    assert kinds == {"virtual", "physical"}


def test_other_items_validate(api, catalogue):
    org_id = hsds_organisation_id(catalogue.aquilone.pk)
    org = get(api, f"/api/hsds/organizations/{org_id}")
    assert_valid(org, "compiled/organization.json")
    assert {s["id"] for s in org["services"]} >= {str(catalogue.camp.uuid)}
    assert str(catalogue.draft.uuid) not in {s["id"] for s in org["services"]}
    full = get(api, f"/api/hsds/organizations/{org_id}?full_service=true")
    assert_valid(full, "compiled/organization.json")
    assert any(s.get("service_at_locations") for s in full["services"])
    sal = catalogue.camp.at_locations.get()
    data = get(api, f"/api/hsds/service_at_locations/{sal.uuid}")
    assert_valid(data, "compiled/service_at_location.json")
    assert data["service"]["id"] == str(catalogue.camp.uuid)
    taxonomy = Taxonomy.objects.get(terms__code="centri-estivi")
    assert_valid(get(api, f"/api/hsds/taxonomies/{taxonomy.uuid}"), "taxonomy.json")
    term = TaxonomyTerm.objects.get(code="stiro-sociale")
    data = get(api, f"/api/hsds/taxonomy_terms/{term.uuid}")
    assert_valid(data, "taxonomy_term.json")
    assert data["parent_id"] == str(term.parent.uuid)


def test_only_published_services(api, catalogue):
    data = get(api, "/api/hsds/services?per_page=100&search=zeta")
    assert str(catalogue.draft.uuid) not in ids(data)
    get(api, f"/api/hsds/services/{catalogue.draft.uuid}", status=404)
    draft_sal = catalogue.draft.at_locations.get()
    get(api, f"/api/hsds/service_at_locations/{draft_sal.uuid}", status=404)
    sals = get(api, "/api/hsds/service_at_locations?per_page=100&search=zeta")
    assert str(draft_sal.uuid) not in ids(sals)


@pytest.mark.parametrize(
    "url",
    [
        "/api/hsds/services/not-a-uuid",
        "/api/hsds/services/6f0d2f3c-5b1a-4c55-9a39-0b6f1f2d7e10",
        "/api/hsds/organizations/6f0d2f3c-5b1a-4c55-9a39-0b6f1f2d7e10",
        "/api/hsds/taxonomies/nope",
        "/api/hsds/taxonomy_terms/6f0d2f3c-5b1a-4c55-9a39-0b6f1f2d7e10",
        "/api/hsds/service_at_locations/6f0d2f3c-5b1a-4c55-9a39-0b6f1f2d7e10",
        "/api/hsds/profile/nope.json",
    ],
)
def test_unknown_ids_are_json_404(api, url):
    data = get(api, url, status=404)
    assert "non trovat" in data["detail"]


def test_filters_each_and_combined(api, catalogue):
    camp, ironing, online = catalogue.camp, catalogue.ironing, catalogue.online
    base = "/api/hsds/services?per_page=100"
    summer = TaxonomyTerm.objects.get(code="centri-estivi")
    salvatempo = TaxonomyTerm.objects.get(code="salvatempo")
    aquilone = hsds_organisation_id(catalogue.aquilone.pk)
    spazio = hsds_organisation_id(catalogue.spazio.pk)

    assert str(camp.uuid) in ids(get(api, f"{base}&taxonomy_term_id={summer.uuid}"))
    # A top-level term also finds the services of its sub-terms.
    found = ids(get(api, f"{base}&taxonomy_term_id={salvatempo.uuid}"))
    assert str(ironing.uuid) in found
    assert str(camp.uuid) not in found
    found = ids(get(api, f"{base}&organization_id={spazio}"))
    assert str(online.uuid) in found
    assert str(camp.uuid) not in found
    found = ids(get(api, f"{base}&search=zeta&organization_id={aquilone}"))
    assert found == {str(camp.uuid), str(ironing.uuid)}
    found = ids(
        get(api, f"{base}&search=zeta&organization_id={aquilone}&taxonomy_term_id={summer.uuid}")
    )
    assert found == {str(camp.uuid)}
    taxonomy = summer.taxonomy
    assert str(camp.uuid) in ids(get(api, f"{base}&taxonomy_id={taxonomy.uuid}"))
    found = ids(get(api, f"{base}&search=zeta&taxonomy_id={taxonomy.uuid}"))
    assert str(camp.uuid) in found
    # Unknown (well-formed) ids give an empty page, not an error.
    unknown = "6f0d2f3c-5b1a-4c55-9a39-0b6f1f2d7e10"
    for name in ("taxonomy_term_id", "taxonomy_id", "organization_id"):
        data = get(api, f"{base}&{name}={unknown}")
        assert data["total_items"] == 0
        assert data["empty"] is True


def test_organization_filter_sees_new_and_deleted_organisations(api, catalogue):
    """Organisation ids are hashes of the pk, kept per process: an organisation added after a
    filtered request is found at once, a deleted one is no longer."""
    from equilibri.network.models import Organisation

    base = "/api/hsds/services?per_page=100"
    assert ids(get(api, f"{base}&organization_id={hsds_organisation_id(catalogue.spazio.pk)}"))
    newcomer = Organisation.objects.create(
        name="Zeta Nuova Coop", kind=catalogue.spazio.kind, comune=catalogue.spazio.comune
    )
    service = Service.objects.create(
        organisation=newcomer,
        name="Zeta servizio nuovo",
        description="Nuovo.",
        review_state=Service.Review.PUBLISHED,
    )
    newcomer_id = hsds_organisation_id(newcomer.pk)
    assert ids(get(api, f"{base}&organization_id={newcomer_id}")) == {str(service.uuid)}
    service.delete()
    newcomer.delete()
    assert get(api, f"{base}&organization_id={newcomer_id}")["total_items"] == 0
    get(api, f"/api/hsds/organizations/{newcomer_id}", status=404)


def test_modified_after(api, catalogue):
    base = "/api/hsds/services?per_page=100&search=zeta"
    # A date means midnight in Rome: the day after tomorrow is in the future at any hour.
    future = (timezone.localdate() + timedelta(days=2)).isoformat()
    assert get(api, f"{base}&modified_after={future}")["total_items"] == 0
    past = "2020-01-01T00:00:00Z"
    assert str(catalogue.camp.uuid) in ids(get(api, f"{base}&modified_after={past}"))
    Service.objects.filter(pk=catalogue.online.pk).update(
        last_modified=timezone.now() - timedelta(days=30)
    )
    recent = (timezone.now() - timedelta(days=2)).isoformat()
    found = ids(
        get(api, f"/api/hsds/services?per_page=100&modified_after={recent.replace('+', '%2B')}")
    )
    assert str(catalogue.camp.uuid) in found
    assert str(catalogue.online.uuid) not in found


def test_search_is_the_catalogue_engine(api, catalogue):
    # Stemming and accents: "stirerie" finds "stireria".
    found = ids(get(api, "/api/hsds/services?search=stirerie%20sociali"))
    assert str(catalogue.ironing.uuid) in found
    assert str(catalogue.camp.uuid) not in found


def test_proximity(api, catalogue):
    # 21049 is Tradate's CAP (known from the catalogue's locations).
    base = "/api/hsds/services?per_page=100&postcode=21049"
    near = ids(get(api, f"{base}&proximity=5000"))
    assert {str(catalogue.camp.uuid), str(catalogue.ironing.uuid)} <= near
    assert str(catalogue.online.uuid) not in near  # Milano is ~30 km away
    far = ids(get(api, f"{base}&proximity=40000"))
    assert str(catalogue.online.uuid) in far
    sals = get(api, "/api/hsds/service_at_locations?per_page=100&postcode=21049&proximity=5000")
    assert_page(sals, "compiled/service_at_location_list.json")
    assert {s["service_id"] for s in sals["contents"]} >= {str(catalogue.camp.uuid)}
    assert str(catalogue.online.uuid) not in {s["service_id"] for s in sals["contents"]}
    # A postcode alone filters nothing (we have no service areas) but is checked.
    everything = get(api, "/api/hsds/services?per_page=100&postcode=21049")
    assert str(catalogue.online.uuid) in ids(everything)


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("page=0", "page"),
        ("page=abc", "page"),
        ("page=99999999999999999999", "page"),
        ("per_page=0", "per_page"),
        ("per_page=1000", "per_page"),
        ("page=%D9%A5", "page"),  # an Arabic-Indic 5: int() would take it
        ("page=", "page"),
        ("page=1&page=2", "page"),
        ("format=xml", "format"),
        ("format=", "format"),
        ("format=JSON", "format"),
        ("full=maybe", "full"),
        ("full=1", "full"),
        ("minimal=2", "minimal"),
        ("taxonomy_term_id=abc", "taxonomy_term_id"),
        ("taxonomy_term_id=", "taxonomy_term_id"),
        ("organization_id=12", "organization_id"),
        ("organization_id=urn:uuid:3f1b8a6e-4b7e-4c1e-9f7a-2a5d2c9e8b10", "organization_id"),
        ("taxonomy_id=%00", "taxonomy_id"),
        ("modified_after=yesterday", "modified_after"),
        ("modified_after=2026-13-45", "modified_after"),
        ("modified_after=", "modified_after"),
        ("postcode=ABC", "postcode"),
        ("proximity=far", "proximity"),
        ("postcode=21049&proximity=far", "proximity"),
        ("postcode=21049&proximity=-5", "proximity"),
        ("postcode=21049&proximity=NaN", "proximity"),
        ("postcode=21049&proximity=1e12", "proximity"),
        ("search=" + "x" * 300, "search"),
    ],
)
def test_bad_parameters_are_400_with_a_message(api, catalogue, query, parameter):
    for path in ("/api/hsds/services", "/api/hsds/service_at_locations"):
        data = get(api, f"{path}?{query}", status=400)
        assert data["parameter"] == parameter
        assert parameter in data["detail"] or "CAP" in data["detail"]


def test_an_unknown_postcode_finds_nothing_and_proximity_alone_filters_nothing(api, catalogue):
    for path in ("/api/hsds/services", "/api/hsds/service_at_locations"):
        assert get(api, f"{path}?postcode=99999&proximity=1000")["total_items"] == 0
        everything = get(api, f"{path}?per_page=100")["total_items"]
        assert get(api, f"{path}?per_page=100&proximity=1000")["total_items"] == everything


@pytest.mark.parametrize(
    "value",
    [
        "0001-01-01",  # was a 500: before datetime.min once moved from Rome to UTC
        "0001-01-01T00:00:00%2B14:00",
        "1899-12-31T23:59:59Z",
        "2020-05-06T18:16:41.2-21:06",  # PostgreSQL takes offsets up to 15:59 only
        "9999-12-31",
        "9999-12-31T23:59:59-23:59",  # after datetime.max once moved to UTC
    ],
)
def test_modified_after_at_the_ends_of_the_calendar(api, catalogue, value):
    for path in ("/api/hsds/services", "/api/hsds/service_at_locations"):
        for extra in ("", "&search=zeta", "&format=ndjson"):
            response = api.get(f"{path}?per_page=100&modified_after={value}{extra}")
            assert response.status_code == 200, (path, extra, response.content[:300])
    found = get(api, f"/api/hsds/services?per_page=100&search=zeta&modified_after={value}")
    if value.startswith("9999"):
        assert found["total_items"] == 0
    else:  # on or after any date before 1900: everything
        assert str(catalogue.camp.uuid) in ids(found)


def test_bad_parameters_on_other_lists(api):
    assert get(api, "/api/hsds/taxonomies?page=-1", status=400)["parameter"] == "page"
    data = get(api, "/api/hsds/taxonomy_terms?top_only=perhaps", status=400)
    assert data["parameter"] == "top_only"
    data = get(api, "/api/hsds/organizations?full_service=x", status=400)
    assert data["parameter"] == "full_service"


def test_pagination_edges(api, catalogue):
    base = "/api/hsds/services?search=zeta&per_page=2"
    first = get(api, f"{base}&page=1")
    assert first["total_items"] == 3
    assert first["total_pages"] == 2
    assert (first["page_number"], first["size"]) == (1, 2)
    assert first["first_page"] is True
    assert first["last_page"] is False
    second = get(api, f"{base}&page=2")
    assert (second["size"], second["first_page"], second["last_page"]) == (1, False, True)
    assert not ids(first) & ids(second)
    beyond = get(api, f"{base}&page=7")
    assert beyond["empty"] is True
    assert beyond["total_items"] == 3
    assert beyond["last_page"] is True
    none = get(api, "/api/hsds/services?search=nessunrisultatopossibile")
    assert none == {
        "total_items": 0,
        "total_pages": 0,
        "page_number": 1,
        "size": 0,
        "first_page": True,
        "last_page": True,
        "empty": True,
        "contents": [],
    }
    # The ORM path (no text) pages the same way.
    terms = get(api, "/api/hsds/taxonomy_terms?per_page=5&page=2")
    assert terms["size"] == 5
    assert terms["page_number"] == 2


def test_ndjson_streams_everything(api, catalogue):
    response = api.get("/api/hsds/services?format=ndjson&search=zeta&per_page=1")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-ndjson"
    lines = [json.loads(x) for x in b"".join(response.streaming_content).splitlines()]
    assert len(lines) == 3
    for item in lines:
        assert_valid(item, "compiled/service_list.json")
    response = api.get("/api/hsds/services?format=ndjson&full=true")
    lines = [json.loads(x) for x in b"".join(response.streaming_content).splitlines()]
    assert {str(catalogue.camp.uuid), str(catalogue.online.uuid)} <= {x["id"] for x in lines}
    for item in lines:
        assert_valid(item, "compiled/service.json")
    for url in (
        "/api/hsds/organizations?format=ndjson",
        "/api/hsds/taxonomies?format=ndjson",
        "/api/hsds/taxonomy_terms?format=ndjson",
        "/api/hsds/service_at_locations?format=ndjson",
    ):
        response = api.get(url)
        assert response["Content-Type"] == "application/x-ndjson"
        assert b"".join(response.streaming_content).count(b"\n") >= 1


def test_minimal(api, catalogue):
    data = get(api, "/api/hsds/services?minimal=true&search=zeta")
    for item in data["contents"]:
        assert set(item) == {"id", "name", "status", "last_modified"}


def test_taxonomy_terms_filters(api):
    taxonomy = Taxonomy.objects.get(terms__code="salvatempo")
    parent = TaxonomyTerm.objects.get(code="salvatempo")
    data = get(api, f"/api/hsds/taxonomy_terms?per_page=100&parent_id={parent.uuid}")
    assert {t["code"] for t in data["contents"]} == set(
        parent.children.values_list("code", flat=True)
    )
    data = get(
        api, f"/api/hsds/taxonomy_terms?per_page=100&top_only=true&taxonomy_id={taxonomy.uuid}"
    )
    assert {t["code"] for t in data["contents"]} >= {"salvatempo", "centri-estivi"}
    assert all("parent_id" not in t for t in data["contents"])
    # The profile's own taxonomy is published too.
    data = get(api, "/api/hsds/taxonomy_terms?per_page=100&search=ISTAT")
    assert "istat-comune" in {t["code"] for t in data["contents"]}


def test_openapi_and_profile(api):
    doc = get(api, "/api/hsds/openapi.json")
    assert doc["servers"] == [{"url": "http://localhost/api/hsds"}]
    assert "/services/{id}" in doc["paths"]
    assert doc["components"]["schemas"]["Page"]["properties"]["total_items"]
    # Every status an operation answers is documented: 400 where there are query parameters,
    # 404 for an id.
    for path, item in doc["paths"].items():
        statuses = set(item["get"]["responses"])
        query = any("$ref" in p or p["in"] == "query" for p in item["get"].get("parameters", []))
        expected = {"200"} | ({"400"} if query else set()) | ({"404"} if "{id}" in path else set())
        assert statuses == expected, path
    profile = get(api, "/api/hsds/profile/")
    assert "service.json" in profile["schemas"]
    patch = get(api, "/api/hsds/profile/service.json")
    assert "attributes" in patch["properties"]
    readme = api.get("/api/hsds/profile/README.md")
    assert readme.status_code == 200
    assert b"istat-comune" in readme.content
    assert str(PROFILE_TAXONOMY_ID).encode() in readme.content


def test_read_only(catalogue):
    # With the CSRF check on, as a real client meets it: it answered 403 to an unsafe method.
    api = Client(HTTP_HOST="localhost", enforce_csrf_checks=True)
    for response in (
        api.post("/api/hsds/services"),
        api.delete(f"/api/hsds/services/{catalogue.camp.uuid}"),
        api.generic("QUERY", "/api/hsds/taxonomies"),
    ):
        assert response.status_code == 405
        assert response["Allow"] == "GET"


@pytest.mark.parametrize(
    "url",
    [
        "/api/hsds/services?per_page=100",
        "/api/hsds/services?per_page=100&search=zeta",
        "/api/hsds/services?per_page=100&full=true",
        "/api/hsds/service_at_locations?per_page=100&full=true",
        "/api/hsds/organizations?per_page=100&full_service=true",
    ],
)
def test_query_count_does_not_grow_with_rows(api, catalogue, url):
    with CaptureQueriesContext(connection) as few:
        get(api, url.replace("per_page=100", "per_page=1"))
    with CaptureQueriesContext(connection) as many:
        data = get(api, url)
    assert data["size"] >= 3
    assert len(many) <= len(few) + 1, [q["sql"][:120] for q in many.captured_queries]
    assert len(many) <= 25


@pytest.mark.parametrize(
    "query",
    [
        "search=servizio&per_page=100",
        "search=stireria&postcode=21049&proximity=40000&per_page=100",
        "postcode=21049&proximity=40000&per_page=3&page=2",
        "search=centro&taxonomy_id=TAXONOMY",
    ],
)
def test_text_and_distance_lists_come_from_the_engine_statement(api, catalogue, query):
    """A text or distance search in the list form is answered from the engine statement's own
    rows (one query): every item must equal the serializer's output for the service itself."""
    from equilibri.catalogue.hsds.serializers import list_services, service_list

    query = query.replace("TAXONOMY", str(Taxonomy.objects.order_by("id").first().uuid))
    with CaptureQueriesContext(connection) as ctx:
        data = get(api, f"/api/hsds/services?{query}")
    engine = [q["sql"] for q in ctx.captured_queries if "services_service s" in q["sql"]]
    assert len(engine) == 1
    assert not any('FROM "services_service"' in q["sql"] for q in ctx.captured_queries)
    by_uuid = {
        str(s.uuid): s
        for s in list_services(Service.objects.filter(uuid__in=[i["id"] for i in data["contents"]]))
    }
    assert [item for item in data["contents"]] == [
        service_list(by_uuid[item["id"]]) for item in data["contents"]
    ]
    assert_page(data, "compiled/service_list.json")


def test_list_from_engine_matches_the_orm_list_for_every_service(api, catalogue):
    """All published services through the engine (a distance search wide enough) and through the
    ORM path (no search): the same items."""
    wide = get(api, "/api/hsds/services?postcode=21049&proximity=100000&per_page=100")
    plain = get(api, "/api/hsds/services?per_page=100")
    assert wide["total_items"] and wide["total_items"] <= plain["total_items"]
    by_id = {item["id"]: item for item in plain["contents"]}
    for item in wide["contents"]:
        assert item == by_id[item["id"]]
