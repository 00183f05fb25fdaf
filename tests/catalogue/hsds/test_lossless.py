"""Lossless import: an HSDS service is kept as given beside our columns, and the export gives
it back object by object (JSON compared after sorting keys), with what we do not model
(required documents, funding, programs, service areas, RFC 5545 schedule fields, metadata,
fractional ages, overnight slots, assured_date and last_modified as given)."""

import copy
import io
import json

import pytest

from equilibri.catalogue.hsds.interchange import export_json, import_hsds
from equilibri.catalogue.models import Schedule, Service, TaxonomyTerm, hsds_organisation_id

from .conftest import SCHEMA_DIR

pytestmark = pytest.mark.django_db

EXAMPLES = SCHEMA_DIR / "examples"  # the official ones (SOURCE.md)


def canonical(obj):
    """JSON with keys sorted and every list sorted by its items' canonical text."""
    if isinstance(obj, dict):
        return {k: canonical(v) for k, v in sorted(obj.items())}
    if isinstance(obj, list):
        return sorted((canonical(v) for v in obj), key=lambda v: json.dumps(v, sort_keys=True))
    return obj


def lombard(example: dict, organisation_pk: int) -> dict:
    """The official example made importable here: its provider a network organisation, its
    location in a Lombard comune, its category one of ours (the rest as the example has it)."""
    service = copy.deepcopy(example)
    service["organization"]["id"] = str(hsds_organisation_id(organisation_pk))
    for sal in service["service_at_locations"]:
        for address in sal["location"]["addresses"]:
            address.update(city="Tradate", state_province="VA", postal_code="21049", country="IT")
    for cost in service["cost_options"]:
        cost["currency"] = "EUR"
    term = TaxonomyTerm.objects.order_by("pk").first()
    service["attributes"] = [
        {
            "id": "0f4b1bb8-3c3a-4d6c-9d35-5e0c7c1c2f01",
            "link_type": "category",
            "link_entity": "service",
            "taxonomy_term_id": str(term.uuid),
            "value": term.code,
        }
    ]
    return service


def exported_services() -> dict[str, dict]:
    out = io.StringIO()
    export_json(out)
    return {s["id"]: s for s in json.loads(out.getvalue())["services"]}


@pytest.fixture
def given(catalogue) -> dict:
    example = json.loads((EXAMPLES / "service_full.json").read_text(encoding="utf-8"))
    service = lombard(example, catalogue.spazio.pk)
    service["minimum_age"] = 0.25  # three months
    service["maximum_age"] = 17.5
    service["schedules"].append(
        {
            "id": "6a8e0c1e-2d6f-4b59-8d7e-6f1b0e1d2c11",
            "freq": "WEEKLY",
            "byday": "MO,TU,WE",
            "opens_at": "20:00",
            "closes_at": "08:00",
            "valid_from": "2026-01-01",
            "valid_to": "2026-06-30",
            "description": "Overnight",
        }
    )
    service["schedules"].append(
        {"id": "6a8e0c1e-2d6f-4b59-8d7e-6f1b0e1d2c12", "freq": "MONTHLY", "bymonthday": "1"}
    )
    return service


def test_the_official_example_comes_back_as_given(given, tmp_path, user_of):
    path = tmp_path / "service.json"
    path.write_text(json.dumps([given]), encoding="utf-8")

    report = import_hsds(path, by=user_of("admin"))

    assert report.ok, [str(e) for e in report.errors]
    assert canonical(exported_services()[given["id"]]) == canonical(given)
    service = Service.objects.get(uuid=given["id"])
    assert (service.minimum_age, service.maximum_age) == (0, 17)  # whole years for the search
    overnight = Schedule.objects.filter(service=service, opens_at="20:00")
    assert sorted(overnight.values_list("weekday", flat=True)) == [0, 1, 2]
    # Imported again, it changes nothing.
    again = import_hsds(path, by=user_of("admin"))
    assert again.ok and again.services.unchanged == 1


def test_a_change_in_the_catalogue_wins_over_the_object_as_given(given, tmp_path, user_of):
    path = tmp_path / "service.json"
    path.write_text(json.dumps([given]), encoding="utf-8")
    assert import_hsds(path, by=user_of("admin")).ok
    Service.objects.filter(uuid=given["id"]).update(name="Nuovo nome", status="inactive")

    exported = exported_services().get(given["id"])

    assert exported is None or exported["name"] == "Nuovo nome"
    service = Service.objects.get(uuid=given["id"])
    from equilibri.catalogue.hsds import serializers as ser

    full = ser.service_full(ser.full_services(Service.objects.filter(pk=service.pk)).get(), {})
    assert (full["name"], full["status"]) == ("Nuovo nome", "inactive")
    assert full["required_documents"] == given["required_documents"]
    assert full["last_modified"] != given["last_modified"]
