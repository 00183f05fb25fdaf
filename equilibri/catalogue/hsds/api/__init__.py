"""The public, read-only HSDS 3.0 API: plain Django views answering JSON (or NDJSON).

Paths, parameters and the `Page` wrapper follow the official `openapi.json`. Only published
services are visible. Every parameter is checked exactly as our OpenAPI document describes it
(`openapi.py`): a value the document allows is answered, anything else (empty, repeated, out of
range) is a 400 with a message naming the parameter; unknown ids a 404; never a 500.

- `params`: the query parameters and their bounds (`Params`, `BadParameter`);
- `responses`: JSON and NDJSON answers, the `Page` wrapper, `api_view`;
- `queries`: the list queries of services and services at locations (`ServiceFilters`);
- `service_views`: /services and /service_at_locations;
- `organization_views`: /organizations;
- `taxonomy_views`: /taxonomies and /taxonomy_terms;
- `root_views`: the root, /openapi.json and the profile.
"""

from .organization_views import organization_detail, organizations
from .params import BadParameter, Params
from .queries import ServiceFilters, _use_engine, engine_statement
from .root_views import openapi, profile, profile_file, root
from .service_views import (
    list_from_engine,
    service_at_location_detail,
    service_at_locations,
    service_detail,
    services,
)
from .taxonomy_views import (
    all_taxonomies,
    all_terms,
    taxonomies,
    taxonomy_detail,
    taxonomy_term_detail,
    taxonomy_terms,
)

__all__ = [
    "BadParameter",
    "Params",
    "ServiceFilters",
    "_use_engine",
    "all_taxonomies",
    "all_terms",
    "engine_statement",
    "list_from_engine",
    "openapi",
    "organization_detail",
    "organizations",
    "profile",
    "profile_file",
    "root",
    "service_at_location_detail",
    "service_at_locations",
    "service_detail",
    "services",
    "taxonomies",
    "taxonomy_detail",
    "taxonomy_term_detail",
    "taxonomy_terms",
]
