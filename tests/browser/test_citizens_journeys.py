"""Journeys of the citizens' side, as the people who make them: a citizen signs in, goes to her
personal area, sees her appointment and her voucher applications with their next step,
reschedules the appointment to another free slot and cancels it; an anonymous visitor reports an
accessibility barrier from the accessibility statement, and the ATS operator finds it in the
queue and answers it. axe-core checks every page on the way; the forms work without JavaScript.
"""

import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from equilibri.citizens.models import Message
from equilibri.desks import services as desks_services
from equilibri.desks.models import Appointment, Desk
from equilibri.desks.selectors import bookable_slots

from .conftest import DEMO_PASSWORD, assert_no_axe_violations, current_totp_code, open_page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ERBA = "Sportello conciliazione di Erba"


def sign_in(page, live_server, local_part: str, *, totp: bool) -> None:
    open_page(page, live_server.url + reverse("account_login"))
    form = page.locator("main form", has=page.locator('input[name="password"]'))
    form.locator('input[name="login"]').fill(f"{local_part}@demo.equilibri.it")
    form.locator('input[name="password"]').fill(DEMO_PASSWORD)
    form.locator('button[type="submit"]').click()
    if totp:
        page.wait_for_url(re.compile(r"/account/2fa/authenticate/$"))
        code_form = page.locator("main form", has=page.locator('input[name="code"]'))
        code_form.locator('input[name="code"]').fill(current_totp_code())
        code_form.locator('button[type="submit"]:not([form])').click()
    # staff land on the reserved area, everyone else in the personal area
    page.wait_for_url(
        live_server.url + reverse("accounts:home" if totp else "citizens_public:home")
    )


def test_citizen_reschedules_and_cancels_from_her_personal_area(page, demo_data, live_server):
    from equilibri.accounts.models import User

    user = User.objects.get(email="cittadina@demo.equilibri.it")
    desk = Desk.objects.get(name=ERBA)
    first, second = list(bookable_slots(desk)[:2])
    appointment = desks_services.appointment_book(
        slot=first, name="Cittadina", email=user.email, topic="Congedo parentale", user=user
    )

    sign_in(page, live_server, "cittadina", totp=False)  # lands in her personal area
    assert_no_axe_violations(page)
    appointments = page.locator(
        "section", has=page.get_by_role("heading", name="I miei appuntamenti")
    )
    when = timezone.localtime(first.starts_at)
    expect(appointments).to_contain_text(ERBA)
    expect(appointments).to_contain_text(f"{when:%H:%M}")
    vouchers = page.locator(
        "section", has=page.get_by_role("heading", name="Le mie domande di voucher")
    )
    expect(vouchers).to_contain_text("Stato")
    expect(vouchers.get_by_role("link").first).to_be_visible()
    expect(
        appointments.get_by_role("link", name=re.compile("Aggiungi al calendario"))
    ).to_have_attribute(
        "href", reverse("citizens_public:appointment_calendar", args=[appointment.pk])
    )

    appointments.get_by_role("link", name=re.compile("^Sposta")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sposta l'appuntamento")
    assert_no_axe_violations(page)
    page.get_by_label("Nuovo giorno e ora").select_option(str(second.pk))
    page.get_by_role("button", name="Sposta a questo orario").click()
    page.wait_for_url(live_server.url + reverse("citizens_public:home"))
    expect(page.get_by_role("alert").or_(page.locator(".alert-success")).first).to_contain_text(
        "Appuntamento spostato"
    )
    appointment.refresh_from_db()
    assert appointment.slot_id == second.pk
    assert_no_axe_violations(page)

    appointments = page.locator(
        "section", has=page.get_by_role("heading", name="I miei appuntamenti")
    )
    appointments.get_by_role("button", name=re.compile("^Annulla")).click()
    page.wait_for_url(live_server.url + reverse("citizens_public:home"))
    appointment.refresh_from_db()
    assert appointment.state == Appointment.State.CANCELLED
    expect(page.locator("main")).to_contain_text("Nessun appuntamento in programma")


def test_accessibility_report_reaches_the_ats_queue(page, demo_data, live_server):
    open_page(page, live_server.url + reverse("core:accessibility"))
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Segnala un problema di accessibilità").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Segnala un problema di accessibilità"
    )
    assert_no_axe_violations(page)
    # An empty form: a clear message, nothing saved.
    page.get_by_role("button", name="Invia la segnalazione").click()
    expect(page.locator(".invalid-feedback").first).to_be_visible()
    assert_no_axe_violations(page)
    assert not Message.objects.exists()

    page.get_by_label("Il tuo comune").fill("Tradate")
    page.get_by_label("E-mail").fill("maria.rossi@posta.it")
    page.get_by_label("Pagina in cui hai incontrato il problema").fill("/servizi/")
    page.get_by_label("Che cosa non funziona").fill("La mappa non si usa da tastiera.")
    page.get_by_role("button", name="Invia la segnalazione").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Messaggio ricevuto")
    expect(page.locator("main")).to_contain_text("AgID")
    assert_no_axe_violations(page)
    message = Message.objects.get()
    assert message.ats == message.comune.ats and message.comune.name == "Tradate"

    sign_in(page, live_server, "operatore.insubria", totp=True)
    open_page(page, live_server.url + reverse("citizens:message_list"))
    assert_no_axe_violations(page)
    page.get_by_role("link", name=re.compile("La mappa non si usa")).click()
    assert_no_axe_violations(page)
    page.get_by_label("Risposta").fill("Abbiamo corretto la mappa: grazie.")
    page.get_by_role("button", name="Invia la risposta").click()
    expect(page.locator("main")).to_contain_text("Risposta inviata")
    message.refresh_from_db()
    assert message.state == Message.State.ANSWERED
    open_page(page, live_server.url + reverse("citizens:ratings"))
    assert_no_axe_violations(page)


