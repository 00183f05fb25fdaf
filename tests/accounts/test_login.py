import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.test import Client

from equilibri.core.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET

from ..conftest import email_of

pytestmark = pytest.mark.django_db


def current_code() -> str:
    return format_hotp_value(hotp_value(DEMO_TOTP_SECRET, int(time.time()) // 30))


def test_citizen_logs_in_with_email_and_password():
    client = Client()
    response = client.post(
        "/account/login/", {"login": email_of("cittadina"), "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/area-personale/"  # a citizen lands in her personal area
    page = client.get("/area-riservata/")
    assert "Giulia" in page.content.decode()


def test_a_citizen_with_a_safe_next_goes_there_and_an_outside_next_is_ignored():
    credentials = {"login": email_of("cittadina"), "password": DEMO_PASSWORD}
    response = Client().post("/account/login/?next=/voucher/", credentials)
    assert response["Location"] == "/voucher/"
    response = Client().post("/account/login/?next=https://evil.example/", credentials)
    assert response["Location"] == "/area-personale/"


def test_staff_login_asks_for_the_totp_code_then_opens_the_reserved_area():
    client = Client()
    response = client.post(
        "/account/login/", {"login": email_of("operatore.insubria"), "password": DEMO_PASSWORD}
    )
    assert response["Location"] == "/account/2fa/authenticate/"
    assert client.get("/area-riservata/").status_code == 302  # not signed in yet
    wrong = client.post("/account/2fa/authenticate/", {"code": "000000"})
    assert wrong.status_code == 200 and "code" in wrong.content.decode().lower()
    response = client.post("/account/2fa/authenticate/", {"code": current_code()})
    assert response.status_code == 302
    assert response["Location"] == "/area-riservata/"  # staff keep the reserved area's home
    page = client.get("/area-riservata/").content.decode()
    assert "Operatore di rete ATS" in page and "ATS Insubria" in page


def test_bad_password_gets_a_clear_message():
    response = Client().post(
        "/account/login/", {"login": email_of("cittadina"), "password": "sbagliata"}
    )
    assert response.status_code == 200
    assert "non sono corretti" in response.content.decode()


def test_repeated_failures_lock_the_account_for_that_address(settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/account/login/", {"login": email_of("cittadino"), "password": "x"})
    # Even the right password is refused while locked, with a page that says why.
    response = client.post(
        "/account/login/", {"login": email_of("cittadino"), "password": DEMO_PASSWORD}
    )
    assert response.status_code == 429
    assert "Accesso temporaneamente bloccato" in response.content.decode()


def test_staff_without_two_factor_must_activate_it(user_of, login):
    user = user_of("operatore.milano")
    Authenticator.objects.filter(user=user).delete()
    response = login("operatore.milano").get("/area-riservata/")
    assert response.status_code == 302 and response["Location"] == "/account/2fa/totp/activate/"
    response = login("operatore.milano").get("/area-riservata/organizzazioni/")
    assert response["Location"] == "/account/2fa/totp/activate/"


def test_citizen_needs_no_two_factor(login):
    assert login("cittadina").get("/area-riservata/").status_code == 200


def test_expired_session_sends_back_to_login(login):
    client = login("operatore.insubria")
    client.session.flush()
    client.cookies.clear()
    response = client.get("/area-riservata/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/?next=/area-riservata/")


def test_signup_creates_a_citizen():
    client = Client()
    response = client.post(
        "/account/signup/",
        {
            "email": "nuova.persona@example.org",
            "password1": "una-password-lunga-2026",
            "password2": "una-password-lunga-2026",
        },
    )
    assert response.status_code == 302
    home = client.get("/area-riservata/")
    assert home.status_code == 200
    assert "I tuoi ruoli" not in home.content.decode()


def test_superuser_without_two_factor_cannot_use_the_admin(user_of, login):
    assert login("admin").get("/admin/").status_code == 200
    Authenticator.objects.filter(user=user_of("admin")).delete()
    assert login("admin").get("/admin/").status_code == 302
