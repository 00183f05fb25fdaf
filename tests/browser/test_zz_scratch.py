import time

import pytest

from tests.browser.conftest import current_totp_code, format_violations


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_scratch(page, demo_data_present, live_server):
    page.on("response", lambda r: r.status >= 400 and print("RESP", r.status, r.url))
    page.on("console", lambda m: print("CONSOLE", m.type, m.text))
    t = time.time()
    r = page.goto(live_server.url + "/")
    print("status", r.status, time.time() - t)
    page.screenshot(path="/tmp/home.png", full_page=True)
    from axe_playwright_python.sync_playwright import Axe

    for url in [
        "/",
        "/en/",
        "/servizi/",
        "/servizi/?q=centro+estivo",
        "/sportelli/",
        "/sportelli/?comune=Erba",
        "/sportelli/?comune=Ebra",
        "/accessibilita/",
        "/privacy/",
        "/contatti/",
        "/account/login/",
        "/account/signup/",
        "/account/password/reset/",
        "/pagina-che-non-esiste/",
        "/en/account/login/",
        "/en/sportelli/?comune=Erba",
    ]:
        t = time.time()
        r = page.goto(live_server.url + url)
        res = Axe().run(
            page,
            options={
                "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
                "resultTypes": ["violations"],
            },
        )
        v = res.response["violations"]
        print(
            url, r.status, round(time.time() - t, 2), format_violations(page.url, v) if v else "OK"
        )
        page.screenshot(
            path="/tmp/shot" + url.replace("/", "_").replace("?", "_") + ".png", full_page=True
        )
    page.goto(live_server.url + "/account/login/")
    page.fill("input[name=login]", "operatore.insubria@demo.equilibri.it")
    page.fill("input[name=password]", "Equilibri-demo-2026")
    print(page.inner_html("main"))
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    print(page.url)
    page.screenshot(path="/tmp/2fa.png", full_page=True)
    print(page.inner_html("main"))
    page.fill("input[name=code]", current_totp_code())
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    print(page.url)
    page.screenshot(path="/tmp/reserved.png", full_page=True)
    res = Axe().run(
        page,
        options={
            "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}
        },
    )
    print(format_violations(page.url, res.response["violations"]))
    print(page.inner_text("main"))
