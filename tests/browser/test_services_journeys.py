"""Journeys through the service catalogue, as a citizen and as a provider with its ATS operator:
the search (list, HTMX update, map), the service page, the "what can I get?" helper, a
provider's edit that waits for moderation. axe-core checks every public page on the way."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from .conftest import assert_no_axe_violations, open_page
from .test_plans_journeys import sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_summer_camp_near_tradate_for_a_seven_year_old_in_july(page, demo_data, live_server):
    from equilibri.catalogue.demo import next_summer_year

    year = next_summer_year()
    open_page(page, live_server.url + reverse("catalogue_public:search"))
    assert_no_axe_violations(page)
    form = page.get_by_role("search")
    form.get_by_label("Che cosa cerchi?").fill("centro estivo")
    form.get_by_label("Vicino a (comune)").fill("Tradate")
    page.locator("summary").click()
    form.get_by_label("Età del bambino o della persona (anni)").fill("7")
    form.get_by_label("Aperto il giorno").fill(f"{year}-07-07")
    form.get_by_role("button", name="Cerca").click()
    # HTMX swaps the results in place and the address becomes shareable.
    page.wait_for_url(re.compile(r"q=centro(\+|%20)estivo"))
    results = page.locator("#search-results")
    first = results.locator("li.card-wrapper").first
    expect(first.get_by_role("heading", level=3)).to_have_text("Centro estivo Tradate")
    expect(first).to_contain_text("a 0,0 km")
    expect(first).to_contain_text(re.compile(rf"15 giugno {year}", re.I))
    expect(first).to_contain_text(re.compile(rf"28 agosto {year}", re.I))
    assert_no_axe_violations(page)

    # The same URL opened afresh (shared) gives the same results.
    shared = page.url
    open_page(page, shared)
    expect(page.locator("#search-results li.card-wrapper").first).to_contain_text(
        "Centro estivo Tradate"
    )

    # Map view: markers even without a tile server, and the list below.
    page.get_by_role("link", name="Mappa", exact=True).click()
    page.wait_for_url(re.compile(r"vista=mappa"))
    expect(page.locator(".leaflet-marker-icon").first).to_be_visible()
    expect(page.locator("#search-results li.card-wrapper").first).to_contain_text(
        "Centro estivo Tradate"
    )
    assert_no_axe_violations(page)

    # The service page: dates, hours, the nearest help desk, "report a mistake".
    page.get_by_role("link", name="Centro estivo Tradate").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Centro estivo Tradate")
    expect(page.locator("main")).to_contain_text("Lo sportello conciliazione più vicino")
    expect(page.locator("main")).to_contain_text(re.compile(rf"15 giugno {year}", re.I))
    assert_no_axe_violations(page)
    page.get_by_label("Che cosa non è corretto?").fill("Il numero di telefono è cambiato.")
    page.get_by_role("button", name="Invia la segnalazione").click()
    expect(page.locator("main")).to_contain_text("la segnalazione è stata inviata")


def test_search_works_without_javascript(page_without_js, demo_data, live_server):
    page = page_without_js
    open_page(page, live_server.url + reverse("catalogue_public:search") + "?q=doposcuola")
    expect(page.locator("#search-results")).to_contain_text("Doposcuola Il Seme")
    expect(page.locator("#search-results")).to_contain_text("Post-scuola alla primaria di Tradate")
    open_page(page, live_server.url + reverse("catalogue_public:search") + "?comune=Atlantide")
    expect(page.locator("#search-results")).to_contain_text("Non troviamo il comune")


def test_what_can_i_get_helper(page, demo_data, live_server):
    open_page(page, live_server.url + reverse("catalogue_public:helper"))
    assert_no_axe_violations(page)
    page.get_by_label("Il comune dove vivi").fill("Cuvio")
    page.get_by_label("Età dei figli o delle persone che assisti").fill("7")
    page.get_by_role("button", name="Mostra cosa posso avere").click()
    expect(page.locator("main")).to_contain_text("Coworking – patchworking Valcuvia")
    assert_no_axe_violations(page)


def test_provider_edit_waits_for_moderation_then_appears(browser, page, demo_data, live_server):
    from equilibri.catalogue.demo import demo_uuid
    from equilibri.catalogue.models import Service

    from .conftest import _new_context

    service = Service.objects.get(uuid=demo_uuid("tradate-post-scuola"))
    public_url = live_server.url + service.get_absolute_url()

    sign_in(page, live_server, "ente.aquilone")
    page.get_by_role("navigation", name="Area riservata").get_by_role(
        "link", name="Servizi", exact=True
    ).click()
    page.get_by_role("link", name=service.name).click()
    page.get_by_role("link", name="Modifica", exact=True).click()
    description = page.locator("#service-description")
    description.fill(description.input_value() + " Nuovo: laboratorio di robotica per i figli.")
    page.get_by_role("button", name="Invia la modifica in revisione").click()
    expect(page.locator("main")).to_contain_text("Modifica in attesa di approvazione")
    assert_no_axe_violations(page)

    # Not public yet.
    citizen = _new_context(browser).new_page()
    open_page(citizen, public_url)
    expect(citizen.locator("main")).not_to_contain_text("robotica")

    # The ATS operator sees the field-by-field diff and approves.
    operator_context = _new_context(browser)
    operator = operator_context.new_page()
    sign_in(operator, live_server, "operatore.insubria")
    operator.get_by_role("navigation", name="Area riservata").get_by_role(
        "link", name="Servizi", exact=True
    ).click()
    operator.get_by_role("link", name="Da approvare", exact=True).click()
    operator.get_by_role("link", name=service.name).click()
    changed = operator.get_by_role("row").filter(has_text="robotica")
    expect(changed.first).to_contain_text("sì")
    assert_no_axe_violations(operator)
    operator.get_by_role("button", name="Approva e pubblica").click()
    expect(operator.locator("main")).to_contain_text("Modifica approvata")

    open_page(citizen, public_url)
    expect(citizen.locator("main")).to_contain_text("laboratorio di robotica")
    open_page(citizen, live_server.url + reverse("catalogue_public:search") + "?q=robotica")
    expect(citizen.locator("#search-results")).to_contain_text(service.name)
    citizen.context.close()
    operator_context.close()


def upload_hsds(page, path, *, write: bool) -> None:
    """Sends a file from the HSDS page; `write` unticks "check only" (ticked by default). The
    status page says it is queued; the task worker runs it; the refresh link shows the result."""
    from tests.catalogue.hsds.worker import run_queued_tasks

    page.get_by_label("File HSDS").set_input_files(path)
    if write:
        check_only = page.get_by_label("Solo verifica: controlla il file senza scrivere nulla")
        page.locator("label[for=id_dry_run]").click()  # (the styled label covers the box)
        expect(check_only).not_to_be_checked()
    page.get_by_role("button", name="Carica").click()
    expect(page.get_by_role("status")).to_contain_text("In coda")
    assert run_queued_tasks() == 1
    page.get_by_role("link", name="Aggiorna lo stato").click()


def test_operator_round_trips_the_catalogue_through_hsds(page, demo_data, live_server, tmp_path):
    """The ATS operator downloads their network's catalogue as HSDS JSON, edits a service in
    the file, checks it (nothing written), imports it (the edit is public at once), and a file
    with a bad row is refused whole with the row named."""
    import json

    from equilibri.catalogue.demo import demo_uuid
    from equilibri.catalogue.models import Service

    service = Service.objects.get(uuid=demo_uuid("tradate-post-scuola"))
    sign_in(page, live_server, "operatore.insubria")
    page.get_by_role("navigation", name="Area riservata").get_by_role(
        "link", name="Servizi", exact=True
    ).click()
    page.get_by_role("link", name="Importa / esporta (HSDS)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Importa servizi in formato HSDS")
    assert_no_axe_violations(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Scarica il catalogo pubblicato (HSDS JSON)").click()
    data = json.loads(download.value.path().read_text(encoding="utf-8"))
    ours = next(s for s in data["services"] if s["id"] == str(service.uuid))
    ours["description"] += " Novità: laboratorio di scacchi il giovedì."
    edited = tmp_path / "catalogo.json"
    edited.write_text(json.dumps(data), encoding="utf-8")

    # Checked first (the box is ticked by default): nothing is written.
    upload_hsds(page, edited, write=False)
    expect(page.get_by_role("status")).to_contain_text("Verifica riuscita")
    assert "scacchi" not in Service.objects.get(pk=service.pk).description
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Carica un altro file").click()
    upload_hsds(page, edited, write=True)
    expect(page.get_by_role("status")).to_contain_text("Importazione completata.")
    updated = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Servizi"))
    expect(updated.get_by_role("cell").nth(1)).to_have_text("1")
    assert_no_axe_violations(page)
    open_page(page, live_server.url + reverse("catalogue_public:search") + "?q=scacchi")
    expect(page.locator("#search-results")).to_contain_text(service.name)

    # A bad row refuses the whole file, and the row is named.
    ours["schedules"] = [dict(x, opens_at="25:99") for x in ours.get("schedules", [])] or [
        {"id": "00000000-0000-4000-8000-0000000000dd", "freq": "WEEKLY", "byday": "MO",
         "opens_at": "25:99", "closes_at": "18:00"}
    ]  # fmt: skip
    ours["description"] += " Mai scritto."
    edited.write_text(json.dumps(data), encoding="utf-8")
    page.goto(live_server.url + reverse("catalogue:hsds_import"))
    upload_hsds(page, edited, write=True)
    expect(page.get_by_role("alert")).to_contain_text("Importazione rifiutata")
    expect(page.get_by_role("table", name="Errori da correggere")).to_contain_text("opens_at")
    assert "Mai scritto" not in Service.objects.get(pk=service.pk).description
