"""The endpoints of services: /services, /services/{id}, /service_at_locations and
/service_at_locations/{id}.
"""

from django.http import HttpRequest
from django.http.response import HttpResponseBase

from ...models import ServiceAtLocation
from .. import serializers as ser
from .params import Params, _path_uuid
from .queries import (
    ServiceFilters,
    _engine_page,
    _sal_queryset,
    _use_engine,
    _with_taxonomy,
    all_service_ids,
    matching_service_ids,
)
from .responses import _chunks, _in_order, _json, _ndjson, api_view, not_found, page_wrapper


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
