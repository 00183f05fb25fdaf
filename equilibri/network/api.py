"""The network's read endpoints of the JSON API: organisations and alliances, scoped to the token's
user exactly as the reserved area is (outside the scope: 404)."""

from decimal import Decimal
from typing import Annotated

from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.pagination import paginate
from pydantic import PlainSerializer

from equilibri.core.api import (
    DETAIL_ERRORS,
    LIST_ERRORS,
    Id,
    IdFilter,
    Pages,
    TextFilter,
    filter_given,
)

from .selectors import alliances_visible_to, organisations_visible_to

# Money travels as a string with two decimals ("1234.50"): never a binary float.
Money = Annotated[
    Decimal, PlainSerializer(lambda v: f"{v:.2f}", return_type=str, when_used="always")
]

router = Router(tags=["rete"])


class ComuneOut(Schema):
    istat_code: str
    name: str
    province: str


class OrganisationOut(Schema):
    id: int
    name: str
    kind: str
    fiscal_code: str
    vat_number: str
    comune: ComuneOut
    ats: str
    address: str
    website: str
    email: str
    phone: str
    staff_count: int | None
    whp_member: bool

    @staticmethod
    def resolve_ats(obj) -> str:
        return obj.comune.ats.name

    @staticmethod
    def resolve_whp_member(obj) -> bool:
        return obj.is_whp_member


class PartnerRef(Schema):
    """An organisation taking part in something (an alliance, a project), by name and role."""

    organisation_id: int
    organisation: str
    role: str

    @staticmethod
    def resolve_organisation(obj) -> str:
        return obj.organisation.name


class PartnerOut(PartnerRef):
    contribution_kind: str
    contribution_amount: Money


class AllianceOut(Schema):
    id: int
    name: str
    ats: str
    lead_id: int
    lead: str

    @staticmethod
    def resolve_ats(obj) -> str:
        return obj.ats.name

    @staticmethod
    def resolve_lead(obj) -> str:
        return obj.lead.name


class AllianceDetailOut(AllianceOut):
    partners: list[PartnerOut]

    @staticmethod
    def resolve_partners(obj) -> list:
        return list(obj.partners.select_related("organisation"))


@router.get(
    "/organisations",
    response={200: list[OrganisationOut], **LIST_ERRORS},
    summary="Organizzazioni",
)
@paginate(Pages, page_size=50)
def list_organisations(request, ats: IdFilter = None, q: TextFilter = None):
    qs = organisations_visible_to(request.auth).order_by("name")
    return filter_given(qs, comune__ats_id=ats, name__icontains=q)


@router.get("/organisations/{organisation_id}", response={200: OrganisationOut, **DETAIL_ERRORS})
def get_organisation(request, organisation_id: Id):
    return get_object_or_404(organisations_visible_to(request.auth), pk=organisation_id)


@router.get(
    "/alliances", response={200: list[AllianceOut], **LIST_ERRORS}, summary="Alleanze locali"
)
@paginate(Pages, page_size=50)
def list_alliances(request, ats: IdFilter = None):
    qs = alliances_visible_to(request.auth).order_by("name")
    return filter_given(qs, ats_id=ats)


@router.get("/alliances/{alliance_id}", response={200: AllianceDetailOut, **DETAIL_ERRORS})
def get_alliance(request, alliance_id: Id):
    return get_object_or_404(alliances_visible_to(request.auth), pk=alliance_id)
