"""The semester report end to end: the alliance lead files it, the ATS validates it."""

import datetime
from decimal import Decimal

from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from equilibri.plans import monitoring_services as services
from equilibri.plans.models import Expenditure, MonitoringReport, SampleDraw
from tests.uploads import pdf_bytes

R = MonitoringReport.State
PDF = pdf_bytes()


def form_data(report, **extra):
    data = {"narrative": "Semestre regolare, servizi attivi."}
    for indicator in services.report_indicators(report):
        data[f"value_{indicator.pk}"] = "10"
        if indicator.by_gender:
            data[f"women_{indicator.pk}"] = "7"
            data[f"men_{indicator.pk}"] = "3"
    data.update(extra)
    return data


def test_lead_files_and_ats_validates(login, tradate, django_capture_on_commit_callbacks):
    lead = login("alleanza.tradate")
    response = lead.get(reverse("monitoring:report_list"))
    assert response.status_code == 200
    assert "Apri la relazione del periodo" in response.text
    assert "Scaduta" in response.text  # the 2022 first-semester draft
    response = lead.post(
        reverse("monitoring:report_open", args=[tradate.pk]),
        {f"p{tradate.pk}-period_start": "2022-07-01"},
    )
    report = MonitoringReport.objects.get(project=tradate, period_start=datetime.date(2022, 7, 1))
    assert response.status_code == 302
    assert response["Location"] == reverse("monitoring:report_edit", args=[report.pk])
    edit = reverse("monitoring:report_edit", args=[report.pk])
    # Save a draft with a missing value, then try to send it: the list of what is missing.
    data = form_data(report)
    first = services.report_indicators(report).first()
    data[f"value_{first.pk}"] = ""
    data.pop(f"women_{first.pk}", None)
    data.pop(f"men_{first.pk}", None)
    assert lead.post(edit, data).status_code == 302
    response = lead.post(edit, {**data, "invia": "1"})
    assert response.status_code == 200
    assert "Manca" in response.text and first.name in response.text
    report.refresh_from_db()
    assert report.state == R.DRAFT and report.narrative  # the draft is kept
    # Women + men must make the value.
    bad = form_data(report, invia="1")
    gendered = next(i for i in services.report_indicators(report) if i.by_gender)
    bad[f"men_{gendered.pk}"] = "1"
    response = lead.post(edit, bad)
    assert "devono fare il valore totale" in response.text
    # Upload a document for one budget line.
    response = lead.post(
        reverse("monitoring:expenditure_add", args=[report.pk]),
        {
            "action": tradate.actions.first().pk,
            "description": "Fattura centri estivi",
            "amount": "1250.00",
            "document": SimpleUploadedFile("fattura.pdf", PDF),
        },
    )
    assert response.status_code == 302
    expenditure = report.expenditures.get()
    assert expenditure.amount == Decimal("1250.00") and expenditure.document
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = lead.post(edit, form_data(report, invia="1"))
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == R.SUBMITTED
    assert any("operatore.insubria" in m.to[0] for m in mail.outbox)

    operator = login("operatore.insubria")
    review = reverse("monitoring:report_review", args=[report.pk])
    response = operator.get(reverse("monitoring:report_list") + "?stato=submitted")
    assert tradate.title in response.text
    assert operator.get(review).status_code == 200
    # The document must be checked first.
    response = operator.post(review, {"valida": "1"})
    assert response.status_code == 400
    assert "Verifica prima tutte le spese con documento" in response.text
    response = operator.post(
        reverse("monitoring:expenditure_check", args=[expenditure.pk]),
        {"check_state": "accepted", "check_note": "Conforme"},
    )
    assert response.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        response = operator.post(review, {"valida": "1"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == R.ACCEPTED
    assert mail.outbox[-1].to == ["alleanza.tradate@demo.equilibri.it"]
    # Accepted: the lead can no longer edit it.
    assert lead.get(edit).status_code == 302


def test_return_with_comment(login, report_of):
    report = report_of(R.SUBMITTED)
    operator = login("operatore.insubria")
    review = reverse("monitoring:report_review", args=[report.pk])
    response = operator.post(review, {"rinvia": "1", "comment": ""})
    assert response.status_code == 400
    response = operator.post(review, {"rinvia": "1", "comment": "Allegare il registro presenze."})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == R.RETURNED
    lead = login("alleanza.tradate")
    response = lead.get(reverse("monitoring:report_edit", args=[report.pk]))
    assert response.status_code == 200
    assert "Allegare il registro presenze." in response.text


def test_cross_ats_operator_gets_404(login, report_of):
    report = report_of(R.SUBMITTED)
    milano = login("operatore.milano")
    assert milano.get(reverse("monitoring:report_detail", args=[report.pk])).status_code == 404
    review = reverse("monitoring:report_review", args=[report.pk])
    assert milano.get(review).status_code == 404
    assert milano.post(review, {"valida": "1"}).status_code == 404
    report.refresh_from_db()
    assert report.state == R.SUBMITTED
    response = milano.get(reverse("monitoring:report_list"))
    assert report.project.title not in response.text


def test_other_alliance_cannot_file_the_tradate_report(login, tradate, report_of):
    other = login("alleanza.sudestmilano")
    response = other.post(
        reverse("monitoring:report_open", args=[tradate.pk]), {"period_start": "2022-07-01"}
    )
    assert response.status_code == 404
    draft = report_of(R.DRAFT)
    assert other.get(reverse("monitoring:report_edit", args=[draft.pk])).status_code == 404
    assert other.post(reverse("monitoring:report_edit", args=[draft.pk]), {}).status_code == 404
    assert not MonitoringReport.objects.filter(
        project=tradate, period_start=datetime.date(2022, 7, 1)
    ).exists()


def test_document_download_is_scoped(login, report_of, tradate):
    report = report_of(R.DRAFT)
    lead = login("alleanza.tradate")
    lead.post(
        reverse("monitoring:expenditure_add", args=[report.pk]),
        {
            "action": tradate.actions.first().pk,
            "description": "Ricevuta",
            "amount": "10",
            "document": SimpleUploadedFile("ricevuta.pdf", PDF),
        },
    )
    expenditure = Expenditure.objects.get(report=report, description="Ricevuta")
    url = reverse("monitoring:document_download", args=[expenditure.pk])
    response = lead.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert login("operatore.insubria").get(url).status_code == 200
    assert login("operatore.milano").get(url).status_code == 404
    assert login("hr.arca").get(url).status_code == 404  # a partner, not the lead
    assert login("alleanza.sudestmilano").get(url).status_code == 404
    assert login(None).get(url).status_code == 302
    # Not under the static or media URL.
    assert "/static/" not in url and "/media/" not in url


def test_wrong_upload_is_a_form_error(login, report_of, tradate):
    report = report_of(R.DRAFT)
    response = login("alleanza.tradate").post(
        reverse("monitoring:expenditure_add", args=[report.pk]),
        {
            "action": tradate.actions.first().pk,
            "description": "Finto PDF",
            "amount": "10",
            "document": SimpleUploadedFile("finto.pdf", b"MZ\x90\x00 eseguibile"),
        },
    )
    assert response.status_code == 400
    assert "PDF, un JPEG o un PNG" in response.text
    assert not report.expenditures.filter(description="Finto PDF").exists()


def test_overdue_filter(login, report_of):
    response = login("operatore.insubria").get(reverse("monitoring:report_list") + "?stato=scadute")
    assert response.status_code == 200
    assert "Scaduta" in response.text
    assert "Ancora... ELAVOROEFAMIGLIA" in response.text


def test_sample_draw_page(login, report_of):
    report = report_of(R.SUBMITTED)
    for i in range(4):
        Expenditure.objects.create(
            report=report,
            action=report.project.actions.first(),
            description=f"Autodichiarazione {i}",
            amount=Decimal(5),
            self_declared=True,
        )
    operator = login("operatore.insubria")
    assert operator.get(reverse("monitoring:draw_list")).status_code == 200
    response = operator.post(
        reverse("monitoring:draw_list"), {"plan": report.project.plan_id, "share": "50"}
    )
    assert response.status_code == 302
    draw = SampleDraw.objects.filter(plan=report.project.plan).order_by("-pk").first()
    detail = operator.get(reverse("monitoring:draw_detail", args=[draw.pk]))
    assert str(draw.seed) in detail.text
    assert "il seme ricostruisce lo stesso campione" in detail.text
    milano = login("operatore.milano")
    assert milano.get(reverse("monitoring:draw_detail", args=[draw.pk])).status_code == 404
    response = milano.post(
        reverse("monitoring:draw_list"), {"plan": report.project.plan_id, "share": "50"}
    )
    assert response.status_code == 200  # not one of their plans: a form error
    assert SampleDraw.objects.filter(plan=report.project.plan).count() == 2


def test_report_pages_render_for_readers(login, report_of):
    report = report_of(R.ACCEPTED)
    for persona in ("comitato.insubria", "regione", "alleanza.tradate"):
        response = login(persona).get(reverse("monitoring:report_detail", args=[report.pk]))
        assert response.status_code == 200
        assert "Validata" in response.text


def test_adding_an_expenditure_keeps_what_was_typed(login, report_of, tradate):
    """The page is one form: "Aggiungi la spesa" posts the narrative and the indicators too,
    and they are saved as the draft before the expenditure is added."""
    report = report_of(R.DRAFT)
    lead = login("alleanza.tradate")
    page = lead.get(reverse("monitoring:report_edit", args=[report.pk])).text
    assert 'id="report-form"' in page and 'form="report-form"' in page
    assert "core/unsaved.js" in page and "data-unsaved-warning" in page
    data = form_data(report, narrative="Scritto prima di aggiungere la spesa.")
    response = lead.post(
        reverse("monitoring:expenditure_add", args=[report.pk]),
        {
            **data,
            "action": tradate.actions.first().pk,
            "description": "Fattura ludoteca",
            "amount": "80.50",
            "self_declared": "on",
        },
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.narrative == "Scritto prima di aggiungere la spesa."
    first = services.report_indicators(report).first()
    assert report.values.get(indicator=first).value == 10
    assert report.expenditures.get(description="Fattura ludoteca").amount == Decimal("80.50")


def test_a_refused_expenditure_shows_the_typed_narrative_again(login, report_of, tradate):
    report = report_of(R.DRAFT)
    response = login("alleanza.tradate").post(
        reverse("monitoring:expenditure_add", args=[report.pk]),
        {**form_data(report, narrative="Testo da non perdere."), "description": "Senza importo"},
    )
    assert response.status_code == 400
    assert "Testo da non perdere." in response.text
    assert not report.expenditures.filter(description="Senza importo").exists()
