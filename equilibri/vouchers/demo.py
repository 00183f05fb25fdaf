"""Demo data: the Tradate project's "Family voucher a rimborso" for the employees of its partner
organisations (seed 002), with applications in every state, and a Milano scheme for the
cross-ATS checks. People, receipts and amounts are illustrative. Dates follow today's date so
the scheme is always open. Written straight to the database (fast); idempotent."""

import datetime
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import Sum
from django.utils import timezone

from equilibri.accounts.models import User
from equilibri.core.genders import Gender
from equilibri.network.models import Organisation
from equilibri.plans.models import Action
from equilibri.territory.models import Comune

from .models import (
    ApplicationEvent,
    Attachment,
    ExpenseLine,
    FamilyMember,
    Payment,
    PaymentBatch,
    Scheme,
    VoucherApplication,
)
from .services import receipt_key

AppState = VoucherApplication.State
TRADATE_SCHEME = "Family voucher a rimborso 2026"
TRADATE_ACTION = "Family voucher a rimborso per i dipendenti delle organizzazioni partner"
MILANO_SCHEME = "Contributi per servizi di conciliazione ai lavoratori delle aziende partner"
PDF = b"%PDF-1.4\n% Ricevuta dimostrativa Equilibri\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PROVIDERS = [
    ("L'Aquilone Coop. Soc.", "02456780010", "prima-infanzia", "Nido part-time"),
    ("Baobab Coop. Soc.", "03123450151", "pre-post-scuola", "Post-scuola"),
    ("Itaca Coop. Soc.", "01987650122", "centri-estivi", "Centro estivo"),
]
ID_DOCUMENT = "Documento d'identità"
DEMO_IBAN = "IT60X0542811101000000123456"
DECLARATIONS = (
    "Dichiaro che le spese non sono state rimborsate da altri contributi pubblici o dal "
    "welfare aziendale.\n"
    "Dichiaro che i dati indicati sono veri (DPR 445/2000)."
)

# (local part or None for an extra demo worker, first, last, fiscal code, state, requested,
# approved, employer)
PEOPLE = [
    ("cittadina", "Giulia", "Bianchi", "BNCGLI88E52L319S", AppState.PAID, "300.00", "300.00"),
    ("cittadina", "Giulia", "Bianchi", "BNCGLI88E52L319S", AppState.DRAFT, "0", "0"),
    (None, "Sara", "Colombo", "CLMSRA85R50L682H", AppState.SUBMITTED, "180.00", "0"),
    (None, "Luca", "Ferrari", "FRRLCU85R10L682R", AppState.INTEGRATION_REQUESTED, "220.00", "0"),
    (None, "Elena", "Galli", "GLLLNE85R50L682M", AppState.EMPLOYER_CONFIRMED, "200.00", "0"),
    (None, "Paolo", "Conti", "CNTPLA85R10L682U", AppState.APPROVED, "400.00", "400.00"),
    (None, "Anna", "Ricci", "RCCNNA85R50L682V", AppState.PARTLY_APPROVED, "350.00", "250.00"),
    (None, "Davide", "Marino", "MRNDVD85R10L682O", AppState.APPROVED, "400.00", "400.00"),
    (None, "Laura", "Greco", "GRCLRA85R50L682D", AppState.WAITING, "400.00", "400.00"),
    (None, "Silvia", "Bruno", "BRNSLV85R50L682B", AppState.REJECTED, "150.00", "0"),
]
PATHS = {
    AppState.DRAFT: [],
    AppState.SUBMITTED: [AppState.SUBMITTED],
    AppState.INTEGRATION_REQUESTED: [AppState.SUBMITTED, AppState.INTEGRATION_REQUESTED],
    AppState.EMPLOYER_CONFIRMED: [AppState.SUBMITTED, AppState.EMPLOYER_CONFIRMED],
    AppState.APPROVED: [AppState.SUBMITTED, AppState.EMPLOYER_CONFIRMED, AppState.APPROVED],
    AppState.PARTLY_APPROVED: [
        AppState.SUBMITTED,
        AppState.EMPLOYER_CONFIRMED,
        AppState.PARTLY_APPROVED,
    ],
    AppState.WAITING: [AppState.SUBMITTED, AppState.EMPLOYER_CONFIRMED, AppState.WAITING],
    AppState.REJECTED: [AppState.SUBMITTED, AppState.EMPLOYER_CONFIRMED, AppState.REJECTED],
    AppState.PAID: [
        AppState.SUBMITTED,
        AppState.EMPLOYER_CONFIRMED,
        AppState.APPROVED,
        AppState.PAID,
    ],
}
NOTES = {
    AppState.INTEGRATION_REQUESTED: "Allega la ricevuta completa di codice fiscale del fornitore.",
    AppState.PARTLY_APPROVED: "Una ricevuta riguarda un servizio non ammesso (trasporto).",
    AppState.WAITING: "Budget esaurito: in attesa in ordine di invio.",
    AppState.REJECTED: "Le spese sono già coperte dal welfare aziendale.",
}


