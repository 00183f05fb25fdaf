"""Deleting what an ATS configured on a call (rules, criteria, macro-areas, FAQ, documents): the
view asks for confirmation first, and an object already in use is refused with the reason,
which `delete_refusal` also gives the confirmation page beforehand.

RULES: a rule goes only while no application has been submitted (the submitted ones were
checked against it) and, on a published call, with a reason (changes.py); a criterion goes only
while nobody scored it; a macro-area only while no application describes activities or budget
under it; nothing goes once the funding act is recorded."""

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from ..eligibility import describe
from ..models import (
    Application,
    ApplicationArea,
    BudgetLine,
    Call,
    CallCriterion,
    CallDocument,
    CallFAQ,
    CallMacroArea,
    CallRule,
)
from .calls import record_rule_change
from .changes import require_reason
from .common import require_call_manager


def delete_refusal(part: models.Model) -> str | None:
    """Why this part of a call can no longer be deleted, or None when it can."""
    call: Call = part.call  # type: ignore[attr-defined]
    if call.decided_at:
        return _("Il bando ha già l'atto di finanziamento: non si elimina più nulla.")
    if (
        isinstance(part, CallRule)
        and call.applications.exclude(state=Application.State.DRAFT).exists()
    ):
        return _("Sono già state inviate domande: le regole del bando non si possono più cambiare.")
    if isinstance(part, CallCriterion) and part.scores.exists():
        return _(
            "Il criterio «%(name)s» ha già dei punteggi del comitato: non si può eliminare."
        ) % {"name": part.name}
    if isinstance(part, CallMacroArea) and (
        ApplicationArea.objects.filter(macro_area=part).exists()
        or BudgetLine.objects.filter(macro_area=part).exists()
    ):
        return _(
            "Alcune domande descrivono attività o spese nella macro-area «%(name)s»: non si può "
            "eliminare."
        ) % {"name": part.name}
    return None


def _delete(part: models.Model, by) -> Call:
    call: Call = part.call  # type: ignore[attr-defined]
    require_call_manager(by, call)
    refusal = delete_refusal(part)
    if refusal:
        raise ValidationError(refusal, code="in_use")
    part.delete()
    return call


@transaction.atomic
def call_rule_delete(*, rule: CallRule, by, reason: str = "") -> None:
    reason = require_reason(rule.call, reason)
    text = describe(rule)
    call = _delete(rule, by)
    record_rule_change(call, by, reason, before=text, after="")


@transaction.atomic
def call_criterion_delete(*, criterion: CallCriterion, by) -> None:
    _delete(criterion, by)


@transaction.atomic
def call_macro_area_delete(*, area: CallMacroArea, by) -> None:
    _delete(area, by)


@transaction.atomic
def call_faq_delete(*, faq: CallFAQ, by) -> None:
    _delete(faq, by)


@transaction.atomic
def call_document_delete(*, document: CallDocument, by) -> None:
    _delete(document, by)
    document.file.delete(save=False)
