"""The public, read-only HSDS 3.0 API: plain Django views answering JSON (or NDJSON).

Paths, parameters and the `Page` wrapper follow the official `openapi.json`. Only published
services are visible. Every parameter is checked exactly as our OpenAPI document describes it
(`openapi.py`): a value the document allows is answered, anything else (empty, repeated, out of
range) is a 400 with a message naming the parameter; unknown ids a 404; never a 500.
"""

import json
import math
import re
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from equilibri.core import identifiers
from equilibri.network.models import Organisation
from equilibri.territory.geo import bounding_box, haversine_km
from equilibri.territory.models import Comune

from ..models import Location, Service, ServiceAtLocation, Taxonomy, TaxonomyTerm
from ..pagecache import catalogue_version
from ..search import (
    SearchQuery,
    Term,
    category_term_ids,
    count_matches,
    raw_search_sql,
)
from ..search import taxonomy_terms as cached_terms
from ..selectors import postcode_comuni
from . import serializers as ser
from .openapi import MAX_PAGE, MAX_PER_PAGE, MAX_SEARCH, openapi_document

DEFAULT_PER_PAGE = 20
# modified_after is clamped into this range: any earlier date means "everything", any later one
# "nothing", and the engine's arithmetic on it can never leave Python's datetime range.
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(9000, 1, 1, tzinfo=UTC)
NDJSON_CHUNK = 500
# Hits taken from the search engine when a text search feeds /service_at_locations.
MAX_ENGINE_HITS = 5000


class BadParameter(Exception):
    def __init__(self, parameter: str, message: str):
        super().__init__(message)
        self.parameter = parameter
        self.message = message


