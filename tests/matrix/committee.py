"""Committee URLs: ATS Insubria's committee and, for cross-ATS rows, ATS Brescia's."""

from equilibri.plans.models import (
    Committee,
    CommitteeMember,
    EvaluationCriterion,
    Meeting,
    MeetingDocument,
    Priority,
    Project,
    TerritorialPlan,
)

from .helpers import only
from .monitoring import READERS, post_only, scoped

READ = ("ats_operator", "committee_member", "regional_viewer", "superuser")
REGION = ("regional_viewer", "superuser")
MANAGE = ("ats_operator", "superuser")


def insubria_committee() -> int:
    return Committee.objects.get(ats__code="ATS-INS").pk


def brescia_committee() -> int:
    return Committee.objects.get(ats__code="ATS-BS").pk


def insubria_member() -> int:
    return CommitteeMember.objects.filter(committee__ats__code="ATS-INS").first().pk


def brescia_member() -> int:
    return CommitteeMember.objects.filter(committee__ats__code="ATS-BS").first().pk


def insubria_priority() -> int:
    return Priority.objects.filter(committee__ats__code="ATS-INS").first().pk


def brescia_priority() -> int:
    return Priority.objects.filter(committee__ats__code="ATS-BS").first().pk


def insubria_meeting() -> int:
    return Meeting.objects.filter(committee__ats__code="ATS-INS").first().pk


def brescia_meeting() -> int:
    return Meeting.objects.filter(committee__ats__code="ATS-BS").first().pk


def insubria_document() -> int:
    return MeetingDocument.objects.filter(meeting__committee__ats__code="ATS-INS").first().pk


def brescia_document() -> int:
    return MeetingDocument.objects.filter(meeting__committee__ats__code="ATS-BS").first().pk


def insubria_plan() -> int:
    return TerritorialPlan.objects.get(ats__code="ATS-INS", start_year=2020).pk


def brescia_plan() -> int:
    return TerritorialPlan.objects.get(ats__code="ATS-BS", start_year=2020).pk


def insubria_criterion() -> int:
    return EvaluationCriterion.objects.filter(plan__ats__code="ATS-INS").first().pk


def insubria_proposal() -> int:
    return Project.objects.get(title="Proposta – Conciliare in Valle Olona").pk


def brescia_project() -> int:
    return Project.objects.filter(plan__ats__code="ATS-BS").first().pk


def score_only(status: int) -> dict[str, int]:
    """plans.score: committee members only, everyone else 403; superusers hold every permission
    but have no seat on a committee (404)."""
    return {**only("committee_member"), "committee_member": status, "superuser": 404}


ROWS = {
    ("committee:home", None): only(*READERS),
    ("committee:detail", insubria_committee): scoped(*READ),
    ("committee:detail", brescia_committee): scoped(*REGION),
    ("committee:member_add", insubria_committee): scoped(*MANAGE),
    ("committee:member_add", brescia_committee): scoped("superuser"),
    ("committee:member_edit", insubria_member): scoped(*MANAGE),
    ("committee:member_edit", brescia_member): scoped("superuser"),
    ("committee:priority_add", insubria_committee): scoped(*MANAGE),
    ("committee:priority_add", brescia_committee): scoped("superuser"),
    ("committee:priority_edit", insubria_priority): scoped(*MANAGE),
    ("committee:priority_edit", brescia_priority): scoped("superuser"),
    ("committee:meeting_add", insubria_committee): scoped(*MANAGE),
    ("committee:meeting_add", brescia_committee): scoped("superuser"),
    ("committee:meeting_detail", insubria_meeting): scoped(*READ),
    ("committee:meeting_detail", brescia_meeting): scoped(*REGION),
    ("committee:meeting_edit", insubria_meeting): scoped(*MANAGE),
    ("committee:meeting_edit", brescia_meeting): scoped("superuser"),
    ("committee:document_download", insubria_document): scoped(*READ),
    ("committee:document_download", brescia_document): scoped(*REGION),
    ("committee:evaluation", insubria_plan): scoped(*READ),
    ("committee:evaluation", brescia_plan): scoped(*REGION),
    ("committee:criterion_delete", insubria_criterion): post_only(),
    ("committee:score_sheet", insubria_proposal): score_only(200),
    ("committee:score_sheet", brescia_project): score_only(404),
}
