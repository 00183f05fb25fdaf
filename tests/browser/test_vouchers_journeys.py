"""The voucher journey of issue 6, as the people who do it: a worker signs up and applies with
two receipts, their employer confirms the employment, the manager approves part of it with a
reason, the payment batch's export lists the payment and the worker sees "paid". axe-core checks
the public pages and the reserved pages on the way. (The two-manager race is a non-browser
test: tests/vouchers/test_race.py.)"""

import datetime
import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from tests.uploads import pdf_bytes

from .conftest import (
    DEMO_PASSWORD,
    assert_no_axe_violations,
    current_totp_code,
    open_page,
)

SCHEME = "Family voucher a rimborso 2026"
WORKER_EMAIL = "nuova.lavoratrice@example.org"
WORKER_PASSWORD = "Conciliare-2026-prova"
PDF = pdf_bytes()

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def sign_in(page, live_server, email: str, password: str, *, totp: bool) -> None:
    open_page(page, live_server.url + reverse("account_login"))
    form = page.locator("main form", has=page.locator('input[name="password"]'))
    form.locator('input[name="login"]').fill(email)
    form.locator('input[name="password"]').fill(password)
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


def sign_out(page, live_server) -> None:
    page.context.clear_cookies()


def staff(page, live_server, local_part: str) -> None:
    sign_out(page, live_server)
    sign_in(page, live_server, f"{local_part}@demo.equilibri.it", DEMO_PASSWORD, totp=True)


def menu(page, item: str) -> None:
    page.get_by_role("navigation", name="Area riservata").get_by_role(
        "link", name=item, exact=True
    ).click()
    page.wait_for_load_state("load")
    assert_no_axe_violations(page)


