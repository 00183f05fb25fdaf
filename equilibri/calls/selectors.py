"""Calls and applications as each user may see them. Outside the scope is a 404 (views use
`get_object_or_404(<scoped queryset>, pk=pk)`)."""

from django.db.models import Q, QuerySet
from django.utils import timezone

from equilibri.accounts.roles import Role, ats_ids_for, has_role, is_region_wide, object_ids_for

from .models import Application, ApplicationPartner, Call, ExpenseItem, ExpenseReport

# Roles that read every call and application of their ATS.
ATS_READERS = (Role.ATS_OPERATOR, Role.COMMITTEE_MEMBER)


def public_calls() -> QuerySet[Call]:
    return Call.objects.filter(state=Call.State.PUBLISHED).select_related("ats")


def open_calls(now=None) -> QuerySet[Call]:
    now = now or timezone.now()
    return public_calls().filter(opens_at__lte=now, closes_at__gte=now)


def calls_read_by(user) -> QuerySet[Call]:
    """Calls the user follows in the reserved area: their ATS's (operators, committee), all
    (regional viewers, superusers)."""
    qs = Call.objects.select_related("ats", "plan")
    if is_region_wide(user):
        return qs
    return qs.filter(ats_id__in=ats_ids_for(user, *ATS_READERS))


def calls_managed_by(user) -> QuerySet[Call]:
    qs = Call.objects.select_related("ats", "plan")
    if has_role(user, Role.SUPERUSER):
        return qs
    return qs.filter(ats_id__in=ats_ids_for(user, Role.ATS_OPERATOR))


def calls_scored_by(user) -> QuerySet[Call]:
    return Call.objects.select_related("ats").filter(
        ats_id__in=ats_ids_for(user, Role.COMMITTEE_MEMBER)
    )


def _own_applications_q(user) -> Q:
    return Q(lead_id__in=object_ids_for(user, Role.ORG_ADMIN)) | Q(
        lead__isnull=True, applicant_id=user.pk
    )


def applications_visible_to(user) -> QuerySet[Application]:
    qs = Application.objects.select_related("call__ats", "lead__comune", "applicant", "project")
    if not user.is_authenticated:
        return qs.none()
    if is_region_wide(user):
        return qs
    orgs = object_ids_for(user, Role.ORG_ADMIN)
    ids = Application.objects.filter(
        Q(call__ats_id__in=ats_ids_for(user, *ATS_READERS))
        | _own_applications_q(user)
        | Q(partners__organisation_id__in=orgs)
    ).values("pk")
    return qs.filter(pk__in=ids)


def applications_of(user) -> QuerySet[Application]:
    """Applications the user files (edits, submits, reports on): their organisation leads them,
    or they applied in person."""
    qs = Application.objects.select_related("call__ats", "lead__comune", "applicant", "project")
    if not user.is_authenticated:
        return qs.none()
    return qs.filter(_own_applications_q(user))


def applications_managed_by(user) -> QuerySet[Application]:
    return Application.objects.select_related("call__ats", "lead__comune", "project").filter(
        call__in=calls_managed_by(user)
    )


def applications_scored_by(user) -> QuerySet[Application]:
    return Application.objects.select_related("call__ats", "lead").filter(
        call__in=calls_scored_by(user),
        state__in=[Application.State.ADMISSIBLE, Application.State.SCORED],
    )


def partnerships_of(user) -> QuerySet[ApplicationPartner]:
    """Partner rows the user answers for (organisation admin of the partner)."""
    return ApplicationPartner.objects.select_related(
        "application__call__ats", "application__lead", "organisation"
    ).filter(organisation_id__in=object_ids_for(user, Role.ORG_ADMIN))


def reports_visible_to(user) -> QuerySet[ExpenseReport]:
    return ExpenseReport.objects.select_related(
        "application__call__ats", "application__lead"
    ).filter(application__in=applications_visible_to(user))


def expense_items_visible_to(user) -> QuerySet[ExpenseItem]:
    return ExpenseItem.objects.select_related("report__application").filter(
        report__in=reports_visible_to(user)
    )


def awaiting_ranking(call: Call) -> list[Application]:
    """The applications the committee scores before the ranking."""
    states = [Application.State.ADMISSIBLE, Application.State.SCORED]
    return list(call.applications.filter(state__in=states).select_related("call", "lead"))


def ranking(call: Call) -> list[Application]:
    """The ranked applications (after `call_rank`), best first; excluded ones at the end."""
    qs = call.applications.select_related("lead").filter(rank__isnull=False)
    return list(qs.order_by("rank"))


def published_results(call: Call) -> dict[str, list[Application]]:
    """The public lists once the funding decision is recorded: admitted and funded."""
    if not call.is_decided:
        return {"admitted": [], "funded": []}
    ranked = [a for a in ranking(call) if not a.excluded_reason]
    return {
        "admitted": ranked,
        "funded": [a for a in ranked if a.state == Application.State.FUNDED],
    }
