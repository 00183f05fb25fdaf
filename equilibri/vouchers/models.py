"""Vouchers and contributions for workers (seed 002): schemes of a project's action, the workers'
applications with their receipts, the employer's attestation, the review within budget and the
reimbursement batches.

The scheme's `reserved` is the money committed to approved, partly approved and paid
applications: it only changes through a conditional UPDATE (`reserved + amount <= budget`), so
concurrent approvals never overspend (services.application_approve)."""

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from equilibri.core import genders, identifiers
from equilibri.core.models import StateEvent
from equilibri.core.money import MoneyField


def money(verbose_name, **kwargs) -> MoneyField:
    return MoneyField(verbose_name, **kwargs)


class Scheme(models.Model):
    """A voucher or contribution scheme ("bando voucher") of a project's action."""

    action = models.ForeignKey(
        "plans.Action",
        on_delete=models.PROTECT,
        related_name="voucher_schemes",
        verbose_name=_("azione del progetto"),
    )
    title = models.CharField(_("titolo"), max_length=200)
    description = models.TextField(_("descrizione"), blank=True)
    budget = money(_("budget (€)"))
    reserved = money(_("importo impegnato (€)"), default=Decimal("0"), editable=False)
    # Who may apply.
    partner_employees_only = models.BooleanField(
        _("solo dipendenti delle organizzazioni partner del progetto"), default=True
    )
    comuni = models.ManyToManyField(
        "territory.Comune",
        blank=True,
        related_name="voucher_schemes",
        verbose_name=_("comuni di residenza ammessi"),
        help_text=_("Vuoto: residenti in qualunque comune."),
    )
    child_min_age = models.PositiveSmallIntegerField(
        _("età minima dei figli"), null=True, blank=True
    )
    child_max_age = models.PositiveSmallIntegerField(
        _("età massima dei figli"),
        null=True,
        blank=True,
        help_text=_("Se indicata, la domanda deve riguardare figli in questa fascia d'età."),
    )
    categories = models.JSONField(
        _("categorie di servizio ammesse"),
        default=list,
        blank=True,
        help_text=_("Vuoto: tutte le categorie."),
    )
    # The amount rule.
    percentage = models.DecimalField(
        _("percentuale della spesa rimborsata"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("100"))],
    )
    cap_per_application = money(_("massimo per domanda (€)"), null=True, blank=True)
    cap_per_family_year = money(_("massimo per famiglia all'anno (€)"), null=True, blank=True)
    minimum_amount = money(_("contributo minimo (€)"), null=True, blank=True)
    claim_within_days = models.PositiveSmallIntegerField(
        _("domanda entro giorni dalla spesa"), null=True, blank=True
    )
    # Windows.
    opens_on = models.DateField(_("domande dal"))
    closes_on = models.DateField(_("domande fino al"))
    expenses_from = models.DateField(_("spese ammesse dal"))
    expenses_until = models.DateField(_("spese ammesse fino al"))
    required_documents = models.TextField(
        _("documenti richiesti"), blank=True, help_text=_("Uno per riga.")
    )
    declarations = models.TextField(
        _("autodichiarazioni"),
        blank=True,
        help_text=_("Una per riga: chi presenta la domanda deve confermarle tutte."),
    )
    is_published = models.BooleanField(_("pubblicato"), default=True)
    # Who pays the reimbursements (the ATS or the lead partner): the debtor of the SEPA credit
    # transfer file of each payment batch (exporters.batch_sepa_xml).
    debtor_name = models.CharField(_("ente che paga i rimborsi"), max_length=70, blank=True)
    debtor_iban = identifiers.IbanField(_("IBAN dell'ente che paga"), max_length=34, blank=True)
    debtor_bic = models.CharField(_("BIC dell'ente che paga"), max_length=11, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    # What a manager sets, in the order SchemeForm asks for it. scheme_create and scheme_update
    # take the same names, the action (set once, on creation) and the comuni as arguments apart.
    MANAGER_FIELDS = (
        "action",
        "title",
        "description",
        "budget",
        "partner_employees_only",
        "comuni",
        "child_min_age",
        "child_max_age",
        "categories",
        "percentage",
        "cap_per_application",
        "cap_per_family_year",
        "minimum_amount",
        "claim_within_days",
        "opens_on",
        "closes_on",
        "expenses_from",
        "expenses_until",
        "required_documents",
        "declarations",
        "is_published",
        "debtor_name",
        "debtor_iban",
        "debtor_bic",
    )

    class Meta:
        verbose_name = _("bando voucher")
        verbose_name_plural = _("bandi voucher")
        ordering = ["-opens_on", "title"]
        constraints = [
            models.CheckConstraint(
                name="scheme_reserved_within_budget",
                condition=models.Q(reserved__lte=models.F("budget")),
            ),
            models.CheckConstraint(
                name="scheme_window_ordered",
                condition=models.Q(closes_on__gte=models.F("opens_on")),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def available(self) -> Decimal:
        return self.budget - self.reserved

    def document_list(self) -> list[str]:
        return [line.strip() for line in self.required_documents.splitlines() if line.strip()]

    def declaration_list(self) -> list[str]:
        return [line.strip() for line in self.declarations.splitlines() if line.strip()]


class VoucherApplication(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Bozza")
        SUBMITTED = "submitted", _("Inviata")
        INTEGRATION_REQUESTED = "integration_requested", _("Integrazione richiesta")
        EMPLOYER_CONFIRMED = "employer_confirmed", _("Confermata dal datore di lavoro")
        APPROVED = "approved", _("Approvata")
        PARTLY_APPROVED = "partly_approved", _("Approvata in parte")
        WAITING = "waiting", _("In attesa di budget")
        REJECTED = "rejected", _("Respinta")
        PAID = "paid", _("Pagata")

    # The platform's categories (core.genders); read from the codice fiscale, so only the first
    # two occur here, but the statistics add them up with the desks' and the monitoring's.
    Gender = genders.Gender

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="applications")
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="voucher_applications",
    )
    state = models.CharField(_("stato"), max_length=25, choices=State.choices, default=State.DRAFT)
    # Personal data.
    first_name = models.CharField(_("nome"), max_length=100, blank=True)
    last_name = models.CharField(_("cognome"), max_length=100, blank=True)
    fiscal_code = identifiers.TaxCodeField(_("codice fiscale"), max_length=16, blank=True)
    gender = models.CharField(
        _("genere"), max_length=genders.MAX_LENGTH, choices=Gender.choices, blank=True
    )
    phone = identifiers.PhoneField(_("telefono"), max_length=30, blank=True)
    address = models.CharField(_("indirizzo di residenza"), max_length=200, blank=True)
    comune = models.ForeignKey(
        "territory.Comune",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("comune di residenza"),
    )
    iban = identifiers.IbanField(_("IBAN per il rimborso"), max_length=34, blank=True)
    employer = models.ForeignKey(
        "network.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("datore di lavoro"),
    )
    declarations_accepted = models.BooleanField(_("autodichiarazioni confermate"), default=False)
    # What the applicant fills in, in the order PersonalForm asks for it (application_update
    # takes the same names).
    APPLICANT_FIELDS = (
        "first_name",
        "last_name",
        "fiscal_code",
        "phone",
        "address",
        "comune",
        "employer",
        "iban",
        "declarations_accepted",
    )
    # Amounts.
    requested_amount = money(_("contributo richiesto (€)"), default=Decimal("0"))
    approved_amount = money(_("contributo approvato (€)"), default=Decimal("0"))
    paid_amount = money(_("contributo pagato (€)"), default=Decimal("0"))
    decision_reason = models.TextField(_("motivazione"), blank=True)
    # Set only when a manager approved before every document was checked (services.review).
    check_override_reason = models.TextField(
        _("motivo dell'approvazione senza verifica completa"), blank=True
    )
    integration_message = models.TextField(_("integrazione richiesta"), blank=True)
    integration_deadline = models.DateField(_("integrare entro il"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("inviata il"), null=True, blank=True)
    employer_confirmed_at = models.DateTimeField(null=True, blank=True)
    employer_denied_at = models.DateTimeField(null=True, blank=True)
    paid_on = models.DateField(_("pagata il"), null=True, blank=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("domanda di voucher")
        verbose_name_plural = _("domande di voucher")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["scheme", "state", "submitted_at"])]

    def __str__(self) -> str:
        return f"{self.scheme} #{self.pk}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def expense_total(self) -> Decimal:
        return sum((line.amount for line in self.expenses.all()), Decimal("0"))


class FamilyMember(models.Model):
    class Relation(models.TextChoices):
        CHILD = "child", _("Figlia o figlio")
        OTHER = "other", _("Altro familiare")

    application = models.ForeignKey(
        VoucherApplication, on_delete=models.CASCADE, related_name="family"
    )
    name = models.CharField(_("nome e cognome"), max_length=150)
    relation = models.CharField(
        _("relazione"), max_length=10, choices=Relation.choices, default=Relation.CHILD
    )
    birth_date = models.DateField(_("data di nascita"))

    class Meta:
        verbose_name = _("familiare")
        verbose_name_plural = _("familiari")
        ordering = ["birth_date", "pk"]

    def __str__(self) -> str:
        return self.name


def receipt_upload_to(instance: "ExpenseLine", filename: str) -> str:
    extension = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}.get(
        instance.file_type, "bin"
    )
    return f"vouchers/{instance.application_id}/{uuid.uuid4().hex}.{extension}"


class DocumentCheck(models.TextChoices):
    PENDING = "pending", _("Da verificare")
    OK = "ok", _("Regolare")
    NOT_OK = "not_ok", _("Non regolare")


class ExpenseLine(models.Model):
    """One receipt: who paid, what, to whom, how much, with its file (private storage)."""

    application = models.ForeignKey(
        VoucherApplication, on_delete=models.CASCADE, related_name="expenses"
    )
    payer = models.CharField(_("chi ha pagato"), max_length=150)
    receipt_number = models.CharField(_("numero della ricevuta"), max_length=50)
    receipt_date = models.DateField(_("data della ricevuta"))
    provider_name = models.CharField(_("fornitore del servizio"), max_length=200)
    provider_tax_id = identifiers.TaxCodeField(
        _("partita IVA o codice fiscale del fornitore"), max_length=16
    )
    category = models.CharField(_("categoria di servizio"), max_length=50)
    service = models.CharField(_("servizio"), max_length=200)
    beneficiary = models.CharField(_("beneficiario"), max_length=150)
    amount = money(_("importo (€)"))
    file = models.FileField(_("ricevuta"), upload_to=receipt_upload_to, max_length=200)
    file_type = models.CharField(max_length=30, editable=False)
    # Provider + number, normalised: the same receipt is never claimed twice.
    receipt_key = models.CharField(max_length=80, unique=True, editable=False)
    check_state = models.CharField(
        _("verifica"), max_length=10, choices=DocumentCheck.choices, default=DocumentCheck.PENDING
    )
    check_note = models.CharField(_("nota della verifica"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("spesa")
        verbose_name_plural = _("spese")
        ordering = ["receipt_date", "pk"]

    def __str__(self) -> str:
        return f"{self.provider_name} {self.receipt_number}"


def attachment_upload_to(instance: "Attachment", filename: str) -> str:
    extension = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}.get(
        instance.file_type, "bin"
    )
    return f"vouchers/{instance.application_id}/{uuid.uuid4().hex}.{extension}"


class Attachment(models.Model):
    """A document the scheme requires (e.g. an ISEE certificate), with its check."""

    application = models.ForeignKey(
        VoucherApplication, on_delete=models.CASCADE, related_name="attachments"
    )
    name = models.CharField(_("documento"), max_length=200)
    file = models.FileField(_("file"), upload_to=attachment_upload_to, max_length=200)
    file_type = models.CharField(max_length=30, editable=False)
    check_state = models.CharField(
        _("verifica"), max_length=10, choices=DocumentCheck.choices, default=DocumentCheck.PENDING
    )
    check_note = models.CharField(_("nota della verifica"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("documento allegato")
        verbose_name_plural = _("documenti allegati")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class ApplicationEvent(StateEvent):
    """The application's timeline: from which state to which, who and when."""

    application = models.ForeignKey(
        VoucherApplication, on_delete=models.CASCADE, related_name="events"
    )
    from_state = models.CharField(
        max_length=25, choices=VoucherApplication.State.choices, blank=True
    )
    state = models.CharField(max_length=25, choices=VoucherApplication.State.choices)

    def __str__(self) -> str:
        return f"{self.application_id}: {self.from_state} → {self.state}"


class PaymentBatch(models.Model):
    """A reimbursement batch (e.g. the month's): exported for the bank, then marked paid."""

    class State(models.TextChoices):
        OPEN = "open", _("Da pagare")
        PAID = "paid", _("Pagato")

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="batches")
    title = models.CharField(_("titolo"), max_length=100)
    state = models.CharField(_("stato"), max_length=10, choices=State.choices, default=State.OPEN)
    paid_on = models.DateField(_("pagato il"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("lotto di pagamento")
        verbose_name_plural = _("lotti di pagamento")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def total(self) -> Decimal:
        return sum((p.amount for p in self.payments.all()), Decimal("0"))


class Payment(models.Model):
    batch = models.ForeignKey(PaymentBatch, on_delete=models.CASCADE, related_name="payments")
    application = models.OneToOneField(
        VoucherApplication, on_delete=models.PROTECT, related_name="payment"
    )
    amount = money(_("importo (€)"))
    iban = identifiers.IbanField(_("IBAN"), max_length=34)
    payee = models.CharField(_("beneficiario del pagamento"), max_length=200)

    class Meta:
        verbose_name = _("pagamento")
        verbose_name_plural = _("pagamenti")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.payee}: {self.amount}"
