"""Terms of other taxonomies: an import keeps them (with their taxonomy and id, the services'
attributes given back as given), a service that has only such terms is imported "to
classify", and an ATS operator maps a term once to a category of ours, which every service
carrying it then has (audited, searchable by category at once)."""

import io
import json
import uuid

import pytest
from auditlog.models import LogEntry

from equilibri.catalogue.hsds.interchange import export_json, import_hsds
from equilibri.catalogue.interchange_models import ForeignTerm
from equilibri.catalogue.models import Service, TaxonomyTerm
from equilibri.catalogue.services import foreign_terms

from .conftest import SCHEMA_DIR
from .test_lossless import canonical

pytestmark = pytest.mark.django_db

EXAMPLE_TERM = "3f7b145d-84af-42d7-8fae-eaca714b02b2"  # the official example's


def example_service() -> dict:
    """The official example in Tradate, with its own (foreign) taxonomy term only."""
    service = json.loads((SCHEMA_DIR / "examples" / "service_full.json").read_text("utf-8"))
    for sal in service["service_at_locations"]:
        for address in sal["location"]["addresses"]:
            address.update(city="Tradate", state_province="VA", postal_code="21049", country="IT")
    for cost in service["cost_options"]:
        cost["currency"] = "EUR"
    return service


def second_service(service: dict) -> dict:
    """Another service carrying the same foreign term (every id of its own)."""
    text = json.dumps(service)
    for old in set(_ids(service)) - {EXAMPLE_TERM, service["organization"]["id"]}:
        text = text.replace(old, str(uuid.uuid5(uuid.NAMESPACE_URL, old)))
    copy_ = json.loads(text)
    copy_["name"] = "Second service"
    return copy_


def _ids(obj):
    if isinstance(obj, dict):
        for key, value in obj.items():
            if key == "id" and isinstance(value, str):
                yield value
            yield from _ids(value)
    elif isinstance(obj, list):
        for item in obj:
            yield from _ids(item)


def write(tmp_path, services, name="services.json"):
    path = tmp_path / name
    path.write_text(json.dumps(services), encoding="utf-8")
    return path


@pytest.fixture
def imported(catalogue, tmp_path, user_of):
    service = example_service()
    report = import_hsds(write(tmp_path, [service]), by=user_of("operatore.insubria"))
    assert report.ok, [str(e) for e in report.errors]
    return service


def test_a_foreign_term_is_kept_and_its_service_is_to_classify(imported, user_of):
    service = Service.objects.get(uuid=imported["id"])
    term = ForeignTerm.objects.get(uuid=EXAMPLE_TERM)

    assert (term.code, term.name, term.taxonomy_name) == ("code", "name", "name")
    assert term.taxonomy_id == "5c4d79d7-cc55-470e-9f1f-8cad074e4892"
    assert list(term.services.all()) == [service]
    assert not service.terms.exists()
    assert list(foreign_terms.services_to_classify(user_of("operatore.insubria"))) == [service]
    # Not another ATS's.
    assert not foreign_terms.services_to_classify(user_of("operatore.milano")).exists()
    # The export gives the attributes back as given.
    out = io.StringIO()
    export_json(out)
    exported = {s["id"]: s for s in json.loads(out.getvalue())["services"]}[imported["id"]]
    assert canonical(exported["attributes"]) == canonical(imported["attributes"])


def test_an_operator_maps_a_foreign_term_once_for_all_its_services(
    imported, tmp_path, user_of, login, client
):
    second = second_service(imported)
    assert import_hsds(write(tmp_path, [second], "two.json"), by=user_of("operatore.insubria")).ok
    term = ForeignTerm.objects.get(uuid=EXAMPLE_TERM)
    category = TaxonomyTerm.objects.order_by("pk").first()
    operator = login("operatore.insubria")

    page = operator.get("/area-riservata/servizi/termini-esterni/")
    assert page.status_code == 200
    assert "Servizi da classificare" in page.content.decode()
    answer = operator.post(
        f"/area-riservata/servizi/termini-esterni/{term.pk}/associa/",
        {f"t{term.pk}-term": category.pk},
    )

    assert answer.status_code == 302
    both = Service.objects.filter(uuid__in=[imported["id"], second["id"]])
    assert all(category in s.terms.all() for s in both)
    term.refresh_from_db()
    assert term.term == category and term.mapped_by == user_of("operatore.insubria")
    assert LogEntry.objects.get_for_object(term).exists()
    assert not foreign_terms.services_to_classify(user_of("operatore.insubria")).exists()
    # Searchable by the category at once (the HSDS API filters through the search index).
    found = client.get(f"/api/hsds/services?taxonomy_term_id={category.uuid}&per_page=100")
    assert {imported["id"], second["id"]} <= {s["id"] for s in found.json()["contents"]}

    # Once: a second mapping is refused with a message, nothing changes.
    other = TaxonomyTerm.objects.order_by("-pk").first()
    again = operator.post(
        f"/area-riservata/servizi/termini-esterni/{term.pk}/associa/",
        {f"t{term.pk}-term": other.pk},
    )
    assert again.status_code == 400
    assert "già associato" in again.content.decode()
    assert not Service.objects.filter(terms=other, uuid=imported["id"]).exists()

    # Imported again, the services keep the category (the mapping holds for the file's term).
    report = import_hsds(write(tmp_path, [imported, second]), by=user_of("operatore.insubria"))
    assert report.ok and report.services.unchanged == 2
    third = second_service(second)
    report = import_hsds(write(tmp_path, [third], "three.json"), by=user_of("operatore.insubria"))
    assert report.ok
    assert Service.objects.get(uuid=third["id"]).terms.get() == category


def test_the_mapping_is_refused_outside_the_scope_and_for_bad_input(imported, login):
    term = ForeignTerm.objects.get(uuid=EXAMPLE_TERM)
    url = f"/area-riservata/servizi/termini-esterni/{term.pk}/associa/"
    category = TaxonomyTerm.objects.order_by("pk").first()

    assert login("operatore.milano").post(url, {f"t{term.pk}-term": category.pk}).status_code == 404
    insubria = login("operatore.insubria")
    for value in ("", "999999999", "abc"):
        answer = insubria.post(url, {f"t{term.pk}-term": value})
        assert answer.status_code == 400
    assert insubria.get(url).status_code == 405  # a form posts it
    term.refresh_from_db()
    assert term.term is None


def test_a_term_id_that_is_no_uuid_is_reported(catalogue, tmp_path, user_of):
    service = example_service()
    service["attributes"][0]["taxonomy_term"]["id"] = "cat-1"
    service["attributes"][0]["taxonomy_term_id"] = "cat-1"

    report = import_hsds(write(tmp_path, [service]), by=user_of("operatore.insubria"))

    assert not report.ok
    assert any("cat-1" in e.message for e in report.errors), [str(e) for e in report.errors]


def test_suggestions_come_from_codes_and_names(db):
    ours = [
        TaxonomyTerm(code="centri-estivi", name="Centri estivi"),
        TaxonomyTerm(code="stiro-sociale", name="Stiro sociale"),
    ]
    foreign = ForeignTerm(code="x", name="Summer camps and centri estivi")
    assert foreign_terms.suggested_terms(foreign, ours) == [ours[0]]
    assert foreign_terms.suggested_terms(ForeignTerm(code="stiro-sociale"), ours) == [ours[1]]
    assert foreign_terms.suggested_terms(ForeignTerm(name="nulla"), ours) == []
