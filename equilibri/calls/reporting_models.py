"""The reporting stage of a funded application: its expense reports with their items (each with
its document and the ATS's check) and the payments. Kept apart from models.py, which imports
them: Django and every caller find them in calls.models."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from equilibri.core.money import MoneyField


class ExpenseReport(models.Model):
    class Kind(models.TextChoices):
        INTERIM = "interim", _("Intermedia")
        FINAL = "final", _("Finale")

    class State(models.TextChoices):
        DRAFT = "draft", _("Bozza")
        SUBMITTED = "submitted", _("Inviata")
        CHECKED = "checked", _("Verificata")

    application = models.ForeignKey(
        "calls.Application", on_delete=models.CASCADE, related_name="expense_reports"
    )
    kind = models.CharField(_("tipo"), max_length=10, choices=Kind.choices)
    state = models.CharField(_("stato"), max_length=10, choices=State.choices, default=State.DRAFT)
    narrative = models.TextField(_("relazione"), blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    check_note = models.TextField(_("esito della verifica"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("rendiconto")
        verbose_name_plural = _("rendiconti")
        ordering = ["application", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["application"],
                name="expensereport_one_final",
                condition=models.Q(kind="final"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.application}"

    @property
    def declared(self) -> Decimal:
        return sum((item.amount for item in self.items.all()), Decimal("0"))

    @property
    def accepted(self) -> Decimal:
        return sum(
            (item.accepted_amount or Decimal("0") for item in self.items.all()), Decimal("0")
        )


def expense_upload_to(instance: "ExpenseItem", filename: str) -> str:
    return f"calls/reports/{instance.report_id}/{filename}"


class ExpenseItem(models.Model):
    class Check(models.TextChoices):
        PENDING = "pending", _("Da verificare")
        ACCEPTED = "accepted", _("Ammessa")
        PARTLY = "partly", _("Ammessa in parte")
        REJECTED = "rejected", _("Non ammessa")

    report = models.ForeignKey(ExpenseReport, on_delete=models.CASCADE, related_name="items")
    budget_line = models.ForeignKey(
        "calls.BudgetLine",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="expenses",
        verbose_name=_("voce di budget"),
    )
    description = models.CharField(_("descrizione"), max_length=300)
    amount = MoneyField(_("importo (€, IVA esclusa)"))
    document = models.FileField(_("documento di spesa"), upload_to=expense_upload_to)
    check_state = models.CharField(
        _("verifica"), max_length=10, choices=Check.choices, default=Check.PENDING
    )
    accepted_amount = MoneyField(_("importo ammesso (€)"), null=True, blank=True)
    check_note = models.TextField(_("nota della verifica"), blank=True)

    class Meta:
        verbose_name = _("spesa rendicontata")
        verbose_name_plural = _("spese rendicontate")
        ordering = ["report", "pk"]

    def __str__(self) -> str:
        return f"{self.description}: {self.amount}"


class Payment(models.Model):
    application = models.ForeignKey(
        "calls.Application", on_delete=models.PROTECT, related_name="payments"
    )
    amount = MoneyField(_("importo (€)"))
    paid_on = models.DateField(_("data del pagamento"))
    reference = models.CharField(_("riferimento (mandato, atto)"), max_length=200)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("pagamento")
        verbose_name_plural = _("pagamenti")
        ordering = ["application", "paid_on", "pk"]

    def __str__(self) -> str:
        return f"{self.application.public_id}: {self.amount}"
