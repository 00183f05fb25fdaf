"""PDFs of the calls: the application receipt and the decision annex (the ranking with the
funded applications), laid out by WeasyPrint with the platform's local fonts only (the helpers of
equilibri.reports.pdf, imported when a PDF is made)."""

from django.template.loader import render_to_string
from django.utils import timezone

from . import selectors
from .models import Application, Call


def _render(template: str, context: dict) -> bytes:
    from weasyprint import HTML

    from equilibri.reports.pdf import _font_faces, _url_fetcher

    html = render_to_string(
        template, {**context, "font_faces": _font_faces(), "generated_at": timezone.localtime()}
    )
    return HTML(string=html, url_fetcher=_url_fetcher()).write_pdf()


def render_receipt(application: Application) -> bytes:
    return _render(
        "calls/receipt_pdf.html",
        {
            "application": application,
            "call": application.call,
            "partners": application.partners.select_related("organisation"),
            "lines": application.budget_lines.select_related("macro_area"),
            "documents": application.documents.all(),
        },
    )


def render_decision_annex(call: Call) -> bytes:
    return _render(
        "calls/decision_annex_pdf.html", {"call": call, "ranking": selectors.ranking(call)}
    )
