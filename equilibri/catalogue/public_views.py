"""Public pages of the catalogue: search (list and map, HTMX-updated, shareable URLs), the "what
can I get?" helper, the service page with its "report a mistake" form."""

from __future__ import annotations

import datetime
import uuid as uuid_lib

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from equilibri.core import ratelimit
from equilibri.core.forms import apply_errors
from equilibri.core.frames import render_in_frame
from equilibri.core.offers import offers_for

from . import selectors, services
from .forms import DEFAULT_RADIUS_KM, HelperForm, MistakeReportForm, SearchForm
from .models import Service, ServiceAtLocation, TaxonomyTerm
from .opening import next_opening, opening_of, timetable
from .rendering import search_form, search_results, service_lines
from .search import SearchQuery, search_services
from .search_chips import ChipLink, form_values, page_chips

PER_PAGE = 10
LITERAL = "testo_esatto"


def _page_number(request: HttpRequest) -> int:
    try:
        return min(max(int(request.GET.get("pagina", "1")), 1), 1000)
    except (TypeError, ValueError):
        return 1


def _query_from(form: SearchForm, page: int, literal: bool = False) -> SearchQuery:
    data = form.cleaned_data
    comune = data.get("comune")
    radius = data.get("raggio")
    if comune is not None and radius is None:
        radius = DEFAULT_RADIUS_KM
    age = form.age_years()
    return SearchQuery(
        text=data.get("q") or "",
        category=data.get("categoria") or None,
        comune=comune,
        radius_km=float(radius) if comune is not None and radius else None,
        # In whole years, as the catalogue keeps its services' ages: 8 months is 0 years.
        age=int(age) if age is not None else None,
        month=data.get("mese"),
        weekday=data.get("giorno_settimana"),
        literal=literal,
        open_on=data.get("giorno"),
        open_now=bool(data.get("aperto_ora")),
        free_only=bool(data.get("gratuito")),
        voucher=bool(data.get("voucher")),
        language=data.get("lingua") or None,
        sort="distance" if data.get("ordina") == "distanza" else "relevance",
        page=page,
        per_page=PER_PAGE,
    )


def _decorate(hits) -> list[dict]:
    """What a result card shows besides the card's own values: next opening and dated periods."""
    now = timezone.localtime()
    rows = []
    for hit in hits:
        card = hit.card
        rows.append(
            {
                "hit": hit,
                "service": card,
                "opening": opening_of(card.schedules, card.closures, now),
                "periods": _periods(card.schedules),
            }
        )
    return rows


def _periods(schedules) -> list[tuple]:
    """The dated periods of a timetable ("Dal 15 giugno al 31 agosto"), in `timetable`'s order."""
    return sorted(
        {(s.valid_from, s.valid_to) for s in schedules if s.valid_from or s.valid_to},
        key=lambda p: (p[0] or datetime.date.min, p[1] or datetime.date.max),
    )


def _markers(rows) -> list[dict]:
    markers = []
    for row in rows:
        loc = row["hit"].location
        if loc is None or loc.latitude is None or loc.longitude is None:
            continue
        markers.append(
            {
                "lat": round(loc.latitude, 6),
                "lon": round(loc.longitude, 6),
                "name": row["service"].name,
                "url": row["service"].get_absolute_url(),
            }
        )
    return markers


