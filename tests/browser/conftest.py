"""Browser tests: Debian chromium driven through Playwright, against pytest-django's live server.

Every browser test is marked ``browser`` and
``django_db(transaction=True, serialized_rollback=True)``: the live server then reads a database
holding the geography and the demo personas that tests/conftest.py loads once per test database
(the ``demo_data`` fixture checks it).

Playwright and chromium start once per xdist worker for the whole browser package (package
scope, not session scope: see ``playwright_instance``).
"""

import time
from collections.abc import Iterator

import pytest

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


@pytest.fixture(scope="package", autouse=True)
def _restorable_demo_data(django_db_setup, django_db_blocker):
    """At the end, the demo data goes back in the database (the last browser test flushed it),
    so the tests after these find it as they would have without them. (Restoring it does not
    touch the audit log: settings.AUDITLOG_DISABLE_ON_RAW_SAVE; static files come from the
    finders: tests/conftest.py.)"""
    from django.db import connections

    yield
    with django_db_blocker.unblock():
        for connection in connections.all():
            contents = getattr(connection, "_test_serialized_contents", None)
            if contents:
                connection.creation.deserialize_db_from_string(contents)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each browser test starts with an empty cache, which the live server shares (same
    process): allauth remembers used TOTP codes there for a period, so a code that another test
    of this worker used in the last 30 seconds would otherwise be refused; rate-limit counters
    live there too."""
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()


def _share_thread_connections_with_the_event_loop() -> None:
    """Playwright's sync API marks its event loop as running in the main thread for as long as
    it lives. Django's connection handler then stops using its thread-local connections and
    keeps per-context ones instead: new connection objects, without the serialized demo data
    that serialized rollback restores from (so the data vanished after the first test's flush),
    and not the ones an in-memory SQLite live server shares. Point the event-loop storage at the
    thread's own connections, so the main thread keeps using the same ones."""
    from django.db import connections

    handler_local = connections._connections  # type: ignore[attr-defined]  # asgiref Local
    thread_storage = handler_local._storage  # its threading.local, used while no loop runs
    for alias in connections:
        connection = getattr(thread_storage, alias, None)
        if connection is not None:
            setattr(handler_local, alias, connection)  # goes to the event-loop storage


@pytest.fixture(scope="package")
def playwright_instance(django_db_setup, _restorable_demo_data) -> Iterator:
    """Playwright, for the browser tests of this worker.

    Package scope rather than session scope: while Playwright runs, its event loop counts as
    running in the main thread, so Django needs DJANGO_ALLOW_ASYNC_UNSAFE for every ORM call
    from the tests. Both end with the browser tests, so the other tests (and the subprocesses
    they start, e.g. ``check --deploy``, which rejects that variable) run as usual. pytest-django
    runs the transactional tests together, so this starts once per worker. The test database
    is set up first (``django_db_setup``), on the thread's connections, and Playwright stops
    before ``_restorable_demo_data`` reloads the demo data."""
    from playwright.sync_api import sync_playwright

    with pytest.MonkeyPatch.context() as patch:
        # Test setup and the tests call the ORM between Playwright calls, never during one.
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            _share_thread_connections_with_the_event_loop()
            yield playwright


@pytest.fixture(scope="package")
def browser(playwright_instance) -> Iterator:
    browser = playwright_instance.chromium.launch(
        executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
    )
    yield browser
    browser.close()


def _new_context(browser, **kwargs):
    context = browser.new_context(
        locale="it-IT",
        viewport={"width": 1280, "height": 900},
        # Bootstrap's transitions off: axe and screenshots see the final colours at once.
        reduced_motion="reduce",
        **kwargs,
    )
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
def demo_data(live_server):
    """The demo data, as the live server sees it: fails early and clearly when it is missing."""
    from equilibri.accounts.models import User

    assert User.objects.filter(email__endswith="@demo.equilibri.it").exists(), (
        "the demo personas are missing from the test database: browser tests must be marked "
        "django_db(transaction=True, serialized_rollback=True)"
    )


def open_page(page, url: str, status: int = 200):
    """Loads the page and checks it is whole: the expected HTTP status, and every stylesheet,
    script, font and image it loads answers (an unstyled page would make axe's colour checks
    meaningless)."""
    broken: list[str] = []

    def on_response(response):
        # The document's own status is checked below; this is about what it loads.
        if response.status >= 400 and not response.request.is_navigation_request():
            broken.append(f"HTTP {response.status} {response.url}")

    def on_failed(request):
        # Chromium fetches the favicon after the load event and aborts it when the next page
        # starts loading: not a broken resource (a missing favicon still shows as a 404).
        if request.failure == "net::ERR_ABORTED" and "favicon" in request.url:
            return
        broken.append(f"{request.failure} {request.url}")

    page.on("response", on_response)
    page.on("requestfailed", on_failed)
    try:
        response = page.goto(url, wait_until="load")
        # Web fonts change text metrics; let them settle before measuring anything.
        page.evaluate("document.fonts.ready.then(() => true)")
    finally:
        page.remove_listener("response", on_response)
        page.remove_listener("requestfailed", on_failed)
    assert response is not None, f"no response for {url}"
    assert response.status == status, f"{url}: HTTP {response.status}, expected {status}"
    assert not broken, f"{url}: broken resources:\n" + "\n".join(broken)
    return response


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
    from playwright.sync_api import Error as PlaywrightError

    options = {
        "runOnly": {"type": "tag", "values": WCAG_TAGS},
        "resultTypes": ["violations"],  # passes and incomplete results are not reported
    }
    # A click that follows a link returns once the navigation has started, not once the new
    # page is there: axe run in between finds no document (or its context destroyed). Wait for
    # the page, and run again once if the navigation still swapped the document under axe.
    page.wait_for_load_state("load")
    try:
        results = Axe().run(page, options=options)
    except PlaywrightError as error:
        if "documentElement" not in error.message and "context was destroyed" not in error.message:
            raise
        page.wait_for_load_state("load")
        results = Axe().run(page, options=options)
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
