"""Finding things at the desks: the knowledge base and the agreements ignore accents and case
(as the catalogue does), the contact log is searched by person and exported (scoped to the ATS),
and the nearest desks are the citizen's own ATS's first, with distances."""

import io

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from equilibri.desks import selectors
from equilibri.desks.models import Contact, Desk, KnowledgeArticle

from .test_appointments import book, tomorrow_at_ten

pytestmark = pytest.mark.django_db

ERBA = "Sportello conciliazione di Erba"


@pytest.fixture
def fathers():
    accented = KnowledgeArticle.objects.create(
        slug="congedo-papa-accentato", title="Il congedo del papà", body="Dieci giorni."
    )
    plain = KnowledgeArticle.objects.create(
        slug="congedo-papa-senza", title="Permessi", body="Per il PAPA che lavora."
    )
    return accented, plain


@pytest.mark.parametrize("query", ["papà", "papa", "PAPÀ", "Papa'"])
def test_the_knowledge_base_ignores_accents_and_case(fathers, query):
    found = set(selectors.search_articles(KnowledgeArticle.objects.all(), query))
    assert set(fathers) <= found


def test_the_office_search_and_the_faq_find_the_accented_article(login, fathers):
    accented, _plain = fathers
    page = login("sportello.erba").get(reverse("desks:article_list"), {"q": "papa"})
    assert accented.title in page.content.decode()
    KnowledgeArticle.objects.filter(pk=accented.pk).update(is_public=True)
    assert accented in selectors.faq_articles("papa")


def test_the_agreements_ignore_accents_too():
    found = selectors.search_agreements("flessibilita")  # typed without the accent
    assert found.exists()


def contact(name: str, email: str = "", desk: str = ERBA, **fields) -> Contact:
    return Contact.objects.create(
        desk=Desk.objects.get(name=desk),
        contacted_at=timezone.now(),
        channel="phone",
        citizen_name=name,
        citizen_email=email,
        answer="Risposta",
        **fields,
    )


@pytest.mark.parametrize("query", ["nicolo", "NICOLÒ", "nicolò bianchi", "n.bianchi@posta"])
def test_the_contact_log_is_searched_by_person(login, query):
    found = contact("Nicolò Bianchi", "n.bianchi@posta.it")
    other = contact("Anna Neri")
    page = login("sportello.erba").get(reverse("desks:contact_list"), {"q": query})
    listed = list(page.context["page"].object_list)
    assert found in listed and other not in listed
    assert "Nicolò Bianchi" in page.content.decode()


def test_the_contact_log_finds_a_phone_number_through_the_appointment(login):
    appointment = book(tomorrow_at_ten(), phone="333 987 6543")
    found = contact("", appointment=appointment)
    page = login("sportello.erba").get(reverse("desks:contact_list"), {"q": "3339876543"})
    assert list(page.context["page"].object_list) == [found]


def test_another_ats_operator_finds_nobody(login):
    contact("Nicolò Bianchi")
    page = login("sportello.lybra").get(reverse("desks:contact_list"), {"q": "nicolo"})
    assert list(page.context["page"].object_list) == []


def test_the_contact_log_exports_what_the_user_may_see_and_logs_the_read(login):
    found = contact("Nicolò Bianchi", "n.bianchi@posta.it")
    response = login("sportello.erba").get(reverse("desks:contact_export"), {"q": "nicolo"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [cell for row in sheet.iter_rows(values_only=True) for cell in row]
    assert "Nicolò Bianchi" in cells and "n.bianchi@posta.it" in cells
    entry = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).latest("pk")
    assert found.pk in entry.additional_data["ids"]
    everyone = login("sportello.lybra").get(reverse("desks:contact_export"))
    names = [
        c
        for row in load_workbook(io.BytesIO(everyone.content)).active.iter_rows(values_only=True)
        for c in row
    ]
    assert "Nicolò Bianchi" not in names  # another ATS's contacts stay out


def test_nearest_desks_are_the_own_ats_s_first_with_distances(client):
    page = client.get("/sportelli/", {"comune": "Tradate", "raggio": "60"}).content.decode()
    own = page.index("Sportello conciliazione di Erba")  # ATS Insubria, like Tradate
    other = page.index("LYBRA – Rho")  # ATS Milano, nearer to Tradate
    assert own < other
    assert "un&#x27;altra ATS" in page or "un'altra ATS" in page
    assert " km" in page
