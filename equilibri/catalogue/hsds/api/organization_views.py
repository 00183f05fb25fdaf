"""The endpoints of organizations: /organizations and /organizations/{id}, the providers of
published services.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from equilibri.network.models import Organisation

from ...interchange_models import ExternalProvider
from .. import serializers as ser
from .params import Params, _bool, _path_uuid
from .queries import organisation_pk
from .responses import NDJSON_CHUNK, _json, _ndjson, api_view, not_found, page_wrapper


def _providers() -> QuerySet[Organisation]:
    return Organisation.objects.filter(
        Exists(ser.published_services().filter(organisation_id=OuterRef("pk")))
    ).select_related("comune", "hsds_provider")


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


def _provider_pk(org_id) -> int | None:
    """The organisation an import created with this HSDS id (its publisher's)."""
    return (
        ExternalProvider.objects.filter(hsds_id=org_id)
        .values_list("organisation_id", flat=True)
        .first()
    )


@api_view
def organization_detail(request: HttpRequest, id: str) -> HttpResponseBase:
    full_service = _bool(request, "full_service")
    org_id = _path_uuid(id)
    pk = (_provider_pk(org_id) or organisation_pk(org_id)) if org_id else None
    org = _providers().filter(pk=pk).first() if pk else None
    if org is None:
        return not_found("Organizzazione")
    return _json(ser.organization_full(org, _org_services([org], full_service)[org.pk]))
