"""Our OpenAPI document: the official HSDS 3.0 one (spec/openapi.json, unmodified file) adapted
at run time with our server URL, our profile, the error responses and the parameter bounds.

The parameters are described exactly as `api/params.py` checks them (a test runs schemathesis
over the document with every check): what the document allows is answered, anything else is
a 400."""

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings

# The bounds of the list parameters, here so that the document and the checks share them.
MAX_PER_PAGE = 100
MAX_PAGE = 10_000
MAX_SEARCH = 200
MAX_AGE = 120
LANGUAGE_PATTERN = "^[a-z]{2,3}$"

SPEC_DIR = Path(__file__).parent / "spec"
COMPILED = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/compiled/"
ERROR_SCHEMA = {
    "type": "object",
    "required": ["detail"],
    "properties": {
        "detail": {"type": "string", "description": "Che cosa non va, in italiano."},
        "parameter": {"type": "string", "description": "Il parametro da correggere."},
    },
}
PROXIMITY_PARAMETERS = [
    {"$ref": "#/components/parameters/postcode"},
    {"$ref": "#/components/parameters/proximity"},
]
# Our profile's filters of who and when a service is for, as the public search's
# (`api/params.py`, `Conditions`).
CONDITION_PARAMETERS = {
    "age": {
        "name": "age",
        "in": "query",
        "description": (
            "Our profile: services for a person of this age in years, decimals allowed (0.5 is "
            "six months), compared in whole years with the services' minimum_age and "
            "maximum_age (a service without them is for every age)."
        ),
        "schema": {"type": "number", "minimum": 0, "maximum": MAX_AGE},
    },
    "open_on": {
        "name": "open_on",
        "in": "query",
        "description": (
            "Our profile: services with opening hours on this date (a schedule for its weekday "
            "valid on it) and not closed on it."
        ),
        "schema": {"type": "string", "format": "date", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"},
    },
    "free": {
        "name": "free",
        "in": "query",
        "description": "Our profile: `true`, only services with a free cost option.",
        "schema": {"type": "boolean"},
    },
    "voucher": {
        "name": "voucher",
        "in": "query",
        "description": "Our profile: `true`, only services that can be paid with a voucher.",
        "schema": {"type": "boolean"},
    },
    "language": {
        "name": "language",
        "in": "query",
        "description": (
            "Our profile: only services offered in this language (ISO 639-1 code, lower case, "
            "as the service's languages)."
        ),
        "schema": {"type": "string", "pattern": LANGUAGE_PATTERN},
    },
}
UUID = {"type": "string", "format": "uuid"}
# The path parameter the official document leaves undeclared on its `{id}` paths.
ID_PARAMETER = {
    "name": "id",
    "in": "path",
    "required": True,
    "description": "The object's id (a UUID).",
    "schema": UUID,
}


@cache
def official_document() -> dict[str, Any]:
    return json.loads((SPEC_DIR / "openapi.json").read_text(encoding="utf-8"))


def openapi_document(base_url: str) -> dict[str, Any]:
    doc = copy.deepcopy(official_document())
    doc["info"] = {
        "title": "Equilibri - catalogo dei servizi di conciliazione (HSDS 3.0)",
        "version": "1.0",
        "summary": "Servizi di conciliazione vita-lavoro delle reti delle ATS lombarde.",
        "description": (
            "API pubblica in sola lettura secondo Open Referral HSDS 3.0, con il profilo "
            f"Equilibri ({base_url}/profile/). Solo i servizi pubblicati dagli operatori ATS."
        ),
        "license": {
            "name": "CC BY 4.0",
            "url": "https://creativecommons.org/licenses/by/4.0/",
        },
        "x-profile": f"{base_url}/profile/",
    }
    doc["servers"] = [{"url": base_url}]
    components = doc["components"]
    components["schemas"]["Error"] = ERROR_SCHEMA
    params = components["parameters"]
    params["page"]["schema"] = {"type": "integer", "minimum": 1, "maximum": MAX_PAGE}
    params["per_page"]["schema"] = {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE}
    params["format"]["schema"] = {"type": "string", "enum": ["json", "ndjson"]}
    # Any text but NUL, which no database column holds.
    params["search"]["schema"] = {
        "type": "string",
        "maxLength": MAX_SEARCH,
        "pattern": "^[^\\x00]*$",
    }
    for name in ("taxonomy_term_id", "taxonomy_id", "organization_id"):
        params[name]["schema"] = UUID
    # A date (midnight in Europe/Rome) or a date and time; before 1900 means everything.
    params["modified_after"]["schema"] = {
        "type": "string",
        "anyOf": [{"format": "date"}, {"format": "date-time"}],
    }
    params["postcode"]["schema"] = {"type": "string", "pattern": "^[0-9]{5}$"}
    params["postcode"]["description"] += (
        " Our profile: a CAP; one that none of the catalogue's locations has finds nothing."
    )
    params["proximity"]["schema"] = {
        "type": "number",
        "exclusiveMinimum": 0,
        "maximum": settings.MAX_SEARCH_RADIUS_KM * 1000,
    }
    params["proximity"]["description"] += (
        " Our profile: metres, with `postcode` (a CAP); without `postcode` it filters nothing."
    )
    paths = doc["paths"]
    for parameter in paths["/taxonomy_terms"]["get"]["parameters"]:
        if parameter.get("name") == "parent_id":
            parameter["schema"] = UUID
    # Our profile also accepts postcode + proximity on /services.
    paths["/services"]["get"]["parameters"] += PROXIMITY_PARAMETERS
    # And who and when a service is for, on both lists of services.
    params.update(copy.deepcopy(CONDITION_PARAMETERS))
    for path in ("/services", "/service_at_locations"):
        paths[path]["get"]["parameters"] += [
            {"$ref": f"#/components/parameters/{name}"} for name in CONDITION_PARAMETERS
        ]
    # The official document gives the service schema for a service_at_location by id.
    sal = paths["/service_at_locations/{id}"]["get"]["responses"]["200"]["content"]
    sal["application/json"]["schema"] = {"$ref": COMPILED + "service_at_location.json"}
    for path, item in paths.items():
        operation = item["get"]
        responses = operation["responses"]
        # A bad query parameter is a 400; a bad id (a path parameter) the 404 of a missing one.
        has_query = bool(operation.get("parameters"))
        if "{id}" in path:
            operation["parameters"] = [ID_PARAMETER, *operation.get("parameters", [])]
        for status, text in (
            ("400", "Parametro non valido."),
            ("404", "Oggetto non trovato."),
        ):
            if status == "400" and not has_query:
                continue
            if status == "404" and "{id}" not in path:
                continue
            responses[status] = {
                "description": text,
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
            }
        if path != "/" and "{id}" not in path:
            content = responses["200"]["content"]
            content["application/x-ndjson"] = {"schema": {"type": "string"}}
    return doc
