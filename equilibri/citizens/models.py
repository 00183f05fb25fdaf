"""The citizen's side: services they keep, their territory, and what they send to an ATS (an
accessibility report, a message, a request to erase their data, a rating of a page)."""

from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from equilibri.core import identifiers

# AgID's guidelines on accessibility (feedback mechanism): an answer within 30 days.
ANSWER_WITHIN = timedelta(days=30)


class SavedService(models.Model):
    """A service a signed-in person keeps in their personal area ("save this service")."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_services"
    )
    service = models.ForeignKey(
        "services.Service", on_delete=models.CASCADE, related_name="saved_by"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("servizio salvato")
        verbose_name_plural = _("servizi salvati")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "service"], name="saved_service_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.service_id}"


class SavedSearch(models.Model):
    """A search a signed-in person keeps ("save this search"): the search page's own parameters
    as a query string, normalised once (`services.search_save`), to run it again."""

    MAX_PER_PERSON = 50
    MAX_QUERY_LENGTH = 500

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_searches"
    )
    query = models.CharField(max_length=MAX_QUERY_LENGTH)
    label = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ricerca salvata")
        verbose_name_plural = _("ricerche salvate")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "query"], name="saved_search_unique")
        ]

    def __str__(self) -> str:
        return self.label


class Preferences(models.Model):
    """Where the person lives: the home page and the personal area show that ATS's open calls
    and voucher schemes first."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="citizen_preferences"
    )
    comune = models.ForeignKey(
        "territory.Comune",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("il tuo comune"),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("preferenze")
        verbose_name_plural = _("preferenze")

    def __str__(self) -> str:
        return str(self.comune or "—")


class Message(models.Model):
    """What a person sends to an ATS: it lands in that ATS's queue, where an operator answers
    (by e-mail) and closes it."""

    class Kind(models.TextChoices):
        ACCESSIBILITY = "accessibility", _("Segnalazione di accessibilità")
        CONTACT = "contact", _("Richiesta di informazioni")
        ERASURE = "erasure", _("Richiesta di cancellazione dei dati")

    class State(models.TextChoices):
        NEW = "new", _("Nuova")
        ANSWERED = "answered", _("Risposta inviata")
        CLOSED = "closed", _("Chiusa")

    kind = models.CharField(_("tipo"), max_length=20, choices=Kind.choices)
    state = models.CharField(_("stato"), max_length=10, choices=State.choices, default=State.NEW)
    ats = models.ForeignKey(
        "territory.ATS", on_delete=models.PROTECT, related_name="+", verbose_name=_("ATS")
    )
    comune = models.ForeignKey(
        "territory.Comune",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("comune"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="citizen_messages",
    )
    name = models.CharField(_("nome"), max_length=150, blank=True)
    email = identifiers.EmailField(_("e-mail"), blank=True)
    page_url = models.CharField(_("pagina"), max_length=500, blank=True)
    subject = models.CharField(_("oggetto"), max_length=200, blank=True)
    body = models.TextField(_("messaggio"), max_length=5000)
    answer = models.TextField(_("risposta"), blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("messaggio")
        verbose_name_plural = _("messaggi")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["ats", "state", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def answer_due(self):
        return self.created_at + ANSWER_WITHIN


class Rating(models.Model):
    """One answer to "Valuta la tua esperienza" (1 to 5, with an optional comment), kept by
    moment and by ATS; it names nobody."""

    class Moment(models.TextChoices):
        BOOKING = "booking", _("Prenotazione allo sportello")
        VOUCHER_DECISION = "voucher_decision", _("Esito della domanda di voucher")
        SEARCH = "search", _("Ricerca dei servizi")

    moment = models.CharField(_("momento"), max_length=20, choices=Moment.choices)
    score = models.PositiveSmallIntegerField(
        _("valutazione"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("commento"), max_length=1000, blank=True)
    ats = models.ForeignKey(
        "territory.ATS", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("valutazione")
        verbose_name_plural = _("valutazioni")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score__gte=1, score__lte=5), name="rating_score_1_to_5"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_moment_display()}: {self.score}"
