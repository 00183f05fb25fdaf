"""The committee's evaluation and the ranking.

A member declares conflicts of interest before scoring and does not score in conflict; a score
is between 0 and the criterion's maximum. The ranking orders by the mean of the evaluators'
totals, once each application has the committee's quorum (quorum.py); TIE RULE: equal scores
are ordered by earlier submission, then by lower application id; an application under a
criterion's minimum or the call's minimum total is excluded."""

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from equilibri.accounts.roles import Role, ats_ids_for

from ..eligibility import CENT
from ..models import Application, Call, CallCriterion, CriterionScore, ScoreSheet
from .common import field_error, record_event, require_call_manager
from .quorum import require_quorum


def _require_evaluator(by, application: Application) -> None:
    if application.call.ats_id not in ats_ids_for(by, Role.COMMITTEE_MEMBER):
        raise PermissionDenied(
            _("Valutano le domande solo i componenti del comitato dell'ATS del bando.")
        )


@transaction.atomic
def conflict_declare(*, application: Application, by, conflict: bool, note: str = "") -> ScoreSheet:
    application = Application.objects.select_related("call").get(pk=application.pk)
    _require_evaluator(by, application)
    if (
        application.state not in (Application.State.ADMISSIBLE, Application.State.SCORED)
        or application.call.ranked_at
    ):
        raise ValidationError(
            _("Si valutano solo le domande ammissibili, prima della graduatoria."), code="state"
        )
    if conflict and not note.strip():
        raise field_error("conflict_note", _("Descrivi il conflitto di interessi."))
    sheet, created = ScoreSheet.objects.get_or_create(
        application=application,
        evaluator=by,
        defaults={"conflict_of_interest": conflict, "conflict_note": note},
    )
    if not created:
        raise ValidationError(
            _("Hai già reso la dichiarazione sul conflitto di interessi per questa domanda."),
            code="declared",
        )
    return sheet


@transaction.atomic
def score_sheet_submit(
    *, sheet: ScoreSheet, by, scores: dict[int, Any], comment: str = ""
) -> ScoreSheet:
    """Records one evaluator's scores (one per criterion, 0..max)."""
    sheet = (
        ScoreSheet.objects.select_for_update(of=("self",))
        .select_related("application__call")
        .get(pk=sheet.pk)
    )
    application = sheet.application
    _require_evaluator(by, application)
    if sheet.evaluator_id != by.pk:
        raise PermissionDenied(_("Questa scheda è di un altro componente del comitato."))
    if sheet.conflict_of_interest:
        raise ValidationError(
            _("Hai dichiarato un conflitto di interessi: non puoi valutare questa domanda."),
            code="conflict",
        )
    if application.call.ranked_at:
        raise ValidationError(
            _("La graduatoria è già stata calcolata: i punteggi non si cambiano più."),
            code="ranked",
        )
    errors: dict[str, list[ValidationError]] = {}
    values: dict[CallCriterion, Decimal] = {}
    for criterion in application.call.criteria.all():
        raw = scores.get(criterion.pk)
        field = f"criterion_{criterion.pk}"
        try:
            value = Decimal(str(raw)) if raw not in (None, "") else None
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite():
            errors[field] = [
                ValidationError(_("Dai un punteggio a «%(name)s».") % {"name": criterion.name})
            ]
        elif value < 0 or value > criterion.max_score:
            errors[field] = [
                ValidationError(
                    _(
                        "Il punteggio di «%(name)s» va da 0 a %(max)s (il massimo del criterio): "
                        "hai scritto %(value)s."
                    )
                    % {"name": criterion.name, "max": criterion.max_score, "value": value},
                    code="max_score",
                )
            ]
        else:
            values[criterion] = value.quantize(CENT)
    if errors:
        raise ValidationError(errors)
    for criterion, value in values.items():
        CriterionScore.objects.update_or_create(
            sheet=sheet, criterion=criterion, defaults={"value": value}
        )
    sheet.comment = comment
    sheet.submitted_at = timezone.now()
    sheet.save()
    return sheet


def aggregate(application: Application) -> tuple[Decimal | None, dict[int, Decimal]]:
    """The mean of the evaluators' scores per criterion and in total (None: no valid sheet)."""
    sheets = list(
        application.score_sheets.filter(
            conflict_of_interest=False, submitted_at__isnull=False
        ).prefetch_related("scores")
    )
    if not sheets:
        return None, {}
    per_criterion: dict[int, Decimal] = {}
    for criterion in application.call.criteria.all():
        values = [
            s.value
            for sheet in sheets
            for s in sheet.scores.all()
            if s.criterion_id == criterion.pk
        ]
        per_criterion[criterion.pk] = (
            (sum(values, Decimal(0)) / len(values)).quantize(CENT) if values else Decimal(0)
        )
    return sum(per_criterion.values(), Decimal(0)), per_criterion


def ranking_key(application: Application):
    """TIE RULE: higher score first; equal scores: earlier submission first, then lower id."""
    return (
        -(application.score or Decimal(0)),
        application.submitted_at or timezone.now(),
        application.public_id,
    )


@transaction.atomic
def call_rank(*, call: Call, by) -> list[Application]:
    require_call_manager(by, call)
    call = Call.objects.select_for_update(of=("self",)).get(pk=call.pk)
    if call.decided_at:
        raise ValidationError(_("Il bando ha già l'atto di finanziamento."), code="decided")
    pending = call.applications.filter(state=Application.State.SUBMITTED)
    if pending.exists():
        raise ValidationError(
            _("Completa prima l'istruttoria di ammissibilità delle domande %(ids)s.")
            % {"ids": ", ".join(str(a.public_id) for a in pending)},
            code="pending",
        )
    candidates = list(
        call.applications.filter(state__in=[Application.State.ADMISSIBLE, Application.State.SCORED])
    )
    if not candidates:
        raise ValidationError(_("Non ci sono domande ammissibili da mettere in graduatoria."))
    require_quorum(call, candidates)
    criteria = list(call.criteria.all())
    for application in candidates:
        total, per_criterion = aggregate(application)
        assert total is not None  # the quorum is at least one sheet
        application.score = total
        reasons = [
            _("«%(name)s» sotto la soglia (%(value)s su un minimo di %(min)s)")
            % {"name": c.name, "value": per_criterion[c.pk], "min": c.min_score}
            for c in criteria
            if per_criterion[c.pk] < c.min_score
        ]
        if total < call.min_total_score:
            reasons.append(
                _("punteggio complessivo %(value)s sotto il minimo di %(min)s")
                % {"value": total, "min": call.min_total_score}
            )
        application.excluded_reason = "; ".join(reasons)[:300]
    admitted = sorted((a for a in candidates if not a.excluded_reason), key=ranking_key)
    excluded = sorted((a for a in candidates if a.excluded_reason), key=ranking_key)
    for position, application in enumerate([*admitted, *excluded], start=1):
        application.rank = position
        application.state = Application.State.SCORED
        application.save(update_fields=["score", "rank", "excluded_reason", "state"])
        record_event(application, by, application.excluded_reason)
    call.ranked_at = timezone.now()
    call.save(update_fields=["ranked_at"])
    return [*admitted, *excluded]
