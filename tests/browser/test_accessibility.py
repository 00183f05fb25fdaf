"""Every public page, loaded in chromium: the expected status, no broken assets, and no WCAG 2.1
A/AA violation found by axe-core. Then the same pages without JavaScript.

New public pages are added to PUBLIC_PAGES (a URL name, or a literal path for pages without
one).
"""

from dataclasses import dataclass

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from .conftest import assert_no_axe_violations, open_page


@dataclass(frozen=True)
class PublicPage:
    """A public page: by URL name (reversed in ``language``) or by literal ``path``."""

    url_name: str | None = None
    path: str | None = None
    query: str = ""
    language: str = "it"
    status: int = 200

    @property
    def url(self) -> str:
        if self.path is not None:
            path = self.path
        else:
            assert self.url_name is not None
            with translation.override(self.language):
                path = reverse(self.url_name)
        return f"{path}?{self.query}" if self.query else path

    @property
    def id(self) -> str:
        name = self.url_name or self.path or ""
        return f"{self.language}:{name}" + (f"?{self.query}" if self.query else "")


PUBLIC_PAGES: list[PublicPage] = [
    PublicPage("core:home"),
    PublicPage("core:home", language="en"),
    PublicPage("services:search"),
    PublicPage("services:search", query="q=centro+estivo"),
    PublicPage("desks:nearest"),
    PublicPage("desks:nearest", query="comune=Erba"),  # results
    PublicPage("desks:nearest", query="comune=Ebra"),  # the form's error state
    PublicPage("desks:nearest", query="comune=Erba", language="en"),
    PublicPage("core:accessibility"),
    PublicPage("core:accessibility", language="en"),
    PublicPage("core:privacy"),
    PublicPage("core:contacts"),
    PublicPage("account_login"),
    PublicPage("account_login", language="en"),
    PublicPage("account_signup"),
    PublicPage("account_reset_password"),
    PublicPage(path="/pagina-che-non-esiste/", status=404),
    PublicPage(path="/en/page-that-does-not-exist/", language="en", status=404),
]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("public_page", PUBLIC_PAGES, ids=lambda p: p.id)
def test_public_page_has_no_wcag_violations(page, demo_data, live_server, public_page):
    open_page(page, live_server.url + public_page.url, status=public_page.status)
    expect(page.locator("html")).to_have_attribute("lang", public_page.language)
    assert_no_axe_violations(page)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_public_pages_work_without_javascript(page_without_js, demo_data, live_server):
    """With JavaScript off every public page renders its heading and navigation, the nearest
    desk search answers, and the home page's search form reaches the services page."""
    page = page_without_js
    for public_page in PUBLIC_PAGES:
        open_page(page, live_server.url + public_page.url, status=public_page.status)
        expect(page.locator("main h1"), public_page.id).to_be_visible()
        expect(page.get_by_role("navigation").first, public_page.id).to_be_visible()

    open_page(page, live_server.url + reverse("desks:nearest") + "?comune=Erba")
    expect(page.locator("main")).to_contain_text("Sportello conciliazione di Erba")

    open_page(page, live_server.url + reverse("core:home"))
    page.locator("#home-q").fill("centro estivo")
    page.locator("form[role=search] button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}{reverse('services:search')}?q=centro+estivo")
    expect(page.locator("main h1")).to_be_visible()
    expect(page.locator("main input[name=q]")).to_have_value("centro estivo")
