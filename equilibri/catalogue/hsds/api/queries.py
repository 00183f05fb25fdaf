"""The list queries behind /services and /service_at_locations: the filters of a request
(`ServiceFilters`), answered by the ORM or, for text and distance, by the search engine.
"""

import math
import uuid
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import lru_cache

from django.db import connection
from django.db.models import Count, Exists, Max, OuterRef, QuerySet
from django.db.models.expressions import RawSQL
from django.http import HttpRequest

from equilibri.network.models import Organisation
from equilibri.territory.geo import bounding_box, haversine_km

from ...filters import where_filters
from ...models import Location, Service, ServiceAtLocation, Taxonomy
from ...search import SearchQuery, Term, category_term_ids, count_matches, raw_search_sql
from ...search import taxonomy_terms as cached_terms
from .. import serializers as ser
from ..openapi import MAX_PAGE, MAX_PER_PAGE
from .params import Conditions, Params, Proximity, _modified_after, _proximity, _uuid, conditions

# Hits taken from the search engine when a text search feeds /service_at_locations.
MAX_ENGINE_HITS = 5000


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
    # age, open_on, free, voucher, language
    conditions: Conditions = field(default_factory=Conditions)

    @classmethod
    def parse(cls, request: HttpRequest, params: Params) -> "ServiceFilters":
        term_id = _uuid(request, "taxonomy_term_id")
        taxonomy_id = _uuid(request, "taxonomy_id")
        org_id = _uuid(request, "organization_id")
        modified_after = _modified_after(request)
        proximity = _proximity(request)
        wanted = conditions(request)
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
        return cls(
            params.search, term, taxonomy, org_pk, modified_after, proximity, nothing, wanted
        )

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
        if self.conditions.any():
            # The public search's own conditions (`filters.where_filters`), so that the API and
            # the page agree on what "for a 5-year-old", "open on", "free" mean.
            query = _with_conditions(SearchQuery(), self.conditions)
            where, params = where_filters(query, [], [])
            sql = f"SELECT s.id FROM services_service s WHERE {' AND '.join(where)}"  # noqa: S608 (constant SQL, values bound)
            # Constant SQL from filters.where_filters, every value bound as a parameter.
            qs = qs.filter(pk__in=RawSQL(sql, params))  # noqa: S611  # nosec B611
        return qs


def _with_conditions(query: SearchQuery, wanted: Conditions) -> SearchQuery:
    return replace(
        query,
        # In whole years, as the catalogue keeps its services' ages.
        age=math.floor(wanted.age) if wanted.age is not None else None,
        open_on=wanted.open_on,
        free_only=wanted.free,
        voucher=wanted.voucher,
        language=wanted.language,
    )


def _engine_query(filters: ServiceFilters, page: int, per_page: int) -> SearchQuery:
    prox = filters.proximity
    modified_after = filters.modified_after
    if modified_after is not None:  # HSDS: "on or after"; the engine compares strictly
        modified_after -= timedelta(microseconds=1)
    query = SearchQuery(
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
    return _with_conditions(query, filters.conditions)


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
    if (
        filters.term
        or filters.taxonomy
        or filters.organisation_pk
        or filters.modified_after
        or filters.conditions.any()
    ):
        qs = qs.filter(service_id__in=service_ids)
    return qs
