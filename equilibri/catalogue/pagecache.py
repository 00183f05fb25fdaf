"""The page cache of the catalogue's public answers: the search page and the HSDS API.

Why: they are the platform's busiest URLs, a search costs tens of milliseconds of full-text
ranking and rendering, and the same searches come back again and again. A repeated anonymous
search is answered from the shared cache before sessions, authentication and the view run.

What is cached: GET answers that their view marks with `response.page_cache_seconds` (how long
the answer stays right: the search page until the next opening or closing time it shows), for
anonymous requests only (no session and no messages cookie), and only when the answer sets no
cookie. PAGE_CACHE_SECONDS caps every entry (0 turns the cache off).

Invalidation: the key holds the catalogue version (`CatalogueVersion`, one row in the database,
so every worker and app server reads the same). Every change of a catalogue object (signals)
and every search-index write bump it in their transaction, so a change shows at once everywhere.
"""

from __future__ import annotations

import hashlib
import logging
from functools import lru_cache

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.filebased import FileBasedCache
from django.db import connection
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone, translation

from .models import CatalogueVersion

logger = logging.getLogger(__name__)

CACHE_ALIAS = "pages"
STATUS_HEADER = "X-Cache"  # HIT or MISS on the answers the cache handles (for monitoring)
API_PREFIX = "/api/hsds/"


class FileCache(FileBasedCache):
    """The page cache's backend on SQLite (files under var/). Django's file cache lists its
    directory on every set to decide whether to cull: 3 ms a set at 2,000 entries, 11 ms at
    10,000, on every new search. Here the count is taken on one set in CULL_CHECK_EVERY per
    process, so the cap (MAX_ENTRIES) may be passed by that many entries per process between
    two checks."""

    CULL_CHECK_EVERY = 100

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._sets_since_check = 0

    def _cull(self) -> None:
        self._sets_since_check += 1
        if self._sets_since_check < self.CULL_CHECK_EVERY:
            return
        self._sets_since_check = 0
        # Django removes a fraction of the entries (1/CULL_FREQUENCY) once over the cap, which
        # after a batch of sets may not be enough: again until under it.
        for _ in range(10):
            if len(self._list_cache_files()) < self._max_entries:  # type: ignore[attr-defined]
                return
            super()._cull()  # type: ignore[misc]


def catalogue_version() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT version FROM services_catalogueversion WHERE id = 1")
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def bump_catalogue_version() -> None:
    """In the change's own transaction: a reader sees the new version exactly when it can see
    the change. Concurrent catalogue writers queue on this row until the commit (edits are
    rare and short; an import holds it for its duration)."""
    now = timezone.now()
    bumped = CatalogueVersion.objects.filter(pk=1).update(version=F("version") + 1, changed_at=now)
    if not bumped:  # the row is made by a migration; a flushed test database lacks it
        CatalogueVersion.objects.get_or_create(pk=1, defaults={"version": 1, "changed_at": now})


@lru_cache(maxsize=1)
def _search_paths() -> frozenset[str]:
    paths = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            paths.add(reverse("catalogue_public:search"))
    return frozenset(paths)


def _key(request: HttpRequest) -> str | None:
    if settings.PAGE_CACHE_SECONDS <= 0 or request.method != "GET":
        return None
    path = request.path_info
    if not (path.startswith(API_PREFIX) or path in _search_paths()):
        return None
    if settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES:
        return None  # signed in, or a message waiting: the page is someone's own
    raw = "\n".join(
        (
            request.get_host(),  # the HSDS API answers with absolute URLs
            request.get_full_path(),
            request.headers.get("HX-Request", ""),
            request.headers.get("HX-Boosted", ""),
        )
    )
    return f"page:{catalogue_version()}:{hashlib.sha256(raw.encode()).hexdigest()}"


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        key = _key(request)
        if key is None:
            return self.get_response(request)
        cache = caches[CACHE_ALIAS]
        try:
            stored = cache.get(key)
        except Exception:  # a cache that is down slows searches, it does not break them
            logger.warning("page cache unavailable", exc_info=True)
            return self.get_response(request)
        if stored is not None:
            content, headers = stored
            response = HttpResponse(content)
            for name, value in headers:
                response[name] = value
            response[STATUS_HEADER] = "HIT"
            return response
        response = self.get_response(request)
        seconds = min(int(getattr(response, "page_cache_seconds", 0)), settings.PAGE_CACHE_SECONDS)
        if (
            seconds > 0
            and response.status_code == 200
            and not response.streaming
            and not response.cookies
        ):
            response[STATUS_HEADER] = "MISS"
            entry = (response.content, list(response.items()))

            def store() -> None:
                try:
                    cache.set(key, entry, seconds)
                except Exception:
                    logger.warning("page cache unavailable", exc_info=True)

            # Stored once the answer is sent (the server closes the response after writing it):
            # pickling, compressing and writing the entry, and the file cache's count of its
            # entries, would otherwise add a millisecond or more to every new search.
            response._resource_closers.append(store)
        return response


def _changed(sender, **kwargs) -> None:
    if not kwargs.get("raw"):  # fixtures loaded raw are not catalogue edits
        bump_catalogue_version()


def connect_signals() -> None:
    """Every saved or deleted catalogue object, and the organisations the catalogue shows."""
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from equilibri.network.models import Organisation

    from . import models as m

    senders = [
        Organisation,
        m.Taxonomy,
        m.TaxonomyTerm,
        m.Service,
        m.Location,
        m.ServiceAtLocation,
        m.Schedule,
        m.Closure,
        m.Phone,
        m.Contact,
        m.Language,
        m.CostOption,
    ]
    for sender in senders:
        post_save.connect(_changed, sender=sender, dispatch_uid=f"pagecache-save-{sender.__name__}")
        post_delete.connect(
            _changed, sender=sender, dispatch_uid=f"pagecache-delete-{sender.__name__}"
        )
    for through in (m.Service.terms.through, m.Service.eligible_comuni.through):
        m2m_changed.connect(_changed, sender=through, dispatch_uid=f"pagecache-m2m-{through}")
