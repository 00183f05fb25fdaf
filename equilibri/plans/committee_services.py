"""The Programming, Evaluation and Monitoring Committee: members, priorities, meetings and the
weighted evaluation of project proposals.

Managed by the ATS operators of the committee's ATS; read by its members and regional viewers.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from equilibri.accounts.roles import Role, ats_ids_for
from equilibri.core.uploads import PDF_ONLY, check_upload

from .models import (
    Committee,
    CommitteeMember,
    Decision,
    EvaluationCriterion,
    Meeting,
    MeetingDocument,
    Priority,
    Project,
    Score,
    ScoreSheet,
    TerritorialPlan,
)
from .monitoring_services import MAX_DOCUMENT_BYTES
from .selectors import committees_visible_to, plans_managed_by, plans_visible_to

EVALUATED_STATES = (Project.State.PROPOSED, Project.State.EVALUATED)
HUNDRED = Decimal("100")


# ---------------------------------------------------------------------------------------------
# Scoped reads


def committees_managed_by(user) -> QuerySet[Committee]:
    qs = Committee.objects.select_related("ats")
    if user.is_authenticated and user.is_superuser:
        return qs
    return qs.filter(ats_id__in=ats_ids_for(user, Role.ATS_OPERATOR))


def meetings_visible_to(user) -> QuerySet[Meeting]:
    return Meeting.objects.filter(committee__in=committees_visible_to(user).values("pk"))


def meetings_managed_by(user) -> QuerySet[Meeting]:
    return Meeting.objects.filter(committee__in=committees_managed_by(user).values("pk"))


def evaluation_plans_visible_to(user) -> QuerySet[TerritorialPlan]:
    """Plans whose evaluation the user reads: those of the committees the user sees."""
    ats_ids = committees_visible_to(user).values("ats_id")
    return plans_visible_to(user).filter(ats_id__in=ats_ids)


def proposals_of(plan: TerritorialPlan) -> QuerySet[Project]:
    return plan.projects.filter(state__in=EVALUATED_STATES).select_related("lead", "alliance")


def membership_of(user, committee_ats_id: int) -> CommitteeMember | None:
    """The user's active seat on the committee of that ATS, if any."""
    if not user.is_authenticated:
        return None
    return (
        CommitteeMember.objects.filter(user=user, active=True, committee__ats_id=committee_ats_id)
        .select_related("committee")
        .first()
    )


def _require_manager(committee: Committee, by) -> None:
    if not committees_managed_by(by).filter(pk=committee.pk).exists():
        raise PermissionDenied


def _require_plan_manager(plan: TerritorialPlan, by) -> None:
    if not plans_managed_by(by).filter(pk=plan.pk).exists():
        raise PermissionDenied


# ---------------------------------------------------------------------------------------------
# Members, priorities, meetings


@transaction.atomic
def committee_member_save(
    *, committee: Committee, member: CommitteeMember | None = None, data: dict, by
) -> CommitteeMember:
    _require_manager(committee, by)
    member = member or CommitteeMember(committee=committee)
    if member.committee_id != committee.pk:
        raise PermissionDenied
    for field in ("full_name", "organisation", "role", "active", "user"):
        if field in data:
            setattr(member, field, data[field])
    if not member.full_name.strip():
        raise ValidationError(_("Indica nome e cognome del componente."))
    member.save()
    return member


@transaction.atomic
def priority_save(
    *, committee: Committee, priority: Priority | None = None, data: dict, by
) -> Priority:
    _require_manager(committee, by)
    if priority is None:
        last = committee.priorities.order_by("-order").values_list("order", flat=True).first()
        priority = Priority(committee=committee, order=(last or 0) + 1)
    elif priority.committee_id != committee.pk:
        raise PermissionDenied
    for field in ("title", "description", "order"):
        if field in data and data[field] is not None:
            setattr(priority, field, data[field])
    priority.save()
    return priority


@transaction.atomic
def priority_delete(*, priority: Priority, by) -> None:
    _require_manager(priority.committee, by)
    priority.delete()


@transaction.atomic
def meeting_save(
    *, committee: Committee, meeting: Meeting | None = None, data: dict, by
) -> Meeting:
    _require_manager(committee, by)
    meeting = meeting or Meeting(committee=committee)
    if meeting.committee_id != committee.pk:
        raise PermissionDenied
    for field in ("held_at", "place", "agenda", "minutes"):
        if field in data:
            setattr(meeting, field, data[field])
    if not (meeting.agenda or "").strip():
        raise ValidationError(_("Scrivi l'ordine del giorno della seduta."))
    meeting.save()
    return meeting


@transaction.atomic
def meeting_document_add(
    *, meeting: Meeting, title: str, file: UploadedFile, by
) -> MeetingDocument:
    _require_manager(meeting.committee, by)
    checked = check_upload(file, max_bytes=MAX_DOCUMENT_BYTES, accept=PDF_ONLY)
    if not title.strip():
        raise ValidationError(_("Dai un titolo all'allegato."))
    document = MeetingDocument(meeting=meeting, title=title.strip())
    document.file.save(checked.name, checked, save=False)
    document.save()
    return document


@transaction.atomic
def decision_add(*, meeting: Meeting, text: str, project: Project | None, by) -> Decision:
    _require_manager(meeting.committee, by)
    if not text.strip():
        raise ValidationError(_("Scrivi il testo della decisione."))
    if project is not None and project.plan.ats_id != meeting.committee.ats_id:
        raise ValidationError(_("Il progetto non appartiene al territorio del comitato."))
    return Decision.objects.create(meeting=meeting, text=text.strip(), project=project)


