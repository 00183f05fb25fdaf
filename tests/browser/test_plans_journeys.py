"""Journeys through the territorial plans, their monitoring, the committee's evaluation, the
dashboard and the network's membership, as the people who do them: signed in through the real
login form (with the TOTP second step for staff), on foot through the reserved area's menus.
axe-core checks every reserved page on the way."""

import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from equilibri.core.money import format_number

from .conftest import (
    DEMO_PASSWORD,
    _new_context,
    assert_no_axe_violations,
    current_totp_code,
    open_page,
)

TRADATE_PROJECT = "Ancora... ELAVOROEFAMIGLIA"
FAMILY_VOUCHER = "Family voucher a rimborso per i dipendenti delle organizzazioni partner"
PROPOSAL = "Proposta – Conciliare in Valle Olona"
PLAN_2020 = "Piano territoriale di conciliazione 2020–2023"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def sign_in(page, live_server, local_part: str, *, totp: bool = True) -> None:
    """Signs in through the login form (and the TOTP step, for staff): lands on the reserved
    area's home page."""
    open_page(page, live_server.url + reverse("account_login"))
    login_form = page.locator("main form", has=page.locator('input[name="password"]'))
    login_form.locator('input[name="login"]').fill(f"{local_part}@demo.equilibri.it")
    login_form.locator('input[name="password"]').fill(DEMO_PASSWORD)
    login_form.locator('button[type="submit"]').click()
    if totp:
        page.wait_for_url(re.compile(r"/account/2fa/authenticate/$"))
        code_form = page.locator("main form", has=page.locator('input[name="code"]'))
        code_form.locator('input[name="code"]').fill(current_totp_code())
        code_form.locator('button[type="submit"]:not([form])').click()
    # staff land on the reserved area, everyone else in the personal area
    page.wait_for_url(
        live_server.url + reverse("accounts:home" if totp else "citizens_public:home")
    )


def reserved_menu(page):
    return page.get_by_role("navigation", name="Area riservata")


def go_to(page, menu_item: str, url_name: str) -> None:
    """Follows an item of the reserved area's menu and checks the page with axe."""
    reserved_menu(page).get_by_role("link", name=menu_item, exact=True).click()
    page.wait_for_url(re.compile(re.escape(reverse(url_name)) + "$"))
    assert_no_axe_violations(page)


def test_ats_operator_finds_the_actions_of_a_project(page, demo_data, live_server):
    from equilibri.plans.models import Project

    project = Project.objects.get(title=TRADATE_PROJECT)
    sign_in(page, live_server, "operatore.insubria")
    assert_no_axe_violations(page)

    go_to(page, "Piani e progetti", "plans:plan_list")
    plan_row = page.get_by_role("row").filter(has_text="ATS Insubria").filter(has_text="2020")
    plan_row.get_by_role("link").click()
    page.wait_for_url(live_server.url + reverse("plans:plan_detail", args=[project.plan_id]))
    expect(page.get_by_role("heading", level=1)).to_contain_text("2020")
    assert_no_axe_violations(page)

    page.get_by_role("link", name=TRADATE_PROJECT, exact=True).click()
    page.wait_for_url(live_server.url + reverse("plans:project_detail", args=[project.pk]))
    expect(page.get_by_role("heading", level=1)).to_have_text(TRADATE_PROJECT)
    assert_no_axe_violations(page)

    # One section per action, named by its heading, with its indicators.
    for title in project.actions.values_list("title", flat=True):
        expect(page.get_by_role("heading", name=title, exact=True)).to_be_visible()
    voucher = page.get_by_role("region", name=FAMILY_VOUCHER, exact=True)
    expect(voucher).to_contain_text("Voucher e contributi")
    indicators = voucher.get_by_role("table")
    expect(indicators.get_by_role("rowheader", name="Voucher erogati")).to_be_visible()
    expect(
        indicators.get_by_role("rowheader", name="Importo dei voucher rimborsati")
    ).to_be_visible()