def search(request: HttpRequest) -> HttpResponse:
    """Public service search: GET form, every state a shareable URL; HTMX swaps the results."""
    params = request.GET.copy()
    view_mode = "mappa" if params.get("vista") == "mappa" else "lista"
    form = SearchForm(params or None)  # unbound without parameters: the whole catalogue
    # "Cerca invece <the words as typed>": the text without typo correction.
    literal = params.get(LITERAL) == "1"
    page = None
    rows: list[dict] = []
    if not form.is_bound:
        page = search_services(SearchQuery(page=_page_number(request), per_page=PER_PAGE))
    elif form.is_valid():
        page = search_services(_query_from(form, _page_number(request), literal))
    if page is not None:
        rows = _decorate(page.hits)
    search_params = {k: v for k, v in params.items() if k not in {"pagina", "vista"} and v != ""}
    markers = _markers(rows) if view_mode == "mappa" else []
    chips: list[ChipLink] = []
    shown = form
    if page is not None and form.is_bound and not form.errors:
        chip_params = {**search_params, **({"vista": "mappa"} if view_mode == "mappa" else {})}
        categories = dict(form.fields["categoria"].choices)  # type: ignore[attr-defined]
        chips = page_chips(form.cleaned_data, page, chip_params, categories)
        values = form_values(search_params, page)
        if values is not None:
            shown = SearchForm({k: v for k, v in values.items() if k != LITERAL})
    results_html = search_results(form, page, rows, view_mode, search_params, markers, chips)
    if request.headers.get("HX-Request") and not request.headers.get("HX-Boosted"):
        response = HttpResponse(results_html)
        if shown is not form:  # the understood pieces, moved into the form's fields
            response.write(search_form(shown, view_mode, out_of_band=True))
    else:
        form_html = search_form(shown, view_mode)
        response = render_in_frame(
            request,
            "services/search.html",
            {"form_html": form_html, "results_html": results_html},
        )
    if page is not None and not (form.is_bound and form.cleaned_data.get("aperto_ora")):
        response.page_cache_seconds = _unchanged_for(rows)  # type: ignore[attr-defined]
    return response


def _unchanged_for(rows: list[dict]) -> int:
    """Seconds until a result's next-opening line changes (it opens or closes): how long the
    page may be served from the page cache. ("Open now" searches are never cached: any service
    may open or close.)"""
    now = timezone.localtime()
    changes = [
        (row["opening"].ends if row["opening"].is_now else row["opening"].starts) - now
        for row in rows
        if row["opening"] is not None
    ]
    seconds = min((int(c.total_seconds()) for c in changes), default=settings.PAGE_CACHE_SECONDS)
    return max(seconds, 0)


def _public_service(key: str) -> Service:
    qs = (
        selectors.public_services()
        .select_related("organisation__comune", "eligible_project")
        .prefetch_related(
            "terms",
            "eligible_comuni",
            "languages",
            "cost_options",
            "phones",
            "contacts",
            "schedules",
            "closures",
            Prefetch(
                "at_locations",
                queryset=ServiceAtLocation.objects.select_related("location__comune").order_by(
                    "id"
                ),
            ),
        )
    )
    try:
        lookup = Q(uuid=uuid_lib.UUID(str(key)))
    except ValueError:
        if not str(key).isdigit() or len(str(key)) > 12:
            raise Http404 from None
        lookup = Q(pk=int(key))
    service = qs.filter(lookup).first()
    if service is None:
        raise Http404
    return service


def detail(request: HttpRequest, key: str) -> HttpResponse:
    service = _public_service(key)
    if not key.count("-") and str(key) != str(service.uuid):
        return redirect("catalogue_public:detail", key=str(service.uuid), permanent=True)
    locations = [sal.location for sal in service.at_locations.all()]
    physical = [loc for loc in locations if loc.latitude is not None and loc.longitude is not None]
    desk = None
    if physical and not service.terms.filter(code__in=_desk_codes()).exists():
        here = physical[0]
        assert here.latitude is not None and here.longitude is not None
        desk = selectors.nearest_desk_service(
            here.latitude,
            here.longitude,
            exclude_id=service.pk,
            ats_id=here.comune.ats_id if here.comune else None,
        )
    today = timezone.localdate()
    form = MistakeReportForm()
    return render(
        request,
        "services/detail.html",
        {
            "service": service,
            "locations": locations,
            "timetables": timetable(service),
            "lines": _lines(service),
            "closures": [c for c in service.closures.all() if c.date_to >= today],
            "desk": desk,
            "form": form,
            "markers": [
                {"lat": loc.latitude, "lon": loc.longitude, "name": loc.name, "url": ""}
                for loc in physical
            ],
            "map_tile_url": getattr(settings, "MAP_TILE_URL", ""),
            "map_attribution": getattr(settings, "MAP_TILE_ATTRIBUTION", ""),
            "partners_only": service.eligible_project,
        },
    )


def _lines(service: Service) -> dict:
    """The opening, cost and "who may use it" lines, as the search's cards word them."""
    return service_lines(
        service, service.eligible_comuni.all(), service.cost_options.all(), next_opening(service)
    )


