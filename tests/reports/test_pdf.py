import shutil
import subprocess

import pytest
from django.urls import reverse

from equilibri.core import charts
from equilibri.reports import pdf


def _document_text(document) -> str:
    """Every text fragment WeasyPrint laid out, page by page."""
    texts: list[str] = []

    def walk(box):
        text = getattr(box, "text", None)
        if text:
            texts.append(text)
        for child in getattr(box, "children", []) or []:
            walk(child)

    for page in document.pages:
        walk(page._page_box)
    return " ".join(texts)


def test_pdf_report_of_a_plan(mini_plan, login):
    response = login("comitato.insubria").get(
        reverse("reports:plan_report_pdf", args=[mini_plan.plan.pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    pdftotext = shutil.which("pdftotext")
    if pdftotext:  # Debian's poppler-utils, when installed
        text = subprocess.run(
            [pdftotext, "-layout", "-", "-"],
            input=response.content,
            capture_output=True,
            check=True,
        ).stdout.decode()
        assert "Piano di prova cruscotto" in text
        assert "Progetto di prova alleanza" in text
        assert "Cifre illustrative" in text
        assert "13.000,00" in text


def test_pdf_document_contents(mini_plan, user_of):
    document = pdf.render_plan_document(user_of("operatore.insubria"), mini_plan.plan)
    assert len(document.pages) >= 2
    text = _document_text(document)
    for expected in (
        "Piano di prova cruscotto",
        "Cifre illustrative.",
        "Budget e spesa per progetto",
        "Progetto di prova alleanza",
        "Caregiver raggiunti",
        "Stato del monitoraggio",
        "in ritardo",
        "Tradate",
    ):
        assert expected in text, expected


def test_pdf_html_has_svg_charts_and_no_script(mini_plan, user_of):
    html = pdf.render_plan_html(user_of("operatore.insubria"), mini_plan.plan)
    assert html.count("<svg") == 4  # projects, categories, indicators, map
    assert "<script" not in html


@pytest.mark.parametrize("persona", ["operatore.milano", "comitato.brescia", "hr.pianoc"])
def test_pdf_outside_scope_is_404(mini_plan, login, persona):
    url = reverse("reports:plan_report_pdf", args=[mini_plan.plan.pk])
    assert login(persona).get(url).status_code == 404


def test_bar_chart_svg_escapes_and_scales():
    svg = charts.bar_chart_svg(
        "<Titolo>", ["A & B", "C"], [charts.Series("S", [10, None]), charts.Series("T", [5, 0])]
    )
    assert svg.startswith("<svg") and "&lt;Titolo&gt;" in svg and "A &amp; B" in svg
    assert "<Titolo>" not in svg


def test_dot_map_projection():
    width = 440
    height = charts.map_height(width)
    assert charts.project_point(46.7, 8.4, width, height) == (0, 0)
    x, y = charts.project_point(44.6, 11.5, width, height)
    assert (round(x), round(y)) == (width, height)
