"""The page cache of the catalogue's public answers: anonymous searches and the HSDS API are
served from it, a catalogue change shows at once, personal pages are never cached."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from equilibri.catalogue import pagecache
from equilibri.catalogue.models import CatalogueVersion, Service
from equilibri.catalogue.opening import Opening
from equilibri.catalogue.public_views import _unchanged_for

pytestmark = pytest.mark.django_db

SEARCH = "/servizi/?q=centro+estivo"
API = "/api/hsds/services?search=centro+estivo"


def test_a_repeated_anonymous_search_is_served_from_the_cache():
    client = Client()
    first = client.get(SEARCH)
    second = client.get(SEARCH)
    assert first.status_code == second.status_code == 200
    assert (first["X-Cache"], second["X-Cache"]) == ("MISS", "HIT")
    assert first.content == second.content
    assert "Centro estivo Tradate" in second.content.decode()
    # The answer of the cache keeps the security headers of the original one.
    assert second["Content-Security-Policy"] == first["Content-Security-Policy"]
    assert not second.cookies


def test_htmx_fragment_and_full_page_are_cached_apart():
    client = Client()
    page = client.get(SEARCH)
    fragment = client.get(SEARCH, headers={"HX-Request": "true"})
    assert fragment["X-Cache"] == "MISS"
    assert b"<html" in page.content and b"<html" not in fragment.content


def test_a_catalogue_change_shows_at_once():
    client = Client()
    client.get(SEARCH)
    assert client.get(SEARCH)["X-Cache"] == "HIT"
    version = pagecache.catalogue_version()
    service = Service.objects.get(name="Centro estivo Tradate")
    service.name = "Centro estivo Tradate (nuove date)"
    service.save()  # any saved catalogue object bumps the version after the commit
    assert pagecache.catalogue_version() == version + 1
    again = client.get(SEARCH)
    assert again["X-Cache"] == "MISS"
    assert "Centro estivo Tradate (nuove date)" in again.content.decode()


def test_changes_made_by_bulk_statements_show_at_once_too(settings):
    """The staleness job hides services with one UPDATE (no signals); imports write with bulk
    statements: both go through the search index, whose writes bump the version."""
    from equilibri.catalogue import services as catalogue

    settings.SERVICE_REVIEW_MONTHS, settings.SERVICE_STALE_GRACE_DAYS = 6, 30
    client = Client()
    url = "/servizi/?q=prescuola"
    assert "Pre-scuola a Tradate" in client.get(url).content.decode()
    assert client.get(url)["X-Cache"] == "HIT"
    Service.objects.filter(name="Pre-scuola a Tradate").update(
        review_state=Service.Review.STALE,
        stale_since=timezone.now() - datetime.timedelta(days=31),
    )
    _flagged, hidden = catalogue.services_flag_stale()
    assert hidden == 1
    again = client.get(url)
    assert again["X-Cache"] == "MISS"
    assert "Pre-scuola a Tradate" not in again.content.decode()


def test_a_rolled_back_change_leaves_the_version_as_it_was():
    from django.db import transaction

    version = pagecache.catalogue_version()
    with pytest.raises(RuntimeError), transaction.atomic():
        Service.objects.get(name="Centro estivo Tradate").save()
        assert pagecache.catalogue_version() == version + 1  # in the change's transaction
        raise RuntimeError
    assert CatalogueVersion.objects.get(pk=1).version == version


def test_signed_in_users_and_pending_messages_are_never_served_from_the_cache(login):
    Client().get(SEARCH)
    citizen = login("cittadina")
    response = citizen.get(SEARCH)
    assert response.status_code == 200
    assert "X-Cache" not in response
    assert "Esci" in response.content.decode()  # their own header, not the anonymous one
    with_message = Client()
    with_message.cookies["messages"] = "x"
    assert "X-Cache" not in with_message.get(SEARCH)


def test_open_now_searches_and_bad_input_are_not_cached():
    client = Client()
    assert "X-Cache" not in client.get("/servizi/?q=centro&aperto_ora=on")
    bad = client.get("/servizi/?raggio=ciao")
    assert bad.status_code == 200
    assert "X-Cache" not in bad


def test_the_hsds_api_is_cached_and_invalidated_too():
    client = Client()
    assert client.get(API)["X-Cache"] == "MISS"
    assert client.get(API)["X-Cache"] == "HIT"
    assert client.get(API + "&page=2")["X-Cache"] == "MISS"  # another query, another entry
    Service.objects.get(name="Centro estivo Tradate").save()
    assert client.get(API)["X-Cache"] == "MISS"
    assert client.get("/api/hsds/services?per_page=abc").status_code == 400


def test_the_cache_can_be_turned_off(settings):
    settings.PAGE_CACHE_SECONDS = 0
    client = Client()
    client.get(SEARCH)
    assert "X-Cache" not in client.get(SEARCH)


def test_a_page_lives_until_the_next_opening_or_closing_it_shows():
    now = timezone.localtime()

    def row(starts_in: int, ends_in: int) -> dict:
        starts = now + datetime.timedelta(minutes=starts_in)
        ends = now + datetime.timedelta(minutes=ends_in)
        return {"opening": Opening(starts, ends, is_now=starts <= now < ends)}

    # One opens in 30 minutes, one closes in 90: the page changes in 30.
    seconds = _unchanged_for([row(30, 120), row(-60, 90), {"opening": None}])
    assert 29 * 60 <= seconds <= 30 * 60
    assert _unchanged_for([{"opening": None}]) > 0  # no opening shown: the setting's cap


def test_anonymous_pages_switch_language_with_links_and_set_no_cookie():
    response = Client().get(SEARCH)
    html = response.content.decode()
    assert 'href="/en/servizi/?q=centro+estivo"' in html
    assert "csrfmiddlewaretoken" not in html
    assert "csrftoken" not in response.cookies
    english = Client().get("/en/servizi/?q=centro+estivo").content.decode()
    assert 'href="/servizi/?q=centro+estivo"' in english


def test_a_broken_cache_slows_searches_without_breaking_them(monkeypatch):
    from django.core.cache import caches

    def down(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(caches["pages"], "get", down)
    response = Client().get(SEARCH)
    assert response.status_code == 200
    assert "Centro estivo Tradate" in response.content.decode()
    assert "X-Cache" not in response


def test_the_page_cache_is_in_files_on_both_databases():
    # The settings module as loaded (the test run then swaps in a per-process memory cache).
    import equilibri.settings as production

    assert production.CACHES["pages"]["BACKEND"] == "equilibri.catalogue.pagecache.FileCache"
    assert production.CACHES["pages"]["LOCATION"].startswith(str(production.VAR_DIR))


def test_the_file_cache_counts_its_entries_only_now_and_then(tmp_path, monkeypatch):
    """The SQLite deployment's file cache: no directory listing on every set (it cost
    milliseconds per new search), yet the cap on entries still holds, give or take a batch."""
    cache = pagecache.FileCache(str(tmp_path), {"OPTIONS": {"MAX_ENTRIES": 50}})
    listings = []
    original = cache._list_cache_files

    def counted():
        listings.append(1)
        return original()

    monkeypatch.setattr(cache, "_list_cache_files", counted)
    for i in range(500):
        cache.set(f"key-{i}", b"x" * 100, 600)
    assert len(listings) <= 500 // 10  # Django's own: one listing per set, 500
    assert len(list(tmp_path.iterdir())) <= 50 + pagecache.FileCache.CULL_CHECK_EVERY
    assert cache.get("key-499") == b"x" * 100