# ---------------------------------------------------------------------------------------------
# Evaluation criteria and score sheets


@transaction.atomic
def criterion_add(
    *, plan: TerritorialPlan, name: str, weight: Decimal, max_score: int, by
) -> EvaluationCriterion:
    _require_plan_manager(plan, by)
    if not name.strip():
        raise ValidationError(_("Dai un nome al criterio."))
    if weight is None or weight <= 0:
        raise ValidationError(_("Il peso del criterio deve essere maggiore di zero."))
    if max_score is None or max_score < 1:
        raise ValidationError(_("Il punteggio massimo deve essere almeno 1."))
    if plan.criteria.filter(name__iexact=name.strip()).exists():
        raise ValidationError(_("Il piano ha già un criterio «%(name)s».") % {"name": name})
    if ScoreSheet.objects.filter(project__plan=plan, submitted_at__isnull=False).exists():
        raise ValidationError(
            _("Le valutazioni sono già iniziate: i criteri non si possono più cambiare.")
        )
    return EvaluationCriterion.objects.create(
        plan=plan, name=name.strip(), weight=weight, max_score=max_score
    )


@transaction.atomic
def criterion_delete(*, criterion: EvaluationCriterion, by) -> None:
    _require_plan_manager(criterion.plan, by)
    if criterion.scores.exists():
        raise ValidationError(
            _("Il criterio «%(name)s» ha già dei punteggi: non si può eliminare.")
            % {"name": criterion.name}
        )
    criterion.delete()


def _score_bounds(criterion: EvaluationCriterion, value: Decimal) -> None:
    if value < 0 or value > criterion.max_score:
        raise ValidationError(
            _("Il punteggio per «%(name)s» deve essere tra 0 e %(max)s")
            % {"name": criterion.name, "max": criterion.max_score}
        )


@transaction.atomic
def score_sheet_submit(
    *,
    project: Project,
    conflict_of_interest: bool,
    conflict_note: str = "",
    scores: dict[int, Decimal] | None = None,
    comment: str = "",
    by,
) -> ScoreSheet:
    """A committee member's one sheet for a proposal. With a declared conflict of interest the
    sheet has no scores and counts as an abstention."""
    member = membership_of(by, project.plan.ats_id)
    if member is None:
        raise PermissionDenied
    if project.state not in EVALUATED_STATES:
        raise ValidationError(_("Si valutano solo i progetti proposti."))
    if ScoreSheet.objects.filter(
        project=project, member=member, submitted_at__isnull=False
    ).exists():
        raise ValidationError(_("Hai già inviato la tua scheda per questo progetto."))
    criteria = list(project.plan.criteria.all())
    scores = scores or {}
    if conflict_of_interest:
        if not conflict_note.strip():
            raise ValidationError(_("Spiega in breve il motivo del conflitto di interessi."))
        scores = {}
    else:
        if not criteria:
            raise ValidationError(_("L'ATS non ha ancora definito i criteri di valutazione."))
        errors = []
        for criterion in criteria:
            value = scores.get(criterion.pk)
            if value is None:
                errors.append(_("Manca il punteggio per «%(name)s».") % {"name": criterion.name})
                continue
            try:
                _score_bounds(criterion, value)
            except ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise ValidationError(errors)
    sheet, _created = ScoreSheet.objects.update_or_create(
        project=project,
        member=member,
        defaults={
            "conflict_of_interest": conflict_of_interest,
            "conflict_note": conflict_note.strip() if conflict_of_interest else "",
            "comment": comment.strip(),
            "submitted_at": timezone.now(),
        },
    )
    sheet.scores.all().delete()
    # Saved one by one (a few criteria): the audit log keeps each member's every score.
    for c in criteria:
        if c.pk in scores:
            Score.objects.create(sheet=sheet, criterion=c, value=scores[c.pk])
    return sheet


@dataclass
class RankingRow:
    project: Project
    score: Decimal | None  # 0-100, None without valid sheets
    sheets: int  # submitted sheets that count
    abstentions: int  # sheets with a declared conflict of interest
    position: int = 0


def ranking(plan: TerritorialPlan) -> list[RankingRow]:
    """Per proposal: the sum over criteria of weight * (mean of the members' scores /
    max_score), normalised to 100 by the total weight; conflicted sheets excluded. Ranked by
    score, descending, ties broken by title."""
    criteria = list(plan.criteria.all())
    total_weight = sum((c.weight for c in criteria), Decimal("0"))
    rows = []
    for project in proposals_of(plan):
        sheets = list(
            ScoreSheet.objects.filter(project=project, submitted_at__isnull=False).prefetch_related(
                "scores"
            )
        )
        valid = [s for s in sheets if not s.conflict_of_interest]
        score = None
        if valid and criteria and total_weight > 0:
            weighted = Decimal("0")
            for criterion in criteria:
                values = [
                    sc.value
                    for s in valid
                    for sc in s.scores.all()
                    if sc.criterion_id == criterion.pk
                ]
                mean = sum(values, Decimal("0")) / len(values) if values else Decimal("0")
                weighted += criterion.weight * mean / criterion.max_score
            score = (weighted * HUNDRED / total_weight).quantize(Decimal("0.01"))
        rows.append(RankingRow(project, score, len(valid), len(sheets) - len(valid)))
    rows.sort(key=lambda r: (r.score is None, -(r.score or 0), r.project.title))
    for position, row in enumerate(rows, start=1):
        row.position = position
    return rows
