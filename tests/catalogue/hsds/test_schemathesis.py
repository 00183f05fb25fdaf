"""Property-based tests of the HSDS API from its own OpenAPI document (schemathesis): whatever
the parameters, never a 5xx, and every response conforms to the document (status codes, content
types, and the official HSDS schemas, embedded here from the vendored files instead of the
remote URLs the served document points to)."""

import json

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application

from equilibri.catalogue.hsds.openapi import COMPILED, openapi_document

from ...schemathesis_support import ALL_CHECKS, SETTINGS, keep_connection  # noqa: F401
from .conftest import SCHEMA_DIR

OFFICIAL = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/"


def _local_document() -> dict:
    doc = openapi_document("http://localhost/api/hsds")
    text = json.dumps(doc)
    schemas = doc["components"]["schemas"]
    for name in (
        "service",
        "service_list",
        "organization",
        "organization_list",
        "service_at_location",
        "service_at_location_list",
    ):
        ref = f"{COMPILED}{name}.json"
        if ref in text:
            key = f"compiled_{name}"
            schemas[key] = json.loads((SCHEMA_DIR / "compiled" / f"{name}.json").read_text())
            text = text.replace(f'"{ref}"', f'"#/components/schemas/{key}"')
    for name in ("taxonomy", "taxonomy_term"):
        ref = f"{OFFICIAL}{name}.json"
        schema = json.loads((SCHEMA_DIR / f"{name}.json").read_text())
        if name == "taxonomy_term":  # its relative $ref to taxonomy.json
            schema["properties"]["taxonomy_detail"] = {"$ref": "#/components/schemas/taxonomy"}
        schemas[name] = schema
        text = text.replace(f'"{ref}"', f'"#/components/schemas/{name}"')
    local = json.loads(text)
    local["components"]["schemas"] = schemas | {
        k: v for k, v in local["components"]["schemas"].items() if k not in schemas
    }
    return local


schema = schemathesis.openapi.from_dict(_local_document())
schema.app = get_wsgi_application()


@pytest.mark.django_db
@schema.parametrize()
@SETTINGS
def test_api_conforms(case, catalogue, keep_connection):  # noqa: F811
    case.call_and_validate(checks=ALL_CHECKS, headers={"Host": "localhost"})
