"""Providers, moderation, stale services and the listings other apps keep in the catalogue."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from equilibri.catalogue import services as catalogue
from equilibri.catalogue.demo import demo_uuid
from equilibri.catalogue.models import Service, ServiceRevision
from equilibri.catalogue.search import SearchQuery, search_services
from equilibri.network.models import Organisation
from equilibri.territory.models import Comune

pytestmark = pytest.mark.django_db


def found(text: str) -> list[str]:
    return [h.card.name for h in search_services(SearchQuery(text=text, per_page=50)).hits]


def aquilone() -> Organisation:
    return Organisation.objects.get(name="L'Aquilone Coop. Soc.")


def demo(slug: str) -> Service:
    return Service.objects.get(uuid=demo_uuid(slug))


def new_data(**overrides) -> dict:
    data = {
        "name": "Ludobus delle colline",
        "description": "Un furgone di giochi che gira per i parchi.",
        "status": "active",
        "terms": ["post-scuola"],
        "minimum_age": 4,
        "maximum_age": 10,
        "locations": [
            {
                "kind": "physical",
                "name": "Parco Mara",
                "address": "Via Monte Grappa",
                "comune": Comune.objects.get(name="Tradate").pk,
            }
        ],
        "schedules": [{"weekday": 2, "opens_at": "15:00", "closes_at": "18:00"}],
        "cost_options": [{"option": "free"}],
        "languages": [{"code": "it"}],
    }
    data.update(overrides)
    return data


def test_new_service_goes_draft_submitted_published(user_of, django_capture_on_commit_callbacks):
    provider, operator = user_of("ente.aquilone"), user_of("operatore.insubria")
    service = catalogue.service_create(organisation=aquilone(), data=new_data(), by=provider)
    assert service.review_state == Service.Review.DRAFT
    assert "Ludobus delle colline" not in found("ludobus")
    with django_capture_on_commit_callbacks(execute=True):
        catalogue.service_submit(service=service, by=provider)
    assert "operatore.insubria@demo.equilibri.it" in mail.outbox[-1].to
    with pytest.raises(PermissionDenied):
        catalogue.service_approve(service=service, by=user_of("operatore.milano"))
    with pytest.raises(ValidationError):
        catalogue.service_reject(service=service, note="", by=operator)
    with django_capture_on_commit_callbacks(execute=True):
        catalogue.service_approve(service=service, by=operator)
    service.refresh_from_db()
    assert service.review_state == Service.Review.PUBLISHED and service.reviewed_at
    assert found("ludobus") == ["Ludobus delle colline"]
    assert "ente.aquilone@demo.equilibri.it" in mail.outbox[-1].to


def test_reject_sends_back_to_draft_with_note(user_of):
    provider, operator = user_of("ente.aquilone"), user_of("operatore.insubria")
    service = catalogue.service_create(organisation=aquilone(), data=new_data(), by=provider)
    catalogue.service_submit(service=service, by=provider)
    catalogue.service_reject(service=service, note="Manca il telefono", by=operator)
    service.refresh_from_db()
    assert service.review_state == Service.Review.DRAFT
    assert service.moderation_note == "Manca il telefono"


def test_invalid_data_is_refused_with_a_clear_message(user_of):
    provider = user_of("ente.aquilone")
    with pytest.raises(ValidationError) as exc:
        catalogue.service_create(organisation=aquilone(), data=new_data(terms=[]), by=provider)
    assert "categoria" in str(exc.value)
    bad_hours = [{"weekday": 1, "opens_at": "18:00", "closes_at": "09:00"}]
    with pytest.raises(ValidationError) as exc:
        catalogue.service_create(
            organisation=aquilone(), data=new_data(schedules=bad_hours), by=provider
        )
    assert "chiusura" in str(exc.value)
    with pytest.raises(ValidationError):
        catalogue.service_create(
            organisation=aquilone(),
            data=new_data(cost_options=[{"option": "fee", "amount": None}]),
            by=provider,
        )


def test_edit_of_published_service_waits_for_moderation_with_diff(user_of):
    provider, operator = user_of("ente.aquilone"), user_of("operatore.insubria")
    service = demo("tradate-post-scuola")
    data = catalogue.service_data(service)
    data["name"] = "Post-scuola e laboratori di Tradate"
    data["schedules"].append({"weekday": 5, "opens_at": "09:00", "closes_at": "12:00"})
    revision = catalogue.service_save(service=service, data=data, by=provider)
    assert revision is not None and revision.state == ServiceRevision.State.SUBMITTED
    service.refresh_from_db()
    assert service.name == "Post-scuola alla primaria di Tradate"  # live unchanged
    assert "Post-scuola alla primaria di Tradate" in found("post scuola tradate")

    diff = {row.label: row for row in catalogue.data_diff(catalogue.service_data(service), data)}
    assert diff["nome del servizio"].changed
    assert diff["nome del servizio"].after == "Post-scuola e laboratori di Tradate"
    assert diff["Orari"].changed and "sabato 09:00-12:00" in diff["Orari"].after
    assert not diff["descrizione"].changed

    response = _operator_client(operator).get(
        reverse("catalogue:revision_review", args=[revision.pk])
    )
    assert response.status_code == 200
    assert "Post-scuola e laboratori di Tradate" in response.content.decode()

    catalogue.revision_approve(revision=revision, by=operator)
    service.refresh_from_db()
    assert service.name == "Post-scuola e laboratori di Tradate"
    assert service.schedules.filter(weekday=5).exists()
    assert "Post-scuola e laboratori di Tradate" in found("laboratori")


def _operator_client(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def test_a_new_save_replaces_the_pending_edit_and_reject(user_of):
    provider, operator = user_of("ente.aquilone"), user_of("operatore.insubria")
    service = demo("tradate-centro-estivo")
    data = catalogue.service_data(service)
    first = catalogue.service_save(
        service=service, data={**data, "wait_time": "1 settimana"}, by=provider
    )
    second = catalogue.service_save(
        service=service, data={**data, "wait_time": "2 giorni"}, by=provider
    )
    first.refresh_from_db()
    assert first.state == ServiceRevision.State.WITHDRAWN
    catalogue.revision_reject(revision=second, note="Non è così", by=operator)
    service.refresh_from_db()
    assert service.wait_time == ""
    with pytest.raises(ValidationError):
        catalogue.revision_approve(revision=second, by=operator)


def test_provider_scope(login, user_of):
    """ente.spazioaperto (Milano) cannot see or edit L'Aquilone's services: 404."""
    service = demo("tradate-centro-estivo")
    client = login("ente.spazioaperto")
    assert client.get(reverse("catalogue:edit", args=[service.pk])).status_code == 404
    assert client.get(reverse("catalogue:detail", args=[service.pk])).status_code == 404
    assert client.post(reverse("catalogue:submit", args=[service.pk])).status_code == 404
    with pytest.raises(PermissionDenied):
        catalogue.service_save(
            service=service, data=catalogue.service_data(service), by=user_of("ente.spazioaperto")
        )
    # The ATS operator of another ATS can't moderate it either.
    client = login("operatore.milano")
    assert client.get(reverse("catalogue:moderate", args=[service.pk])).status_code == 404


def _post_data(data: dict) -> dict:
    from equilibri.catalogue.forms import FORMSETS

    post: dict = {}
    for key, value in data.items():
        if key in FORMSETS or value is None:
            continue
        post[key] = value
    for key in FORMSETS:
        rows = data.get(key) or []
        post[f"{key}-TOTAL_FORMS"] = str(len(rows))
        post[f"{key}-INITIAL_FORMS"] = "0"
        post[f"{key}-MIN_NUM_FORMS"] = "0"
        post[f"{key}-MAX_NUM_FORMS"] = "30"
        for i, row in enumerate(rows):
            for field, value in row.items():
                if value is None or value == "":
                    continue
                if key == "locations" and field == "comune":
                    value = Comune.objects.get(pk=value).name
                if value is True:
                    value = "on"
                if value is False:
                    continue
                post[f"{key}-{i}-{field}"] = value
    return post


def test_provider_creates_and_edits_through_the_forms(login):
    client = login("ente.aquilone")
    response = client.get(reverse("catalogue:create"))
    assert response.status_code == 200
    response = client.post(reverse("catalogue:create"), _post_data(new_data()))
    assert response.status_code == 302, response.content.decode()[:3000]
    service = Service.objects.get(name="Ludobus delle colline")
    assert service.organisation == aquilone()
    assert service.at_locations.get().location.comune.name == "Tradate"
    assert service.schedules.count() == 1
    # Edit the draft in place (a row removed with DELETE).
    data = catalogue.service_data(service)
    post = _post_data({**data, "name": "Ludobus"})
    post["schedules-0-DELETE"] = "on"
    response = client.post(reverse("catalogue:edit", args=[service.pk]), post)
    assert response.status_code == 302
    service.refresh_from_db()
    assert service.name == "Ludobus" and service.schedules.count() == 0
    # Errors come back on the form, nothing lost.
    response = client.post(
        reverse("catalogue:edit", args=[service.pk]), _post_data({**data, "name": ""})
    )
    assert response.status_code == 200
    assert client.post(reverse("catalogue:submit", args=[service.pk])).status_code == 302
    service.refresh_from_db()
    assert service.review_state == Service.Review.SUBMITTED


def test_operator_pages(login):
    client = login("operatore.insubria")
    body = client.get(reverse("catalogue:queue")).content.decode()
    assert "Ludoteca del sabato" in body  # demo: submitted
    assert "Pre-scuola a Tradate" in body  # demo: pending edit
    assert "Social point Corvetto" not in body  # Milano
    service = (
        demo("tradate-ludoteca")
        if Service.objects.filter(uuid=demo_uuid("tradate-ludoteca")).exists()
        else None
    )
    assert service is not None
    response = client.post(
        reverse("catalogue:moderate", args=[service.pk]), {"decision": "approve", "note": ""}
    )
    assert response.status_code == 302
    service.refresh_from_db()
    assert service.review_state == Service.Review.PUBLISHED


@override_settings(SERVICE_REVIEW_MONTHS=6, SERVICE_STALE_GRACE_DAYS=30)
def test_stale_services_are_flagged_then_hidden(user_of, django_capture_on_commit_callbacks):
    service = demo("tradate-pre-scuola")
    Service.objects.filter(pk=service.pk).update(
        reviewed_at=timezone.now() - datetime.timedelta(days=200)
    )
    with django_capture_on_commit_callbacks(execute=True):
        flagged, hidden = catalogue.services_flag_stale()
    assert flagged == 1 and hidden == 0
    service.refresh_from_db()
    assert service.review_state == Service.Review.STALE
    assert any("Conferma i dati" in m.subject for m in mail.outbox)
    assert "Pre-scuola a Tradate" in found("prescuola")  # still visible, flagged
    later = timezone.now() + datetime.timedelta(days=31)
    flagged, hidden = catalogue.services_flag_stale(now=later)
    assert hidden == 1
    service.refresh_from_db()
    assert service.review_state == Service.Review.HIDDEN
    assert "Pre-scuola a Tradate" not in found("prescuola")
    # "Still correct": back in the catalogue, the clock restarts.
    catalogue.service_confirm(service=service, by=user_of("admin"))
    service.refresh_from_db()
    assert service.review_state == Service.Review.PUBLISHED
    assert "Pre-scuola a Tradate" in found("prescuola")


def test_confirm_button_for_provider(login):
    service = demo("tradate-post-scuola")
    Service.objects.filter(pk=service.pk).update(review_state="stale", stale_since=timezone.now())
    client = login("ente.aquilone")
    assert client.post(reverse("catalogue:confirm", args=[service.pk])).status_code == 302
    service.refresh_from_db()
    assert service.review_state == Service.Review.PUBLISHED and service.stale_since is None


def test_periodic_job_is_registered():
    from equilibri.core.periodic import jobs

    assert "flag_stale_services" in {job.name for job in jobs()}


def test_listing_upsert_is_idempotent_and_removable():
    org = Organisation.objects.get(name="Consorzio Erbese Servizi alla Persona")
    kwargs = dict(
        key="desks:999",
        organisation=org,
        name="Sportello di prova",
        description="Orientamento",
        term_codes=["sportelli-conciliazione"],
        location={
            "name": "Sede",
            "address": "Via Prova 1",
            "comune": Comune.objects.get(name="Erba"),
            "latitude": 45.81,
            "longitude": 9.22,
            "accessibility": "Senza gradini",
        },
        schedules=[{"weekday": 0, "opens_at": datetime.time(9), "closes_at": "12:00"}],
        phones=["031 123456"],
        email="prova@example.org",
        languages=["it", "en"],
    )
    service = catalogue.listing_upsert(**kwargs)
    again = catalogue.listing_upsert(**kwargs)
    assert again.pk == service.pk
    assert Service.objects.filter(listed_object="desks:999").count() == 1
    assert service.review_state == Service.Review.PUBLISHED
    location = again.at_locations.get().location
    assert location.latitude == 45.81 and location.accessibility == "Senza gradini"
    assert again.languages.count() == 2 and again.phones.count() == 1
    assert "Sportello di prova" in found("sportello prova")
    catalogue.listing_upsert(**{**kwargs, "name": "Sportello rinominato"})
    assert "Sportello rinominato" in found("rinominato")
    catalogue.listing_remove(key="desks:999")
    assert not Service.objects.filter(listed_object="desks:999").exists()
    assert found("rinominato") == []
    catalogue.listing_remove(key="desks:999")  # nothing to do


def test_listings_are_not_editable_by_providers(user_of):
    org = aquilone()
    service = catalogue.listing_upsert(
        key="desks:998",
        organisation=org,
        name="Sportello",
        description="x",
        term_codes=["sportelli"],
        location={"name": "Sede", "comune": Comune.objects.get(name="Tradate").pk},
        schedules=[],
        phones=[],
    )
    with pytest.raises((ValidationError, PermissionDenied)):
        catalogue.service_save(
            service=service, data=catalogue.service_data(service), by=user_of("ente.aquilone")
        )


@override_settings(SERVICE_REVIEW_MONTHS=6, SERVICE_STALE_GRACE_DAYS=30)
def test_the_staleness_job_logs_the_services_it_hides():
    from auditlog.models import LogEntry

    from tests.audit import bulk_entries, last_entry

    service = demo("tradate-pre-scuola")
    Service.objects.filter(pk=service.pk).update(
        review_state=Service.Review.STALE, stale_since=timezone.now() - datetime.timedelta(days=31)
    )
    since = last_entry()
    _flagged, hidden = catalogue.services_flag_stale()
    assert hidden == 1
    (entry,) = bulk_entries(Service, LogEntry.Action.UPDATE, since)
    assert entry.additional_data["ids"] == [service.pk]
    assert entry.changes == {"review_state": ["stale", "hidden"]}
    assert entry.actor is None  # the system's job
    # Nothing more to hide: nothing logged.
    since = last_entry()
    catalogue.services_flag_stale()
    assert not bulk_entries(Service, LogEntry.Action.UPDATE, since)


def test_an_edit_logs_the_rows_it_writes_in_bulk(user_of):
    from auditlog.models import LogEntry

    from equilibri.catalogue.models import Schedule
    from tests.audit import bulk_entries, last_entry

    service = demo("tradate-ludoteca")
    data = catalogue.service_data(service)
    data["schedules"] = data["schedules"][:1] or [
        {"weekday": 5, "opens_at": "09:00", "closes_at": "12:00"}
    ]
    since = last_entry()
    catalogue.service_save(service=service, data=data, by=user_of("ente.aquilone"))
    (entry,) = bulk_entries(Schedule, LogEntry.Action.CREATE, since)
    assert entry.additional_data["ids"] == list(service.schedules.values_list("pk", flat=True))
