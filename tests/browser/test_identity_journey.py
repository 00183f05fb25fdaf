"""SPID login end to end in chromium: the button on the login page, the identity provider's own
page (the real test provider of tests/oidc_provider, in its own process), back to Equilibri
signed in with a verified fiscal number; and a login the gateway makes without a fiscal number,
refused with a clear page and no account."""

import copy
import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.oidc_provider import PASSWORD
from tests.oidc_provider.server import oidc_provider  # noqa: F401 (fixture)

from .conftest import assert_no_axe_violations, open_page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def gateway(oidc_provider, settings):  # noqa: F811
    settings.SOCIALACCOUNT_PROVIDERS = oidc_provider.providers_setting()
    # What settings.py adds to form-action for a configured issuer (_OIDC_FORM_ACTION).
    policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"]["form-action"] = ["'self'", f"http://127.0.0.1:{oidc_provider.port}"]
    settings.CONTENT_SECURITY_POLICY = policy
    return oidc_provider


def _through_the_provider(page, live_server, gateway, username: str) -> None:
    open_page(page, live_server.url + reverse("account_login"))
    page.get_by_role("button", name="Entra con SPID").click()
    page.wait_for_url(re.compile(rf"^http://127\.0\.0\.1:{gateway.port}/accounts/login/"))
    page.locator('input[name="username"]').fill(username)
    page.locator('input[name="password"]').fill(PASSWORD)
    page.get_by_role("button", name="Autorizza").click()


def test_a_citizen_signs_in_with_spid(page, demo_data, live_server, gateway):
    from equilibri.accounts.models import IdentityLogin, User

    open_page(page, live_server.url + reverse("account_login"))
    expect(page.get_by_role("button", name="Entra con SPID")).to_be_visible()
    expect(page.get_by_role("button", name="Entra con CIE")).to_be_visible()
    assert_no_axe_violations(page)

    _through_the_provider(page, live_server, gateway, "maria")
    # a citizen lands in her personal area, not in the reserved one
    page.wait_for_url(live_server.url + reverse("citizens_public:home"))
    user = User.objects.get(verified_identity__fiscal_number="RSSMRA80A41F205B")
    assert user.email == "maria.rossi@example.org"
    assert IdentityLogin.objects.get(user=user).level == 2

    open_page(page, live_server.url + reverse("accounts:profile"))
    expect(page.locator("[data-verified-identity]")).to_contain_text("SPID L2")
    expect(page.locator('input[name="fiscal_number"]')).to_be_disabled()
    expect(page.locator('input[name="fiscal_number"]')).to_have_value("RSSMRA80A41F205B")


def test_a_login_without_fiscal_number_is_refused(page, demo_data, live_server, gateway):
    from equilibri.accounts.models import IdentityLogin, User

    users = User.objects.count()
    _through_the_provider(page, live_server, gateway, "nofiscal")
    refusal = page.locator('[data-identity-refusal="missing_fiscal_number"]')
    expect(refusal).to_contain_text("non ha comunicato il codice fiscale")
    assert_no_axe_violations(page)
    assert User.objects.count() == users
    assert IdentityLogin.objects.get().reason == "missing_fiscal_number"
    page.get_by_role("link", name="Torna alla pagina di accesso").click()
    expect(page.get_by_role("button", name="Entra con SPID")).to_be_visible()
