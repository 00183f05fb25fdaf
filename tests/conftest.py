"""Shared fixtures: the real geography and the demo personas, loaded once per test database.

Personas are the demo accounts (every role, in two ATS): tests use the same people a person
trying the demo meets.
"""

import os
import tempfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client, override_settings

os.environ.setdefault("EMAIL_URL", "locmem:")

DOMAIN = "demo.equilibri.it"
PERSONAS = {
    "citizen": "cittadina",
    "org_admin": "hr.arca",  # L'Arca Coop. Soc., Tradate (ATS Insubria)
    "provider_operator": "ente.aquilone",  # L'Aquilone Coop. Soc., Tradate (ATS Insubria)
    "desk_operator": "sportello.erba",  # ATS Insubria
    "alliance_lead": "alleanza.tradate",  # ATS Insubria
    "ats_operator": "operatore.insubria",
    "committee_member": "comitato.insubria",
    "regional_viewer": "regione",
    "superuser": "admin",
}
# The same roles in another ATS, for cross-tenant checks.
OTHER_ATS_PERSONAS = {
    "org_admin": "hr.pianoc",  # Piano C, Milano
    "provider_operator": "ente.spazioaperto",  # Spazio Aperto Servizi, Milano
    "desk_operator": "sportello.lybra",  # ATS Milano
    "alliance_lead": "alleanza.sudestmilano",  # ATS Milano
    "ats_operator": "operatore.milano",
    "committee_member": "comitato.brescia",
}


def email_of(local_part: str) -> str:
    return f"{local_part}@{DOMAIN}"


def pytest_configure(config):
    from django.conf import settings
    from django.core.signals import setting_changed

    # Fast hashing: demo users are created for every test database.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tests read static files through the finders (no collectstatic, no manifest).
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # WhiteNoise warns on every request when the collected-static folder does not exist.
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
    # E-mails are sent as soon as their transaction commits (the immediate task backend), so
    # tests read mail.outbox; other tasks stay on the database queue.
    settings.TASKS = {
        **settings.TASKS,
        "mail": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    }
    settings.MAIL_TASK_BACKEND = "mail"
    setting_changed.send(sender=None, setting="TASKS", value=settings.TASKS, enter=True)
    # Uploads (receipts, call documents, demo files) go to a throwaway folder, never to var/media.
    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="equilibri-test-media-")
    # The page cache and the default cache per test process (xdist workers must not clear each
    # other's entries); the shared file cache of the default alias has its own tests.
    settings.CACHES = {
        **settings.CACHES,
        "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pages"},
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "default",
        },
    }


@pytest.fixture(autouse=True)
def _italian_first():
    """Each test starts in Italian, the site's language: a request to an /en/ page leaves English
    active in the thread, and tests that call services directly would then get English."""
    from django.utils import translation

    translation.activate("it")
    yield
    translation.activate("it")


@pytest.fixture(autouse=True)
def _empty_page_cache():
    """Each test starts with an empty page cache: a flushed database (live-server tests) starts
    the catalogue version again, and an answer cached by an earlier test must not be served."""
    from django.core.cache import caches

    caches["pages"].clear()
    # Lookups cached under the catalogue version: a rolled-back test leaves the version where it
    # was, with other data behind it. The rate limits' counters live there too
    # (core/ratelimit.py): no test inherits another's requests.
    caches["default"].clear()
    caches["local"].clear()
    yield


def load_reference_data() -> None:
    call_command("load_geography", verbosity=0)
    with override_settings(DEMO=True):
        call_command("load_demo", quiet_accounts=True, verbosity=0)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from django.db import connections

    with django_db_blocker.unblock():
        load_reference_data()
        # Transactional tests (browser, backup) flush the database afterwards; with
        # serialized_rollback they get this content back first.
        for connection in connections.all():
            connection._test_serialized_contents = (  # type: ignore[attr-defined]
                connection.creation.serialize_db_to_string()
            )


@pytest.fixture
def user_of(db):
    from equilibri.accounts.models import User

    def get(local_part: str) -> User:
        return User.objects.get(email=email_of(local_part))

    return get


@pytest.fixture
def login(user_of):
    """A test client signed in as the persona (TOTP is active for staff demo users)."""

    def make(local_part: str | None) -> Client:
        client = Client()
        if local_part is not None:
            client.force_login(
                user_of(local_part), backend="allauth.account.auth_backends.AuthenticationBackend"
            )
        return client

    return make
