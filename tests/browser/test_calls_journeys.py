"""The calls for funding, tried as new users would (issue 7, "Done when"): an operator opens a
call; a lead with three partners applies and is told what is missing until the partnership is
valid; the committee scores; the ranking and the funding decision are published; the funded
application appears as a project of the plan; its final report yields the recomputed grant.

Each journey starts from the demo data plus what the previous step would have left (set up
through the services), signs in through the real login form with TOTP, and checks every page
with axe."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from tests.uploads import pdf_bytes

from .conftest import (
    DEMO_PASSWORD,
    DEMO_TOTP_SECRET,
    _new_context,
    assert_no_axe_violations,
    current_totp_code,
    open_page,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PDF = pdf_bytes()


def sign_in(page, live_server, local_part: str, *, domain: str = "demo.equilibri.it") -> None:
    open_page(page, live_server.url + reverse("account_login"))
    form = page.locator("main form", has=page.locator('input[name="password"]'))
    form.locator('input[name="login"]').fill(f"{local_part}@{domain}")
    form.locator('input[name="password"]').fill(DEMO_PASSWORD)
    form.locator('button[type="submit"]').click()
    page.wait_for_url(re.compile(r"/account/2fa/authenticate/$"))
    code_form = page.locator("main form", has=page.locator('input[name="code"]'))
    code_form.locator('input[name="code"]').fill(current_totp_code())
    code_form.locator('button[type="submit"]:not([form])').click()
    page.wait_for_url(live_server.url + reverse("accounts:home"))


def go_to_calls(page) -> None:
    page.get_by_role("navigation", name="Area riservata").get_by_role(
        "link", name="Bandi", exact=True
    ).click()
    page.wait_for_url(re.compile(re.escape(reverse("calls:home")) + "$"))
    assert_no_axe_violations(page)


def main(page):
    return page.locator("main")


def _open_call():
    from equilibri.accounts.models import User
    from equilibri.calls.demo import dgr_5755_call
    from equilibri.network.models import Organisation
    from equilibri.plans.models import TerritorialPlan
    from equilibri.territory.models import ATS

    ats = ATS.objects.get(code="ATS-INS")
    now = timezone.now()
    call = dgr_5755_call(
        ats=ats,
        plan=TerritorialPlan.objects.filter(ats=ats).order_by("-start_year").first(),
        by=User.objects.get(email="operatore.insubria@demo.equilibri.it"),
        opens_at=now - datetime.timedelta(days=1),
        closes_at=now + datetime.timedelta(days=10),
    )
    call.title = "Welfare nelle micro e piccole imprese 2026"
    call.save()
    Organisation.objects.filter(name="L'Arca Coop. Soc.").update(runts_number="RUNTS-VA-0001")
    return call


def _ready_application(call):
    """L'Arca's application, complete and valid (as the second journey leaves it)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from equilibri.accounts.models import User
    from equilibri.calls import services
    from equilibri.network.models import Organisation

    hr = User.objects.get(email="hr.arca@demo.equilibri.it")
    admin = User.objects.get(email="admin@demo.equilibri.it")
    application = services.application_create(
        call=call,
        by=hr,
        lead=Organisation.objects.get(name="L'Arca Coop. Soc."),
        title="Conciliare a Tradate",
    )
    for name in ("Comune di Tradate", "Meccanica Tradatese s.r.l.", "Falegnameria Brianza s.n.c."):
        partner = services.partner_invite(
            application=application, organisation=Organisation.objects.get(name=name), by=hr
        )
        services.partner_confirm(partner=partner, by=admin)
    area = call.macro_areas.first()
    services.application_area_set(
        application=application, macro_area=area, description="Centro estivo", by=hr
    )
    services.budget_line_add(
        application=application,
        by=hr,
        description="Educatori",
        amount=Decimal("50000"),
        macro_area=area,
    )
    services.application_update(application=application, by=hr, requested_grant=Decimal("35000"))
    for name in call.document_names:
        services.application_document_add(
            application=application,
            by=hr,
            name=name,
            file=SimpleUploadedFile("doc.pdf", PDF, content_type="application/pdf"),
        )
    return services.application_submit(application=application, by=hr)