def test_forms_work_without_javascript(page_without_js, demo_data, live_server):
    page = page_without_js
    open_page(page, live_server.url + reverse("citizens_public:contact"))
    page.get_by_label("Il tuo comune").fill("Erba")
    page.get_by_label("Oggetto").fill("Voucher")
    page.get_by_label("Messaggio").fill("Come si fa domanda?")
    page.get_by_role("button", name="Invia il messaggio").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Messaggio ricevuto")
    open_page(page, live_server.url + reverse("citizens_public:rate") + "?momento=search")
    page.locator("label", has_text=re.compile("^4$")).click()
    page.get_by_role("button", name="Invia la valutazione").click()
    expect(page.locator("main")).to_contain_text("Grazie")
    for name in ("core:home", "core:contacts", "citizens_public:accessibility_report"):
        open_page(page, live_server.url + reverse(name))
        expect(page.locator("main h1")).to_be_visible()


def test_app_installs_and_opens_appointments_offline(browser, demo_data, live_server):
    """On a phone-sized browser: the manifest is valid with its icons, the service worker takes
    the page, the personal area (with the appointment) opens with the network cut, a page never
    kept shows the offline page, and signing out deletes the kept pages."""
    from equilibri.accounts.models import User

    user = User.objects.get(email="cittadina@demo.equilibri.it")
    slot = bookable_slots(Desk.objects.get(name=ERBA)).first()
    desks_services.appointment_book(
        slot=slot, name="Cittadina", email=user.email, topic="Congedo parentale", user=user
    )
    context = browser.new_context(
        locale="it-IT",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        reduced_motion="reduce",
    )
    context.set_default_timeout(30_000)
    page = context.new_page()
    try:
        manifest = page.request.get(live_server.url + reverse("citizens_public:manifest"))
        assert manifest.ok
        assert manifest.headers["content-type"].startswith("application/manifest+json")
        data = manifest.json()
        assert data["display"] == "standalone" and data["short_name"] and data["name"]
        assert data["start_url"] == reverse("citizens_public:home")
        for icon in data["icons"]:
            answer = page.request.get(live_server.url + icon["src"])
            assert answer.ok and answer.headers["content-type"] == "image/png", icon

        sign_in(page, live_server, "cittadina", totp=False)
        home = live_server.url + reverse("citizens_public:home")
        open_page(page, home)
        assert page.evaluate("navigator.serviceWorker.ready.then(r => Boolean(r.active))")
        expect(page.locator("link[rel=manifest]")).to_have_attribute(
            "href", reverse("citizens_public:manifest")
        )
        # Opened again, the page goes through the worker, which keeps a copy.
        page.reload()
        page.wait_for_function("Boolean(navigator.serviceWorker.controller)")
        page.wait_for_function(
            "caches.open('equilibri-personal')"
            f".then(c => c.match('{reverse('citizens_public:home')}')).then(Boolean)",
            polling=200,
        )

        context.set_offline(True)
        page.goto(home)
        expect(page.get_by_role("heading", name="I miei appuntamenti")).to_be_visible()
        expect(page.locator("main")).to_contain_text(ERBA)
        page.goto(live_server.url + reverse("desks_public:faq"))
        expect(page.get_by_role("heading", level=1)).to_have_text("Sei offline")
        context.set_offline(False)

        open_page(page, home)
        page.locator("header form[action$='/logout/'] button").click()
        page.wait_for_url(re.compile(r"/$|/account/logout/"))
        page.wait_for_function("caches.has('equilibri-personal').then(kept => !kept)", polling=200)
    finally:
        context.close()