def _desk_codes() -> list[str]:
    return list(
        TaxonomyTerm.objects.filter(Q(code="sportelli") | Q(parent__code="sportelli")).values_list(
            "code", flat=True
        )
    )


@require_POST
@ratelimit.rate_limited("mistake_report")
def report_mistake(request: HttpRequest, key: str) -> HttpResponse:
    service = _public_service(key)
    form = MistakeReportForm(request.POST)
    if form.is_valid():
        try:
            services.mistake_report_create(
                service=service,
                message=form.cleaned_data["message"],
                email=form.cleaned_data["email"],
                by=request.user if request.user.is_authenticated else None,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                _("Grazie: la segnalazione è stata inviata all'operatore ATS, che la verificherà."),
            )
            return redirect("catalogue_public:detail", key=str(service.uuid))
    messages.error(request, _("La segnalazione non è stata inviata: correggi i campi indicati."))
    today = timezone.localdate()
    locations = [sal.location for sal in service.at_locations.all()]
    return render(
        request,
        "services/detail.html",
        {
            "service": service,
            "locations": locations,
            "timetables": timetable(service),
            "lines": _lines(service),
            "closures": [c for c in service.closures.all() if c.date_to >= today],
            "desk": None,
            "form": form,
            "markers": [],
            "partners_only": service.eligible_project,
        },
        status=400,
    )


def _eligible(service: Service, comune, employer, partner_ids: set[int]) -> bool:
    comuni = list(service.eligible_comuni.all())
    if comuni and comune not in comuni:
        return False
    return not (service.eligible_project_id and service.eligible_project_id not in partner_ids)


def helper(request: HttpRequest) -> HttpResponse:
    """ "What can I get?": the services (and, through registered providers, vouchers) open to
    someone living in a comune, working for an employer, with children of given ages."""
    form = HelperForm(request.GET or None)
    groups: list[dict] = []
    offers = []
    if request.GET and form.is_valid():
        comune = form.cleaned_data["comune"]
        employer = form.cleaned_data["datore"]
        ages: list[int] = form.cleaned_data["eta_figli"]
        from equilibri.territory.geo import bounding_box

        partner_ids: set[int] = set()
        if employer is not None:
            from equilibri.plans.models import Project

            partner_ids = set(
                Project.objects.filter(
                    Q(partners__organisation=employer) | Q(lead=employer)
                ).values_list("pk", flat=True)
            )
        radius = float(DEFAULT_RADIUS_KM)
        min_lat, max_lat, min_lon, max_lon = bounding_box(comune.lat, comune.lon, radius)
        candidates = (
            selectors.public_services()
            .filter(
                at_locations__location__latitude__range=(min_lat, max_lat),
                at_locations__location__longitude__range=(min_lon, max_lon),
            )
            .distinct()
            .prefetch_related("eligible_comuni", "terms", "cost_options")
        )
        reserved = selectors.public_services().filter(
            Q(eligible_comuni=comune) | Q(eligible_project_id__in=partner_ids)
        )
        chosen = []
        for service in list(candidates) + list(
            reserved.exclude(pk__in=[c.pk for c in candidates]).prefetch_related(
                "eligible_comuni", "terms", "cost_options"
            )
        ):
            if not _eligible(service, comune, employer, partner_ids):
                continue
            if ages and (service.minimum_age is not None or service.maximum_age is not None):
                lo = service.minimum_age if service.minimum_age is not None else 0
                hi = service.maximum_age if service.maximum_age is not None else 200
                if not any(lo <= age <= hi for age in ages):
                    continue
            chosen.append(service)
        reserved_for_you = [
            s for s in chosen if s.eligible_project_id or list(s.eligible_comuni.all())
        ]
        for_children = [
            s
            for s in chosen
            if s not in reserved_for_you
            and (s.minimum_age is not None or s.maximum_age is not None)
        ]
        others = [s for s in chosen if s not in reserved_for_you and s not in for_children]
        groups = [
            {"title": _("Riservati a te"), "services": reserved_for_you},
            {"title": _("Per i tuoi figli"), "services": for_children},
            {"title": _("Altri servizi vicino a te"), "services": others},
        ]
        offers = offers_for(comune, employer, ages)
    return render(
        request,
        "services/helper.html",
        {"form": form, "groups": groups, "offers": offers, "submitted": bool(request.GET)},
    )