def test_alliance_lead_files_a_report_and_the_ats_validates_it(
    page, browser, demo_data, live_server
):
    from equilibri.plans.models import MonitoringReport

    # The demo's overdue draft: the semester the alliance has not reported yet.
    report = MonitoringReport.objects.get(
        project__title=TRADATE_PROJECT, state=MonitoringReport.State.DRAFT
    )
    period = f"{report.period_start:%d/%m/%Y} – {report.period_end:%d/%m/%Y}"

    sign_in(page, live_server, "alleanza.tradate")
    assert_no_axe_violations(page)
    go_to(page, "Monitoraggio", "monitoring:report_list")
    draft_row = page.get_by_role("row").filter(has_text=period)
    expect(draft_row).to_contain_text("Bozza")
    expect(draft_row).to_contain_text("Scaduta")
    draft_row.get_by_role("link", name=TRADATE_PROJECT).click()
    page.wait_for_url(live_server.url + reverse("monitoring:report_detail", args=[report.pk]))
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Compila la relazione").click()
    page.wait_for_url(live_server.url + reverse("monitoring:report_edit", args=[report.pk]))
    assert_no_axe_violations(page)
    form = page.locator("main form", has=page.get_by_role("button", name="Salva e invia all'ATS"))
    form.get_by_label("Relazione descrittiva del periodo").fill(
        "Nel primo semestre 2022 i servizi sono proseguiti regolarmente; i voucher sono stati "
        "rimborsati a 18 famiglie."
    )
    values = form.locator('input[name^="value_"]')
    assert values.count() > 0
    for index in range(values.count()):
        value = values.nth(index)
        value.fill("10")
        number = (value.get_attribute("name") or "").removeprefix("value_")
        women = form.locator(f'input[name="women_{number}"]')
        if women.count():  # tracked by gender: women + men make the value
            women.fill("6")
            form.locator(f'input[name="men_{number}"]').fill("4")
    form.get_by_role("button", name="Salva e invia all'ATS").click()

    page.wait_for_url(live_server.url + reverse("monitoring:report_detail", args=[report.pk]))
    expect(page.locator("main")).to_contain_text("Relazione inviata all'ATS per la validazione.")
    expect(page.locator("main dl")).to_contain_text("Inviata")
    assert_no_axe_violations(page)
    report.refresh_from_db()
    assert report.state == MonitoringReport.State.SUBMITTED
    women_and_men = report.values.exclude(women=None)
    assert women_and_men.exists()
    assert all(v.women + v.men == v.value for v in women_and_men)

    # The ATS operator, in a browser of her own.
    context = _new_context(browser)
    try:
        operator_page = context.new_page()
        sign_in(operator_page, live_server, "operatore.insubria")
        go_to(operator_page, "Monitoraggio", "monitoring:report_list")
        row = operator_page.get_by_role("row").filter(has_text=period)
        expect(row).to_contain_text("Inviata")
        row.get_by_role("link", name=TRADATE_PROJECT).click()
        detail_url = live_server.url + reverse("monitoring:report_detail", args=[report.pk])
        operator_page.wait_for_url(detail_url)
        operator_page.get_by_role("link", name="Verifica e valida").click()
        operator_page.wait_for_url(
            live_server.url + reverse("monitoring:report_review", args=[report.pk])
        )
        expect(operator_page.locator("main")).to_contain_text("rimborsati a 18 famiglie")
        assert_no_axe_violations(operator_page)
        operator_page.get_by_role("button", name="Valida la relazione").click()
        operator_page.wait_for_url(detail_url)
        expect(operator_page.locator("main")).to_contain_text("Relazione validata.")
        expect(operator_page.locator("main dl")).to_contain_text("Validata")
        assert_no_axe_violations(operator_page)
    finally:
        context.close()

    report.refresh_from_db()
    assert report.state == MonitoringReport.State.ACCEPTED
    assert report.reviewed_by is not None
    assert report.reviewed_by.email == "operatore.insubria@demo.equilibri.it"

    # The lead sees it validated too.
    page.reload()
    expect(page.locator("main dl")).to_contain_text("Validata")


def _weighted_score(values: dict[int, Decimal], criteria) -> Decimal:
    """A sheet's score out of 100: the weighted mean of value / max score."""
    total_weight = sum((c.weight for c in criteria), Decimal(0))
    weighted = sum((c.weight * values[c.pk] / c.max_score for c in criteria), Decimal(0))
    return weighted / total_weight * 100


