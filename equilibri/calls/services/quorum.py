"""The committee's quorum: how many members must have scored each application before the
ranking and the funding act (`Call.quorum`; without one, every member of the call's ATS's
committee who did not declare a conflict of interest).

RULE: a member sees the other members' scores and the running mean only once they have
submitted their own sheet, or once the evaluation is closed (the ranking is computed), so that
nobody scores to the mean."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from equilibri.accounts.models import StaffRole, User
from equilibri.accounts.roles import Role

from ..models import Application, Call, ScoreSheet


@dataclass
class QuorumState:
    application: Application
    required: int
    scored: int
    missing: list[str] = field(default_factory=list)

    @property
    def reached(self) -> bool:
        return self.scored >= self.required


def committee_members(call: Call) -> list[User]:
    user_ids = StaffRole.objects.filter(
        ats_id=call.ats_id, role=Role.COMMITTEE_MEMBER, user__is_active=True
    ).values_list("user_id", flat=True)
    return list(User.objects.filter(pk__in=user_ids).order_by("last_name", "first_name", "email"))


def _name(user: User) -> str:
    return user.get_full_name() or user.email


def quorum_state(application: Application, members: list[User] | None = None) -> QuorumState:
    call = application.call
    members = committee_members(call) if members is None else members
    sheets = {sheet.evaluator_id: sheet for sheet in application.score_sheets.all()}
    conflicted = {pk for pk, sheet in sheets.items() if sheet.conflict_of_interest}
    scored = sum(
        1 for sheet in sheets.values() if sheet.submitted_at and not sheet.conflict_of_interest
    )
    missing = [
        _name(member)
        for member in members
        if member.pk not in conflicted
        and not (member.pk in sheets and sheets[member.pk].submitted_at)
    ]
    eligible = sum(1 for member in members if member.pk not in conflicted)
    required = call.quorum or max(eligible, 1)
    return QuorumState(application, required, scored, missing)


def require_quorum(call: Call, applications: list[Application]) -> None:
    """Refuses the ranking or the funding act while an application lacks its quorum, naming
    the members who have not scored it yet."""
    members = committee_members(call)
    lines = []
    for application in applications:
        state = quorum_state(application, members)
        if not state.reached:
            lines.append(
                _("domanda %(id)s: %(scored)s valutazioni su %(required)s richieste%(who)s")
                % {
                    "id": application.public_id,
                    "scored": state.scored,
                    "required": state.required,
                    "who": (
                        _(" (non hanno ancora valutato: %(names)s)")
                        % {"names": ", ".join(state.missing)}
                        if state.missing
                        else ""
                    ),
                }
            )
    if lines:
        raise ValidationError(
            _("Il comitato non ha raggiunto il quorum: %(lines)s.") % {"lines": "; ".join(lines)},
            code="quorum",
        )


@dataclass
class SheetTotal:
    evaluator: str
    total: Decimal | None
    conflict: bool


def visible_scores(application: Application, viewer: User) -> list[SheetTotal] | None:
    """The committee's sheets for `viewer`, or None while they must not see them yet (RULE)."""
    own = ScoreSheet.objects.filter(application=application, evaluator=viewer).first()
    closed = application.call.ranked_at is not None
    if not closed and not (own and own.submitted_at and not own.conflict_of_interest):
        return None
    sheets = application.score_sheets.select_related("evaluator").prefetch_related("scores")
    return [
        SheetTotal(
            _name(sheet.evaluator),
            sum((s.value for s in sheet.scores.all()), Decimal(0)) if sheet.submitted_at else None,
            sheet.conflict_of_interest,
        )
        for sheet in sheets.order_by("pk")
    ]
