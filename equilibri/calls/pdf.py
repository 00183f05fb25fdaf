"""PDFs of the calls: the application receipt and the decision annex (the ranking with the
funded applications), laid out by WeasyPrint with the platform's local fonts only."""

from equilibri.core.pdf import render_pdf

from . import selectors
from .models import Application, Call


def render_receipt(application: Application) -> bytes:
    return render_pdf(
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
    return render_pdf(
        "calls/decision_annex_pdf.html", {"call": call, "ranking": selectors.ranking(call)}
    )
