"""The committee scores a proposal and the ranking appears; meetings and their documents."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from equilibri.plans.models import Committee, Meeting, MeetingDocument, ScoreSheet
from tests.uploads import pdf_bytes

PDF = pdf_bytes()


def test_member_scores_and_ranking_appears(login, proposal):
    member = login("comitato.insubria")
    evaluation = reverse("committee:evaluation", args=[proposal.plan_id])
    response = member.get(evaluation)
    assert response.status_code == 200
    assert "compila la tua scheda" in response.text
    sheet_url = reverse("committee:score_sheet", args=[proposal.pk])
    response = member.get(sheet_url)
    assert response.status_code == 200
    assert "conflitto di interessi" in response.text
    criteria = list(proposal.plan.criteria.all())
    data = {f"score_{c.pk}": "9" for c in criteria}
    data[f"score_{criteria[0].pk}"] = "12"
    response = member.post(sheet_url, data)
    assert response.status_code == 400
    assert "Il punteggio per «Coerenza con i bisogni» deve essere tra 0 e 10" in response.text
    data[f"score_{criteria[0].pk}"] = "9"
    response = member.post(sheet_url, data)
    assert response.status_code == 302
    assert ScoreSheet.objects.get(project=proposal, member__user__email__startswith="comitato.")
    # Their own sheet, read only.
    response = member.get(sheet_url)
    assert "Scheda inviata" in response.text
    assert member.post(sheet_url, data).status_code == 200  # nothing changes
    # The ranking, for the ATS operator and the committee.
    for persona in ("operatore.insubria", "comitato.insubria", "regione"):
        response = login(persona).get(evaluation)
        assert response.status_code == 200
        assert "Graduatoria" in response.text
        assert proposal.title in response.text
        # (30*26 + 25*24 + 20*22 + 15*22 + 10*20) / 3 / 10 = 78.33
        assert "78,33" in response.text or "78.33" in response.text


def test_conflict_declared_in_the_form(login, proposal):
    member = login("comitato.insubria")
    url = reverse("committee:score_sheet", args=[proposal.pk])
    response = member.post(
        url, {"conflict_of_interest": "on", "conflict_note": "Socia del capofila"}
    )
    assert response.status_code == 302
    sheet = ScoreSheet.objects.get(project=proposal, member__user__email__startswith="comitato.")
    assert sheet.conflict_of_interest and sheet.scores.count() == 0
    assert "astensione" in member.get(url).text


def test_other_ats_committee_cannot_see_the_evaluation(login, proposal):
    brescia = login("comitato.brescia")
    evaluation = reverse("committee:evaluation", args=[proposal.plan_id])
    assert brescia.get(evaluation).status_code == 404
    assert brescia.get(reverse("committee:score_sheet", args=[proposal.pk])).status_code == 404
    assert login("operatore.milano").get(evaluation).status_code == 404


def test_operator_adds_a_criterion(login):
    from equilibri.plans.models import TerritorialPlan

    plan = TerritorialPlan.objects.get(ats__code="ATS-BS", start_year=2020)
    url = reverse("committee:evaluation", args=[plan.pk])
    operator = login("operatore.brescia")
    response = operator.post(url, {"name": "Coerenza", "weight": "0", "max_score": "10"})
    assert response.status_code == 400
    response = operator.post(url, {"name": "Coerenza", "weight": "30", "max_score": "10"})
    assert response.status_code == 302
    assert plan.criteria.filter(name="Coerenza").exists()
    # Read-only for the committee; a POST is refused.
    assert (
        login("comitato.brescia")
        .post(url, {"name": "X", "weight": "1", "max_score": "5"})
        .status_code
        == 404
    )
    # Frozen once scoring has started (the Insubria demo).
    insubria = TerritorialPlan.objects.get(ats__code="ATS-INS", start_year=2020)
    response = login("operatore.insubria").post(
        reverse("committee:evaluation", args=[insubria.pk]),
        {"name": "Nuovo", "weight": "5", "max_score": "10"},
    )
    assert "già iniziate" in response.text


def test_committee_page(login, insubria):
    response = login("comitato.insubria").get(reverse("committee:home"))
    assert response.status_code == 200
    assert "Sara Galli" in response.text
    assert "Sostegno ai caregiver" in response.text
    assert "Aggiungi un componente" not in response.text
    response = login("operatore.insubria").get(reverse("committee:detail", args=[insubria.pk]))
    assert "Aggiungi un componente" in response.text
    response = login("regione").get(reverse("committee:home"))
    assert "ATS" in response.text and response.status_code == 200


def test_meeting_with_documents_and_decisions(login, insubria):
    operator = login("operatore.insubria")
    response = operator.post(
        reverse("committee:meeting_add", args=[insubria.pk]),
        {
            "held_at": "2022-03-01T10:00",
            "place": "Varese",
            "agenda": "1. Monitoraggio",
            "minutes": "",
        },
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get(committee=insubria, place="Varese")
    detail = reverse("committee:meeting_detail", args=[meeting.pk])
    response = operator.post(
        detail,
        {"allegato": "1", "title": "Finto", "file": SimpleUploadedFile("finto.pdf", b"GIF89a")},
    )
    assert response.status_code == 400
    assert "non è un PDF" in response.text
    response = operator.post(
        detail, {"allegato": "1", "title": "Relazione", "file": SimpleUploadedFile("r.pdf", PDF)}
    )
    assert response.status_code == 302
    response = operator.post(detail, {"decisione": "1", "text": "Approvato il monitoraggio."})
    assert response.status_code == 302
    assert meeting.decisions.get().text == "Approvato il monitoraggio."
    response = operator.post(
        reverse("committee:meeting_edit", args=[meeting.pk]),
        {
            "held_at": "2022-03-01T10:00",
            "place": "Varese",
            "agenda": "1. Monitoraggio",
            "minutes": "Verbale.",
        },
    )
    assert response.status_code == 302
    document = MeetingDocument.objects.get(meeting=meeting)
    url = reverse("committee:document_download", args=[document.pk])
    member = login("comitato.insubria")
    assert member.get(detail).status_code == 200
    download = member.get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert member.post(detail, {"decisione": "1", "text": "No"}).status_code == 404
    assert login("operatore.milano").get(url).status_code == 404
    assert login("comitato.brescia").get(detail).status_code == 404


def test_cross_ats_management_is_404(login, insubria):
    milano = login("operatore.milano")
    url = reverse("committee:member_add", args=[insubria.pk])
    assert milano.get(url).status_code == 404
    assert milano.post(url, {"full_name": "Intruso"}).status_code == 404
    assert not insubria.members.filter(full_name="Intruso").exists()
    priority = insubria.priorities.first()
    assert (
        milano.post(
            reverse("committee:priority_edit", args=[priority.pk]), {"elimina": "1"}
        ).status_code
        == 404
    )
    assert insubria.priorities.filter(pk=priority.pk).exists()


def test_operator_manages_members_and_priorities(login, insubria):
    from equilibri.network.models import Organisation

    operator = login("operatore.insubria")
    organisation = Organisation.objects.get(name="CSV Insubria")
    response = operator.post(
        reverse("committee:member_add", args=[insubria.pk]),
        {
            "full_name": "Nuova Componente",
            "organisation": organisation.pk,
            "role": "Esperta",
            "active": "on",
        },
    )
    assert response.status_code == 302
    member = insubria.members.get(full_name="Nuova Componente")
    response = operator.post(
        reverse("committee:member_edit", args=[member.pk]),
        {"full_name": "Nuova Componente", "organisation": organisation.pk, "role": "Esperta"},
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert not member.active
    response = operator.post(
        reverse("committee:priority_add", args=[insubria.pk]),
        {"title": "Smart working", "description": ""},
    )
    assert response.status_code == 302
    priority = insubria.priorities.get(title="Smart working")
    assert priority.order == insubria.priorities.count()
    response = operator.post(
        reverse("committee:priority_edit", args=[priority.pk]), {"elimina": "1"}
    )
    assert response.status_code == 302
    assert not insubria.priorities.filter(title="Smart working").exists()
    assert Committee.objects.filter(ats__code="ATS-MI").exists()
