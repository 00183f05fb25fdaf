"""E-mail addresses typed another way (case, full-width letters, invisible characters) are the
same account at sign-up, at login and for the login lockout (equilibri.core.identifiers)."""

import pytest
from django.test import Client

from equilibri.accounts.models import User
from equilibri.core.demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db

ODD_CITTADINA = "Cittadina@ＤＥＭＯ.Equilibri.it\u200b"


def test_an_odd_spelling_of_the_address_logs_in():
    client = Client()
    response = client.post("/account/login/", {"login": ODD_CITTADINA, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/area-personale/"  # a citizen lands in her personal area


def test_odd_spellings_count_as_one_account_for_the_lockout(settings):
    client = Client()
    spellings = ["CITTADINO@demo.equilibri.it", "cittadino@ＤＥＭＯ.equilibri.it"]
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post("/account/login/", {"login": spellings[attempt % 2], "password": "x"})
    response = client.post(
        "/account/login/", {"login": "cittadino@demo.equilibri.it", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 429


def test_signing_up_again_with_an_odd_spelling_makes_no_second_account():
    response = Client().post(
        "/account/signup/",
        {
            "email": ODD_CITTADINA,
            "password1": "Una-password-2026!",
            "password2": "Una-password-2026!",
        },
    )
    assert response.status_code in (200, 302)
    assert User.objects.filter(email__icontains="cittadina").count() == 1
    assert not User.objects.exclude(email__regex=r"^[ -~]+$").exists()  # every address ASCII
