"""The endpoints of taxonomies and their terms (our own and the profile's), and the lists the
export includes.
"""

from django.http import HttpRequest, JsonResponse
from django.http.response import HttpResponseBase

from ...models import Taxonomy, TaxonomyTerm
from .. import serializers as ser
from .params import Params, _bool, _uuid
from .responses import _json, _ndjson, api_view, not_found, page_wrapper


def _listing(request: HttpRequest, items: list[dict], params: Params) -> HttpResponseBase:
    if params.search:
        needle = params.search.lower()
        items = [
            i
            for i in items
            if needle in i["name"].lower() or needle in i.get("description", "").lower()
        ]
    if params.ndjson:
        return _ndjson(items)
    start = (params.page - 1) * params.per_page
    return _json(page_wrapper(items[start : start + params.per_page], len(items), params))


def all_taxonomies() -> list[dict]:
    return [ser.taxonomy(t) for t in Taxonomy.objects.order_by("name", "pk")] + [
        ser.profile_taxonomy()
    ]


def all_terms() -> list[dict]:
    parents = ser.term_parents()
    terms = TaxonomyTerm.objects.select_related("taxonomy").order_by(
        "taxonomy__name", "position", "name", "pk"
    )
    return [ser.taxonomy_term(t, parents) for t in terms] + ser.profile_terms()


def _detail(items: list[dict], id: str, what: str) -> JsonResponse:
    """The item of `items` whose id is `id` (in any case), or the 404 naming `what`."""
    for item in items:
        if item["id"] == id.lower():
            return _json(item)
    return not_found(what)


@api_view
def taxonomies(request: HttpRequest) -> HttpResponseBase:
    return _listing(request, all_taxonomies(), Params.parse(request))


@api_view
def taxonomy_detail(request: HttpRequest, id: str) -> HttpResponseBase:
    return _detail(all_taxonomies(), id, "Tassonomia")


@api_view
def taxonomy_terms(request: HttpRequest) -> HttpResponseBase:
    params = Params.parse(request)
    taxonomy_id = _uuid(request, "taxonomy_id")
    parent_id = _uuid(request, "parent_id")
    top_only = _bool(request, "top_only")
    items = all_terms()
    if taxonomy_id:
        items = [i for i in items if i["taxonomy_id"] == str(taxonomy_id)]
    if parent_id:
        items = [i for i in items if i.get("parent_id") == str(parent_id)]
    if top_only:
        items = [i for i in items if not i.get("parent_id")]
    return _listing(request, items, params)


@api_view
def taxonomy_term_detail(request: HttpRequest, id: str) -> HttpResponseBase:
    return _detail(all_terms(), id, "Termine di tassonomia")
