"""Territorial plans, their projects, actions and indicators, the periodic monitoring, and the
Programming, Evaluation and Monitoring Committee (seeds 002, 003, 004)."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from equilibri.core.models import StateEvent
from equilibri.core.money import MoneyField


def money_field(verbose_name, **kwargs) -> MoneyField:
    """Euros: Decimal with cents, never negative (whole cents in the database, see core.money)."""
    return MoneyField(verbose_name, **kwargs)


def percent_field(verbose_name, **kwargs) -> models.DecimalField:
    return models.DecimalField(
        verbose_name,
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        **kwargs,
    )


class TerritorialPlan(models.Model):
    """An ATS's territorial plan for a period (e.g. 2020-2023, DGR 2398/2019)."""

    ats = models.ForeignKey("territory.ATS", on_delete=models.PROTECT, related_name="plans")
    title = models.CharField(_("titolo"), max_length=200)
    start_year = models.PositiveIntegerField(_("anno di inizio"))
    end_year = models.PositiveIntegerField(_("anno di fine"))
    legal_basis = models.CharField(
        _("base normativa"), max_length=200, blank=True, help_text=_("ad esempio DGR 2398/2019")
    )
    approval_act_number = models.CharField(
        _("atto di approvazione: numero"), max_length=50, blank=True
    )
    approval_act_date = models.DateField(_("atto di approvazione: data"), null=True, blank=True)
    alliance_share = percent_field(_("quota per le alleanze (%)"), default=Decimal("80"))
    min_cofinancing = percent_field(
        _("cofinanziamento minimo dei progetti (%)"), default=Decimal("20")
    )
    monitoring_period_months = models.PositiveSmallIntegerField(
        _("periodicità del monitoraggio (mesi)"),
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(24)],
    )
    # The "documento territoriale di indirizzo": needs, priorities, strategies.
    guidance_needs = models.TextField(_("analisi dei bisogni"), blank=True)
    guidance_priorities = models.TextField(_("priorità"), blank=True)
    guidance_strategies = models.TextField(_("strategie di intervento"), blank=True)
    guidance_integration = models.TextField(_("integrazione con altre reti (WHP, ...)"), blank=True)
    is_public = models.BooleanField(_("pubblicato"), default=True)
    illustrative_figures = models.BooleanField(
        _("cifre illustrative"),
        default=False,
        help_text=_("Dati dimostrativi: le cifre non vengono dai documenti ufficiali."),
    )

    class Meta:
        verbose_name = _("piano territoriale")
        verbose_name_plural = _("piani territoriali")
        ordering = ["-start_year", "ats__name"]
        constraints = [
            models.CheckConstraint(
                name="plan_years_ordered", condition=models.Q(end_year__gte=models.F("start_year"))
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.start_year}–{self.end_year}"


class PlanGrant(models.Model):
    """The regional grant of a plan for one year."""

    plan = models.ForeignKey(TerritorialPlan, on_delete=models.CASCADE, related_name="grants")
    year = models.PositiveIntegerField(_("anno"))
    amount = money_field(_("importo (€)"))

    class Meta:
        ordering = ["year"]
        constraints = [models.UniqueConstraint(fields=["plan", "year"], name="plangrant_unique")]

    def __str__(self) -> str:
        return f"{self.plan} {self.year}: {self.amount}"


class ActionCategory(models.Model):
    """The managed taxonomy of regional eligible areas for actions."""

    slug = models.SlugField(unique=True)
    name = models.CharField(_("nome"), max_length=200)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("area di intervento")
        verbose_name_plural = _("aree di intervento")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class Project(models.Model):
    class Kind(models.TextChoices):
        ALLIANCE = "alliance", _("Progetto di alleanza locale")
        SYSTEM = "system", _("Azione di sistema")
        CALL = "call", _("Progetto finanziato da bando")

    class State(models.TextChoices):
        PROPOSED = "proposed", _("Proposto")
        EVALUATED = "evaluated", _("Valutato")
        APPROVED = "approved", _("Approvato")
        IN_PROGRESS = "in_progress", _("In corso")
        REPORTED = "reported", _("Rendicontato")
        CLOSED = "closed", _("Chiuso")

    plan = models.ForeignKey(TerritorialPlan, on_delete=models.PROTECT, related_name="projects")
    kind = models.CharField(_("tipo"), max_length=10, choices=Kind.choices, default=Kind.ALLIANCE)
    title = models.CharField(_("titolo"), max_length=300)
    alliance = models.ForeignKey(
        "network.Alliance",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
        verbose_name=_("alleanza"),
    )
    lead = models.ForeignKey(
        "network.Organisation",
        on_delete=models.PROTECT,
        related_name="led_projects",
        verbose_name=_("ente capofila"),
    )
    contractor = models.ForeignKey(
        "network.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contracted_projects",
        verbose_name=_("soggetto incaricato"),
        help_text=_("Per le azioni di sistema affidate a un ente esterno."),
    )
    summary = models.TextField(_("sintesi"), blank=True)
    objectives = models.TextField(_("obiettivi"), blank=True)
    regional_grant = money_field(_("contributo regionale (€)"), default=Decimal("0"))
    cofinancing = money_field(_("cofinanziamento (€)"), default=Decimal("0"))
    state = models.CharField(
        _("stato"), max_length=20, choices=State.choices, default=State.PROPOSED
    )
    start_date = models.DateField(_("inizio"), null=True, blank=True)
    end_date = models.DateField(_("fine"), null=True, blank=True)
    # Optimistic locking: every edit increments it; an edit based on an older version is refused.
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("progetto")
        verbose_name_plural = _("progetti")
        ordering = ["plan", "title"]
        constraints = [
            models.CheckConstraint(
                name="project_alliance_matches_kind",
                # Only alliance projects belong to an alliance and must name it.
                condition=~models.Q(kind="alliance") | models.Q(alliance__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def total_budget(self) -> Decimal:
        return self.regional_grant + self.cofinancing

    @property
    def cofinancing_share(self) -> Decimal:
        """Co-financing as a percentage of the total budget (0 when there is no budget)."""
        total = self.total_budget
        return (self.cofinancing * 100 / total).quantize(Decimal("0.01")) if total else Decimal(0)


class ProjectPartner(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="partners")
    organisation = models.ForeignKey(
        "network.Organisation", on_delete=models.PROTECT, related_name="project_partnerships"
    )
    role = models.CharField(_("ruolo"), max_length=200, blank=True)

    class Meta:
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "organisation"], name="projectpartner_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} in {self.project}"


class Milestone(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("titolo"), max_length=200)
    due_date = models.DateField(_("scadenza"))
    done_on = models.DateField(_("completata il"), null=True, blank=True)

    class Meta:
        ordering = ["due_date"]

    def __str__(self) -> str:
        return self.title


class ProjectEvent(StateEvent):
    """The project's lifecycle: every state it went through, who and when."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="events")
    state = models.CharField(max_length=20, choices=Project.State.choices)

    def __str__(self) -> str:
        return f"{self.project_id}: {self.state}"


class Action(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="actions")
    title = models.CharField(_("titolo"), max_length=300)
    category = models.ForeignKey(
        ActionCategory,
        on_delete=models.PROTECT,
        related_name="actions",
        verbose_name=_("area di intervento"),
    )
    description = models.TextField(_("descrizione"), blank=True)
    target_groups = models.CharField(_("destinatari"), max_length=300, blank=True)
    comuni = models.ManyToManyField(
        "territory.Comune", blank=True, related_name="actions", verbose_name=_("comuni coperti")
    )
    budget = money_field(_("budget (€)"), default=Decimal("0"))

    class Meta:
        verbose_name = _("azione")
        verbose_name_plural = _("azioni")
        ordering = ["project", "pk"]

    def __str__(self) -> str:
        return self.title


class Indicator(models.Model):
    class Unit(models.TextChoices):
        PEOPLE = "people", _("persone")
        HOURS = "hours", _("ore di servizio")
        COMPANIES = "companies", _("imprese")
        VOUCHERS = "vouchers", _("voucher")
        EUROS = "euros", _("euro")
        EVENTS = "events", _("iniziative")
        OTHER = "other", _("altro")

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField(_("indicatore"), max_length=200)
    unit = models.CharField(_("unità"), max_length=20, choices=Unit.choices)
    target = models.DecimalField(
        _("obiettivo"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    by_gender = models.BooleanField(_("rilevato per genere"), default=False)

    class Meta:
        verbose_name = _("indicatore")
        verbose_name_plural = _("indicatori")
        ordering = ["action", "pk"]

    def __str__(self) -> str:
        return self.name


class MonitoringReport(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Bozza")
        SUBMITTED = "submitted", _("Inviata")
        ACCEPTED = "accepted", _("Validata")
        RETURNED = "returned", _("Rinviata con osservazioni")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="reports")
    period_start = models.DateField(_("periodo: dal"))
    period_end = models.DateField(_("periodo: al"))
    due_date = models.DateField(_("scadenza"))
    state = models.CharField(_("stato"), max_length=20, choices=State.choices, default=State.DRAFT)
    narrative = models.TextField(_("relazione"), blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    review_comment = models.TextField(_("osservazioni dell'ATS"), blank=True)
    overdue_notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("relazione di monitoraggio")
        verbose_name_plural = _("relazioni di monitoraggio")
        ordering = ["project", "period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "period_start"], name="report_period_unique"
            ),
            models.CheckConstraint(
                name="report_period_ordered",
                condition=models.Q(period_end__gte=models.F("period_start")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project} {self.period_start:%m/%Y}-{self.period_end:%m/%Y}"


def _share_of_value(label) -> models.DecimalField:
    """The part of an indicator's value that counts one gender category (optional)."""
    return models.DecimalField(
        label,
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )


class IndicatorValue(models.Model):
    report = models.ForeignKey(MonitoringReport, on_delete=models.CASCADE, related_name="values")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    value = models.DecimalField(
        _("valore"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    women = _share_of_value(_("di cui donne"))
    men = _share_of_value(_("di cui uomini"))
    # The other two of the platform's gender categories (core.genders), as the desks count them.
    other_gender = _share_of_value(_("di cui altro genere"))
    gender_unspecified = _share_of_value(_("di cui genere non indicato"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["report", "indicator"], name="indicatorvalue_unique")
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value}"


def expenditure_upload_to(instance: "Expenditure", filename: str) -> str:
    return f"expenditure/{instance.report.project_id}/{instance.report_id}/{filename}"


class Expenditure(models.Model):
    """Spending to date on one action (the budget line), with its document."""

    class Check(models.TextChoices):
        PENDING = "pending", _("Da verificare")
        ACCEPTED = "accepted", _("Ammessa")
        REJECTED = "rejected", _("Non ammessa")

    report = models.ForeignKey(
        MonitoringReport, on_delete=models.CASCADE, related_name="expenditures"
    )
    action = models.ForeignKey(
        Action,
        on_delete=models.PROTECT,
        related_name="expenditures",
        verbose_name=_("voce di budget (azione)"),
    )
    description = models.CharField(_("descrizione"), max_length=300)
    amount = money_field(_("importo (€)"))
    document = models.FileField(_("documento"), upload_to=expenditure_upload_to, blank=True)
    self_declared = models.BooleanField(
        _("autodichiarazione"),
        default=False,
        help_text=_("Spesa attestata con autodichiarazione invece che con un documento."),
    )
    check_state = models.CharField(
        _("verifica"), max_length=10, choices=Check.choices, default=Check.PENDING
    )
    check_note = models.TextField(_("esito della verifica"), blank=True)

    class Meta:
        verbose_name = _("spesa")
        verbose_name_plural = _("spese")
        ordering = ["report", "pk"]

    def __str__(self) -> str:
        return f"{self.description}: {self.amount}"


class SampleDraw(models.Model):
    """The random draw of self-declarations to check: reproducible from its seed."""

    plan = models.ForeignKey(TerritorialPlan, on_delete=models.CASCADE, related_name="draws")
    seed = models.BigIntegerField(_("seme"))
    share = percent_field(_("quota campionata (%)"))
    drawn_at = models.DateTimeField(auto_now_add=True)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    population = models.ManyToManyField(Expenditure, related_name="draw_populations")
    sampled = models.ManyToManyField(Expenditure, related_name="draws")

    class Meta:
        verbose_name = _("estrazione a campione")
        verbose_name_plural = _("estrazioni a campione")
        ordering = ["-drawn_at"]

    def __str__(self) -> str:
        return f"{self.plan} — {self.drawn_at:%d/%m/%Y}"


class Committee(models.Model):
    """The Programming, Evaluation and Monitoring Committee of an ATS's network."""

    ats = models.OneToOneField("territory.ATS", on_delete=models.PROTECT, related_name="committee")
    name = models.CharField(
        _("nome"), max_length=200, default="Comitato di programmazione, valutazione e monitoraggio"
    )

    class Meta:
        verbose_name = _("comitato")
        verbose_name_plural = _("comitati")

    def __str__(self) -> str:
        return f"{self.name} — {self.ats}"


class CommitteeMember(models.Model):
    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="committee_memberships",
    )
    full_name = models.CharField(_("nome e cognome"), max_length=200)
    organisation = models.ForeignKey(
        "network.Organisation",
        on_delete=models.PROTECT,
        related_name="committee_members",
        verbose_name=_("organizzazione"),
    )
    role = models.CharField(_("ruolo"), max_length=100, blank=True)
    active = models.BooleanField(_("in carica"), default=True)

    class Meta:
        verbose_name = _("componente del comitato")
        verbose_name_plural = _("componenti del comitato")
        ordering = ["full_name"]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.organisation})"


class Priority(models.Model):
    """The territory's priorities set by the committee."""

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="priorities")
    title = models.CharField(_("titolo"), max_length=200)
    description = models.TextField(_("descrizione"), blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("priorità")
        verbose_name_plural = _("priorità")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.title


class Meeting(models.Model):
    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="meetings")
    held_at = models.DateTimeField(_("data e ora"))
    place = models.CharField(_("luogo"), max_length=200, blank=True)
    agenda = models.TextField(_("ordine del giorno"))
    minutes = models.TextField(_("verbale"), blank=True)

    class Meta:
        verbose_name = _("seduta")
        verbose_name_plural = _("sedute")
        ordering = ["-held_at"]

    def __str__(self) -> str:
        return f"{self.committee.ats} {self.held_at:%d/%m/%Y}"


def meeting_upload_to(instance: "MeetingDocument", filename: str) -> str:
    return f"meetings/{instance.meeting_id}/{filename}"


class MeetingDocument(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("titolo"), max_length=200)
    file = models.FileField(_("file"), upload_to=meeting_upload_to)

    def __str__(self) -> str:
        return self.title


class Decision(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    text = models.TextField(_("decisione"))
    project = models.ForeignKey(
        Project, on_delete=models.SET_NULL, null=True, blank=True, related_name="decisions"
    )

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.text[:60]


class EvaluationCriterion(models.Model):
    """A weighted criterion for evaluating a plan's project proposals."""

    plan = models.ForeignKey(TerritorialPlan, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("criterio"), max_length=200)
    weight = models.DecimalField(
        _("peso"), max_digits=5, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    max_score = models.PositiveSmallIntegerField(
        _("punteggio massimo"), default=10, validators=[MinValueValidator(1)]
    )

    class Meta:
        verbose_name = _("criterio di valutazione")
        verbose_name_plural = _("criteri di valutazione")
        ordering = ["plan", "pk"]

    def __str__(self) -> str:
        return self.name


class ScoreSheet(models.Model):
    """One committee member's evaluation of one project proposal."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="score_sheets")
    member = models.ForeignKey(
        CommitteeMember, on_delete=models.PROTECT, related_name="score_sheets"
    )
    conflict_of_interest = models.BooleanField(_("dichiaro un conflitto di interessi"))
    conflict_note = models.TextField(_("motivo del conflitto"), blank=True)
    comment = models.TextField(_("commento"), blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("scheda di valutazione")
        verbose_name_plural = _("schede di valutazione")
        constraints = [
            models.UniqueConstraint(fields=["project", "member"], name="scoresheet_unique")
        ]

    def __str__(self) -> str:
        return f"{self.member} — {self.project}"


class Score(models.Model):
    sheet = models.ForeignKey(ScoreSheet, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(
        EvaluationCriterion, on_delete=models.PROTECT, related_name="scores"
    )
    value = models.DecimalField(
        _("punteggio"), max_digits=5, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["sheet", "criterion"], name="score_unique")]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.value}"
