"""File shapes: a file of one kind of HSDS object (organizations.json, taxonomy_terms.json ...)
is told by its name or its content, never read as services; NDJSON is a list of services."""

import json

import pytest

from equilibri.catalogue.hsds.interchange import import_hsds
from equilibri.catalogue.hsds.interchange.read import object_kind
from equilibri.catalogue.models import Service

from .conftest import SCHEMA_DIR

pytestmark = pytest.mark.django_db

EXAMPLES = SCHEMA_DIR / "examples"


@pytest.mark.parametrize(
    ("item", "kind"),
    [
        ({"id": "x", "name": "n", "status": "active"}, "services"),
        ({"id": "x", "name": "n", "description": "d", "website": "http://e.org"}, "organizations"),
        ({"id": "x", "name": "n", "description": "d", "version": "1"}, "taxonomies"),
        ({"id": "x", "name": "n", "description": "d", "code": "c"}, "taxonomy_terms"),
        ({"id": "x", "location_type": "physical"}, "locations"),
        ({"id": "x", "service_id": "s", "location_id": "l"}, "service_at_locations"),
    ],
)
def test_the_kind_of_object_is_told_by_its_fields(item, kind):
    assert object_kind([item], "upload.json") == kind


def test_the_kind_of_object_is_told_by_the_file_name():
    assert object_kind([{"id": "x", "name": "n"}], "taxonomies.json") == "taxonomies"


@pytest.mark.parametrize(
    "name", ["organizations.json", "taxonomies.json", "taxonomy_terms.json", "objects.json"]
)
def test_a_file_of_organizations_or_terms_is_not_read_as_services(tmp_path, user_of, name):
    items = [
        {
            "id": "0c5e6a1e-8f1b-4c5e-9b0e-2a7d1c3b4e50",
            "name": "Ente straniero",
            "description": "Un ente di un altro catalogo",
            "code": "x1" if name.startswith("taxonomy_terms") else None,
        }
    ]
    items = [{k: v for k, v in items[0].items() if v is not None}]
    path = tmp_path / name
    path.write_text(json.dumps(items), encoding="utf-8")

    report = import_hsds(path, by=user_of("admin"))

    messages = " ".join(str(e) for e in report.errors)
    assert not report.ok
    assert "status" not in messages  # never checked against the service schema
    if name in {"organizations.json", "objects.json"}:
        # Read as organisations (a name and nothing telling): one the network lacks is
        # created, in a comune of the importer's ATS (a superuser has none, and this one
        # names no place).
        assert "comune lombardo" in messages
    else:
        assert "nessun servizio" in messages


def test_ndjson_is_a_list_of_services(catalogue, tmp_path, user_of):
    from .test_lossless import exported_services

    services = list(exported_services().values())
    path = tmp_path / "services.ndjson"
    path.write_text("\n".join(json.dumps(s) for s in services) + "\n", encoding="utf-8")

    report = import_hsds(path, by=user_of("admin"))

    assert report.ok, [str(e) for e in report.errors]
    assert (
        report.services.unchanged
        == len(services)
        == Service.objects.filter(uuid__in=[s["id"] for s in services]).count()
    )
