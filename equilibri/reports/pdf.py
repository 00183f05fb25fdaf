"""The PDF report of a plan's status for a committee meeting: an HTML template with server-side
SVG charts, rendered by WeasyPrint. WeasyPrint only reads local static files (fonts, CSS) and
inline data: it never fetches anything from the network."""

from pathlib import Path
from urllib.parse import unquote

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from equilibri.plans.models import TerritorialPlan
from equilibri.territory.models import Comune

from . import charts, selectors

FONT_DIR = "vendor/bootstrap-italia/fonts/Titillium_Web"


def _static_path(path: str) -> Path | None:
    found = finders.find(path)
    if isinstance(found, list):
        found = found[0] if found else None
    return Path(found) if found else None


def _font_faces() -> list[dict[str, str]]:
    """The vendored Titillium Web (woff), as file URIs for WeasyPrint."""
    directory = _static_path(FONT_DIR)
    if directory is None:
        return []
    faces = []
    for weight, style, pattern in (
        ("400", "normal", "*-regular.woff"),
        ("700", "normal", "*-700.woff"),
        ("400", "italic", "*-italic.woff"),
    ):
        match = sorted(directory.glob(pattern))
        if match:
            faces.append({"weight": weight, "style": style, "uri": match[0].as_uri()})
    return faces


def _url_fetcher():
    """Only data: URIs and the vendored fonts: the PDF never fetches from the network."""
    from weasyprint.urls import URLFetcher

    fonts = _static_path(FONT_DIR)

    class LocalFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("file:"):
                path = Path(unquote(url.removeprefix("file://"))).resolve()
                if fonts is None or not path.is_relative_to(fonts.resolve()):
                    raise ValueError(f"resource not allowed in PDF reports: {url}")
            return super().fetch(url, headers)

    return LocalFetcher(allowed_protocols={"file", "data"})


def plan_report_context(user, plan: TerritorialPlan) -> dict:
    data = selectors.dashboard(user, plan)
    project_chart = charts.bar_chart_svg(
        _("Budget e spesa per progetto (€)"),
        [f.project.title for f in data.projects],
        [
            charts.Series(_("Budget"), [f.budget for f in data.projects]),
            charts.Series(_("Speso"), [f.spent for f in data.projects]),
        ],
    )
    category_chart = charts.bar_chart_svg(
        _("Budget e spesa per area di intervento (€)"),
        [c.category.name for c in data.categories],
        [
            charts.Series(_("Budget"), [c.budget for c in data.categories]),
            charts.Series(_("Speso"), [c.spent for c in data.categories]),
        ],
    )
    indicator_chart = charts.bar_chart_svg(
        _("Raggiungimento degli obiettivi (%)"),
        [f.indicator.name for f in data.indicators],
        [charts.Series(_("Raggiungimento"), [f.percent for f in data.indicators])],
        decimals=1,
        suffix=" %",
        max_value=max([100.0, *(float(f.percent or 0) for f in data.indicators)]),
    )
    comuni_map = charts.dot_map_svg(
        _("Comuni coperti dalle azioni"),
        data.comuni,
        Comune.objects.only("name", "lat", "lon"),
    )
    return {
        "plan": plan,
        "data": data,
        "project_chart": project_chart,
        "category_chart": category_chart,
        "indicator_chart": indicator_chart,
        "comuni_map": comuni_map,
        "generated_at": timezone.localtime(),
        "font_faces": _font_faces(),
    }


def render_plan_html(user, plan: TerritorialPlan) -> str:
    return render_to_string("reports/plan_report_pdf.html", plan_report_context(user, plan))


def render_plan_document(user, plan: TerritorialPlan):
    """The laid-out WeasyPrint document (its pages can be inspected in tests)."""
    from weasyprint import HTML

    html = render_plan_html(user, plan)
    return HTML(string=html, url_fetcher=_url_fetcher()).render()


def render_plan_pdf(user, plan: TerritorialPlan) -> bytes:
    return render_plan_document(user, plan).write_pdf()