def _demo_file() -> str:
    """One illustrative PDF shared by every demo receipt (loading stays fast and leaves one
    file in private storage, whatever the number of loads)."""
    name = "vouchers/demo/ricevuta-dimostrativa.pdf"
    if not default_storage.exists(name):
        name = default_storage.save(name, ContentFile(PDF))
    return name


def _worker(first: str, last: str) -> User:
    email = f"{first.lower()}.{last.lower()}@lavoratori.demo.equilibri.it"
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, first_name=first, last_name=last)
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


DEMO_DEBTOR_IBAN = "IT60X0542811101000000123456"
DEMO_DEBTOR_BIC = "BCITITMM"


def _scheme(action: Action, title: str, budget: Decimal, today: datetime.date, **extra) -> Scheme:
    scheme, _created = Scheme.objects.get_or_create(
        action=action,
        title=title,
        defaults={
            "description": (
                "Rimborso di una parte delle spese per servizi di conciliazione (nidi, "
                "pre e post scuola, centri estivi) sostenute dai dipendenti delle "
                "organizzazioni partner del progetto. Importi e date illustrativi."
            ),
            "budget": budget,
            "partner_employees_only": True,
            "child_max_age": 14,
            "categories": ["prima-infanzia", "pre-post-scuola", "centri-estivi"],
            "percentage": Decimal("50"),
            "cap_per_application": Decimal("400"),
            "cap_per_family_year": Decimal("800"),
            "minimum_amount": Decimal("40"),
            "claim_within_days": 90,
            "opens_on": today - datetime.timedelta(days=200),
            "closes_on": today + datetime.timedelta(days=160),
            "expenses_from": today - datetime.timedelta(days=290),
            "expenses_until": today + datetime.timedelta(days=160),
            "required_documents": "",
            "declarations": DECLARATIONS,
            # The paying ATS's account for the SEPA file: the well-known Italian example IBAN
            # (valid check digits, no real account) and a BIC of the right form.
            "debtor_name": action.project.plan.ats.official_name[:70],
            "debtor_iban": DEMO_DEBTOR_IBAN,
            "debtor_bic": DEMO_DEBTOR_BIC,
            **extra,
        },
    )
    return scheme


def load() -> None:
    today = timezone.localdate()
    action = Action.objects.filter(title=TRADATE_ACTION).select_related("project").first()
    if action is None or Scheme.objects.filter(title=TRADATE_SCHEME).exists():
        return
    scheme = _scheme(
        action, TRADATE_SCHEME, Decimal("1600.00"), today, required_documents=ID_DOCUMENT
    )
    comuni = list(Comune.objects.filter(name__in=["Tradate", "Arcisate", "Sesto Calende"]))
    scheme.comuni.set(comuni)
    tradate = next((c for c in comuni if c.name == "Tradate"), None)
    arca = Organisation.objects.get(name="L'Arca Coop. Soc.")
    operator = User.objects.filter(email="alleanza.tradate@demo.equilibri.it").first()
    batch = None
    for index, (local, first, last, code, state, requested, approved) in enumerate(PEOPLE):
        applicant = (
            User.objects.get(email=f"{local}@demo.equilibri.it") if local else _worker(first, last)
        )
        submitted = timezone.now() - datetime.timedelta(days=60 - index)
        application = VoucherApplication.objects.create(
            scheme=scheme,
            applicant=applicant,
            state=state,
            first_name=first,
            last_name=last,
            fiscal_code=code,
            gender=Gender.FEMALE if code[9] >= "4" else Gender.MALE,
            address="Via dimostrativa 1",
            comune=tradate,
            iban=DEMO_IBAN,
            employer=arca,
            declarations_accepted=state != AppState.DRAFT,
            requested_amount=Decimal(requested),
            approved_amount=Decimal(approved),
            decision_reason=NOTES.get(state, "") if state != AppState.INTEGRATION_REQUESTED else "",
            integration_message=NOTES.get(AppState.INTEGRATION_REQUESTED, "")
            if state == AppState.INTEGRATION_REQUESTED
            else "",
            integration_deadline=(
                today + datetime.timedelta(days=15)
                if state == AppState.INTEGRATION_REQUESTED
                else None
            ),
            submitted_at=submitted if state != AppState.DRAFT else None,
            employer_confirmed_at=(
                submitted if AppState.EMPLOYER_CONFIRMED in PATHS[state] else None
            ),
        )
        FamilyMember.objects.create(
            application=application,
            name=f"{'Tommaso' if index % 2 else 'Sofia'} {last}",
            birth_date=today.replace(year=today.year - 3 - index % 8, day=1),
        )
        provider, tax_id, category, service = PROVIDERS[index % len(PROVIDERS)]
        amount = (Decimal(requested) * 2) if requested != "0" else Decimal("120.00")
        line = ExpenseLine(
            application=application,
            payer=f"{first} {last}",
            receipt_number=f"DEMO-{index + 1:03d}",
            receipt_date=today - datetime.timedelta(days=30 + index),
            provider_name=provider,
            provider_tax_id=tax_id,
            category=category,
            service=service,
            beneficiary=f"{'Tommaso' if index % 2 else 'Sofia'} {last}",
            amount=amount,
            file_type="application/pdf",
            receipt_key=receipt_key(tax_id, f"DEMO-{index + 1:03d}"),
        )
        line.file.name = _demo_file()
        line.save()
        if state != AppState.DRAFT:
            document = Attachment(
                application=application, name=ID_DOCUMENT, file_type="application/pdf"
            )
            document.file.name = _demo_file()
            document.save()
        ApplicationEvent.objects.create(application=application, state=AppState.DRAFT, by=applicant)
        previous = AppState.DRAFT
        for step in PATHS[state]:
            by = applicant if step == AppState.SUBMITTED else operator
            ApplicationEvent.objects.create(
                application=application,
                from_state=previous,
                state=step,
                by=by,
                note=NOTES.get(step, "") if step == state else "",
            )
            previous = step
        if state == AppState.PAID:
            paid_on = today - datetime.timedelta(days=5)
            batch = PaymentBatch.objects.create(
                scheme=scheme,
                title="Rimborsi del mese precedente",
                state=PaymentBatch.State.PAID,
                paid_on=paid_on,
                created_by=operator,
            )
            Payment.objects.create(
                batch=batch,
                application=application,
                amount=application.approved_amount,
                iban=DEMO_IBAN,
                payee=application.full_name,
            )
            VoucherApplication.objects.filter(pk=application.pk).update(
                paid_amount=application.approved_amount, paid_on=paid_on
            )
    reserved = scheme.applications.filter(
        state__in=[AppState.APPROVED, AppState.PARTLY_APPROVED, AppState.PAID]
    ).aggregate(total=Sum("approved_amount"))["total"] or Decimal("0")
    Scheme.objects.filter(pk=scheme.pk).update(reserved=reserved)
    _milano(today)


