"""Public pages of the territorial network: members (with a server-rendered map), organisation
profiles, alliances and the published agreements. They work without JavaScript."""

import math
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.paginator import Paginator
from django.db.models import Sum
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from equilibri.core.files import private_file_response
from equilibri.territory.models import ATS, Comune

from . import selectors
from .forms import MemberFilterForm
from .models import AgreementDocument, Membership, Organisation

# Lombardy's bounding box, plotted in a simple equirectangular projection.
LAT_MIN, LAT_MAX = Decimal("44.6"), Decimal("46.7")
LON_MIN, LON_MAX = Decimal("8.4"), Decimal("11.5")
MAP_HEIGHT = 420
CENT = Decimal("0.01")
# Longitude degrees are shorter than latitude degrees at ~45.6° N.
MAP_WIDTH = round(MAP_HEIGHT * float(LON_MAX - LON_MIN) / float(LAT_MAX - LAT_MIN) * 0.7)


@dataclass
class MapPoint:
    comune: Comune
    x: float
    y: float
    members: list[Organisation] = field(default_factory=list)

    @property
    def r(self) -> float:
        return round(4 + 2 * math.sqrt(len(self.members)), 1)

    @property
    def label(self) -> str:
        names = ", ".join(org.name for org in self.members)
        return f"{self.comune.name} ({self.comune.province}): {names}"


def project(lat: Decimal, lon: Decimal) -> tuple[float, float]:
    """(x, y) in the map's viewBox; points outside the box are clamped to its edge."""
    lat = min(max(lat, LAT_MIN), LAT_MAX)
    lon = min(max(lon, LON_MIN), LON_MAX)
    x = float((lon - LON_MIN) / (LON_MAX - LON_MIN)) * MAP_WIDTH
    y = float((LAT_MAX - lat) / (LAT_MAX - LAT_MIN)) * MAP_HEIGHT
    return round(x, 1), round(y, 1)


def map_landmarks() -> list[tuple[str, float, float]]:
    """The seats of the ATS, labelled on the map for orientation."""
    seats = {ats.seat_city for ats in ATS.objects.all()}
    landmarks = []
    for comune in Comune.objects.filter(name__in=seats).order_by("name"):
        x, y = project(comune.lat, comune.lon)
        landmarks.append((comune.name, x, y))
    return landmarks


def map_points(organisations) -> list[MapPoint]:
    points: dict[int, MapPoint] = {}
    for org in organisations:
        point = points.get(org.comune_id)
        if point is None:
            x, y = project(org.comune.lat, org.comune.lon)
            point = points[org.comune_id] = MapPoint(org.comune, x, y)
        point.members.append(org)
    return sorted(points.values(), key=lambda p: p.comune.name)


def member_list(request: HttpRequest) -> HttpResponse:
    """Active members of the ATS networks, filtered by GET parameters (shareable URLs)."""
    form = MemberFilterForm(request.GET or None, auto_id="filtro-%s")
    filters: dict = {}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = {
            "ats": data["ats"],
            "kind": data["tipologia"],
            "comune": data["comune"],
            "whp": data["whp"],
        }
    members = selectors.public_members_filtered(**filters)
    page = Paginator(members, 20).get_page(request.GET.get("pagina"))
    query = request.GET.copy()
    query.pop("pagina", None)
    return render(
        request,
        "network/public/member_list.html",
        {
            "form": form,
            "page": page,
            "points": map_points(members),
            "landmarks": map_landmarks(),
            "map_width": MAP_WIDTH,
            "map_height": MAP_HEIGHT,
            "query_string": query.urlencode(),
            "filtered": bool(filters) and any(filters.values()),
        },
    )


def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Public profile of an active member (404 otherwise)."""
    organisation = get_object_or_404(selectors.public_members(), pk=pk)
    memberships = organisation.memberships.filter(state=Membership.State.ACTIVE).select_related(
        "ats"
    )
    alliances = selectors.public_alliances().filter(lead=organisation)
    partnerships = organisation.alliance_partnerships.select_related("alliance")
    return render(
        request,
        "network/public/organisation_detail.html",
        {
            "organisation": organisation,
            "memberships": memberships,
            "alliances": alliances,
            "partnerships": partnerships,
        },
    )


def alliance_list(request: HttpRequest) -> HttpResponse:
    alliances = selectors.public_alliances()
    ats_code = request.GET.get("ats", "")
    # ASCII digits that fit a database integer (a longer number overflows the query: a 500).
    if ats_code.isascii() and ats_code.isdigit() and len(ats_code) <= 9:
        alliances = alliances.filter(ats_id=int(ats_code))
    page = Paginator(alliances, 25).get_page(request.GET.get("pagina"))
    return render(request, "network/public/alliance_list.html", {"page": page})


def alliance_detail(request: HttpRequest, pk: int) -> HttpResponse:
    alliance = get_object_or_404(selectors.public_alliances(), pk=pk)
    partners = alliance.partners.select_related("organisation__comune")
    totals = {
        row["contribution_kind"]: row["total"]
        for row in partners.values("contribution_kind").annotate(total=Sum("contribution_amount"))
    }
    member_ids = set(selectors.public_members().values_list("pk", flat=True))
    return render(
        request,
        "network/public/alliance_detail.html",
        {
            "alliance": alliance,
            "partners": partners,
            "member_ids": member_ids,
            "comuni": selectors.alliance_comuni(alliance),
            "documents": alliance.agreements.all(),
            "cash_total": Decimal(totals.get("cash") or 0).quantize(CENT),
            "in_kind_total": Decimal(totals.get("in_kind") or 0).quantize(CENT),
        },
    )


def agreement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    document = get_object_or_404(selectors.public_agreements(), pk=pk)
    newer = (
        AgreementDocument.objects.filter(
            ats=document.ats,
            alliance=document.alliance,
            kind=document.kind,
            version__gt=document.version,
        )
        .order_by("-version")
        .first()
    )
    return render(
        request, "network/public/agreement_detail.html", {"document": document, "newer": newer}
    )


def agreement_file(request: HttpRequest, pk: int) -> FileResponse:
    document = get_object_or_404(selectors.public_agreements(), pk=pk)
    return private_file_response(
        document.file, filename=f"{document.get_kind_display()}-v{document.version}.pdf"
    )