def test_operator_opens_a_call(page, demo_data, live_server):
    sign_in(page, live_server, "operatore.insubria")
    go_to_calls(page)
    main(page).get_by_role("link", name="Nuovo bando").click()
    page.wait_for_url(re.compile(re.escape(reverse("calls:call_create")) + "$"))
    assert_no_axe_violations(page)
    now = timezone.localtime()
    page.locator("#id_title").fill("Conciliazione nelle micro imprese 2026")
    page.locator("#id_legal_basis").fill("DGR 5755/2021")
    page.locator("#id_budget").fill("150000")
    page.locator("#id_opens_at").fill(now.strftime("%Y-%m-%dT%H:%M"))
    page.locator("#id_closes_at").fill(
        (now + datetime.timedelta(days=30)).strftime("%Y-%m-%dT%H:%M")
    )
    page.locator("#id_grant_percent").fill("70")
    page.locator("#id_grant_cap").fill("50000")
    page.locator("main form").get_by_role("button", name="Salva").click()
    expect(main(page)).to_contain_text("Bando creato in preparazione")
    assert_no_axe_violations(page)

    # The partnership rules, as data.
    main(page).get_by_role("link", name="Regole").click()
    assert_no_axe_violations(page)
    page.locator("#id_kind").select_option("min_members")
    page.locator("#id_number").fill("4")
    main(page).get_by_role("button", name="Aggiungi").click()
    page.locator("#id_kind").select_option("min_of_sizes")
    page.locator("#id_number").fill("2")
    main(page).locator("label", has_text="Micro impresa").click()
    main(page).locator("label", has_text="Piccola impresa").click()
    page.locator("#id_label").fill("micro o piccole imprese")
    main(page).get_by_role("button", name="Aggiungi").click()
    expect(main(page)).to_contain_text("Almeno 2 tra: micro o piccole imprese.")
    main(page).get_by_role("link", name="Criteri").click()
    page.locator("#id_name").fill("Qualità del progetto")
    page.locator("#id_max_score").fill("60")
    page.locator("#id_min_score").fill("30")
    main(page).get_by_role("button", name="Aggiungi").click()
    expect(main(page)).to_contain_text("Qualità del progetto")

    main(page).get_by_role("link", name="Bando e domande").click()
    main(page).get_by_role("button", name="Pubblica il bando").click()
    expect(main(page)).to_contain_text("Bando pubblicato")

    # Anyone finds it on the public pages.
    visitor = _new_context(page.context.browser).new_page()
    open_page(visitor, live_server.url + reverse("calls_public:call_list"))
    assert_no_axe_violations(visitor)
    visitor.get_by_role("link", name="Conciliazione nelle micro imprese 2026").click()
    expect(visitor.locator("main")).to_contain_text("Partenariato di almeno 4 membri")
    expect(visitor.locator("main")).to_contain_text("Aperto")
    assert_no_axe_violations(visitor)
    visitor.context.close()


def _partner_admin():
    """An organisation admin for Falegnameria Brianza (a demo-style account with TOTP)."""
    from allauth.mfa.totp.internal.auth import TOTP

    from equilibri.accounts.models import User
    from equilibri.network.models import Organisation, OrganisationRole

    user = User.objects.create_user(email="titolare@falegnameria.example", password=DEMO_PASSWORD)
    OrganisationRole.objects.create(
        user=user,
        organisation=Organisation.objects.get(name="Falegnameria Brianza s.n.c."),
        role="org_admin",
    )
    TOTP.activate(user, DEMO_TOTP_SECRET)
    return user


