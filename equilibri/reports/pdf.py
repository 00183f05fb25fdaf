"""The PDF report of a plan's status for a committee meeting: an HTML template with server-side
SVG charts, rendered by WeasyPrint (equilibri.core.pdf)."""

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from equilibri.core import charts
from equilibri.core.pdf import font_faces, url_fetcher
from equilibri.plans.models import TerritorialPlan
from equilibri.territory.models import Comune

from . import selectors


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
        "font_faces": font_faces(),
    }


def render_plan_html(user, plan: TerritorialPlan) -> str:
    return render_to_string("reports/plan_report_pdf.html", plan_report_context(user, plan))


def render_plan_document(user, plan: TerritorialPlan):
    """The laid-out WeasyPrint document (its pages can be inspected in tests)."""
    from weasyprint import HTML

    html = render_plan_html(user, plan)
    return HTML(string=html, url_fetcher=url_fetcher()).render()


def render_plan_pdf(user, plan: TerritorialPlan) -> bytes:
    return render_plan_document(user, plan).write_pdf()
