"""Every public page, loaded in chromium: the expected status, no broken assets, and no WCAG 2.1
A/AA violation found by axe-core. Then the same pages without JavaScript.

New public pages are added to PUBLIC_PAGES (a URL name, or a literal path for pages without
one). Pages of one object name it with ``args``: a callable, run inside the test (with database
access), that returns the URL's arguments, e.g. the pk of a demo object found by its name.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from .conftest import assert_no_axe_violations, open_page


@dataclass(frozen=True)
class PublicPage:
    """A public page: by URL name (reversed in ``language``, with the arguments that ``args``
    returns, if given) or by literal ``path``."""

    url_name: str | None = None
    path: str | None = None
    query: str = ""
    language: str = "it"
    status: int = 200
    args: Callable[[], list] | None = None

    @property
    def url(self) -> str:
        """Needs database access when ``args`` is given: read it inside the test."""
        if self.path is not None:
            path = self.path
        else:
            assert self.url_name is not None
            with translation.override(self.language):
                path = reverse(self.url_name, args=self.args() if self.args else None)
        return f"{path}?{self.query}" if self.query else path

    @property
    def id(self) -> str:
        name = self.url_name or self.path or ""
        return f"{self.language}:{name}" + (f"?{self.query}" if self.query else "")


def _tradate_alliance() -> list:
    from equilibri.network.models import Alliance

    return [Alliance.objects.get(name="Alleanza dell'Ambito di Tradate").pk]


def _arca() -> list:
    from equilibri.network.models import Organisation

    return [Organisation.objects.get(name="L'Arca Coop. Soc.").pk]


def _insubria_regulation() -> list:
    from equilibri.network.models import AgreementDocument

    regulation = AgreementDocument.objects.get(
        ats__code="ATS-INS",
        alliance=None,
        kind=AgreementDocument.Kind.REGULATION,
        version=1,
    )
    return [regulation.pk]


def _insubria_plan() -> list:
    from equilibri.plans.models import TerritorialPlan

    return [TerritorialPlan.objects.get(ats__code="ATS-INS", start_year=2020).pk]


def _tradate_project() -> list:
    from equilibri.plans.models import Project

    return [Project.objects.get(title="Ancora... ELAVOROEFAMIGLIA").pk]


PUBLIC_PAGES: list[PublicPage] = [
    PublicPage("core:home"),
    PublicPage("core:home", language="en"),
    PublicPage("catalogue_public:search"),
    PublicPage("catalogue_public:search", query="q=centro+estivo"),
    PublicPage("desks_public:nearest"),
    PublicPage("desks_public:nearest", query="comune=Erba"),  # results
    PublicPage("desks_public:nearest", query="comune=Ebra"),  # the form's error state
    PublicPage("desks_public:nearest", query="comune=Erba", language="en"),
    PublicPage("core:accessibility"),
    PublicPage("core:accessibility", language="en"),
    PublicPage("core:privacy"),
    PublicPage("core:contacts"),
    PublicPage("account_login"),
    PublicPage("account_login", language="en"),
    PublicPage("account_signup"),
    PublicPage("account_reset_password"),
    # The territorial network: members (filters, map and table), alliances, profiles, documents.
    PublicPage("network_public:member_list"),
    PublicPage("network_public:member_list", query="comune=Tradate&whp=on"),
    PublicPage("network_public:member_list", query="comune=Atlantide"),  # the error state
    PublicPage("network_public:member_list", language="en"),
    PublicPage("network_public:alliance_list"),
    PublicPage("network_public:alliance_detail", args=_tradate_alliance),
    PublicPage("network_public:alliance_detail", args=_tradate_alliance, language="en"),
    PublicPage("network_public:organisation_detail", args=_arca),
    PublicPage("network_public:agreement_detail", args=_insubria_regulation),
    # The territorial plans and their projects.
    PublicPage("plans_public:index"),
    PublicPage("plans_public:index", language="en"),
    PublicPage("plans_public:plan_detail", args=_insubria_plan),
    PublicPage("plans_public:project_detail", args=_tradate_project),
    PublicPage("plans_public:project_detail", args=_tradate_project, language="en"),
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

    open_page(page, live_server.url + reverse("desks_public:nearest") + "?comune=Erba")
    expect(page.locator("main")).to_contain_text("Sportello conciliazione di Erba")

    open_page(page, live_server.url + reverse("core:home"))
    page.locator("#home-q").fill("centro estivo")
    page.locator("form[role=search] button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}{reverse('catalogue_public:search')}?q=centro+estivo")
    expect(page.locator("main h1")).to_be_visible()
    expect(page.locator("main input[name=q]")).to_have_value("centro estivo")
