"""Browser tests: Debian chromium driven through Playwright, against pytest-django's live server.

Every browser test is marked ``browser`` and runs as a transactional test with serialized
rollback (see ``browser_db``), so the live server sees the geography and the demo personas that
tests/conftest.py loads once per test database.
"""

import os
import time
from collections.abc import Iterator

import pytest

# Playwright's sync API keeps an asyncio event loop running in the main thread; Django would
# then refuse ORM calls from it (test setup, fixtures). The tests never use the ORM
# concurrently with the browser's loop, so this is safe here.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",  # the suite runs as root
    "--disable-gpu",
    # The machine has no outside network: without these chromium keeps dialling out.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# How long a page may take to load or an element to appear (ms): generous, the live server is
# single-process and the xdist workers share the machine.
TIMEOUT_MS = 15_000

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

DEMO_PASSWORD = "Equilibri-demo-2026"
DEMO_TOTP_SECRET = "EQUILIBRIDEMOTOTPSECRET2345ABCDE"


@pytest.fixture(autouse=True)
def _static_files_from_finders(settings):
    """The live server serves /static/ from the app directories (finders), by unhashed names; the
    manifest storage would link hashed names from a collectstatic'ed STATIC_ROOT instead (404s,
    or stale files). tests/conftest.py's STATICFILES_BACKEND default comes too late to matter:
    pytest-django has read the settings by then."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(scope="session")
def playwright_instance():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance):
    browser = playwright_instance.chromium.launch(
        executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
    )
    yield browser
    browser.close()


def _new_context(browser, **kwargs):
    context = browser.new_context(locale="it-IT", viewport={"width": 1280, "height": 900}, **kwargs)
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    return context


@pytest.fixture
def page(browser) -> Iterator:
    """A page in a fresh browser context (no cookies, no storage), closed after the test."""
    context = _new_context(browser)
    yield context.new_page()
    context.close()


@pytest.fixture
def page_without_js(browser) -> Iterator:
    """A page in a fresh browser context with JavaScript disabled."""
    context = _new_context(browser, java_script_enabled=False)
    yield context.new_page()
    context.close()


@pytest.fixture
def demo_data_present(live_server):
    """Fails early and clearly when the live server's database lacks the demo data."""
    from equilibri.accounts.models import User

    assert User.objects.filter(email__endswith="@demo.equilibri.it").exists(), (
        "the demo personas are missing from the test database: browser tests must be "
        "django_db(transaction=True, serialized_rollback=True)"
    )
    return live_server


def format_violations(url: str, violations: list[dict]) -> str:
    """A readable report of axe violations: what rule, how bad, where, and how to learn more."""
    lines = [f"{len(violations)} accessibility violation(s) (WCAG 2.1 A/AA) on {url}:"]
    for violation in violations:
        lines.append(
            f"- [{violation.get('impact') or 'n/a'}] {violation['id']}: {violation['help']}"
            f" ({violation.get('helpUrl', '')})"
        )
        for node in violation.get("nodes", []):
            target = ", ".join(
                " ".join(part) if isinstance(part, list) else str(part)
                for part in node.get("target", [])
            )
            html = " ".join(node.get("html", "").split())
            if len(html) > 300:
                html = html[:300] + "…"
            lines.append(f"    target: {target}")
            lines.append(f"    html:   {html}")
            summary = " ".join(node.get("failureSummary", "").split())
            if summary:
                lines.append(f"    why:    {summary}")
    return "\n".join(lines)


def assert_no_axe_violations(page) -> None:
    """Runs axe-core on the page (WCAG 2.0/2.1 A and AA rules only) and fails with every
    violation's id, impact, help text, targets and HTML."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page,
        options={
            "runOnly": {"type": "tag", "values": WCAG_TAGS},
            "resultTypes": ["violations"],  # passes and incomplete results are not reported
        },
    )
    violations = results.response.get("violations", [])
    assert not violations, format_violations(page.url, violations)


def current_totp_code(secret: str = DEMO_TOTP_SECRET) -> str:
    """The TOTP code valid now, waiting for the next period when this one is about to end (the
    server accepts the current period only)."""
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    period = 30
    if period - time.time() % period < 3:
        time.sleep(period - time.time() % period + 0.2)
    return format_hotp_value(hotp_value(secret, int(time.time()) // period))