def test_committee_member_scores_a_proposal_and_sees_the_ranking(page, demo_data, live_server):
    from equilibri.plans.models import EvaluationCriterion, Project, ScoreSheet

    proposal = Project.objects.get(title=PROPOSAL)
    criteria = list(EvaluationCriterion.objects.filter(plan=proposal.plan).order_by("pk"))
    assert criteria
    my_score = {c.pk: Decimal(8) for c in criteria}
    # The ranking after this sheet: the mean of the valid sheets (conflicts are abstentions).
    sheets = [
        _weighted_score({s.criterion_id: s.value for s in sheet.scores.all()}, criteria)
        for sheet in ScoreSheet.objects.filter(project=proposal, conflict_of_interest=False)
    ]
    sheets.append(_weighted_score(my_score, criteria))
    # As the ranking prints it: core.money's one number format, in Italian ("75", "74,67").
    with translation.override("it"):
        expected = format_number((sum(sheets) / len(sheets)).quantize(Decimal("0.01")))

    sign_in(page, live_server, "comitato.insubria")
    assert_no_axe_violations(page)
    go_to(page, "Comitato", "committee:home")
    page.get_by_role("link", name=PLAN_2020).click()
    evaluation_url = live_server.url + reverse("committee:evaluation", args=[proposal.plan_id])
    page.wait_for_url(evaluation_url)
    assert_no_axe_violations(page)

    page.get_by_role("listitem").filter(has_text=PROPOSAL).get_by_role(
        "link", name="compila la tua scheda"
    ).click()
    page.wait_for_url(live_server.url + reverse("committee:score_sheet", args=[proposal.pk]))
    assert_no_axe_violations(page)
    expect(page.get_by_label("Dichiaro un conflitto di interessi")).not_to_be_checked()
    for criterion in criteria:
        field = page.get_by_label(criterion.name)
        expect(field).to_be_editable()
        field.fill("8")
    page.get_by_label("Commento").fill("Proposta coerente con le priorità del territorio.")
    page.get_by_role("button", name="Invia la scheda").click()

    page.wait_for_url(evaluation_url)
    expect(page.locator("main")).to_contain_text("Scheda di valutazione inviata.")
    ranking = page.get_by_role("table").filter(
        has=page.get_by_role("columnheader", name="Posizione")
    )
    row = ranking.get_by_role("row").filter(has_text=PROPOSAL)
    expect(row).to_contain_text(expected)
    expect(row.get_by_role("cell").nth(2)).to_have_text(str(len(sheets)))  # valid sheets
    assert_no_axe_violations(page)
    assert ScoreSheet.objects.filter(
        project=proposal, member__user__email="comitato.insubria@demo.equilibri.it"
    ).exists()


