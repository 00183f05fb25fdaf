"""Needs surveys of workers and families: questionnaires (versioned, their content as data in
`definition.py`), campaigns of an ATS, the channels they are distributed through, and the
anonymous responses.

Anonymous by design: a response holds no account, no address, no time finer than the day, and
its resume token and single-use token only as hashes. Responses, answers and tokens are kept out
of the audit log (settings.AUDITLOG_EXCLUDE_TRACKING_MODELS), which records the client address."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from . import definition as qdef


class Questionnaire(models.Model):
    """A questionnaire and its versions. `ats` None: the regional standard one, which every ATS
    may use and copy."""

    code = models.SlugField(_("codice"), max_length=60)
    ats = models.ForeignKey(
        "territory.ATS",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="questionnaires",
        verbose_name=_("ATS"),
    )
    title = models.CharField(_("titolo"), max_length=200)
    is_standard = models.BooleanField(_("questionario regionale standard"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("questionario")
        verbose_name_plural = _("questionari")
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(
                fields=["ats", "code"], name="survey_questionnaire_code_per_ats"
            ),
            models.UniqueConstraint(
                fields=["code"],
                condition=Q(ats__isnull=True),
                name="survey_questionnaire_regional_code",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class QuestionnaireVersion(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Bozza")
        PUBLISHED = "published", _("Pubblicata")

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("versione"))
    state = models.CharField(_("stato"), max_length=20, choices=State.choices, default=State.DRAFT)
    definition = models.JSONField(_("contenuto"))
    published_at = models.DateTimeField(_("pubblicata il"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("versione del questionario")
        verbose_name_plural = _("versioni dei questionari")
        ordering = ["questionnaire", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "number"], name="survey_version_number"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.questionnaire} v{self.number}"

    @property
    def parsed(self) -> qdef.Definition:
        cached = getattr(self, "_parsed", None)
        if cached is None:
            cached = qdef.parse(self.definition)
            self._parsed = cached
        return cached

    @property
    def is_published(self) -> bool:
        return self.state == self.State.PUBLISHED


class Campaign(models.Model):
    """A survey of an ATS in a period, with one or more published questionnaire versions."""

    class State(models.TextChoices):
        DRAFT = "draft", _("In preparazione")
        OPEN = "open", _("Aperta")
        CLOSED = "closed", _("Chiusa")

    ats = models.ForeignKey(
        "territory.ATS", on_delete=models.PROTECT, related_name="survey_campaigns"
    )
    title = models.CharField(_("titolo"), max_length=200)
    description = models.TextField(_("presentazione"), blank=True)
    starts_on = models.DateField(_("dal"))
    ends_on = models.DateField(_("al"))
    state = models.CharField(_("stato"), max_length=20, choices=State.choices, default=State.DRAFT)
    versions = models.ManyToManyField(
        QuestionnaireVersion, related_name="campaigns", verbose_name=_("questionari")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("campagna di rilevazione")
        verbose_name_plural = _("campagne di rilevazione")
        ordering = ["-starts_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="survey_campaign_period"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Distribution(models.Model):
    """A channel of a campaign: a network organisation's link and poster (its responses are read
    by the organisation's size and sector), the help desks' operator mode, or the open link."""

    class Kind(models.TextChoices):
        ORGANISATION = "organisation", _("Organizzazione della rete")
        HELP_DESK = "help_desk", _("Sportello (compilazione assistita)")
        OPEN = "open", _("Link aperto")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="distributions")
    kind = models.CharField(_("canale"), max_length=20, choices=Kind.choices)
    organisation = models.ForeignKey(
        "network.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="survey_distributions",
        verbose_name=_("organizzazione"),
    )
    # The public link's path segment: random, so links cannot be guessed from one another.
    key = models.CharField(max_length=32, unique=True, editable=False)
    single_use = models.BooleanField(
        _("con codici monouso"),
        default=False,
        help_text=_("Ogni persona riceve un codice valido per una sola risposta."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("canale di diffusione")
        verbose_name_plural = _("canali di diffusione")
        ordering = ["campaign", "kind", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="organisation", organisation__isnull=False)
                | (~Q(kind="organisation") & Q(organisation__isnull=True)),
                name="survey_distribution_organisation_iff_kind",
            ),
            models.UniqueConstraint(
                fields=["campaign", "organisation"],
                condition=Q(organisation__isnull=False),
                name="survey_distribution_one_per_organisation",
            ),
        ]

    def __str__(self) -> str:
        if self.organisation_id:
            return f"{self.campaign} – {self.organisation}"
        return f"{self.campaign} – {self.get_kind_display()}"


class ResponseToken(models.Model):
    """A single-use code of a distribution, stored as its SHA-256 only. It is claimed by the
    response it starts (`response` set by a conditional UPDATE: one winner in a race)."""

    distribution = models.ForeignKey(Distribution, on_delete=models.CASCADE, related_name="tokens")
    token_hash = models.CharField(max_length=64, unique=True)
    response = models.OneToOneField(
        "Response", on_delete=models.SET_NULL, null=True, blank=True, related_name="token"
    )
    issued_on = models.DateField(auto_now_add=True)

    class Meta:
        verbose_name = _("codice monouso")
        verbose_name_plural = _("codici monouso")

    def __str__(self) -> str:
        return f"{self.distribution} – {self.token_hash[:8]}"


class Response(models.Model):
    class State(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In compilazione")
        SUBMITTED = "submitted", _("Inviata")

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="responses")
    distribution = models.ForeignKey(
        Distribution, on_delete=models.PROTECT, related_name="responses"
    )
    # The version answered, for good: a later version never changes how this one reads.
    version = models.ForeignKey(
        QuestionnaireVersion, on_delete=models.PROTECT, related_name="responses"
    )
    state = models.CharField(
        max_length=20, choices=State.choices, default=State.IN_PROGRESS, db_index=True
    )
    # SHA-256 of the token in the respondent's cookie; cleared once the response is sent.
    resume_hash = models.CharField(max_length=64, blank=True, db_index=True)
    section = models.PositiveSmallIntegerField(default=0)  # the next section to answer
    language = models.CharField(max_length=5, default="it")
    started_on = models.DateField()
    submitted_on = models.DateField(null=True, blank=True)
    # The breakdowns of the results, fixed when the response is sent (the organisation's size
    # and sector as they were then): the results count them without joins.
    comune = models.ForeignKey(
        "territory.Comune", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    organisation = models.ForeignKey(
        "network.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    organisation_size = models.CharField(max_length=10, blank=True)
    organisation_sector = models.CharField(max_length=30, blank=True)
    gender = models.CharField(max_length=40, blank=True)  # the option key of the version

    class Meta:
        verbose_name = _("risposta")
        verbose_name_plural = _("risposte")
        indexes = [
            models.Index(fields=["campaign", "state"], name="survey_response_campaign"),
            models.Index(fields=["organisation", "campaign"], name="survey_response_org"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} #{self.pk}"


class Answer(models.Model):
    """One value of a response: one row per chosen option (several for a multiple choice, one
    per grid row), a number, a comune's ISTAT code (in `option`), a date (ISO, in `text`) or a
    free text."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.CharField(max_length=40)
    row = models.CharField(max_length=40, blank=True)
    option = models.CharField(max_length=40, blank=True)
    number = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        verbose_name = _("valore di una risposta")
        verbose_name_plural = _("valori delle risposte")
        indexes = [models.Index(fields=["question", "option"], name="survey_answer_option")]

    def __str__(self) -> str:
        return f"{self.question}: {self.option or self.number or self.text[:20]}"
