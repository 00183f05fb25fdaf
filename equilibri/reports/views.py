from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from equilibri.accounts import api_tokens
from equilibri.accounts.decorators import staff_permission_required, staff_required
from equilibri.core import charts
from equilibri.plans.models import TerritorialPlan
from equilibri.territory.models import Comune

from . import exporters, selectors


def _selected_plan(request: HttpRequest) -> TerritorialPlan | None:
    """The plan of the `piano` filter (None: every visible plan); outside the scope: 404."""
    value = request.GET.get("piano", "").strip()
    if not value:
        return None
    if not value.isdigit():
        raise Http404
    return get_object_or_404(selectors.dashboard_plans(request.user), pk=int(value))


def _chart(labels, datasets, *, kind="bar", horizontal=True, percent=False) -> dict:
    """The Chart.js configuration read by reports/charts.js (display only: the tables beside
    carry the exact figures)."""
    return {
        "type": kind,
        "horizontal": horizontal,
        "percent": percent,
        "labels": [str(label) for label in labels],
        "datasets": [
            {"label": str(label), "data": [None if v is None else float(v) for v in values]}
            for label, values in datasets
        ],
    }


@staff_permission_required("plans.read")
def dashboard(request: HttpRequest) -> HttpResponse:
    plan = _selected_plan(request)
    data = selectors.dashboard(request.user, plan)
    chart_data = {
        "projects": _chart(
            [f.project.title for f in data.projects],
            [
                (_("Budget"), [f.budget for f in data.projects]),
                (_("Speso"), [f.spent for f in data.projects]),
            ],
        ),
        "categories": _chart(
            [c.category.name for c in data.categories],
            [
                (_("Budget"), [c.budget for c in data.categories]),
                (_("Speso"), [c.spent for c in data.categories]),
            ],
        ),
        "indicators": _chart(
            [f.indicator.name for f in data.indicators],
            [(_("Raggiungimento (%)"), [f.percent for f in data.indicators])],
            percent=True,
        ),
        "gender": _chart(
            [_("Donne"), _("Uomini"), _("Altro"), _("Non indicato")],
            [
                (
                    _("Beneficiari"),
                    [
                        data.gender.women,
                        data.gender.men,
                        data.gender.other_gender,
                        data.gender.gender_unspecified,
                    ],
                )
            ],
            kind="doughnut",
            horizontal=False,
        ),
    }
    comuni_map = charts.dot_map_svg(
        _("Mappa dei comuni coperti dalle azioni"),
        data.comuni,
        Comune.objects.only("name", "lat", "lon"),
    )
    query = f"?piano={plan.pk}" if plan else ""
    exports = [
        {"slug": slug, "label": label, "query": query}
        for slug, (label, _dataset, _readers) in exporters.DATASETS.items()
    ]
    return render(
        request,
        "reports/dashboard.html",
        {
            "plans": selectors.dashboard_plans(request.user),
            "plan": plan,
            "data": data,
            "chart_data": chart_data,
            "comuni_map": comuni_map,
            "exports": exports,
        },
    )


@staff_required
def export(request: HttpRequest, dataset: str, fmt: str) -> HttpResponse:
    """Every list as CSV or XLSX, scoped like the pages; unknown dataset or format: 404."""
    if dataset not in exporters.DATASETS or fmt not in exporters.CONTENT_TYPES:
        raise Http404
    _label, make, plan_readers_only = exporters.DATASETS[dataset]
    if plan_readers_only and not request.user.has_perm("plans.read"):
        raise PermissionDenied
    plan = _selected_plan(request)
    return exporters.export_response(request, make(request.user, plan), fmt)


def export_csv(request: HttpRequest, dataset: str) -> HttpResponse:
    return export(request, dataset, "csv")


def export_xlsx(request: HttpRequest, dataset: str) -> HttpResponse:
    return export(request, dataset, "xlsx")


@staff_permission_required("plans.read")
def plan_report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    from . import pdf

    plan = get_object_or_404(selectors.dashboard_plans(request.user), pk=pk)
    response = HttpResponse(pdf.render_plan_pdf(request.user, plan), content_type="application/pdf")
    filename = f"report-piano-{plan.pk}-{plan.start_year}-{plan.end_year}.pdf"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@never_cache
@require_http_methods(["GET", "POST"])
@staff_required
def api_token(request: HttpRequest) -> HttpResponse:
    """Issues a token for the JSON API: shown once, never stored; a new password revokes it."""
    token = api_tokens.issue_token(request.user) if request.method == "POST" else None
    return render(
        request,
        "reports/api_token.html",
        {"token": token, "max_age_days": api_tokens.max_age().days},
    )