def test_dashboard_shows_charts_with_their_tables_and_exports(page, demo_data, live_server):
    from openpyxl import load_workbook

    from equilibri.plans.models import TerritorialPlan

    plan = TerritorialPlan.objects.get(ats__code="ATS-INS", start_year=2020)
    sign_in(page, live_server, "operatore.insubria")
    go_to(page, "Cruscotto", "reports:dashboard")
    page.get_by_label("Piano territoriale").select_option(str(plan.pk))
    page.get_by_role("button", name="Mostra").click()
    page.wait_for_url(live_server.url + reverse("reports:dashboard") + f"?piano={plan.pk}")
    open_page(page, live_server.url + reverse("reports:dashboard") + f"?piano={plan.pk}")

    # Each chart is drawn (Chart.js) and its figures are also in a table beside it.
    sections = page.locator("main section", has=page.locator("canvas[data-chart]"))
    assert sections.count() >= 4
    for index in range(sections.count()):
        section = sections.nth(index)
        expect(section.locator("canvas[data-chart]")).to_be_visible()
        table = section.get_by_role("table")
        expect(table).to_be_visible()
        expect(table.locator("caption")).not_to_be_empty()
        assert table.locator("tbody tr").count() > 0
    projects = page.locator("#table-projects")
    expect(projects).to_contain_text(TRADATE_PROJECT)
    assert_no_axe_violations(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Excel (XLSX) — Progetti e budget").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    # From the bytes: openpyxl goes by the file name's extension, and the download has none.
    workbook = load_workbook(io.BytesIO(Path(download.path()).read_bytes()), read_only=True)
    cells = [
        str(cell)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for cell in row
        if cell is not None
    ]
    assert TRADATE_PROJECT in cells

    pdf_link = page.get_by_role("link", name="Report PDF del piano per il comitato")
    href = pdf_link.get_attribute("href")
    assert href == reverse("reports:plan_report_pdf", args=[plan.pk])
    response = page.request.get(live_server.url + href)
    assert response.status == 200
    assert response.headers["content-type"].startswith("application/pdf")
    assert response.body().startswith(b"%PDF")
    assert len(response.body()) > 1000


def test_organisation_registers_activates_2fa_and_joins_the_network(
    page, browser, demo_data, live_server
):
    from equilibri.network.models import Membership, Organisation

    name = "Bottega del Tempo Coop. Soc."
    sign_in(page, live_server, "cittadina", totp=False)
    # she lands in her personal area; the registration is offered on the reserved area's home
    open_page(page, live_server.url + reverse("accounts:home"))
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Registra la tua organizzazione").click()
    page.wait_for_url(live_server.url + reverse("network:organisation_register"))
    assert_no_axe_violations(page)
    page.get_by_label("Denominazione").fill(name)
    page.get_by_label("Tipologia").select_option(
        label="Cooperativa sociale / ente del terzo settore"
    )
    page.get_by_label("Codice fiscale").fill("02468130121")  # 11 digits, valid check digit
    page.get_by_label("Comune").fill("Tradate")
    page.get_by_label("E-mail").fill("info@bottegadeltempo.example")
    page.get_by_label("Numero di addetti").fill("12")
    page.get_by_role("button", name="Registra").click()

    # An organisation admin is staff: two-factor authentication comes first. allauth asks for
    # the password again before activating it (a sign-in is not a re-authentication).
    page.wait_for_url(re.compile(re.escape(reverse("account_reauthenticate"))))
    assert_no_axe_violations(page)
    page.locator('main input[name="password"]').fill(DEMO_PASSWORD)
    page.locator("main form", has=page.locator('input[name="password"]')).locator(
        'button[type="submit"]'
    ).click()
    page.wait_for_url(re.compile(re.escape(reverse("mfa_activate_totp")) + "$"))
    assert_no_axe_violations(page)
    secret = page.locator("#authenticator_secret").input_value()
    assert len(secret) >= 16
    code_form = page.locator("main form", has=page.locator('input[name="code"]'))
    code_form.locator('input[name="code"]').fill(current_totp_code(secret))
    code_form.locator('button[type="submit"]').click()
    # Active: allauth shows the recovery codes; the header leads back to the reserved area.
    page.wait_for_url(re.compile(re.escape(reverse("mfa_view_recovery_codes")) + "$"))
    assert_no_axe_violations(page)
    page.locator(f'header a[href="{reverse("accounts:home")}"]').click()
    page.wait_for_url(live_server.url + reverse("accounts:home"))

    organisation = Organisation.objects.get(name=name)
    assert organisation.comune.ats.code == "ATS-INS"
    go_to(page, "Organizzazioni", "network:organisation_list")
    page.get_by_role("link", name=name).click()
    page.wait_for_url(
        live_server.url + reverse("network:organisation_detail", args=[organisation.pk])
    )
    assert_no_axe_violations(page)
    page.get_by_role("link", name=re.compile("Chiedi di aderire alla rete")).click()
    page.wait_for_url(
        live_server.url + reverse("network:membership_request", args=[organisation.pk])
    )
    assert_no_axe_violations(page)
    for text in (
        "Ho letto e accetto il regolamento della rete",
        "Ho letto e accetto l'accordo di partenariato",
    ):
        # Bootstrap Italia draws the checkbox in its label, which takes the click.
        page.locator("main label", has_text=text).click()
        expect(page.get_by_label(text)).to_be_checked()
    page.get_by_role("button", name="Invia la richiesta di adesione").click()
    membership = Membership.objects.get(organisation=organisation)
    page.wait_for_url(live_server.url + reverse("network:membership_detail", args=[membership.pk]))
    assert_no_axe_violations(page)
    assert membership.state == Membership.State.REQUESTED
    assert membership.regulation_id is not None and membership.agreement_id is not None

    context = _new_context(browser)
    try:
        operator_page = context.new_page()
        sign_in(operator_page, live_server, "operatore.insubria")
        go_to(operator_page, "Richieste di adesione", "network:membership_queue")
        operator_page.get_by_role("link", name=name).click()
        operator_page.wait_for_url(
            live_server.url + reverse("network:membership_detail", args=[membership.pk])
        )
        assert_no_axe_violations(operator_page)
        operator_page.get_by_role("button", name="Approva l'adesione").click()
        operator_page.wait_for_load_state()
        expect(operator_page.locator("main")).to_contain_text("Attiva")
        assert_no_axe_violations(operator_page)
    finally:
        context.close()
    membership.refresh_from_db()
    assert membership.state == Membership.State.ACTIVE

    # On the public member list, anonymously.
    context = _new_context(browser)
    try:
        public_page = context.new_page()
        open_page(
            public_page,
            live_server.url + reverse("network_public:member_list") + "?comune=Tradate",
        )
        expect(public_page.get_by_role("link", name=name)).not_to_have_count(0)
        assert_no_axe_violations(public_page)
    finally:
        context.close()