def test_lead_with_three_partners_is_told_what_is_missing_until_valid(page, demo_data, live_server):
    from equilibri.calls.models import Application, ApplicationPartner
    from equilibri.network.models import Organisation

    call = _open_call()
    _partner_admin()
    sign_in(page, live_server, "hr.arca")
    go_to_calls(page)
    main(page).locator("li", has_text=call.title).get_by_role(
        "link", name="Presenta una domanda"
    ).click()
    assert_no_axe_violations(page)
    page.locator("#id_lead").select_option(label="L'Arca Coop. Soc.")
    page.locator("#id_title").fill("Conciliare a Tradate")
    main(page).get_by_role("button", name="Crea la bozza").click()
    expect(main(page)).to_contain_text("creata in bozza")
    panel = page.locator("#eligibility")
    expect(panel).to_contain_text("Il partenariato deve avere almeno 4 membri")
    assert_no_axe_violations(page)

    def invite(name: str) -> None:
        org = Organisation.objects.get(name=name)
        page.locator("#id_organisation").select_option(value=str(org.pk))
        main(page).get_by_role("button", name="Invita", exact=True).click()
        expect(main(page)).to_contain_text(f"Invito inviato a {name}")

    for name in ("Comune di Tradate", "Meccanica Tradatese s.r.l.", "Ufficio di Piano di Arcisate"):
        invite(name)
    expect(panel).to_contain_text("non ha ancora confermato")
    # The public bodies' admins confirm from their accounts (set here for brevity).
    application = Application.objects.get(call=call)
    application.partners.update(state=ApplicationPartner.State.CONFIRMED)
    page.reload()
    expect(panel).to_contain_text("Servono almeno 2 micro o piccole imprese: ne hai 1.")

    # A second micro or small enterprise replaces the planning office.
    main(page).get_by_role("button", name="Togli Ufficio di Piano di Arcisate").click()
    invite("Falegnameria Brianza s.n.c.")
    expect(panel).to_contain_text("Falegnameria Brianza s.n.c. non ha ancora confermato")

    partner_page = _new_context(page.context.browser).new_page()
    sign_in(partner_page, live_server, "titolare", domain="falegnameria.example")
    go_to_calls(partner_page)
    partner_page.locator("main").get_by_role(
        "link", name=re.compile("Conciliare a Tradate")
    ).click()
    assert_no_axe_violations(partner_page)
    partner_page.get_by_role("button", name="Conferma la partecipazione").click()
    expect(partner_page.locator("main")).to_contain_text("Hai confermato la partecipazione.")
    partner_page.context.close()

    page.reload()
    expect(panel).not_to_contain_text("micro o piccole imprese")
    expect(panel).not_to_contain_text("membri")
    expect(panel).to_contain_text("Aggiungi le voci di budget")

    # Budget: the live panel (HTMX) checks the grant as it is typed.
    page.locator("#id_description").fill("Educatori del centro estivo")
    page.locator("#id_amount").fill("50000")
    main(page).get_by_role("button", name="Aggiungi la voce").click()
    expect(main(page)).to_contain_text("Voce di budget aggiunta.")
    page.locator("#id_requested_grant").fill("37500")
    page.locator("#id_requested_grant").dispatch_event("change")
    expect(panel).to_contain_text("il bando finanzia al massimo il 70%")
    page.locator("#id_requested_grant").fill("35000")
    first_area = page.locator("textarea[id^='id_area_']").first
    first_area.fill("Centro estivo aperto ai figli dei dipendenti delle imprese partner.")
    main(page).get_by_role("button", name="Salva la bozza").click()
    expect(main(page)).to_contain_text("Bozza salvata.")
    expect(panel).not_to_contain_text("70%")

    for name in call.document_names:
        page.locator("#id_name").select_option(label=name)
        page.locator("#id_file").set_input_files(
            {"name": "documento.pdf", "mimeType": "application/pdf", "buffer": PDF}
        )
        main(page).get_by_role("button", name="Allega", exact=True).click()
        expect(main(page)).to_contain_text("Documento allegato.")
    expect(panel).to_contain_text("Requisiti verificati")
    main(page).get_by_role("button", name="Invia la domanda").click()
    application.refresh_from_db()
    expect(main(page)).to_contain_text(f"Domanda {application.public_id} inviata")
    assert application.state == Application.State.SUBMITTED
    assert re.fullmatch(r"\d{7}", str(application.public_id))
    expect(main(page).get_by_role("link", name="Ricevuta della domanda (PDF)")).to_be_visible()
    assert_no_axe_violations(page)


def test_committee_scores_and_the_decision_is_published_as_projects(page, demo_data, live_server):
    from equilibri.accounts.models import User
    from equilibri.calls import services
    from equilibri.calls.models import Application

    call = _open_call()
    application = _ready_application(call)
    services.application_admissibility(
        application=application,
        by=User.objects.get(email="operatore.insubria@demo.equilibri.it"),
        checklist=dict.fromkeys(services.checklist_items(call), True),
        admissible=True,
    )

    sign_in(page, live_server, "comitato.insubria")
    go_to_calls(page)
    main(page).get_by_role("link", name=re.compile(str(application.public_id))).click()
    expect(main(page)).to_contain_text("Dichiarazione sul conflitto di interessi")
    assert_no_axe_violations(page)
    main(page).locator("label", has_text="Dichiaro di non avere conflitti").click()
    main(page).get_by_role("button", name="Registra la dichiarazione").click()
    expect(main(page)).to_contain_text("Dichiarazione registrata.")
    for criterion, value in zip(call.criteria.all(), ("27", "22", "21", "16"), strict=True):
        page.get_by_label(re.compile("^" + re.escape(criterion.name))).fill(value)
    main(page).get_by_role("button", name="Salva la valutazione").click()
    expect(main(page)).to_contain_text("Valutazione salvata.")

    operator = _new_context(page.context.browser).new_page()
    sign_in(operator, live_server, "operatore.insubria")
    open_page(operator, live_server.url + reverse("calls:call_ranking", args=[call.pk]))
    operator.locator("main").get_by_role("button", name="Calcola la graduatoria").click()
    expect(operator.locator("main")).to_contain_text("Graduatoria calcolata.")
    expect(operator.locator("main table")).to_contain_text("86")
    assert_no_axe_violations(operator)
    operator.locator("#id_act_number").fill("Deliberazione n. 812")
    operator.locator("#id_act_date").fill(timezone.localdate().isoformat())
    operator.locator("main").get_by_role("button", name="Registra e pubblica l'atto").click()
    expect(operator.locator("main")).to_contain_text("Atto di finanziamento registrato")
    application.refresh_from_db()
    assert application.state == Application.State.FUNDED

    # The funded application is a project of the plan.
    operator.locator("main table").get_by_role("link", name="progetto").click()
    operator.wait_for_url(
        live_server.url + reverse("plans:project_detail", args=[application.project_id])
    )
    expect(operator.get_by_role("heading", level=1)).to_have_text("Conciliare a Tradate")
    operator.context.close()

    # The public page lists it with the act, like ATS Insubria's page.
    open_page(page, live_server.url + reverse("calls_public:call_detail", args=[call.pk]))
    funded = page.get_by_role("table", name="Domande finanziate")
    expect(funded).to_contain_text(str(application.public_id))
    expect(funded).to_contain_text("L'Arca Coop. Soc.")
    expect(page.locator("main")).to_contain_text("Deliberazione n. 812")
    assert_no_axe_violations(page)


