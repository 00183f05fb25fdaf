from pathlib import Path

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_home_is_italian_at_root_and_english_under_en(client):
    home = client.get("/")
    assert home.status_code == 200
    assert '<html lang="it">' in home.content.decode()
    assert "Cerca un servizio" in home.content.decode()
    english = client.get("/en/")
    assert english.status_code == 200
    assert '<html lang="en">' in english.content.decode()


def test_home_has_search_categories_desks_and_honest_news(client):
    page = client.get("/").content.decode()
    assert 'action="/servizi/"' in page
    assert "/servizi/?categoria=centri-estivi" in page
    assert 'id="home-comune"' in page
    assert "Le notizie, gli eventi e le formazioni" in page


def test_language_switch_keeps_the_page(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/contatti/"})
    assert response.status_code == 302 and response["Location"] == "/en/contatti/"


def test_unknown_language_prefix_is_a_styled_404(client):
    response = client.get("/xx/")
    assert response.status_code == 404
    assert "Pagina non trovata" in response.content.decode()
    assert "it-header-wrapper" in response.content.decode()


def test_base_layout_has_skip_links_footer_and_no_inline_scripts(client):
    page = client.get("/contatti/").content.decode()
    assert 'href="#main-container"' in page and 'id="main-container"' in page
    assert "Dichiarazione di accessibilità" in page and "Informativa sulla privacy" in page
    assert "<script>" not in page and "style=" not in page


def test_security_headers(client):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_healthz_checks_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_reports_a_database_failure(client, monkeypatch):
    from django.db.backends.utils import CursorWrapper

    def broken(*args, **kwargs):
        raise RuntimeError("database is down")

    monkeypatch.setattr(CursorWrapper, "execute", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


def test_csrf_failure_gets_a_clear_page():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/account/login/", {"login": "a@b.it", "password": "x"})
    assert response.status_code == 403
    assert "Sessione scaduta" in response.content.decode()


def test_a_10_mb_body_is_refused_with_a_clear_page(client):
    response = client.post("/account/login/", {"login": "a@b.it", "password": "x" * 10_000_000})
    assert response.status_code == 413
    assert "Richiesta troppo grande" in response.content.decode()


def test_server_error_page_renders_without_session_or_database(rf):
    from equilibri.core.views import server_error

    request = rf.get("/")
    response = server_error(request)
    assert response.status_code == 500
    assert "Errore del servizio" in response.content.decode()


def test_every_category_icon_exists_in_the_sprite():
    from django.contrib.staticfiles import finders

    from equilibri.core.categories import CATEGORIES

    sprite = Path(finders.find("vendor/bootstrap-italia/svg/sprites.svg")).read_text("utf-8")
    missing = [icon for _slug, _label, icon in CATEGORIES if f'id="{icon}"' not in sprite]
    assert not missing


def test_page_titles_name_the_page_and_the_platform(client):
    assert "<title>Contatti — Equilibri</title>" in client.get("/contatti/").content.decode()
    home = client.get("/").content.decode()
    assert "<title>Equilibri — Conciliazione vita-lavoro in Lombardia</title>" in home
