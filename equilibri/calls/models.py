"""Calls for funding ("bandi", "avvisi"): the call and its rules, the applications of lead bodies
with their partners, the committee's evaluation and the funding decision (seed 002: DGR
5755/2021; seed 004: women's start-ups); the expense reporting is in reporting_models.py.

A call's partnership rules are data (`CallRule` rows), evaluated by one engine
(`eligibility.py`): a new call needs no code.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from equilibri.core.models import StateEvent
from equilibri.core.money import MoneyField

# The reporting stage's models live in their own module; re-exported so that Django and callers
# find every model of the app here.
from .governance_models import CallChange  # noqa: F401
from .reporting_models import ExpenseItem, ExpenseReport, Payment, expense_upload_to  # noqa: F401


class Call(models.Model):
    class ApplicantKind(models.TextChoices):
        ORGANISATIONS = "organisations", _("Organizzazioni della rete (in partenariato)")
        INDIVIDUALS = "individuals", _("Persone o nuove imprese (anche da costituire)")

    class State(models.TextChoices):
        DRAFT = "draft", _("In preparazione")
        PUBLISHED = "published", _("Pubblicato")

    ats = models.ForeignKey("territory.ATS", on_delete=models.PROTECT, related_name="calls")
    plan = models.ForeignKey(
        "plans.TerritorialPlan",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="calls",
        verbose_name=_("piano territoriale"),
        help_text=_("Il piano in cui le domande finanziate diventano progetti."),
    )
    title = models.CharField(_("titolo"), max_length=300)
    legal_basis = models.CharField(
        _("base normativa"), max_length=200, blank=True, help_text=_("ad esempio DGR 5755/2021")
    )
    summary = models.TextField(_("descrizione"), blank=True)
    beneficiaries = models.TextField(_("destinatari"), blank=True)
    applicant_kind = models.CharField(
        _("chi presenta la domanda"),
        max_length=20,
        choices=ApplicantKind.choices,
        default=ApplicantKind.ORGANISATIONS,
    )
    budget = MoneyField(_("dotazione finanziaria (€)"))
    opens_at = models.DateTimeField(_("apertura delle domande"))
    closes_at = models.DateTimeField(_("chiusura delle domande"))
    grant_percent = models.DecimalField(
        _("contributo massimo (% del costo ammissibile)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("100"))],
    )
    grant_cap = MoneyField(_("massimale del contributo (€)"), null=True, blank=True)
    vat_excluded = models.BooleanField(_("costi al netto dell'IVA"), default=True)
    partial_last = models.BooleanField(
        _("finanziamento parziale dell'ultima domanda in graduatoria"),
        default=True,
        help_text=_(
            "Se i fondi residui non bastano, l'ultima domanda finanziabile riceve il resto."
        ),
    )
    project_months = models.PositiveSmallIntegerField(
        _("durata dei progetti (mesi)"), default=12, validators=[MinValueValidator(1)]
    )
    report_days = models.PositiveSmallIntegerField(
        _("giorni per la rendicontazione finale"),
        default=60,
        help_text=_("Dalla fine del progetto."),
    )
    min_total_score = models.DecimalField(
        _("punteggio minimo complessivo"),
        max_digits=6,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    required_documents = models.TextField(
        _("documenti richiesti"), blank=True, help_text=_("Uno per riga.")
    )
    quorum = models.PositiveSmallIntegerField(
        _("quorum del comitato"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_(
            "Quanti componenti del comitato devono aver valutato ogni domanda prima della "
            "graduatoria. Vuoto: tutti i componenti senza conflitto di interessi."
        ),
    )
    state = models.CharField(_("stato"), max_length=20, choices=State.choices, default=State.DRAFT)
    published_at = models.DateTimeField(_("pubblicato il"), null=True, blank=True)
    ranked_at = models.DateTimeField(_("graduatoria calcolata il"), null=True, blank=True)
    decision_number = models.CharField(
        _("atto di finanziamento: numero"), max_length=100, blank=True
    )
    decision_date = models.DateField(_("atto di finanziamento: data"), null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    closing_reminder_sent_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("bando")
        verbose_name_plural = _("bandi")
        ordering = ["-opens_at", "title"]
        constraints = [
            models.CheckConstraint(
                name="call_window_ordered", condition=models.Q(closes_at__gt=models.F("opens_at"))
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.state == self.State.PUBLISHED

    @property
    def is_decided(self) -> bool:
        return self.decided_at is not None

    @property
    def document_names(self) -> list[str]:
        return [line.strip() for line in self.required_documents.splitlines() if line.strip()]

    @property
    def for_individuals(self) -> bool:
        return self.applicant_kind == self.ApplicantKind.INDIVIDUALS


class CallRule(models.Model):
    """One partnership or eligibility constraint of a call, evaluated by eligibility.py."""

    class Kind(models.TextChoices):
        MIN_MEMBERS = "min_members", _("Numero minimo di membri (capofila compreso)")
        MAX_MEMBERS = "max_members", _("Numero massimo di membri (capofila compreso)")
        MIN_OF_KINDS = "min_of_kinds", _("Numero minimo di membri di certe tipologie")
        MIN_OF_SIZES = "min_of_sizes", _("Numero minimo di imprese di certe dimensioni")
        ELIGIBLE_KINDS = "eligible_kinds", _("Tipologie ammesse nel partenariato")
        ELIGIBLE_SIZES = "eligible_sizes", _("Dimensioni ammesse per le imprese")
        RUNTS_REQUIRED = "runts_required", _("Iscrizione al RUNTS obbligatoria per tipologie")
        LEAD_KINDS = "lead_kinds", _("Tipologie ammesse come capofila")
        LEAD_IN_LOMBARDY = (
            "lead_in_lombardy",
            _("Capofila con sede legale e operativa in Lombardia (per tipologie)"),
        )
        LEAD_IN_ATS = "lead_in_ats", _("Capofila con sede nel territorio dell'ATS")
        DECLARATION = "declaration", _("Dichiarazione obbligatoria del richiedente")

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="rules")
    kind = models.CharField(_("regola"), max_length=20, choices=Kind.choices)
    number = models.PositiveIntegerField(_("numero"), null=True, blank=True)
    kinds = models.JSONField(_("tipologie"), default=list, blank=True)
    sizes = models.JSONField(_("dimensioni"), default=list, blank=True)
    label = models.CharField(
        _("descrizione"),
        max_length=300,
        blank=True,
        help_text=_(
            "Come chiamare i membri contati (es. «micro o piccole imprese») o il testo della "
            "dichiarazione."
        ),
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("regola del bando")
        verbose_name_plural = _("regole del bando")
        ordering = ["call", "order", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number or ''} {self.label}".strip()


class CallMacroArea(models.Model):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="macro_areas")
    name = models.CharField(_("macro-area"), max_length=200)
    category = models.ForeignKey(
        "plans.ActionCategory",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("area di intervento del piano"),
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("macro-area")
        verbose_name_plural = _("macro-aree")
        ordering = ["call", "order", "pk"]

    def __str__(self) -> str:
        return self.name


class CallCriterion(models.Model):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("criterio"), max_length=200)
    description = models.TextField(_("descrizione"), blank=True)
    max_score = models.DecimalField(
        _("punteggio massimo (peso)"),
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    min_score = models.DecimalField(
        _("soglia minima"),
        max_digits=6,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("criterio di valutazione")
        verbose_name_plural = _("criteri di valutazione")
        ordering = ["call", "order", "pk"]

    def __str__(self) -> str:
        return self.name


class CallFAQ(models.Model):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="faqs")
    question = models.CharField(_("quesito"), max_length=300)
    answer = models.TextField(_("risposta"))
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("domanda frequente")
        verbose_name_plural = _("domande frequenti")
        ordering = ["call", "order", "pk"]

    def __str__(self) -> str:
        return self.question


def call_document_upload_to(instance: "CallDocument", filename: str) -> str:
    return f"calls/{instance.call_id}/public/{filename}"


class CallDocument(models.Model):
    """A document published with the call (the call text, forms, the decision)."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("titolo"), max_length=200)
    file = models.FileField(_("file"), upload_to=call_document_upload_to)
    published_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("documento del bando")
        verbose_name_plural = _("documenti del bando")
        ordering = ["call", "pk"]

    def __str__(self) -> str:
        return self.title


