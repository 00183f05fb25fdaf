"""Whole journeys through the public site and the reserved area, as a person does them."""

import re

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from .conftest import DEMO_PASSWORD, current_totp_code, open_page

ATS_OPERATOR_EMAIL = "operatore.insubria@demo.equilibri.it"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_ats_operator_switches_to_english_and_signs_in_with_two_factor(
    page, demo_data, live_server
):
    from equilibri.accounts.models import User
    from equilibri.accounts.roles import Role

    operator = User.objects.get(email=ATS_OPERATOR_EMAIL)
    with translation.override("en"):
        english_home = reverse("core:home")
        english_login = reverse("account_login")
        english_reserved_area = reverse("accounts:home")
        role_label = str(Role.ATS_OPERATOR.label)

    open_page(page, live_server.url + reverse("core:home"))
    expect(page.locator("html")).to_have_attribute("lang", "it")

    # The language switch is a link to the same page under /en/: no JavaScript, no cookie.
    page.locator('header nav.language-switch a[hreflang="en"]').click()
    page.wait_for_url(live_server.url + english_home)
    assert page.url.startswith(live_server.url + "/en/")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page.locator(f'header a[href="{english_login}"]').click()
    page.wait_for_url(live_server.url + english_login)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    login_form = page.locator("main form", has=page.locator('input[name="password"]'))
    login_form.locator('input[name="login"]').fill(ATS_OPERATOR_EMAIL)
    login_form.locator('input[name="password"]').fill(DEMO_PASSWORD)
    login_form.locator('button[type="submit"]').click()

    # Staff have TOTP: the second step asks for the code, still in English.
    page.wait_for_url(re.compile(r"/en/account/2fa/authenticate/$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    code_form = page.locator("main form", has=page.locator('input[name="code"]'))
    code_form.locator('input[name="code"]').fill(current_totp_code())
    # The form's own submit button, not "Cancel" (which submits the logout form).
    code_form.locator('button[type="submit"]:not([form])').click()

    page.wait_for_url(live_server.url + english_reserved_area)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("main h1")).to_contain_text(str(operator))
    roles = page.locator("main .roles-list li")
    expect(roles.filter(has_text=role_label)).to_have_count(1)
    expect(roles.filter(has_text=role_label)).to_contain_text("ATS Insubria")
    assert "ATS" in role_label


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_citizen_finds_the_nearest_desk_from_the_home_page(page, demo_data, live_server):
    open_page(page, live_server.url + reverse("core:home"))
    comune = page.locator("#home-comune")
    expect(comune).to_be_visible()
    comune.press_sequentially("Erba", delay=30)
    # As she types, the picker suggests comuni (htmx fills the datalist).
    expect(page.locator('#home-comune-suggestions option[value^="Erba"]').first).to_be_attached()
    page.locator("form", has=comune).locator('button[type="submit"]').click()

    page.wait_for_url(re.compile(re.escape(reverse("desks_public:nearest")) + r"\?comune=Erba$"))
    expect(page.get_by_role("heading", name="Sportello conciliazione di Erba")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Erba (CO)")
