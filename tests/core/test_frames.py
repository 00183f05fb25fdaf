"""The search page's fixed part is rendered once per process (core/frames.py): a framed page
must be byte for byte the page an ordinary render gives."""

import pytest
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.test import RequestFactory, override_settings
from django.utils.safestring import mark_safe

from equilibri.core import frames
from equilibri.core.frames import render_in_frame

pytestmark = pytest.mark.django_db

PAGES = [
    "/servizi/",
    "/servizi/?q=centro+estivo&comune=Tradate",
    "/servizi/?q=%3Cscript%3E&categoria=centri-estivi&gratuito=on&x=a%26b",
    "/servizi/?q=citt%C3%A0&vista=mappa",
    "/servizi/?comune=Nowhere&raggio=900",  # form errors
    "/en/servizi/?q=doposcuola",
    "/servizi/?pagina=2",
    '/servizi/?q="><b>x</b>&lingua=it',  # unencoded, as a raw client may send it
]


def _body(client, url, **headers) -> str:
    response = client.get(url, headers=headers)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("url", PAGES)
def test_a_framed_page_is_the_ordinary_page(client, url):
    frames.clear_frames()
    framed = [_body(client, url), _body(client, url)]  # renders the frame, then reuses it
    assert frames._frames, "the anonymous page was not framed"
    with override_settings(DEBUG=True):  # DEBUG renders the whole page every time
        ordinary = _body(client, url)
    assert framed[0] == framed[1] == ordinary


def test_the_frame_of_one_search_carries_the_next_search(client):
    _body(client, "/servizi/?q=stireria")
    body = _body(client, "/servizi/?q=doposcuola&comune=Tradate")
    assert 'value="doposcuola"' in body and 'value="stireria"' not in body
    # The language links keep the visitor's own query.
    assert 'href="/en/servizi/?q=doposcuola&amp;comune=Tradate"' in body


def test_htmx_boosted_requests_get_the_whole_page(client):
    body = _body(client, "/servizi/?q=stireria", HX_Request="true", HX_Boosted="true")
    assert "<html" in body and "SalvaTempo: stireria sociale" in body


def test_a_signed_in_user_gets_their_own_header(login):
    client = login("operatore.insubria")
    body = _body(client, "/servizi/?q=stireria")
    assert "csrfmiddlewaretoken" in body  # the sign-out form: never in a shared frame
    assert "Area riservata" in body


def test_a_waiting_message_is_shown_not_framed(rf: RequestFactory):
    slots = {"form_html": mark_safe("<form></form>"), "results_html": mark_safe("")}
    frames.clear_frames()
    request = rf.get("/servizi/")
    request.user = AnonymousUser()
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    messages.info(request, "Segnalazione inviata")
    body = render_in_frame(request, "services/search.html", slots).content.decode()
    assert "Segnalazione inviata" in body
    assert not frames._frames
