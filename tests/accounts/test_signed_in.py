"""One decorator for pages that need an account (accounts.decorators.signed_in_required): signed
in, and with the second factor active when the person's role requires it, in every app."""

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client

pytestmark = pytest.mark.django_db

ACCOUNT_PAGES = [
    "/area-riservata/",
    "/area-riservata/profilo/",
    "/area-riservata/organizzazioni/registra/",
    "/area-riservata/bandi/",
    "/voucher/domande/",
    "/sportelli/i-miei-appuntamenti/",
]


@pytest.mark.parametrize("url", ACCOUNT_PAGES)
def test_anonymous_visitors_are_sent_to_the_login(url):
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/?next=")


@pytest.mark.parametrize("url", ACCOUNT_PAGES)
def test_staff_without_the_second_factor_must_activate_it_first(url, user_of, login):
    Authenticator.objects.filter(user=user_of("operatore.insubria")).delete()
    response = login("operatore.insubria").get(url)
    assert response.status_code == 302
    assert response["Location"] == "/account/2fa/totp/activate/"


@pytest.mark.parametrize("url", ACCOUNT_PAGES)
def test_citizens_need_no_second_factor(url, login):
    assert login("cittadina").get(url).status_code == 200