def test_public_pages_of_the_seed_call(page, demo_data, live_server):
    from equilibri.calls.models import Call

    call = Call.objects.get(legal_basis="DGR 5755/2021")
    open_page(page, live_server.url + reverse("calls_public:call_list"))
    assert_no_axe_violations(page)
    open_page(page, live_server.url + reverse("calls_public:call_detail", args=[call.pk]))
    expect(page.locator("main")).to_contain_text("Deliberazione n. 576 del 29/9/2022")
    expect(page.get_by_role("table", name="Domande finanziate")).to_contain_text("3705126")
    assert_no_axe_violations(page)


def test_final_report_yields_the_recomputed_grant(page, demo_data, live_server):
    from equilibri.accounts.models import User
    from equilibri.calls import services
    from equilibri.calls.models import CriterionScore

    call = _open_call()
    application = _ready_application(call)
    operator_user = User.objects.get(email="operatore.insubria@demo.equilibri.it")
    services.application_admissibility(
        application=application,
        by=operator_user,
        checklist=dict.fromkeys(services.checklist_items(call), True),
        admissible=True,
    )
    sheet = services.conflict_declare(
        application=application,
        by=User.objects.get(email="comitato.insubria@demo.equilibri.it"),
        conflict=False,
    )
    for criterion, value in zip(call.criteria.all(), (27, 22, 21, 16), strict=True):
        CriterionScore.objects.create(sheet=sheet, criterion=criterion, value=value)
    sheet.submitted_at = timezone.now()
    sheet.save()
    services.call_rank(call=call, by=operator_user)
    services.call_decide(
        call=call,
        by=operator_user,
        act_number="Deliberazione n. 812",
        act_date=timezone.localdate(),
    )

    sign_in(page, live_server, "hr.arca")
    go_to_calls(page)
    main(page).get_by_role("link", name=re.compile(str(application.public_id))).click()
    main(page).get_by_role("link", name="Rendicontazione").click()
    assert_no_axe_violations(page)
    page.locator("#id_kind").select_option("final")
    main(page).get_by_role("button", name="Apri un rendiconto").click()
    for description, amount in (("Educatori", "30000"), ("Navetta", "10000")):
        page.locator("#id_description").fill(description)
        page.locator("#id_amount").fill(amount)
        page.locator("#id_document").set_input_files(
            {"name": "fattura.pdf", "mimeType": "application/pdf", "buffer": PDF}
        )
        main(page).get_by_role("button", name="Aggiungi la spesa").click()
        expect(main(page)).to_contain_text("Spesa aggiunta al rendiconto.")
    assert_no_axe_violations(page)
    main(page).get_by_role("button", name="Invia all'ATS").click()
    expect(main(page)).to_contain_text("Rendiconto inviato all'ATS")
    report_url = page.url

    operator = _new_context(page.context.browser).new_page()
    sign_in(operator, live_server, "operatore.insubria")
    open_page(operator, report_url)
    assert_no_axe_violations(operator)
    rows = operator.locator("main table tbody tr")
    rows.filter(has_text="Educatori").get_by_role("button", name="Registra").click()
    expect(operator.locator("main")).to_contain_text("Verifica della spesa registrata.")
    navetta = operator.locator("main table tbody tr").filter(has_text="Navetta")
    navetta.locator("select").select_option("partly")
    navetta.locator("input[name='accepted_amount']").fill("8000")
    navetta.locator("input[name='note']").fill("Una corsa non pertinente")
    navetta.get_by_role("button", name="Registra").click()
    expect(operator.locator("main")).to_contain_text("Verifica della spesa registrata.")
    operator.locator("main").get_by_role("button", name="Chiudi la verifica").click()
    # 70% of the 38,000 accepted.
    expect(operator.locator("main")).to_contain_text("contributo rideterminato in € 26.600,00")
    operator.context.close()

    page.reload()
    expect(main(page)).to_contain_text("Contributo rideterminato")
    expect(main(page)).to_contain_text("26.600,00")
