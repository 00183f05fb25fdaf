"""Our OpenAPI document: the official HSDS 3.0 one (spec/openapi.json, unmodified file) adapted
at run time with our server URL, our profile, the error responses and the parameter bounds."""

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

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


@cache
def official_document() -> dict[str, Any]:
    return json.loads((SPEC_DIR / "openapi.json").read_text(encoding="utf-8"))


def openapi_document(base_url: str, max_per_page: int = 100) -> dict[str, Any]:
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
    params["page"]["schema"] = {"type": "integer", "minimum": 1, "maximum": 10_000}
    params["per_page"]["schema"] = {"type": "integer", "minimum": 1, "maximum": max_per_page}
    params["format"]["schema"] = {"type": "string", "enum": ["json", "ndjson"]}
    params["proximity"]["description"] += " Our profile: metres, with `postcode` (a CAP)."
    paths = doc["paths"]
    # Our profile also accepts postcode + proximity on /services.
    paths["/services"]["get"]["parameters"] += PROXIMITY_PARAMETERS
    # The official document gives the service schema for a service_at_location by id.
    sal = paths["/service_at_locations/{id}"]["get"]["responses"]["200"]["content"]
    sal["application/json"]["schema"] = {"$ref": COMPILED + "service_at_location.json"}
    for path, item in paths.items():
        operation = item["get"]
        responses = operation["responses"]
        for status, text in (
            ("400", "Parametro non valido."),
            ("404", "Oggetto non trovato."),
        ):
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
