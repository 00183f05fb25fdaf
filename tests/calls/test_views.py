"""The calls' pages: public list and results, call definition, applying with the live eligibility
panel, partner confirmation, evaluation, exports and PDFs, scope."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from equilibri.accounts.models import User
from equilibri.calls import services
from equilibri.calls.models import Application, Call, CallRule
from equilibri.network.models import OrganisationRole

from .conftest import org, pdf

pytestmark = pytest.mark.django_db


def dgr() -> Call:
    return Call.objects.get(legal_basis="DGR 5755/2021")


def test_public_call_page_lists_the_funded_applications_with_the_act(login):
    response = login(None).get(reverse("calls_public:call_detail", args=[dgr().pk]))
    html = response.content.decode()
    assert "Deliberazione n. 576 del 29/9/2022" in html
    for public_id, proposer in [
        (3705126, "Azalea società cooperativa sociale"),
        (3723007, "Iraise s.r.l."),
        (3740718, "Unindustria Servizi s.r.l."),
        (3649957, "Ufficio di Piano di Tradate"),
        (3738205, "San Carlo società cooperativa sociale"),
    ]:
        assert str(public_id) in html and proposer in html
    assert "Azienda benessere Comunità A.B.C." in html


def test_public_list_shows_published_calls_only(login, user_of):
    operator = user_of("operatore.insubria")
    draft = services.call_create(
        ats=operator.staff_roles.first().ats,
        by=operator,
        title="Bando in preparazione",
        budget=1000,
        opens_at=timezone.now(),
        closes_at=timezone.now() + datetime.timedelta(days=1),
        grant_percent=50,
    )
    html = login(None).get(reverse("calls_public:call_list")).content.decode()
    assert "DGR 5755/2021" in html and draft.title not in html
    assert login(None).get(reverse("calls_public:call_detail", args=[draft.pk])).status_code == 404


def test_operator_defines_and_publishes_a_call(login):
    client = login("operatore.insubria")
    now = timezone.localtime()
    response = client.post(
        reverse("calls:call_create"),
        {
            "ats": User.objects.get(email="operatore.insubria@demo.equilibri.it")
            .staff_roles.first()
            .ats_id,
            "title": "Welfare nelle micro imprese 2026",
            "legal_basis": "DGR 5755/2021",
            "applicant_kind": "organisations",
            "budget": "100000.00",
            "opens_at": now.strftime("%Y-%m-%dT%H:%M"),
            "closes_at": (now + datetime.timedelta(days=30)).strftime("%Y-%m-%dT%H:%M"),
            "grant_percent": "70",
            "grant_cap": "50000",
            "vat_excluded": "on",
            "partial_last": "on",
            "project_months": "12",
            "report_days": "60",
            "min_total_score": "0",
        },
    )
    call = Call.objects.get(title="Welfare nelle micro imprese 2026")
    assert response.status_code == 302
    publish = reverse("calls:call_publish", args=[call.pk])
    response = client.post(publish, follow=True)
    assert "Prima di pubblicare il bando aggiungi" in response.content.decode()
    client.post(
        reverse("calls:call_rules", args=[call.pk]),
        {
            "kind": "min_of_sizes",
            "number": "2",
            "sizes": ["micro", "small"],
            "label": "micro o piccole imprese",
        },
    )
    client.post(
        reverse("calls:call_criteria", args=[call.pk]),
        {"name": "Qualità", "max_score": "60", "min_score": "30"},
    )
    client.post(reverse("calls:call_areas", args=[call.pk]), {"name": "Servizi salvatempo"})
    client.post(
        reverse("calls:call_faqs", args=[call.pk]), {"question": "Chi?", "answer": "Le imprese."}
    )
    client.post(
        reverse("calls:call_documents", args=[call.pk]),
        {"title": "Testo del bando", "file": pdf("bando.pdf")},
    )
    client.post(publish)
    call.refresh_from_db()
    assert call.is_published
    assert call.rules.get().kind == CallRule.Kind.MIN_OF_SIZES
    public = login(None).get(reverse("calls_public:call_detail", args=[call.pk])).content.decode()
    assert "Almeno 2 tra: micro o piccole imprese." in public and "Testo del bando" in public
    document = call.documents.get()
    assert login(None).get(reverse("calls_public:document", args=[document.pk])).status_code == 200


def test_rule_missing_its_number_is_a_form_error(login):
    call = dgr()
    response = login("operatore.insubria").post(
        reverse("calls:call_rules", args=[call.pk]), {"kind": "min_members"}
    )
    assert response.status_code == 200
    assert "Questa regola richiede un numero" in response.content.decode()


def test_lead_applies_and_the_panel_says_what_is_missing(login, open_call, arca):
    client = login("hr.arca")
    response = client.post(
        reverse("calls:application_start", args=[open_call.pk]),
        {"lead": arca.pk, "title": "Conciliare a Tradate"},
    )
    application = Application.objects.get(call=open_call, lead=arca)
    assert response.status_code == 302
    page = client.get(reverse("calls:application_edit", args=[application.pk])).content.decode()
    assert "Il partenariato deve avere almeno 4 membri" in page
    assert 'hx-post="' + reverse("calls:application_check", args=[application.pk]) in page
    # The HTMX panel alone.
    fragment = client.post(
        reverse("calls:application_check", args=[application.pk]),
        {"title": "X", "requested_grant": "0"},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert fragment.lstrip().startswith('<div id="eligibility"')
    assert "Servono almeno 2 micro o piccole imprese: ne hai 0." in fragment
    # Submitting an incomplete application: messages, no error page, still a draft.
    response = client.post(reverse("calls:application_submit", args=[application.pk]), follow=True)
    assert response.status_code == 200
    assert "La domanda non è stata inviata" in response.content.decode()
    application.refresh_from_db()
    assert application.state == Application.State.DRAFT


def test_a_second_application_from_the_form_is_refused_with_the_rule(
    login, ready_application, arca
):
    response = login("hr.arca").post(
        reverse("calls:application_start", args=[ready_application.call.pk]),
        {"lead": arca.pk, "title": "Bis"},
    )
    assert response.status_code == 200
    assert "una sola domanda per ente capofila" in response.content.decode()


def test_partner_confirms_from_its_own_account(login, user_of, open_call, arca):
    hr = user_of("hr.arca")
    application = services.application_create(call=open_call, by=hr, lead=arca, title="P")
    services.partner_invite(application=application, organisation=org("Comune di Tradate"), by=hr)
    partner_user = User.objects.create_user(email="sindaco@example.org", password="x")
    OrganisationRole.objects.create(
        user=partner_user, organisation=org("Comune di Tradate"), role="org_admin"
    )
    from allauth.mfa.totp.internal.auth import TOTP

    TOTP.activate(partner_user, "EQUILIBRIDEMOTOTPSECRET2345ABCDE")
    client = login(None)
    client.force_login(partner_user, backend="allauth.account.auth_backends.AuthenticationBackend")
    home = client.get(reverse("calls:home")).content.decode()
    assert "Inviti come partner" in home
    row = application.partners.get()
    response = client.post(reverse("calls:partner_answer", args=[row.pk]), {"accept": "1"})
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.state == "confirmed"
    # The lead's admin cannot answer for the partner.
    assert (
        login("hr.arca")
        .post(reverse("calls:partner_answer", args=[row.pk]), {"accept": "0"})
        .status_code
        == 404
    )


def test_submit_and_download_the_receipt(login, ready_application):
    client = login("hr.arca")
    response = client.post(
        reverse("calls:application_submit", args=[ready_application.pk]), follow=True
    )
    assert "inviata" in response.content.decode()
    receipt = client.get(reverse("calls:application_receipt", args=[ready_application.pk]))
    assert receipt.status_code == 200
    assert receipt["Content-Type"] == "application/pdf"
    assert receipt.content.startswith(b"%PDF")
    document = ready_application.documents.first()
    url = reverse("calls:document_download", args=[document.pk])
    assert client.get(url).status_code == 200
    assert login("hr.pianoc").get(url).status_code == 404
    assert login("operatore.milano").get(url).status_code == 404


def test_milano_operator_gets_404_on_insubria_calls_and_cannot_act(login):
    client = login("operatore.milano")
    call = dgr()
    application = call.applications.get(public_id=3649957)
    assert client.get(reverse("calls:call_detail", args=[call.pk])).status_code == 404
    assert client.get(reverse("calls:application_detail", args=[application.pk])).status_code == 404
    assert client.post(reverse("calls:call_publish", args=[call.pk])).status_code == 404
    assert (
        client.post(
            reverse("calls:call_decide", args=[call.pk]),
            {"act_number": "x", "act_date": "2026-01-01"},
        ).status_code
        == 404
    )
    assert (
        client.post(
            reverse("calls:payment_add", args=[application.pk]),
            {"amount": "1", "paid_on": "2026-01-01", "reference": "x"},
        ).status_code
        == 404
    )


def test_committee_member_declares_then_scores(login, user_of, ready_application):
    services.application_submit(application=ready_application, by=user_of("hr.arca"))
    services.application_admissibility(
        application=ready_application,
        by=user_of("operatore.insubria"),
        checklist=dict.fromkeys(services.checklist_items(ready_application.call), True),
        admissible=True,
    )
    client = login("comitato.insubria")
    url = reverse("calls:evaluate", args=[ready_application.pk])
    assert "conflitto di interessi" in client.get(url).content.decode()
    client.post(url, {"conflict": "0"})
    criteria = list(ready_application.call.criteria.all())
    data = {f"criterion_{c.pk}": str(c.max_score) for c in criteria}
    data[f"criterion_{criteria[0].pk}"] = "31"
    response = client.post(url, data)
    assert response.status_code == 200
    assert "va da 0 a 30" in response.content.decode()
    data[f"criterion_{criteria[0].pk}"] = "30"
    assert client.post(url, data).status_code == 302
    assert ready_application.score_sheets.get().scores.count() == len(criteria)


def test_ranking_page_exports_and_annex(login):
    call = dgr()
    client = login("operatore.insubria")
    page = client.get(reverse("calls:call_ranking", args=[call.pk])).content.decode()
    assert "Graduatoria approvata con Deliberazione n. 576" in page
    url = reverse("calls:call_export", args=[call.pk])
    csv = client.get(url, {"dati": "graduatoria", "formato": "csv"})
    assert csv["Content-Type"].startswith("text/csv")
    text = csv.content.decode("utf-8-sig")
    assert "3705126" in text and "Azalea società cooperativa sociale" in text
    xlsx = client.get(url, {"dati": "domande", "formato": "xlsx"})
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    ids = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert {3705126, 3723007, 3740718, 3649957, 3738205} <= ids
    scores = client.get(url, {"dati": "punteggi", "formato": "csv"}).content.decode("utf-8-sig")
    assert "Qualità e coerenza del progetto" in scores
    assert client.get(url, {"dati": "altro"}).status_code == 404
    annex = client.get(reverse("calls:decision_annex", args=[call.pk]))
    assert annex.content.startswith(b"%PDF")


def test_decision_annex_pdf_has_the_ranking(login):
    from equilibri.calls.pdf import render_decision_annex

    pdf_bytes = render_decision_annex(dgr())
    assert pdf_bytes.startswith(b"%PDF") and len(pdf_bytes) > 2000
