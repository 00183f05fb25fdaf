"""Answers to a signed-in user and personal downloads are kept by no cache
(`Cache-Control: private, no-store`); anonymous public pages stay cacheable as before."""

import pytest
from django.test import Client
from django.urls import reverse

from equilibri.accounts.api_tokens import issue_token
from equilibri.desks import services as desks

from ..conftest import PERSONAS
from ..desks.test_appointments import book, tomorrow_at_ten
from ..matrix import all_rows
from ..matrix.calls import insubria_application
from ..matrix.helpers import ANON
from ..matrix.reports import organisations
from ..matrix.vouchers import citizen_receipt

pytestmark = pytest.mark.django_db

MATRIX = all_rows()


def private(response) -> bool:
    policy = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    return {"private", "no-store"} <= policy


def pages_of(persona: str) -> list[str]:
    """Every page without arguments that the role-by-URL matrix opens (200) to the persona."""
    return [
        reverse(name)
        for (name, args), expected in MATRIX.items()
        if args is None and expected.get(persona) == 200
    ]


@pytest.mark.parametrize("persona", list(PERSONAS))
def test_every_page_of_a_signed_in_user_is_private(login, persona):
    client = login(PERSONAS[persona])
    urls = pages_of(persona)
    assert len(urls) > 10
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert private(response), f"{persona} GET {url}: {response.get('Cache-Control')!r}"


def test_public_pages_seen_signed_in_and_error_pages_are_private(login):
    client = login("cittadina")  # her name is in the header of every page
    for url in ("/", "/servizi/?q=centro+estivo", "/sportelli/"):
        response = client.get(url)
        assert response.status_code == 200 and "X-Cache" not in response
        assert private(response), url
    refused = client.get(reverse("network:membership_queue"))
    assert refused.status_code == 403 and private(refused)


@pytest.mark.parametrize(
    ("persona", "name", "args", "method"),
    [
        ("citizen", "accounts:export_my_data", None, "post"),
        ("citizen", "vouchers_public:receipt", citizen_receipt, "get"),
        ("ats_operator", "calls:application_receipt", insubria_application, "get"),
        ("ats_operator", "reports:export_csv", organisations, "get"),
        ("ats_operator", "reports:export_xlsx", organisations, "get"),
    ],
)
def test_personal_downloads_are_private(login, persona, name, args, method):
    client = login(PERSONAS[persona])
    response = getattr(client, method)(reverse(name, args=[args()] if args else None))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert private(response)


def test_api_answers_to_a_token_are_private(user_of):
    token = issue_token(user_of("operatore.insubria"))
    response = Client(headers={"Authorization": f"Bearer {token}"}).get("/api/organisations")
    assert response.status_code == 200 and private(response)


@pytest.mark.parametrize("purpose", ["confirm", "cancel", "reschedule"])
def test_signed_link_pages_are_private_without_a_sign_in(purpose):
    appointment = book(tomorrow_at_ten())
    if purpose != "confirm":
        desks.appointment_confirm(appointment=appointment)
    token = desks.appointment_token(appointment, purpose)
    response = Client().get(reverse(f"desks_public:appointment_{purpose}", args=[token]))
    assert response.status_code == 200
    assert "Il tuo appuntamento" in response.content.decode()  # where and when someone goes
    assert private(response)


def test_a_stricter_policy_of_the_view_is_kept(login):
    response = login("operatore.insubria").get(reverse("healthz"))
    assert response.status_code == 200
    assert "must-revalidate" in response["Cache-Control"]  # never_cache's own policy
    assert "no-store" in response["Cache-Control"]


def test_anonymous_public_pages_stay_cacheable():
    client = Client()
    for url in pages_of(ANON):
        policy = client.get(url).get("Cache-Control", "")
        if "must-revalidate" in policy:
            continue  # the view's own never_cache (health check, allauth's login and sign-up)
        assert "no-store" not in policy, url
    for url in ("/servizi/?q=centro+estivo", "/api/hsds/services?search=centro+estivo"):
        first, second = client.get(url), client.get(url)
        assert (first["X-Cache"], second["X-Cache"]) == ("MISS", "HIT")
        assert "no-store" not in second.get("Cache-Control", "")


def test_static_files_are_not_touched(settings, login):
    # WhiteNoise answers before sessions and this middleware; in tests from the source folders.
    settings.WHITENOISE_USE_FINDERS = settings.WHITENOISE_AUTOREFRESH = True
    response = login("cittadina").get("/static/vendor/htmx/htmx.min.js")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
