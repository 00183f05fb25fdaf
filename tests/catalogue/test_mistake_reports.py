"""Mistake reports: the ATS operator replies to the reporter, forwards to the provider, adds
notes and closes the report (new, forwarded, fixed, rejected); every step is kept and audited."""

import pytest
from auditlog.models import LogEntry
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from equilibri.catalogue import services as catalogue
from equilibri.catalogue.demo import demo_uuid
from equilibri.catalogue.models import MistakeReport, MistakeReportEntry, Service

pytestmark = pytest.mark.django_db
State = MistakeReport.State


@pytest.fixture
def report() -> MistakeReport:
    service = Service.objects.get(uuid=demo_uuid("tradate-centro-estivo"))
    return MistakeReport.objects.create(
        service=service, message="Il numero di telefono è sbagliato.", email="mario@example.org"
    )


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_reply_forward_note_and_close(report, user_of, django_capture_on_commit_callbacks):
    operator = user_of("operatore.insubria")
    with django_capture_on_commit_callbacks(execute=True):
        catalogue.mistake_report_reply(report=report, by=operator, text="Grazie, verifichiamo.")
    (reply,) = mail.outbox
    assert reply.to == ["mario@example.org"] and "Grazie, verifichiamo." in reply.body
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        catalogue.mistake_report_forward(report=report, by=operator, text="Correggete, grazie.")
    (forward,) = mail.outbox
    assert "mario@example.org" not in forward.to
    assert "Il numero di telefono è sbagliato." in forward.body
    assert "Correggete, grazie." in forward.body
    report.refresh_from_db()
    assert report.state == State.FORWARDED and report.is_open
    catalogue.mistake_report_note(report=report, by=operator, text="Sentito l'ente al telefono.")
    catalogue.mistake_report_set_state(report=report, by=operator, state=State.FIXED)
    report.refresh_from_db()
    assert report.state == State.FIXED and report.handled_by == operator
    kinds = list(report.entries.values_list("kind", flat=True))
    assert kinds == ["reply", "forward", "note", "state"]
    assert report.entries.get(kind="forward").recipients == ", ".join(forward.to)
    # Audited: the report's change of state and each entry are in the log.
    assert LogEntry.objects.get_for_object(report).exists()
    assert (
        LogEntry.objects.filter(
            content_type__model="mistakereportentry",
            object_id__in=report.entries.values_list("pk", flat=True),
        ).count()
        == 4
    )


def test_reply_needs_the_reporters_address(report, user_of):
    report.email = ""
    report.save()
    with pytest.raises(ValidationError) as error:
        catalogue.mistake_report_reply(
            report=report, by=user_of("operatore.insubria"), text="Grazie"
        )
    assert "non ha lasciato un indirizzo" in " ".join(error.value.messages)


def test_another_ats_operator_cannot_handle_it(report, user_of):
    from equilibri.accounts.models import StaffRole, User
    from equilibri.accounts.roles import Role
    from equilibri.territory.models import ATS

    other = User.objects.create_user(email="operatore.altro@example.org", password="x")
    StaffRole.objects.create(
        user=other, role=Role.ATS_OPERATOR, ats=ATS.objects.exclude(code="ATS-INS").first()
    )
    with pytest.raises(PermissionDenied):
        catalogue.mistake_report_note(report=report, by=other, text="Nota")


def test_the_report_page_and_its_forms(report, user_of):
    client = _client(user_of("operatore.insubria"))
    url = reverse("catalogue:report_detail", args=[report.pk])
    page = client.get(url).content.decode()
    assert "Rispondi a chi ha segnalato" in page and "Inoltra all" in page
    response = client.post(url, {"action": "note", "note-text": "Da verificare."})
    assert response.status_code == 302
    response = client.post(
        url, {"action": "state", "state-state": "rejected", "state-text": "Dato corretto"}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == State.REJECTED and not report.is_open
    page = client.get(url).content.decode()
    assert "Da verificare." in page and "Dato corretto" in page
    # A closed report leaves the default list.
    listing = client.get(reverse("catalogue:reports")).content.decode()
    assert url not in listing
    assert url in client.get(reverse("catalogue:reports") + "?stato=tutte").content.decode()
    # An empty note is a form error, not a new entry.
    client.post(url, {"action": "note", "note-text": ""})
    assert MistakeReportEntry.objects.filter(report=report, kind="note").count() == 1


def test_demo_has_a_new_and_a_forwarded_report():
    states = set(MistakeReport.objects.values_list("state", flat=True))
    assert {State.NEW, State.FORWARDED} <= states
    forwarded = MistakeReport.objects.filter(state=State.FORWARDED).first()
    assert forwarded.entries.filter(kind="forward").exists()