class Application(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Bozza")
        SUBMITTED = "submitted", _("Inviata")
        ADMISSIBLE = "admissible", _("Ammissibile")
        INADMISSIBLE = "inadmissible", _("Non ammissibile")
        SCORED = "scored", _("Valutata")
        FUNDED = "funded", _("Finanziata")
        NOT_FUNDED = "not_funded", _("Non finanziata")

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="applications")
    public_id = models.PositiveIntegerField(_("ID domanda"), unique=True)
    lead = models.ForeignKey(
        "network.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="call_applications",
        verbose_name=_("ente capofila"),
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="call_applications",
        verbose_name=_("richiedente"),
    )
    applicant_name = models.CharField(
        _("richiedente o impresa"),
        max_length=200,
        blank=True,
        help_text=_("Per i bandi rivolti a persone e nuove imprese."),
    )
    title = models.CharField(_("titolo del progetto"), max_length=400)
    summary = models.TextField(_("sintesi del progetto"), blank=True)
    requested_grant = MoneyField(_("contributo richiesto (€)"), default=Decimal("0"))
    lead_operating_office_in_lombardy = models.BooleanField(
        _("il capofila ha una sede operativa in Lombardia"), default=False
    )
    declarations = models.JSONField(_("dichiarazioni"), default=list, blank=True)
    state = models.CharField(_("stato"), max_length=20, choices=State.choices, default=State.DRAFT)
    submitted_at = models.DateTimeField(_("inviata il"), null=True, blank=True)
    admissibility_checklist = models.JSONField(default=dict, blank=True)
    admissibility_note = models.TextField(_("esito dell'istruttoria"), blank=True)
    integration_request = models.TextField(_("richiesta di integrazione"), blank=True)
    integration_deadline = models.DateField(_("termine per l'integrazione"), null=True, blank=True)
    integration_reminder_sent_at = models.DateTimeField(null=True, blank=True)
    integration_response = models.TextField(_("integrazione del richiedente"), blank=True)
    score = models.DecimalField(
        _("punteggio"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    rank = models.PositiveIntegerField(_("posizione in graduatoria"), null=True, blank=True)
    excluded_reason = models.CharField(_("motivo dell'esclusione"), max_length=300, blank=True)
    granted = MoneyField(_("contributo concesso (€)"), null=True, blank=True)
    project = models.ForeignKey(
        "plans.Project",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="call_applications",
        verbose_name=_("progetto del piano"),
    )
    report_due = models.DateField(_("scadenza della rendicontazione finale"), null=True, blank=True)
    report_reminder_sent_at = models.DateTimeField(null=True, blank=True)
    final_grant = MoneyField(_("contributo rideterminato (€)"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("domanda")
        verbose_name_plural = _("domande")
        ordering = ["call", "public_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["call", "lead"],
                name="application_one_per_lead",
                condition=models.Q(lead__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["call", "applicant"],
                name="application_one_per_person",
                condition=models.Q(lead__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.public_id} — {self.title}"

    @property
    def proposer(self) -> str:
        return self.lead.name if self.lead_id and self.lead else self.applicant_name

    @property
    def total_cost(self) -> Decimal:
        return sum((line.amount for line in self.budget_lines.all()), Decimal("0"))

    @property
    def cofinancing(self) -> Decimal:
        return max(self.total_cost - self.requested_grant, Decimal("0"))

    @property
    def is_editable(self) -> bool:
        return self.state == self.State.DRAFT


class ApplicationEvent(StateEvent):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    state = models.CharField(max_length=20, choices=Application.State.choices)

    def __str__(self) -> str:
        return f"{self.application_id}: {self.state}"


class ApplicationPartner(models.Model):
    class State(models.TextChoices):
        INVITED = "invited", _("Invitato")
        CONFIRMED = "confirmed", _("Confermato")
        DECLINED = "declined", _("Ha rifiutato")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="partners")
    organisation = models.ForeignKey(
        "network.Organisation",
        on_delete=models.PROTECT,
        related_name="call_partnerships",
        verbose_name=_("organizzazione"),
    )
    role = models.CharField(_("ruolo nel progetto"), max_length=200, blank=True)
    state = models.CharField(
        _("stato"), max_length=20, choices=State.choices, default=State.INVITED
    )
    cofinancing = MoneyField(_("cofinanziamento del partner (€)"), default=Decimal("0"))
    invited_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("partner della domanda")
        verbose_name_plural = _("partner della domanda")
        ordering = ["application", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "organisation"], name="applicationpartner_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} — {self.application}"


class ApplicationArea(models.Model):
    """The project's description for one macro-area of the call."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="areas")
    macro_area = models.ForeignKey(CallMacroArea, on_delete=models.PROTECT, related_name="+")
    description = models.TextField(_("descrizione delle attività"))

    class Meta:
        ordering = ["application", "macro_area__order", "macro_area_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "macro_area"], name="applicationarea_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.macro_area}: {self.application}"


class BudgetLine(models.Model):
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="budget_lines"
    )
    macro_area = models.ForeignKey(
        CallMacroArea,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("macro-area"),
    )
    description = models.CharField(_("voce di spesa"), max_length=300)
    amount = MoneyField(_("importo (€)"))

    class Meta:
        verbose_name = _("voce di budget")
        verbose_name_plural = _("voci di budget")
        ordering = ["application", "pk"]

    def __str__(self) -> str:
        return f"{self.description}: {self.amount}"


def application_document_upload_to(instance: "ApplicationDocument", filename: str) -> str:
    return f"calls/{instance.application.call_id}/applications/{instance.application_id}/{filename}"


class ApplicationDocument(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    name = models.CharField(_("documento"), max_length=200)
    file = models.FileField(_("file"), upload_to=application_document_upload_to)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("allegato della domanda")
        verbose_name_plural = _("allegati della domanda")
        ordering = ["application", "pk"]

    def __str__(self) -> str:
        return self.name


class ScoreSheet(models.Model):
    """One committee member's evaluation of one application: the conflict-of-interest declaration
    comes first; a member in conflict does not score."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="score_sheets"
    )
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="call_score_sheets"
    )
    conflict_of_interest = models.BooleanField(_("dichiaro un conflitto di interessi"))
    conflict_note = models.TextField(_("motivo del conflitto"), blank=True)
    declared_at = models.DateTimeField(auto_now_add=True)
    comment = models.TextField(_("commento"), blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("scheda di valutazione")
        verbose_name_plural = _("schede di valutazione")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "evaluator"], name="call_scoresheet_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.evaluator} — {self.application}"


class CriterionScore(models.Model):
    sheet = models.ForeignKey(ScoreSheet, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(CallCriterion, on_delete=models.PROTECT, related_name="scores")
    value = models.DecimalField(
        _("punteggio"), max_digits=6, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["sheet", "criterion"], name="criterionscore_unique")
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.value}"