def _milano(today: datetime.date) -> None:
    """A Milano scheme with one submitted application (Piano C's employee): cross-ATS checks."""
    action = (
        Action.objects.filter(project__alliance__name="Alleanza Sud-Sud Est Milano")
        .order_by("pk")
        .first()
    )
    if action is None:
        return
    budget = min(Decimal("5000.00"), action.budget or Decimal("5000.00"))
    scheme = _scheme(action, MILANO_SCHEME, budget, today, child_max_age=None, categories=[])
    marco = User.objects.filter(email="cittadino@demo.equilibri.it").first()
    employer = Organisation.objects.filter(name="Piano C").first()
    if marco is None or employer is None:
        return
    # Marco's data, the same on both his applications.
    marco_applies = {
        "scheme": scheme,
        "applicant": marco,
        "first_name": "Marco",
        "last_name": "Rossi",
        "fiscal_code": "RSSMRC84B03F205J",
        "gender": Gender.MALE,
        "address": "Via dimostrativa 2",
        "comune": Comune.objects.filter(name="Milano").first(),
        "iban": DEMO_IBAN,
        "employer": employer,
        "declarations_accepted": True,
    }
    application = VoucherApplication.objects.create(
        **marco_applies,
        state=AppState.SUBMITTED,
        requested_amount=Decimal("150.00"),
        submitted_at=timezone.now() - datetime.timedelta(days=3),
    )
    line = ExpenseLine(
        application=application,
        payer="Marco Rossi",
        receipt_number="MI-001",
        receipt_date=today - datetime.timedelta(days=10),
        provider_name="Spazio Aperto Servizi",
        provider_tax_id="02456780010",
        category="pre-post-scuola",
        service="Pre-scuola",
        beneficiary="Marco Rossi",
        amount=Decimal("300.00"),
        file_type="application/pdf",
        receipt_key=receipt_key("02456780010", "MI-001"),
    )
    line.file.name = _demo_file()
    line.save()
    ApplicationEvent.objects.create(application=application, state=AppState.DRAFT, by=marco)
    ApplicationEvent.objects.create(
        application=application, from_state=AppState.DRAFT, state=AppState.SUBMITTED, by=marco
    )
    # An earlier one, paid in a batch (Milano's batch, for the cross-ATS checks).
    paid_on = today - datetime.timedelta(days=20)
    paid = VoucherApplication.objects.create(
        **marco_applies,
        state=AppState.PAID,
        requested_amount=Decimal("100.00"),
        approved_amount=Decimal("100.00"),
        paid_amount=Decimal("100.00"),
        paid_on=paid_on,
        submitted_at=timezone.now() - datetime.timedelta(days=50),
        employer_confirmed_at=timezone.now() - datetime.timedelta(days=45),
    )
    batch = PaymentBatch.objects.create(
        scheme=scheme,
        title="Rimborsi Milano",
        state=PaymentBatch.State.PAID,
        paid_on=paid_on,
    )
    Payment.objects.create(
        batch=batch, application=paid, amount=paid.paid_amount, iban=DEMO_IBAN, payee="Marco Rossi"
    )
    Scheme.objects.filter(pk=scheme.pk).update(reserved=paid.paid_amount)
