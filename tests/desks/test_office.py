"""The desk office: contact log (needs required, referrals, articles), to-do and follow-up
e-mails, knowledge base versions and search, FAQ, agreements, statistics, privacy, retention."""

from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from equilibri.desks import selectors, services
from equilibri.desks.models import (
    CollectiveAgreement,
    Contact,
    Desk,
    KnowledgeArticle,
    Need,
    Referral,
)

pytestmark = pytest.mark.django_db

ERBA = "Sportello conciliazione di Erba"
LYBRA = "Sportello conciliazione LYBRA – Milano"


def published_service():
    from equilibri.catalogue.models import Service

    return (
        Service.objects.filter(review_state=Service.Review.PUBLISHED)
        .exclude(listed_object__startswith="desks:")
        .order_by("pk")
        .first()
    )


def contact_data(**overrides) -> dict:
    desk = Desk.objects.get(name=ERBA)
    data = {
        "desk": desk.pk,
        "contacted_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "channel": "phone",
        "gender": "female",
        "age_band": "35_44",
        "needs": [Need.objects.get(code="congedi-permessi").pk],
        "answer": "Spiegato il congedo parentale e i moduli INPS.",
        "articles": [KnowledgeArticle.objects.get(title="Congedo parentale").pk],
        "referral_services": [published_service().pk],
        "referral_other": "Patronato ACLI\nINPS",
        "citizen_name": "Anna Neri",
        "follow_up_due": (timezone.localdate() + timedelta(days=2)).isoformat(),
    }
    data.update(overrides)
    return data


def test_operator_logs_a_contact_with_article_and_referrals(login, user_of):
    client = login("sportello.erba")
    response = client.post(reverse("desks:contact_create"), contact_data())
    assert response.status_code == 302, response.content.decode()[:3000]
    contact = Contact.objects.get(citizen_name="Anna Neri")
    assert contact.operator == user_of("sportello.erba")
    assert list(contact.articles.values_list("title", flat=True)) == ["Congedo parentale"]
    kinds = sorted(contact.referrals.values_list("kind", flat=True))
    assert kinds == ["other_body", "other_body", "service"]
    assert contact.referrals.get(kind="service").service == published_service()
    page = client.get(response["Location"]).content.decode()
    assert "Patronato ACLI" in page and "Congedo parentale" in page
    # The read of the personal data is in the audit log.
    assert LogEntry.objects.filter(
        object_pk=str(contact.pk), action=LogEntry.Action.ACCESS, actor=user_of("sportello.erba")
    ).exists()