def _json(data: Any, status: int = 200) -> JsonResponse:
    response = JsonResponse(
        data, status=status, safe=False, json_dumps_params={"ensure_ascii": False}
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response


def not_found(what: str) -> JsonResponse:
    return _json({"detail": f"{what} non trovato."}, status=404)


def api_view(fn: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    # Read-only and without cookies: any other method is a 405 naming GET (the CSRF check would
    # answer a 403 first to an unsafe method, as if something could be written).
    @csrf_exempt
    @require_GET
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponseBase:
        try:
            response = fn(request, *args, **kwargs)
        except BadParameter as exc:
            return _json({"detail": exc.message, "parameter": exc.parameter}, status=400)
        # Public data that changes only with the catalogue: see services/pagecache.py.
        response.page_cache_seconds = settings.PAGE_CACHE_SECONDS  # type: ignore[attr-defined]
        return response

    wrapper.__name__ = fn.__name__
    wrapper.__doc__ = fn.__doc__
    return wrapper


# --- parameters ---------------------------------------------------------------------------

INTEGER = re.compile(r"-?[0-9]{1,18}")
POSTCODE = re.compile(r"[0-9]{5}")


@dataclass
class Params:
    page: int
    per_page: int
    ndjson: bool
    search: str
    full: bool
    minimal: bool
    full_service: bool

    @classmethod
    def parse(cls, request: HttpRequest) -> "Params":
        fmt = _raw(request, "format")
        if fmt not in {None, "json", "ndjson"}:
            raise BadParameter("format", "Il parametro format accetta solo 'json' o 'ndjson'.")
        return cls(
            page=_int(request, "page", 1, 1, MAX_PAGE),
            per_page=_int(request, "per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE),
            ndjson=fmt == "ndjson",
            search=_text(request, "search", MAX_SEARCH),
            full=_bool(request, "full"),
            minimal=_bool(request, "minimal"),
            full_service=_bool(request, "full_service"),
        )


def _raw(request: HttpRequest, name: str) -> str | None:
    """The parameter's value (None when absent). Given twice it is ambiguous, so refused."""
    values = request.GET.getlist(name)
    if len(values) > 1:
        raise BadParameter(name, f"Il parametro {name} va indicato una sola volta.")
    return values[0] if values else None


def _given(request: HttpRequest, name: str) -> str | None:
    """A typed parameter's value: absent is None, present it may not be empty."""
    raw = _raw(request, name)
    if raw == "":
        raise BadParameter(name, f"Il parametro {name} è vuoto: indicane un valore o toglilo.")
    return raw


def _text(request: HttpRequest, name: str, max_length: int) -> str:
    value = _raw(request, name) or ""
    if "\x00" in value:
        raise BadParameter(name, f"Il parametro {name} contiene caratteri non ammessi.")
    if len(value) > max_length:
        raise BadParameter(name, f"Il parametro {name} supera i {max_length} caratteri.")
    return value.strip()


def _int(request: HttpRequest, name: str, default: int, low: int, high: int) -> int:
    raw = _given(request, name)
    if raw is None:
        return default
    # ASCII digits only (int() also takes other scripts' digits, "_" and spaces), and no more
    # of them than any bound needs.
    if not INTEGER.fullmatch(raw):
        raise BadParameter(name, f"Il parametro {name} deve essere un numero intero.")
    value = int(raw)
    if not low <= value <= high:
        raise BadParameter(name, f"Il parametro {name} deve essere tra {low} e {high}.")
    return value


def _bool(request: HttpRequest, name: str) -> bool:
    raw = _given(request, name)
    if raw is None or raw == "false":
        return False
    if raw == "true":
        return True
    raise BadParameter(name, f"Il parametro {name} accetta solo 'true' o 'false'.")


def _uuid(request: HttpRequest, name: str) -> uuid.UUID | None:
    raw = _given(request, name)
    if raw is None:
        return None
    value = _path_uuid(raw)
    if value is None:
        raise BadParameter(name, f"Il parametro {name} deve essere un identificativo UUID.")
    return value


def _modified_after(request: HttpRequest) -> datetime | None:
    raw = _given(request, "modified_after")
    if raw is None:
        return None
    if "\x00" in raw or len(raw) > 40:
        raw = ""  # refused below
    value: datetime | None
    try:
        value = parse_datetime(raw.replace(" ", "+"))
        if value is None:
            day = parse_date(raw)
            value = datetime.combine(day, time.min) if day else None
    except ValueError:
        value = None
    if value is None:
        raise BadParameter(
            "modified_after",
            "Il parametro modified_after deve essere una data o data e ora ISO 8601 "
            "(es. 2026-01-31 o 2026-01-31T10:00:00Z).",
        )
    # Clamped on the calendar date, before any time zone arithmetic could overflow (0001-01-01
    # in Rome is before datetime.min in UTC).
    if value.year < EARLIEST.year:
        return EARLIEST
    if value.year >= LATEST.year:
        return LATEST
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    # In UTC: PostgreSQL refuses offsets beyond ±15:59, which ISO 8601 allows up to ±23:59.
    return value.astimezone(UTC)


def _path_uuid(value: str) -> uuid.UUID | None:
    """The UUID written canonically (uuid.UUID also takes braces, "urn:uuid:" and no dashes)."""
    try:
        found = uuid.UUID(value)
    except ValueError:
        return None
    return found if str(found) == value.lower() else None


def comune_for_postcode(postcode: str) -> Comune | None:
    """The comune of a CAP known to the catalogue (the one most of its locations are in),
    cached under the catalogue version: any change of a location gives a new key."""
    key = f"services:postcode:{catalogue_version()}:{postcode}"
    local = caches["local"]
    found = local.get(key)
    if found is None:
        found = _comune_for_postcode(postcode) or False  # False: known to have none
        local.set(key, found, 300)
    return found or None


def _comune_for_postcode(postcode: str) -> Comune | None:
    most = postcode_comuni().filter(postal_code=postcode).values("comune_id")[:1]
    return Comune.objects.filter(pk=Subquery(most)).first()


@dataclass
class Proximity:
    comune: Comune | None  # None: a CAP none of the catalogue's locations has, so no result
    radius_km: float | None


def _proximity(request: HttpRequest) -> Proximity | None:
    """postcode (a CAP) and proximity (metres from its comune). proximity is checked even alone,
    but without a postcode it has no centre, so it filters nothing (as a postcode alone)."""
    postcode = _given(request, "postcode")
    raw = _given(request, "proximity")
    radius_km = None
    if raw is not None:
        try:
            metres = float(raw) if len(raw) <= 30 else math.nan
        except ValueError:
            metres = math.nan
        max_metres = settings.MAX_SEARCH_RADIUS_KM * 1000
        if not math.isfinite(metres) or metres <= 0 or metres > max_metres:
            raise BadParameter(
                "proximity",
                f"Il parametro proximity è una distanza in metri, più di 0 e al massimo "
                f"{max_metres}.",
            )
        radius_km = metres / 1000
    if postcode is None:
        return None
    # Normalised like every identifier at the boundary (full-width digits, spaces).
    postcode = identifiers.normalise_postcode(postcode)
    if not POSTCODE.fullmatch(postcode):
        raise BadParameter("postcode", "Il parametro postcode deve essere un CAP di 5 cifre.")
    return Proximity(comune_for_postcode(postcode), radius_km)


# --- paging -------------------------------------------------------------------------------


def page_wrapper(contents: list, total: int, params: Params) -> dict[str, Any]:
    total_pages = math.ceil(total / params.per_page) if total else 0
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": params.page,
        "size": len(contents),
        "first_page": params.page == 1,
        "last_page": params.page >= total_pages,
        "empty": len(contents) == 0,
        "contents": contents,
    }


def _ndjson(lines: Iterable[dict]) -> StreamingHttpResponse:
    def stream() -> Iterator[bytes]:
        for item in lines:
            yield json.dumps(item, ensure_ascii=False).encode() + b"\n"

    response = StreamingHttpResponse(stream(), content_type="application/x-ndjson")
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _chunks(ids: list[int], size: int = NDJSON_CHUNK) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _in_order(objects: Iterable, ids: list[int]) -> list:
    by_id = {o.pk: o for o in objects}
    return [by_id[i] for i in ids if i in by_id]


# --- root, openapi, profile ---------------------------------------------------------------


def _base(request: HttpRequest) -> str:
    return request.build_absolute_uri("/api/hsds/").rstrip("/")


@api_view
def root(request: HttpRequest) -> HttpResponseBase:
    base = _base(request)
    return _json(
        {
            "version": "3.0",
            "profile": f"{base}/profile/",
            "openapi_url": f"{base}/openapi.json",
        }
    )


@api_view
def openapi(request: HttpRequest) -> HttpResponseBase:
    return _json(openapi_document(_base(request)))


# --- services -----------------------------------------------------------------------------


def _term(term_id: uuid.UUID | None) -> tuple[Term | None, bool]:
    """(term, known). Unknown ids filter everything out."""
    if term_id is None:
        return None, True
    term = next((t for t in cached_terms() if t.uuid == str(term_id)), None)
    return term, term is not None


def organisation_pk(org_id: uuid.UUID) -> int | None:
    """The organisation whose HSDS id is `org_id`. The id is a hash of the pk
    (`hsds_organisation_id`), so it cannot be looked up: the ids of all organisations are
    computed once per process and set of organisations. Primary keys are not reused, so the
    count and the largest pk tell whether that set changed (one aggregate query, instead of
    hashing every organisation's pk on each request)."""
    known = Organisation.objects.aggregate(n=Count("pk"), top=Max("pk"))
    return _organisation_pks(known["n"], known["top"]).get(org_id)


@lru_cache(maxsize=1)
def _organisation_pks(count: int, top: int | None) -> dict[uuid.UUID, int]:
    pks = Organisation.objects.values_list("pk", flat=True)
    return {ser.hsds_organisation_id(pk): pk for pk in pks}


@dataclass
class ServiceFilters:
    search: str
    term: Term | None
    taxonomy: Taxonomy | None
    organisation_pk: int | None
    modified_after: datetime | None
    proximity: Proximity | None
    nothing: bool  # an unknown id was given: no result

    @classmethod
    def parse(cls, request: HttpRequest, params: Params) -> "ServiceFilters":
        term_id = _uuid(request, "taxonomy_term_id")
        taxonomy_id = _uuid(request, "taxonomy_id")
        org_id = _uuid(request, "organization_id")
        modified_after = _modified_after(request)
        proximity = _proximity(request)
        nothing = False
        term, known = _term(term_id)
        nothing |= not known
        taxonomy = None
        if taxonomy_id is not None:
            taxonomy = Taxonomy.objects.filter(uuid=taxonomy_id).first()
            nothing |= taxonomy is None
        org_pk = None
        if org_id is not None:
            org_pk = organisation_pk(org_id)
            nothing |= org_pk is None
        nothing |= proximity is not None and proximity.comune is None
        return cls(params.search, term, taxonomy, org_pk, modified_after, proximity, nothing)

    def orm(self, qs: QuerySet[Service]) -> QuerySet[Service]:
        if self.term is not None:
            codes = category_term_ids(self.term.code)
            qs = qs.filter(
                Exists(
                    Service.terms.through.objects.filter(
                        service_id=OuterRef("pk"), taxonomyterm_id__in=codes
                    )
                )
            )
        if self.taxonomy is not None:
            qs = qs.filter(
                Exists(
                    Service.terms.through.objects.filter(
                        service_id=OuterRef("pk"), taxonomyterm__taxonomy=self.taxonomy
                    )
                )
            )
        if self.organisation_pk is not None:
            qs = qs.filter(organisation_id=self.organisation_pk)
        if self.modified_after is not None:
            qs = qs.filter(last_modified__gte=self.modified_after)
        return qs


def _engine_query(filters: ServiceFilters, page: int, per_page: int) -> SearchQuery:
    prox = filters.proximity
    modified_after = filters.modified_after
    if modified_after is not None:  # HSDS: "on or after"; the engine compares strictly
        modified_after -= timedelta(microseconds=1)
    return SearchQuery(
        text=filters.search,
        category=filters.term.code if filters.term else None,
        comune=prox.comune if prox else None,
        radius_km=prox.radius_km if prox else None,
        organisation_id=filters.organisation_pk,
        modified_after=modified_after,
        sort="distance" if prox and not filters.search else "relevance",
        page=page,
        per_page=per_page,
    )


def _use_engine(filters: ServiceFilters) -> bool:
    """Text and distance go through the search engine (the same as the public search)."""
    return bool(filters.search or (filters.proximity and filters.proximity.radius_km))


def engine_statement(
    filters: ServiceFilters, page: int, per_page: int, columns: str = ""
) -> tuple[str, list]:
    """The search engine's statement for these filters (with `columns` of each page row)."""
    return raw_search_sql(_engine_query(filters, page, per_page), columns)


def _engine_page(
    filters: ServiceFilters, page: int, per_page: int, columns: str = ""
) -> tuple[list[tuple], int]:
    """Runs the engine statement itself: the rows of the page and the total."""
    sql, params = engine_statement(filters, page, per_page, columns)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if rows:
        return rows, int(rows[0][3])
    return rows, (count_matches(_engine_query(filters, 1, 1)) if page > 1 else 0)


def _location_ids_near(prox: Proximity) -> list[int]:
    comune = prox.comune
    assert comune is not None and prox.radius_km is not None  # an unknown CAP finds nothing
    min_lat, max_lat, min_lon, max_lon = bounding_box(comune.lat, comune.lon, prox.radius_km)
    rows = Location.objects.filter(
        latitude__gte=min_lat, latitude__lte=max_lat, longitude__gte=min_lon, longitude__lte=max_lon
    ).values_list("pk", "latitude", "longitude")
    return [
        pk
        for pk, lat, lon in rows
        if lat is not None
        and lon is not None
        and haversine_km(comune.lat, comune.lon, lat, lon) <= prox.radius_km
    ]


def matching_service_ids(filters: ServiceFilters, page: int, per_page: int) -> tuple[list, int]:
    """(ids of the page, total)."""
    if filters.nothing:
        return [], 0
    if _use_engine(filters):
        rows, total = _engine_page(filters, page, per_page)
        ids = [int(row[0]) for row in rows]
        if filters.taxonomy is not None:
            ids = _with_taxonomy(ids, filters.taxonomy)
        return ids, total
    qs = filters.orm(ser.published_services())
    total = qs.count()
    start = (page - 1) * per_page
    ids = list(qs.order_by("name", "pk").values_list("pk", flat=True)[start : start + per_page])
    return ids, total


def all_service_ids(filters: ServiceFilters, limit: int | None = None) -> list[int]:
    if filters.nothing:
        return []
    if _use_engine(filters):
        ids: list[int] = []
        page = 1
        while page <= MAX_PAGE:
            rows, total = _engine_page(filters, page, MAX_PER_PAGE)
            chunk = [int(row[0]) for row in rows]
            ids += chunk
            if not chunk or len(ids) >= total or (limit and len(ids) >= limit):
                break
            page += 1
        if filters.taxonomy is not None:
            ids = _with_taxonomy(ids, filters.taxonomy)
        return ids[:limit] if limit else ids
    qs = filters.orm(ser.published_services())
    return list(qs.order_by("name", "pk").values_list("pk", flat=True))


def _with_taxonomy(ids: list[int], taxonomy: Taxonomy) -> list[int]:
    keep = set(
        Service.terms.through.objects.filter(
            service_id__in=ids, taxonomyterm__taxonomy=taxonomy
        ).values_list("service_id", flat=True)
    )
    return [i for i in ids if i in keep]


def _render_services(ids: list[int], params: Params) -> list[dict]:
    if not ids:
        return []
    qs = ser.published_services().filter(pk__in=ids)
    if params.minimal:
        rows = _in_order(qs.only("uuid", "name", "status", "last_modified"), ids)
        return [ser.service_list(s, minimal=True) for s in rows]
    if params.full:
        parents = ser.term_parents()
        return [ser.service_full(s, parents) for s in _in_order(ser.full_services(qs), ids)]
    return [ser.service_list(s) for s in _in_order(ser.list_services(qs), ids)]


@api_view
def services(request: HttpRequest) -> HttpResponseBase:
    params = Params.parse(request)
    filters = ServiceFilters.parse(request, params)
    if params.ndjson:
        ids = all_service_ids(filters)
        return _ndjson(item for chunk in _chunks(ids) for item in _render_services(chunk, params))
    if list_from_engine(filters, params):
        # A text or distance search in the list form: the engine statement returns the rows.
        rows, total = _engine_page(filters, params.page, params.per_page, ser.list_columns())
        if filters.taxonomy is not None:
            keep = set(_with_taxonomy([int(row[0]) for row in rows], filters.taxonomy))
            rows = [row for row in rows if int(row[0]) in keep]
        contents = [ser.service_list_from_row(row[4:]) for row in rows]
        return _json(page_wrapper(contents, total, params))
    ids, total = matching_service_ids(filters, params.page, params.per_page)
    return _json(page_wrapper(_render_services(ids, params), total, params))


def list_from_engine(filters: ServiceFilters, params: Params) -> bool:
    """Whether `services` answers from the engine statement's own rows (`ser.list_columns`)."""
    return _use_engine(filters) and not (filters.nothing or params.minimal or params.full)


@api_view
def service_detail(request: HttpRequest, id: str) -> HttpResponseBase:
    sid = _path_uuid(id)
    service = ser.full_services(ser.published_services()).filter(uuid=sid).first() if sid else None
    if service is None:
        return not_found("Servizio")
    return _json(ser.service_full(service, ser.term_parents()))


# --- service at location ------------------------------------------------------------------


def _sal_queryset(filters: ServiceFilters) -> QuerySet[ServiceAtLocation] | None:
    if filters.nothing:
        return None
    qs = ServiceAtLocation.objects.filter(service__in=ser.published_services())
    if filters.search:
        text_only = ServiceFilters(filters.search, None, None, None, None, None, False)
        qs = qs.filter(service_id__in=all_service_ids(text_only, MAX_ENGINE_HITS))
    if filters.proximity and filters.proximity.radius_km:
        qs = qs.filter(location_id__in=_location_ids_near(filters.proximity))
    service_ids = filters.orm(ser.published_services()).values("pk")
    if filters.term or filters.taxonomy or filters.organisation_pk or filters.modified_after:
        qs = qs.filter(service_id__in=service_ids)
    return qs


def _render_sals(ids: list[int], params: Params) -> list[dict]:
    if not ids:
        return []
    qs = ServiceAtLocation.objects.filter(pk__in=ids).select_related(
        "location__comune", "service__organisation"
    )
    if params.full:
        qs = qs.prefetch_related("location__phones", "service__schedules", "service__closures")
    else:
        qs = qs.prefetch_related("location__phones")
    out = []
    for sal in _in_order(qs, ids):
        data = ser.service_at_location(sal, sal.service, full=params.full)
        data["service"] = ser.service_list(sal.service)
        out.append(data)
    return out


@api_view
def service_at_locations(request: HttpRequest) -> HttpResponseBase:
    params = Params.parse(request)
    filters = ServiceFilters.parse(request, params)
    qs = _sal_queryset(filters)
    if qs is None:
        ids: list[int] = []
        total = 0
    else:
        ordered = qs.order_by("service__name", "location__name", "pk").values_list("pk", flat=True)
        if params.ndjson:
            all_ids = list(ordered)
            return _ndjson(
                item for chunk in _chunks(all_ids) for item in _render_sals(chunk, params)
            )
        total = qs.count()
        start = (params.page - 1) * params.per_page
        ids = list(ordered[start : start + params.per_page])
    if params.ndjson:
        return _ndjson([])
    return _json(page_wrapper(_render_sals(ids, params), total, params))


@api_view
def service_at_location_detail(request: HttpRequest, id: str) -> HttpResponseBase:
    sal_id = _path_uuid(id)
    sal = None
    if sal_id:
        sal = ServiceAtLocation.objects.filter(
            uuid=sal_id, service__in=ser.published_services()
        ).first()
    if sal is None:
        return not_found("Servizio presso la sede")
    params = Params(1, 1, False, "", True, False, False)
    return _json(_render_sals([sal.pk], params)[0])


# --- organizations ------------------------------------------------------------------------


def _providers() -> QuerySet[Organisation]:
    return Organisation.objects.filter(
        Exists(ser.published_services().filter(organisation_id=OuterRef("pk")))
    ).select_related("comune")


def _org_services(orgs: list[Organisation], full_service: bool) -> dict[int, list[dict]]:
    qs = ser.published_services().filter(organisation__in=orgs).order_by("name", "pk")
    out: dict[int, list[dict]] = {o.pk: [] for o in orgs}
    if full_service:
        parents = ser.term_parents()
        for s in ser.full_services(qs):
            out[s.organisation_id].append(ser.service_full(s, parents))
    else:
        for s in ser.list_services(qs):
            out[s.organisation_id].append(ser.service_list(s))
    return out


def _render_orgs(orgs: list[Organisation], params: Params) -> list[dict]:
    if not (params.full or params.full_service):
        return [ser.organization_list(o) for o in orgs]
    services_of = _org_services(orgs, params.full_service)
    return [ser.organization_full(o, services_of[o.pk]) for o in orgs]


@api_view
def organizations(request: HttpRequest) -> HttpResponseBase:
    params = Params.parse(request)
    qs = _providers()
    if params.search:
        qs = qs.filter(Q(name__icontains=params.search) | Q(description__icontains=params.search))
    qs = qs.order_by("name", "pk")
    if params.ndjson:
        orgs = list(qs)
        return _ndjson(
            item
            for start in range(0, len(orgs), NDJSON_CHUNK)
            for item in _render_orgs(orgs[start : start + NDJSON_CHUNK], params)
        )
    total = qs.count()
    start = (params.page - 1) * params.per_page
    orgs = list(qs[start : start + params.per_page])
    return _json(page_wrapper(_render_orgs(orgs, params), total, params))


@api_view
def organization_detail(request: HttpRequest, id: str) -> HttpResponseBase:
    full_service = _bool(request, "full_service")
    org_id = _path_uuid(id)
    pk = organisation_pk(org_id) if org_id else None
    org = _providers().filter(pk=pk).first() if pk else None
    if org is None:
        return not_found("Organizzazione")
    return _json(ser.organization_full(org, _org_services([org], full_service)[org.pk]))


# --- taxonomies ---------------------------------------------------------------------------


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


@api_view
def taxonomies(request: HttpRequest) -> HttpResponseBase:
    return _listing(request, all_taxonomies(), Params.parse(request))


@api_view
def taxonomy_detail(request: HttpRequest, id: str) -> HttpResponseBase:
    for item in all_taxonomies():
        if item["id"] == id.lower():
            return _json(item)
    return not_found("Tassonomia")


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
    for item in all_terms():
        if item["id"] == id.lower():
            return _json(item)
    return not_found("Termine di tassonomia")


# --- profile ------------------------------------------------------------------------------

PROFILE_DIR = Path(__file__).parent / "profile"


def profile_patches() -> dict[str, Any]:
    return {
        p.name: json.loads(p.read_text(encoding="utf-8"))
        for p in sorted(PROFILE_DIR.glob("*.json"))
    }


@api_view
def profile(request: HttpRequest) -> HttpResponseBase:
    base = _base(request)
    return _json(
        {
            "name": "equilibri",
            "title": "Profilo HSDS di Equilibri",
            "hsds_version": "3.0",
            "readme": f"{base}/profile/README.md",
            "readme_text": (PROFILE_DIR / "README.md").read_text(encoding="utf-8"),
            "patch_format": "JSON merge patch (RFC 7396) on the official HSDS 3.0 schema files",
            "schemas": {name: f"{base}/profile/{name}" for name in profile_patches()},
            "profile_taxonomy_id": str(ser.PROFILE_TAXONOMY_ID),
            "profile_terms": ser.profile_terms(),
        }
    )


@api_view
def profile_file(request: HttpRequest, name: str) -> HttpResponseBase:
    if name == "README.md":
        response = HttpResponse(
            (PROFILE_DIR / "README.md").read_text(encoding="utf-8"),
            content_type="text/markdown; charset=utf-8",
        )
        response["Access-Control-Allow-Origin"] = "*"
        return response
    patches = profile_patches()
    if name not in patches:
        return not_found("Schema del profilo")
    return _json(patches[name])
