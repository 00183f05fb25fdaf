"""Journeys through the help desks, as the people who make them: a citizen who has never used
the platform finds the nearest desk to Erba, books 10:00 on its next open day, confirms through
the link in the e-mail, gets the iCal file and cancels with the link; a desk operator logs a
contact with a knowledge article and a referral to a catalogue service and finds it in the
statistics.
axe-core checks every page on the way, and the public pages of the help desks."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from playwright.sync_api import expect

from equilibri.desks import services
from equilibri.desks.models import Desk

from .conftest import (
    DEMO_PASSWORD,
    assert_no_axe_violations,
    current_totp_code,
    open_page,
)

ERBA = "Sportello conciliazione di Erba"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def sign_in(page, live_server, local_part: str) -> None:
    """Signs in a staff persona through the login form and the TOTP step."""
    open_page(page, live_server.url + reverse("account_login"))
    login_form = page.locator("main form", has=page.locator('input[name="password"]'))
    login_form.locator('input[name="login"]').fill(f"{local_part}@demo.equilibri.it")
    login_form.locator('input[name="password"]').fill(DEMO_PASSWORD)
    login_form.locator('button[type="submit"]').click()
    page.wait_for_url(re.compile(r"/account/2fa/authenticate/$"))
    code_form = page.locator("main form", has=page.locator('input[name="code"]'))
    code_form.locator('input[name="code"]').fill(current_totp_code())
    code_form.locator('button[type="submit"]:not([form])').click()
    page.wait_for_url(live_server.url + reverse("accounts:home"))


def check(scope, label: str) -> None:
    """Ticks a checkbox by its label, as a person does (Bootstrap Italia hides the box)."""
    scope.locator("label").filter(has_text=re.compile("^" + re.escape(label) + "$")).click()
    expect(scope.get_by_label(label, exact=True)).to_be_checked()


def link_in(body: str, marker: str) -> str:
    """The path of the link in an e-mail (the e-mail carries SITE_URL, the test a live server)."""
    for word in body.split():
        if marker in word:
            return "/" + word.split("://", 1)[1].split("/", 1)[1]
    raise AssertionError(f"no link with {marker} in:\n{body}")


def test_citizen_books_tomorrow_at_ten_and_cancels_with_the_link(page, demo_data, live_server):
    mail.outbox.clear()
    open_page(page, live_server.url + reverse("desks_public:nearest"))
    assert_no_axe_violations(page)
    page.get_by_label("Il tuo comune").fill("Erba")
    page.locator("main form").get_by_role("button", name="Cerca").click()
    page.wait_for_url(re.compile(r"comune=Erba"))
    results = page.get_by_role("region", name=re.compile("Sportelli vicino a Erba"))
    expect(results.get_by_role("heading", name=ERBA)).to_be_visible()
    expect(results).to_contain_text("km")
    assert_no_axe_violations(page)

    results.get_by_role("link", name=ERBA).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(ERBA)
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Prenota un appuntamento").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Prenota un colloquio")
    assert_no_axe_violations(page)

    # The next open day's group (tomorrow unless it is a holiday), not the first one: before
    # 10:00 today's 10:00 is still free.
    tomorrow = services.next_open_day(Desk.objects.get(name=ERBA), timezone.localdate())
    with translation.override("it"):
        day = date_format(tomorrow, "l j F Y")
    slot_select = page.get_by_label("Giorno e ora")
    group = slot_select.locator(f'optgroup[label="{day}"]')
    option = group.locator("option", has_text="10:00–10:30 · In presenza")
    slot_select.select_option(value=option.get_attribute("value"))
    page.get_by_label("Nome e cognome").fill("Elena Conti")
    page.get_by_label("E-mail").fill("elena.conti@posta.it")
    page.get_by_label("Di cosa vuoi parlare").fill("Vorrei capire il congedo parentale.")
    # Bootstrap Italia hides the checkbox itself behind its label.
    page.locator("label[for=booking-privacy]").click()
    expect(page.get_by_label("Ho letto l'informativa")).to_be_checked()
    page.get_by_role("button", name="Prenota").click()
    expect(page.locator(".alert-success, [role=alert]").first).to_contain_text(
        "elena.conti@posta.it"
    )

    # The e-mail asks to confirm; the confirmed booking comes with the iCal file.
    assert len(mail.outbox) == 1, [m.subject for m in mail.outbox]
    confirm = link_in(mail.outbox[0].body, "/conferma/")
    open_page(page, live_server.url + confirm)
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Conferma la prenotazione").click()
    expect(page.locator("main")).to_contain_text("Prenotazione confermata")
    confirmed = mail.outbox[-1]
    assert confirmed.to == ["elena.conti@posta.it"]
    name, ics, mimetype = confirmed.attachments[0]
    assert (name, mimetype) == ("appuntamento.ics", "text/calendar")
    assert f"DTSTART;TZID=Europe/Rome:{tomorrow:%Y%m%d}T100000" in ics

    cancel = link_in(confirmed.body, "/annulla/")
    open_page(page, live_server.url + cancel)
    expect(page.locator("main")).to_contain_text("10:00")
    page.get_by_role("button", name="Annulla l'appuntamento").click()
    expect(page.locator("main")).to_contain_text("Appuntamento annullato")
    # The same link again: a clear page, not an error.
    open_page(page, live_server.url + cancel, status=410)
    expect(page.get_by_role("heading", level=1)).to_have_text("Link già usato")
    assert_no_axe_violations(page)


def test_public_help_desk_pages_are_accessible(page, demo_data, live_server):
    from equilibri.desks.models import CollectiveAgreement

    for url in [
        reverse("desks_public:faq"),
        reverse("desks_public:faq") + "?q=congedo",
        reverse("desks_public:agreements"),
        reverse("desks_public:agreements") + "?q=welfare&tipo=ccnl",
        reverse("desks_public:agreement_detail", args=[CollectiveAgreement.objects.first().pk]),
    ]:
        open_page(page, live_server.url + url)
        assert_no_axe_violations(page)
    open_page(page, live_server.url + reverse("desks_public:appointment_cancel", args=["x:y"]), 400)
    assert_no_axe_violations(page)


def test_operator_logs_a_contact_and_sees_it_in_the_statistics(page, demo_data, live_server):
    from equilibri.catalogue.models import Service

    service = (
        Service.objects.filter(review_state=Service.Review.PUBLISHED)
        .exclude(listed_object__startswith="desks:")
        .select_related("organisation")
        .order_by("name")
        .first()
    )
    sign_in(page, live_server, "sportello.erba")
    page.get_by_role("navigation", name="Area riservata").get_by_role(
        "link", name="Sportello: agenda e contatti"
    ).click()
    page.wait_for_url(re.compile(re.escape(reverse("desks:agenda")) + r"$"))
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Registra un contatto").first.click()
    page.wait_for_url(re.compile(re.escape(reverse("desks:contact_create"))))
    assert_no_axe_violations(page)

    # The knowledge base, searched from the contact form.
    page.get_by_label("Parole da cercare").fill("paternità")
    results = page.locator("#kb-results")
    expect(results).to_contain_text("Congedo di paternità obbligatorio")

    form = page.locator("main form[method=post]")
    form.get_by_label("Canale").select_option("phone")
    form.get_by_label("Genere").select_option("male")
    form.get_by_label("Fascia d'età").select_option("35_44")
    check(form, "Congedi e permessi (maternità, paternità, parentali, legge 104)")
    form.get_by_label("Risposta data").fill("Spiegati i 10 giorni di congedo di paternità.")
    check(form, "Congedo di paternità obbligatorio")
    form.get_by_label("Invio a servizi del catalogo").select_option(
        label=f"{service.name} — {service.organisation.name}"
    )
    form.get_by_role("button", name="Registra il contatto").click()
    expect(page.locator("main")).to_contain_text("Contatto registrato")
    expect(page.locator("main")).to_contain_text(service.name)
    assert_no_axe_violations(page)

    page.get_by_role("navigation", name="Sezioni dello sportello").get_by_role(
        "link", name="Statistiche"
    ).click()
    page.wait_for_url(re.compile(re.escape(reverse("desks:stats"))))
    targets = page.locator("#table-referral_targets")
    expect(targets).to_contain_text(service.name)
    expect(page.locator("#table-by_need")).to_contain_text("Congedi e permessi")
    assert_no_axe_violations(page)


def test_citizen_books_a_video_call_and_gets_its_link(page, demo_data, live_server):
    """A video appointment: the booking needs no phone, and the confirmation e-mail, its .ics
    and the operator's agenda carry the call's own link."""
    mail.outbox.clear()
    desk = Desk.objects.get(name=ERBA)
    open_page(page, live_server.url + reverse("desks_public:book", args=[desk.pk]))
    slot_select = page.get_by_label("Giorno e ora")
    option = slot_select.locator("option", has_text="Videochiamata").first
    slot_select.select_option(value=option.get_attribute("value"))
    page.get_by_label("Nome e cognome").fill("Elena Conti")
    page.get_by_label("E-mail").fill("elena.conti@posta.it")
    page.get_by_label("Di cosa vuoi parlare").fill("Lavoro agile.")
    page.locator("label[for=booking-privacy]").click()
    page.get_by_role("button", name="Prenota").click()
    expect(page.locator(".alert-success, [role=alert]").first).to_contain_text(
        "elena.conti@posta.it"
    )
    open_page(page, live_server.url + link_in(mail.outbox[0].body, "/conferma/"))
    page.get_by_role("button", name="Conferma la prenotazione").click()
    expect(page.locator("main")).to_contain_text("Prenotazione confermata")
    confirmed = mail.outbox[-1]
    meeting = re.search(r"https://meet\.example\.org/\S+", confirmed.body)
    assert meeting, confirmed.body
    assert meeting.group(0) in confirmed.attachments[0][1].replace("\r\n ", "")

    appointment = desk.appointments.get(email="elena.conti@posta.it")
    day = timezone.localtime(appointment.slot.starts_at).date()
    sign_in(page, live_server, "sportello.erba")
    open_page(page, live_server.url + reverse("desks:agenda") + f"?giorno={day.isoformat()}")
    link = page.get_by_role("link", name="Apri la videochiamata")
    expect(link).to_have_attribute("href", meeting.group(0))
    assert_no_axe_violations(page)