def test_a_contact_without_a_need_is_refused_and_nothing_typed_is_lost(login):
    client = login("sportello.erba")
    response = client.post(
        reverse("desks:contact_create"), contact_data(needs=[], citizen_name="Bruno Blu")
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Scegli almeno un bisogno" in page
    assert "Bruno Blu" in page and "Spiegato il congedo parentale" in page
    assert not Contact.objects.filter(citizen_name="Bruno Blu").exists()
    with pytest.raises(ValidationError, match="almeno un bisogno"):
        services.contact_log(
            desk=Desk.objects.get(name=ERBA),
            by=None,
            contacted_at=timezone.now(),
            channel="phone",
            needs=[],
            answer="x",
            gender="female",
            age_band="unknown",
        )


def test_voucher_scheme_referral_is_stored_with_its_reference(login):
    from equilibri.desks.forms import voucher_scheme_choices

    choices = voucher_scheme_choices()
    if not choices:
        pytest.skip("no voucher scheme in the demo")
    client = login("sportello.erba")
    response = client.post(
        reverse("desks:contact_create"),
        contact_data(referral_schemes=[choices[0][0]], referral_services=[], referral_other=""),
    )
    assert response.status_code == 302
    referral = Referral.objects.get(kind="voucher_scheme", contact__citizen_name="Anna Neri")
    assert referral.reference_id == int(choices[0][0])
    assert referral.label == choices[0][1]


def test_follow_ups_fill_the_to_do_list_and_are_mailed_once_when_due(login, user_of):
    client = login("sportello.erba")
    client.post(reverse("desks:contact_create"), contact_data())
    contact = Contact.objects.get(citizen_name="Anna Neri")
    assert "Anna Neri" in client.get(reverse("desks:todo")).content.decode()
    mail.outbox.clear()
    assert services.notify_due_follow_ups() >= 0
    assert not any("Anna Neri" in m.body for m in mail.outbox)  # not due yet
    later = timezone.localdate() + timedelta(days=3)
    services.notify_due_follow_ups(today=later)
    mine = [m for m in mail.outbox if "Anna Neri" in m.body]
    assert len(mine) == 1 and mine[0].to == [user_of("sportello.erba").email]
    mail.outbox.clear()
    services.notify_due_follow_ups(today=later)
    assert not any("Anna Neri" in m.body for m in mail.outbox)
    client.post(reverse("desks:contact_follow_up_done", args=[contact.pk]))
    assert "Anna Neri" not in client.get(reverse("desks:todo")).content.decode()


def test_contacts_are_private_to_desk_operators_of_the_same_ats(login):
    insubria = Contact.objects.filter(desk__name=ERBA).first()
    url = reverse("desks:contact_detail", args=[insubria.pk])
    assert login("sportello.erba").get(url).status_code == 200
    assert login("sportello.lybra").get(url).status_code == 404
    assert login("operatore.insubria").get(url).status_code == 403
    listing = login("sportello.lybra").get(reverse("desks:contact_list")).content.decode()
    assert "Punto di orientamento territoriale di Canzo" not in listing
    # The Canzo desk is in the same ATS as Erba: its contacts are shared with Erba's operator.
    canzo = Contact.objects.filter(desk__name__contains="Canzo").first()
    assert (
        login("sportello.erba").get(reverse("desks:contact_detail", args=[canzo.pk])).status_code
        == 200
    )


def test_knowledge_article_edits_are_versions_with_history(login, user_of):
    client = login("sportello.erba")
    article = KnowledgeArticle.objects.get(title="Congedo parentale")
    assert article.version == 1
    url = reverse("desks:article_edit", args=[article.pk])
    form = {
        "title": article.title,
        "summary": article.summary,
        "body": article.body + "\nAggiornato.",
        "tags": article.tags,
        "source_url": article.source_url,
        "is_public": "on",
        "review_due": "",
        "note": "Aggiunta una riga",
        "version": "1",
    }
    assert client.post(url, form).status_code == 302
    article.refresh_from_db()
    assert article.version == 2 and article.body.endswith("Aggiornato.")
    assert list(article.versions.values_list("number", flat=True)) == [2, 1]
    page = client.get(reverse("desks:article_detail", args=[article.pk])).content.decode()
    assert "Aggiunta una riga" in page
    # Someone saving from the old version 1 is told, and their text is kept on the form.
    stale = client.post(url, {**form, "body": "Testo vecchio", "version": "1"})
    assert stale.status_code == 200
    assert "Nel frattempo qualcuno ha salvato" in stale.content.decode()
    article.refresh_from_db()
    assert article.version == 2


def test_knowledge_search_full_page_and_htmx_fragment(login):
    client = login("sportello.lybra")
    page = client.get(reverse("desks:article_list"), {"q": "paternità"}).content.decode()
    assert "Congedo di paternità obbligatorio" in page
    assert "Assegno unico" not in page
    fragment = client.get(
        reverse("desks:article_list"), {"q": "104"}, headers={"HX-Request": "true"}
    ).content.decode()
    assert "Permessi della legge 104/92" in fragment and "<html" not in fragment


def test_public_faq_shows_only_public_articles_and_searches(client):
    services.article_create(title="Nota interna", body="Solo operatori", by=None)
    page = client.get(reverse("desks_public:faq")).content.decode()
    assert "Congedo di maternità" in page and "Nota interna" not in page
    found = client.get(reverse("desks_public:faq"), {"q": "smart working"}).content.decode()
    assert "81/2017" in found and "Congedo di maternità" not in found
    none = client.get(reverse("desks_public:faq"), {"q": "zzzqqq"}).content.decode()
    assert "Nessuna risposta per questa ricerca" in none
    # Plural and singular forms find each other (Italian stems).
    plural = client.get(reverse("desks_public:faq"), {"q": "congedi"}).content.decode()
    assert "Congedo di maternità" in plural


def test_agreements_search_for_citizens(client):
    page = client.get(reverse("desks_public:agreements"), {"q": "metalmeccanici"}).content.decode()
    assert "CCNL Metalmeccanici industria" in page and "Commercio" not in page
    welfare = client.get(
        reverse("desks_public:agreements"), {"misura": "welfare_credits", "tipo": "ccnl"}
    ).content.decode()
    assert "Metalmeccanici" in welfare and "Accordo territoriale" not in welfare
    agreement = CollectiveAgreement.objects.get(title__startswith="CCNL Metalmeccanici")
    detail = client.get(
        reverse("desks_public:agreement_detail", args=[agreement.pk])
    ).content.decode()
    assert "Flexible benefit" in detail
    bad = client.get(reverse("desks_public:agreements"), {"tipo": "nonsense", "q": "x" * 500})
    assert bad.status_code == 200


def test_agreement_without_any_provision_is_refused(login):
    client = login("operatore.insubria")
    response = client.post(
        reverse("desks:agreement_create"),
        {"title": "CCNL vuoto", "kind": "ccnl", "sector": "Prova"},
    )
    assert response.status_code == 200
    assert "almeno una misura di conciliazione" in response.content.decode()
    assert not CollectiveAgreement.objects.filter(title="CCNL vuoto").exists()


def test_statistics_count_contacts_and_are_scoped(login, user_of):
    erba = Desk.objects.get(name=ERBA)
    today = timezone.localdate()
    before = selectors.desk_stats(
        user_of("operatore.insubria"), date_from=today - timedelta(days=30), date_to=today
    )
    login("sportello.erba").post(reverse("desks:contact_create"), contact_data())
    after = selectors.desk_stats(
        user_of("operatore.insubria"), date_from=today - timedelta(days=30), date_to=today
    )
    assert after.contacts == before.contacts + 1
    assert dict(after.by_desk)[ERBA] == dict(before.by_desk).get(ERBA, 0) + 1
    need = "Congedi e permessi (maternità, paternità, parentali, legge 104)"
    assert dict(after.by_need)[need] == dict(before.by_need).get(need, 0) + 1
    assert dict(after.referrals)["Servizio del catalogo"] >= 1
    # Past demo appointments at Erba: 2 attended, 1 no-show → 33.3 % no-shows, 4 days' wait.
    assert after.no_shows == 1 and after.attended == 2
    assert after.no_show_rate == 33.3
    assert after.average_wait_days == 4.0
    # Milano's operator counts none of Insubria's contacts.
    milano = selectors.desk_stats(
        user_of("operatore.milano"), date_from=today - timedelta(days=30), date_to=today
    )
    assert ERBA not in dict(milano.by_desk)
    region = selectors.desk_stats(
        user_of("regione"), date_from=today - timedelta(days=30), date_to=today
    )
    assert region.contacts == after.contacts + milano.contacts
    page = login("operatore.insubria").get(reverse("desks:stats")).content.decode()
    assert "<svg" in page and "Contatti per bisogno" in page and erba.name in page
    export = login("regione").get(reverse("desks:stats_export"))
    assert export.status_code == 200
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_bad_statistics_filters_fall_back(login):
    response = login("operatore.insubria").get(
        reverse("desks:stats"), {"dal": "2026-12-31", "al": "2026-01-01"}
    )
    assert response.status_code == 200
    assert "La data finale precede quella iniziale" in response.content.decode()


@override_settings(DESK_CONTACT_RETENTION_MONTHS=1)
def test_retention_job_anonymises_old_contacts_and_keeps_the_counts():
    contact = Contact.objects.filter(desk__name=ERBA).exclude(citizen_name="").first()
    Contact.objects.filter(pk=contact.pk).update(
        contacted_at=timezone.now() - timedelta(days=40), notes="Telefono 333..."
    )
    count = services.anonymise_old_contacts()
    assert count >= 1
    contact.refresh_from_db()
    assert contact.anonymised_at is not None
    assert contact.citizen_name == "" and contact.notes == ""
    assert contact.needs.exists()  # kept for the statistics
    recent = Contact.objects.filter(desk__name=LYBRA).first()
    assert recent.anonymised_at is None


def test_periodic_jobs_are_registered():
    from equilibri.core.periodic import jobs

    names = {job.name for job in jobs()}
    assert {
        "desks_generate_slots",
        "desks_appointment_reminders",
        "desks_follow_ups",
        "desks_contact_retention",
        "desks_release_unconfirmed",
    } <= names


def test_ats_operator_creates_a_desk_and_it_is_listed(login):
    from equilibri.catalogue.models import Service
    from equilibri.network.models import Organisation

    client = login("operatore.insubria")
    organisation = Organisation.objects.get(name="Consorzio Erbese Servizi alla Persona")
    response = client.post(
        reverse("desks:desk_create"),
        {
            "name": "Sportello conciliazione di Como",
            "organisation": organisation.pk,
            "comune": "Como",
            "address": "Via Roma 1",
            "languages": "it, en",
            "offers_in_person": "on",
            "active": "on",
        },
    )
    assert response.status_code == 302
    desk = Desk.objects.get(name="Sportello conciliazione di Como")
    assert Service.objects.filter(listed_object=f"desks:{desk.pk}").exists()
    setup = reverse("desks:desk_setup", args=[desk.pk])
    client.post(setup, {"action": "hours", "hours": "lunedì 9:00-12:00\nmercoledì 14:00-17:00"})
    assert desk.hours.count() == 2
    bad = client.post(setup, {"action": "hours", "hours": "lunedi alle nove"})
    assert "Riga 1" in bad.content.decode()
    outside = client.post(
        setup,
        {
            "action": "template",
            "weekday": 1,
            "start_time": "09:00",
            "end_time": "12:00",
            "duration_minutes": 30,
            "channel": "in_person",
            "capacity": 1,
        },
    )
    assert "dentro l&#x27;orario di apertura" in outside.content.decode()
    client.post(
        setup,
        {
            "action": "template",
            "weekday": 0,
            "start_time": "09:00",
            "end_time": "12:00",
            "duration_minutes": 30,
            "channel": "in_person",
            "capacity": 2,
        },
    )
    assert desk.slots.count() >= 6 * 4
    # Milano's operator cannot edit it; a comune outside the ATS is refused.
    assert login("operatore.milano").get(setup).status_code == 404
    refused = login("operatore.milano").post(
        reverse("desks:desk_create"),
        {
            "name": "Fuori zona",
            "organisation": organisation.pk,
            "comune": "Como",
            "languages": "it",
            "offers_in_person": "on",
        },
    )
    assert refused.status_code == 200
    assert not Desk.objects.filter(name="Fuori zona").exists()


def test_public_pages_speak_english_too(client):
    desk = Desk.objects.get(name=ERBA)
    detail = reverse("desks_public:desk_detail", args=[desk.pk])
    booking = reverse("desks_public:book", args=[desk.pk])
    page = client.get(f"/en{detail}")
    assert page.status_code == 200
    assert "Opening hours" in page.content.decode() or "Orari" in page.content.decode()
    for path in ["/en/sportelli/domande-frequenti/", "/en/sportelli/contratti/"]:
        assert client.get(path).status_code == 200
    book = client.get(f"/en{booking}")
    assert book.status_code == 200


def test_hours_accept_italian_and_english_day_names():
    from equilibri.desks.forms import HoursForm

    form = HoursForm({"hours": "martedì 9:00-12:30\nThursday 14.00-17.00"})
    assert form.is_valid(), form.errors
    assert [row[0] for row in form.cleaned_data["hours"]] == [1, 3]


@override_settings(DESK_CONTACT_RETENTION_MONTHS=1)
def test_the_retention_job_logs_the_contacts_it_erases_without_their_data():
    from tests.audit import bulk_entries, last_entry

    contact = Contact.objects.filter(desk__name=ERBA).exclude(citizen_name="").first()
    Contact.objects.filter(pk=contact.pk).update(contacted_at=timezone.now() - timedelta(days=40))
    since = last_entry()
    services.anonymise_old_contacts()
    (entry,) = bulk_entries(Contact, LogEntry.Action.UPDATE, since)
    assert contact.pk in entry.additional_data["ids"]
    assert "citizen_name" in entry.additional_data["fields"]
    assert contact.citizen_name not in str(entry.additional_data) and entry.changes is None
