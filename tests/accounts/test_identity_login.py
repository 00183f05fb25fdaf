"""SPID/CIE login through an OpenID Connect gateway, against a real provider on loopback
(django-oauth-toolkit in a second process: tests/oidc_provider). The relying party is driven by
the Django test client; the person's steps at the provider by an HTTP session signed in there."""

import sqlite3
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import pytest
import requests
from django.contrib.auth import get_user_model
from django.urls import reverse

from equilibri.accounts.models import IdentityLogin, VerifiedIdentity
from tests.oidc_provider import PASSWORD
from tests.oidc_provider.server import oidc_provider  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

User = get_user_model()
MARIA_CF = "RSSMRA80A41F205B"
LUCA_CF = "BNCLCU85M10F205R"


@pytest.fixture
def gateway(oidc_provider, settings):  # noqa: F811
    settings.SOCIALACCOUNT_PROVIDERS = oidc_provider.providers_setting()
    return oidc_provider


def at_provider(provider, username: str) -> requests.Session:
    """An HTTP session signed in at the provider as `username` (the person at the IdP)."""
    session = requests.Session()
    url = f"http://127.0.0.1:{provider.port}/accounts/login/"
    session.get(url, timeout=10)
    answer = session.post(
        url,
        data={
            "username": username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": session.cookies["provider_csrftoken"],
            "next": "/",
        },
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code == 302, answer.text
    return session


def start(client, provider_id="spid", process="login") -> str:
    """The button: POST to allauth's login, which redirects to the provider's authorization."""
    url = reverse("openid_connect_login", kwargs={"provider_id": provider_id})
    answer = client.post(url, {"process": process})
    assert answer.status_code == 302, answer.content
    return answer["Location"]


def authorize(session: requests.Session, authorize_url: str) -> str:
    """The provider's answer: the callback address with code and state (path and query)."""
    answer = session.get(authorize_url, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    parts = urlsplit(answer.headers["Location"])
    assert "code=" in parts.query, answer.headers["Location"]
    return f"{parts.path}?{parts.query}"


def sign_in(client, provider, username, provider_id="spid", process="login"):
    callback = authorize(at_provider(provider, username), start(client, provider_id, process))
    return client.get(callback)


def with_param(url: str, **params) -> str:
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    query.update(params)
    return urlunsplit(parts._replace(query=urlencode(query)))


def refused(answer, reason: str) -> None:
    assert answer.status_code == 403
    assert f'data-identity-refusal="{reason}"' in answer.content.decode()
    row = IdentityLogin.objects.order_by("-pk").first()
    assert row is not None
    assert (row.outcome, row.reason) == (IdentityLogin.Outcome.REFUSED, reason)


def test_new_citizen_signs_in_with_spid_and_gets_a_verified_identity(client, gateway):
    answer = sign_in(client, gateway, "maria")
    assert answer.status_code == 302
    assert answer["Location"] == reverse("citizens_public:home")  # her personal area
    user = User.objects.get(email="maria.rossi@example.org")
    assert int(client.session["_auth_user_id"]) == user.pk
    assert (user.first_name, user.last_name) == ("Maria", "Rossi")
    identity = VerifiedIdentity.objects.get(user=user)
    assert identity.fiscal_number == MARIA_CF
    assert str(identity.birth_date) == "1980-01-01"
    assert identity.provider == "spid"
    login = IdentityLogin.objects.get(user=user)
    assert (login.outcome, login.level, login.provider) == ("accepted", 2, "spid")
    assert login.level_label == "SPID L2"


def test_a_safe_next_wins_over_the_personal_area_and_an_outside_one_is_ignored(client, gateway):
    url = reverse("openid_connect_login", kwargs={"provider_id": "spid"})
    authorize_url = client.post(url, {"process": "login", "next": "/voucher/"})["Location"]
    answer = client.get(authorize(at_provider(gateway, "maria"), authorize_url))
    assert answer["Location"] == "/voucher/"
    client.logout()
    authorize_url = client.post(url, {"process": "login", "next": "https://evil.example/"})[
        "Location"
    ]
    answer = client.get(authorize(at_provider(gateway, "maria"), authorize_url))
    assert answer["Location"] == reverse("citizens_public:home")


def test_the_same_fiscal_number_enters_the_same_account_whatever_the_provider(client, gateway):
    sign_in(client, gateway, "maria")
    client.logout()
    # Another identity at the gateway (another `sub`, another e-mail), through CIE: same person.
    answer = sign_in(client, gateway, "maria2", provider_id="cie")
    assert answer.status_code == 302
    assert answer["Location"] == reverse("citizens_public:home")
    assert User.objects.filter(verified_identity__fiscal_number=MARIA_CF).count() == 1
    assert User.objects.filter(email="m.rossi@example.net").count() == 0
    user = User.objects.get(email="maria.rossi@example.org")
    assert int(client.session["_auth_user_id"]) == user.pk
    assert user.socialaccount_set.count() == 2
    assert list(user.identity_logins.values_list("provider", flat=True)) == ["cie", "spid"]


def test_a_fiscal_number_of_another_account_is_refused_and_nothing_is_merged(client, gateway):
    sign_in(client, gateway, "luca")  # Luca's account holds his verified fiscal number
    client.logout()
    other = User.objects.create_user("altra@example.org", "una-password-lunga")
    client.force_login(other, backend="allauth.account.auth_backends.AuthenticationBackend")
    answer = sign_in(client, gateway, "luca", process="connect")
    refused(answer, "fiscal_number_taken")
    assert not VerifiedIdentity.objects.filter(user=other).exists()
    assert not other.socialaccount_set.exists()
    assert IdentityLogin.objects.order_by("-pk")[0].fiscal_number == LUCA_CF


def test_a_password_account_links_spid_from_its_profile(client, gateway):
    user = User.objects.create_user("maria.rossi@example.org", "una-password-lunga")
    client.force_login(user, backend="allauth.account.auth_backends.AuthenticationBackend")
    sign_in(client, gateway, "maria", process="connect")
    assert VerifiedIdentity.objects.get(user=user).fiscal_number == MARIA_CF
    client.logout()
    answer = sign_in(client, gateway, "maria")
    assert int(client.session["_auth_user_id"]) == user.pk, answer


def test_a_new_identity_with_the_e_mail_of_a_password_account_is_not_linked_by_it(client, gateway):
    existing = User.objects.create_user("maria.rossi@example.org", "una-password-lunga")
    answer = sign_in(client, gateway, "maria")
    refused(answer, "email_in_use")
    assert "_auth_user_id" not in client.session
    assert not existing.socialaccount_set.exists()
    assert User.objects.count() == 1 + User.objects.exclude(pk=existing.pk).count()


def test_without_an_e_mail_address_the_sign_up_form_asks_for_one(client, gateway):
    before = User.objects.count()
    answer = sign_in(client, gateway, "anna")
    assert answer.status_code == 302
    assert answer["Location"] == reverse("socialaccount_signup")
    assert User.objects.count() == before
    answer = client.post(reverse("socialaccount_signup"), {"email": "anna.verdi@example.org"})
    assert answer.status_code == 302, answer.content.decode()[:2000]
    user = User.objects.get(email="anna.verdi@example.org")
    assert user.verified_identity.fiscal_number == "VRDNNA90C45F205D"
    assert user.identity_logins.get().level == 1


def test_claims_without_fiscal_number_are_refused(client, gateway):
    before = User.objects.count()
    refused(sign_in(client, gateway, "nofiscal"), "missing_fiscal_number")
    assert User.objects.count() == before
    assert "_auth_user_id" not in client.session


def test_staff_accounts_keep_password_and_second_factor(client, gateway):
    sign_in(client, gateway, "luca")
    client.logout()
    luca = User.objects.get(verified_identity__fiscal_number=LUCA_CF)
    luca.is_staff = True
    luca.save()
    refused(sign_in(client, gateway, "luca"), "staff_account")
    assert "_auth_user_id" not in client.session


def test_an_unknown_state_is_refused(client, gateway):
    callback = authorize(at_provider(gateway, "maria"), start(client))
    refused(client.get(with_param(callback, state="forged-state")), "bad_state")
    assert not User.objects.filter(email="maria.rossi@example.org").exists()


def test_a_replayed_callback_is_refused(client, gateway):
    callback = authorize(at_provider(gateway, "maria"), start(client))
    assert client.get(callback).status_code == 302
    client.logout()
    refused(client.get(callback), "bad_state")  # the state was used once


def test_a_code_used_once_is_refused_with_a_new_state(client, gateway):
    session = at_provider(gateway, "maria")
    first = authorize(session, start(client))
    assert client.get(first).status_code == 302
    client.logout()
    second = authorize(session, start(client))
    old_code = parse_qs(urlsplit(first).query)["code"][0]
    refused(client.get(with_param(second, code=old_code)), "token_refused")
    assert "_auth_user_id" not in client.session


def test_an_expired_code_is_refused(client, gateway):
    callback = authorize(at_provider(gateway, "luca"), start(client))
    with sqlite3.connect(gateway.state_dir / "db.sqlite3") as db:
        db.execute("UPDATE oauth2_provider_grant SET expires = '2000-01-01 00:00:00'")
    refused(client.get(callback), "token_refused")
    assert not VerifiedIdentity.objects.filter(fiscal_number=LUCA_CF).exists()


def test_a_tampered_nonce_is_refused(client, gateway):
    authorize_url = with_param(start(client), nonce="a-nonce-of-the-attacker")
    refused(client.get(authorize(at_provider(gateway, "maria"), authorize_url)), "nonce_mismatch")
    assert not User.objects.filter(email="maria.rossi@example.org").exists()


def test_a_gateway_declaring_another_issuer_is_refused(client, gateway, settings):
    # The provider says its issuer is http://127.0.0.1:…/o; configured under another name.
    impostor = gateway.issuer.replace("127.0.0.1", "localhost")
    settings.SOCIALACCOUNT_PROVIDERS = gateway.providers_setting(gateway.app(issuer=impostor))
    url = reverse("openid_connect_login", kwargs={"provider_id": "spid"})
    refused(client.post(url, {"process": "login"}), "wrong_issuer")


def test_a_gateway_that_does_not_answer_is_a_clear_refusal(client, gateway, settings):
    down = "http://127.0.0.1:9/o"  # the discard port: nothing listens
    settings.SOCIALACCOUNT_PROVIDERS = gateway.providers_setting(gateway.app(issuer=down))
    url = reverse("openid_connect_login", kwargs={"provider_id": "spid"})
    refused(client.post(url, {"process": "login"}), "gateway_unreachable")


def test_the_login_page_shows_the_configured_buttons(client, gateway, settings):
    page = client.get(reverse("account_login")).content.decode()
    assert "Entra con SPID" in page and "Entra con CIE" in page
    settings.SOCIALACCOUNT_PROVIDERS = gateway.providers_setting(gateway.app("spid"))
    page = client.get(reverse("account_login")).content.decode()
    assert "Entra con SPID" in page and "Entra con CIE" not in page
    cie = reverse("openid_connect_login", kwargs={"provider_id": "cie"})
    assert client.post(cie, {"process": "login"}).status_code == 404


def test_unconfigured_means_no_buttons_and_404(client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": []}}
    page = client.get(reverse("account_login")).content.decode()
    assert "Entra con" not in page
    for provider_id in ("spid", "cie"):
        login = reverse("openid_connect_login", kwargs={"provider_id": provider_id})
        callback = reverse("openid_connect_callback", kwargs={"provider_id": provider_id})
        assert client.post(login).status_code == 404
        assert client.get(login).status_code == 404
        assert client.get(callback + "?code=x&state=y").status_code == 404