def add_receipt(page, number: str, amount: str) -> None:
    form = page.locator("form", has=page.locator('input[name="expense-amount"]'))
    day = timezone.localdate() - datetime.timedelta(days=12)
    form.locator('input[name="expense-payer"]').fill("Valentina Neri")
    form.locator('input[name="expense-receipt_number"]').fill(number)
    form.locator('input[name="expense-receipt_date"]').fill(day.isoformat())
    form.locator('input[name="expense-provider_name"]').fill("L'Aquilone Coop. Soc.")
    form.locator('input[name="expense-provider_tax_id"]').fill("02456780010")
    form.locator('select[name="expense-category"]').select_option("prima-infanzia")
    form.locator('input[name="expense-service"]').fill("Nido part-time")
    form.locator('input[name="expense-beneficiary"]').fill("Pietro Neri")
    form.locator('input[name="expense-amount"]').fill(amount)
    form.locator('input[name="expense-file"]').set_input_files(
        {"name": f"{number}.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    form.get_by_role("button", name="Aggiungi la spesa").click()
    expect(page.get_by_text("Spesa aggiunta con la sua ricevuta.")).to_be_visible()


def test_worker_applies_employer_confirms_manager_approves_part_and_pays(
    page, demo_data, live_server
):
    from equilibri.territory.models import Comune
    from equilibri.vouchers.models import Scheme, VoucherApplication

    # Public pages, for everyone.
    open_page(page, live_server.url + reverse("vouchers_public:scheme_list"))
    assert_no_axe_violations(page)
    page.get_by_role("link", name=SCHEME).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(SCHEME)
    assert_no_axe_violations(page)

    # A new worker signs up.
    open_page(page, live_server.url + reverse("account_signup"))
    signup = page.locator("main form", has=page.locator('input[name="password1"]'))
    signup.locator('input[name="email"]').fill(WORKER_EMAIL)
    signup.locator('input[name="password1"]').fill(WORKER_PASSWORD)
    signup.locator('input[name="password2"]').fill(WORKER_PASSWORD)
    signup.locator('button[type="submit"]').click()
    page.wait_for_load_state("load")

    scheme = Scheme.objects.get(title=SCHEME)
    open_page(page, live_server.url + reverse("vouchers_public:scheme_detail", args=[scheme.pk]))
    page.get_by_role("link", name="Presenta la domanda").click()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Inizia la domanda").click()
    page.wait_for_url(re.compile(r"/voucher/domande/\d+/modifica/$"))
    assert_no_axe_violations(page)

    # Personal data, employer and IBAN.
    personal = page.locator("form", has=page.locator('input[name="fiscal_code"]'))
    personal.locator('input[name="first_name"]').fill("Valentina")
    personal.locator('input[name="last_name"]').fill("Neri")
    personal.locator('input[name="fiscal_code"]').fill("NREVNT90H61L319I")
    personal.locator('input[name="address"]').fill("Via Roma 10")
    tradate = Comune.objects.get(name="Tradate")
    personal.locator('select[name="comune"]').select_option(str(tradate.pk))
    personal.locator('select[name="employer"]').select_option(label="L'Arca Coop. Soc.")
    personal.locator('input[name="iban"]').fill("IT60 X054 2811 1010 0000 0123 456")
    personal.locator('input[name="declarations_accepted"]').check(force=True)
    personal.get_by_role("button", name="Salva i dati").click()
    expect(page.get_by_text("Dati salvati.")).to_be_visible()

    # A child, two receipts and the identity document.
    family = page.locator("form", has=page.locator('input[name="family-name"]'))
    family.locator('input[name="family-name"]').fill("Pietro Neri")
    three_years = timezone.localdate().replace(year=timezone.localdate().year - 3, day=1)
    family.locator('input[name="family-birth_date"]').fill(three_years.isoformat())
    family.get_by_role("button", name="Aggiungi il familiare").click()
    expect(page.get_by_text("Familiare aggiunto.")).to_be_visible()
    add_receipt(page, "BR-101", "200,00")
    add_receipt(page, "BR-102", "160,00")
    documents = page.locator("form", has=page.locator('input[name="doc-file"]'))
    documents.locator('input[name="doc-file"]').set_input_files(
        {"name": "documento.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    documents.get_by_role("button", name="Allega il documento").click()
    expect(page.get_by_text("Documento allegato.")).to_be_visible()
    # The computed amount, before sending: 50% of 360 € = 180 €.
    expect(page.locator("#amount")).to_contain_text("€ 180,00")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Invia la domanda").click()
    expect(page.get_by_text("Domanda inviata")).to_be_visible()
    assert_no_axe_violations(page)
    application = VoucherApplication.objects.get(applicant__email=WORKER_EMAIL)
    assert application.state == VoucherApplication.State.SUBMITTED

    # The employer confirms from their reserved area.
    staff(page, live_server, "hr.arca")
    menu(page, "Attestazioni voucher")
    page.get_by_role("link", name=re.compile("Valentina Neri")).click()
    assert_no_axe_violations(page)
    page.locator('select[name="attest-confirmed"]').select_option("1")
    page.get_by_role("button", name="Invia la risposta").click()
    expect(page.get_by_text("Risposta registrata")).to_be_visible()

    # The manager approves part of it, with a reason.
    staff(page, live_server, "alleanza.tradate")
    menu(page, "Voucher")
    page.get_by_role("link", name=SCHEME).click()
    assert_no_axe_violations(page)
    page.get_by_role("link", name=str(application.pk), exact=True).click()
    assert_no_axe_violations(page)
    # Every receipt is checked first: approval needs it.
    checklist = page.locator("form", has=page.locator('select[name^="check-expense-"]'))
    for select in checklist.locator("select").all():
        select.select_option("ok")
    checklist.get_by_role("button", name="Registra la verifica").click()
    expect(page.get_by_text("Verifica dei documenti registrata.")).to_be_visible()
    approve = page.locator("form", has=page.locator('input[name="approve-amount"]'))
    approve.locator('input[name="approve-amount"]').fill("150,00")
    approve.locator('textarea[name="approve-reason"]').fill(
        "La seconda ricevuta supera la tariffa ammessa"
    )
    approve.get_by_role("button", name="Approva").click()
    expect(page.get_by_text("Decisione registrata.")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Approvata in parte")

    # The payment batch: its export lists the payment; then it is paid.
    page.get_by_role("link", name=SCHEME).click()
    page.locator('input[name="batch-title"]').fill("Rimborsi di prova")
    page.get_by_role("button", name="Crea il lotto con le domande approvate").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rimborsi di prova")
    assert_no_axe_violations(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV").click()
    csv = Path(download_info.value.path()).read_text(encoding="utf-8-sig")
    assert "Valentina Neri" in csv and "IT60X0542811101000000123456" in csv and "150.00" in csv
    page.get_by_role("button", name="Segna il lotto come pagato").click()
    expect(page.get_by_text("Lotto segnato come pagato.")).to_be_visible()

    # The worker sees "paid" and the whole timeline.
    sign_out(page, live_server)
    sign_in(page, live_server, WORKER_EMAIL, WORKER_PASSWORD, totp=False)
    open_page(page, live_server.url + reverse("vouchers_public:my_applications"))
    assert_no_axe_violations(page)
    page.get_by_role("link", name=SCHEME).click()
    expect(page.locator("main")).to_contain_text("Pagata")
    timeline = page.get_by_role("region", name="Cronologia")
    for step in ("Inviata", "Confermata dal datore di lavoro", "Approvata in parte", "Pagata"):
        expect(timeline).to_contain_text(step)
    assert_no_axe_violations(page)
