"""The needs survey as people meet it: a worker opens the ATS Insubria link on a 360 px phone and
answers the standard questionnaire a section a page (axe on every page, nothing wider than the
screen), with and without JavaScript; an ATS operator reads the results, with small cells
suppressed, their charts and tables."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from equilibri.surveys.models import Distribution, Response

from .conftest import assert_no_axe_violations, open_page
from .test_desks_journeys import sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

INSUBRIA = "Bisogni di conciliazione 2026 – ATS Insubria"


def open_link() -> Distribution:
    return Distribution.objects.get(campaign__title=INSUBRIA, kind="open")


def choose(page, question: str, label: str) -> None:
    """Picks a radio or checkbox of a question by its label, as a person taps it."""
    page.locator(f"#question-{question} label").filter(
        has_text=re.compile("^" + re.escape(label) + "$")
    ).first.click()


def no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def answer_standard(page, axe: bool = True) -> None:
    """The four sections and the send; `axe` off without JavaScript (axe-core is a script)."""
    check = assert_no_axe_violations if axe else (lambda page: None)
    expect(page.get_by_text("Sezione 1 di 4")).to_be_visible()
    check(page)
    no_sideways_scroll(page)
    choose(page, "genere", "Donna")
    choose(page, "eta", "30-39")
    page.locator("#question-comune input").fill("Tradate")
    page.locator("#question-nucleo input").fill("4")
    choose(page, "figli", "Sì")
    choose(page, "eta_figli", "6-10 anni")
    choose(page, "cura", "No")
    page.get_by_role("button", name="Salva e continua").click()

    expect(page.get_by_text("Sezione 2 di 4")).to_be_visible()
    check(page)
    choose(page, "contratto", "Dipendente part-time")
    page.locator("#question-ore input").fill("30")
    choose(page, "turni", "No")
    page.locator("#question-tragitto input").fill("20")
    choose(page, "smart_working", "Sì, ogni tanto")
    page.get_by_role("button", name="Salva e continua").click()

    expect(page.get_by_text("Sezione 3 di 4")).to_be_visible()
    check(page)
    no_sideways_scroll(page)
    choose(page, "servizi_usati", "Nessuno")
    choose(page, "servizi_mancanti", "Centri estivi")
    for reason in ("costo", "orari", "distanza", "posti", "informazioni"):
        page.locator(
            f"#question-ostacoli fieldset:has(input[name='q_ostacoli__{reason}']) label"
        ).filter(has_text="Molto").click()
    choose(page, "difficolta", "4")
    page.get_by_role("button", name="Salva e continua").click()

    expect(page.get_by_text("Sezione 4 di 4")).to_be_visible()
    check(page)
    choose(page, "aiuto_principale", "Pre e post scuola, centri estivi")
    page.locator("#question-suggerimenti textarea").fill("Un centro estivo fino alle 18.")
    page.get_by_role("button", name="Salva e vai all'invio").click()

    expect(page.get_by_role("heading", name="Invia le risposte")).to_be_visible()
    check(page)
    page.get_by_role("button", name="Invia").click()
    expect(page.get_by_role("heading", name="Grazie!")).to_be_visible()
    check(page)


def test_standard_questionnaire_on_a_360px_phone(browser, live_server, demo_data):
    before = Response.objects.filter(state="submitted").count()
    context = browser.new_context(
        locale="it-IT",
        viewport={"width": 360, "height": 740},
        is_mobile=True,
        has_touch=True,
        reduced_motion="reduce",
    )
    context.set_default_timeout(30_000)
    page = context.new_page()
    try:
        url = live_server.url + reverse("surveys_public:landing", args=[open_link().key])
        open_page(page, url)
        assert_no_axe_violations(page)
        no_sideways_scroll(page)
        page.get_by_role("button", name="Comincia").click()
        answer_standard(page)
    finally:
        context.close()
    assert Response.objects.filter(state="submitted").count() == before + 1
    sent = Response.objects.filter(state="submitted").order_by("-pk").first()
    assert sent.comune.name == "Tradate" and sent.resume_hash == ""


def test_answered_without_javascript(page_without_js, live_server, demo_data):
    page = page_without_js
    open_page(page, live_server.url + reverse("surveys_public:landing", args=[open_link().key]))
    page.get_by_role("button", name="Comincia").click()
    # A required question left out: the page says so and keeps what was typed.
    page.locator("#question-comune input").fill("Tradate")
    page.get_by_role("button", name="Salva e continua").click()
    expect(page.get_by_text("Controlla le risposte segnate qui sotto.")).to_be_visible()
    expect(page.locator("#question-comune input")).to_have_value("Tradate")
    answer_standard(page, axe=False)


def test_operator_reads_the_results(page, live_server, demo_data):
    sign_in(page, live_server, "operatore.insubria")
    campaign = open_link().campaign
    open_page(page, live_server.url + reverse("surveys:campaign_detail", args=[campaign.pk]))
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Risultati").click()
    expect(page.locator("#table-breakdown-comune")).to_be_visible()
    expect(page.locator("#table-breakdown-comune")).to_contain_text("n.d.")
    # Chart.js drew the charts beside their tables.
    expect(page.locator("[data-chart-box]:not(.d-none) canvas").first).to_be_visible()
    assert_no_axe_violations(page)
    page.locator("#r-by").select_option("comune")
    page.get_by_role("button", name="Aggiorna").click()
    expect(page.locator("#table-q-genere")).to_contain_text("Tradate")
    assert_no_axe_violations(page)
