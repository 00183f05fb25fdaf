"""Reads of the surveys, scoped to the user (`…_visible_to(user)`); an object outside the scope
is a 404 like a missing one."""

from django.db.models import Q, QuerySet

from equilibri.accounts.roles import Role, ats_ids_for, has_role, is_region_wide, object_ids_for

from .models import Campaign, Distribution, Questionnaire, QuestionnaireVersion, Response

RESULT_READERS = (Role.ATS_OPERATOR, Role.COMMITTEE_MEMBER)
ASSISTANTS = (Role.ATS_OPERATOR, Role.DESK_OPERATOR)


def _all_ats(user) -> bool:
    return has_role(user, Role.SUPERUSER)


def questionnaires_visible_to(user) -> QuerySet[Questionnaire]:
    """The regional ones and the ATS's own, for whoever manages surveys."""
    qs = Questionnaire.objects.select_related("ats")
    if _all_ats(user):
        return qs
    if not user.has_perm("surveys.manage"):
        return qs.none()
    return qs.filter(Q(ats__isnull=True) | Q(ats_id__in=ats_ids_for(user, Role.ATS_OPERATOR)))


def versions_visible_to(user) -> QuerySet[QuestionnaireVersion]:
    return QuestionnaireVersion.objects.select_related("questionnaire__ats").filter(
        questionnaire__in=questionnaires_visible_to(user)
    )


def versions_usable_by(user, ats) -> QuerySet[QuestionnaireVersion]:
    """Published versions an ATS's campaign may use: the regional ones and its own."""
    return versions_visible_to(user).filter(
        Q(questionnaire__ats__isnull=True) | Q(questionnaire__ats=ats),
        state=QuestionnaireVersion.State.PUBLISHED,
    )


def campaigns_managed_by(user) -> QuerySet[Campaign]:
    qs = Campaign.objects.select_related("ats")
    if _all_ats(user):
        return qs
    return qs.filter(ats_id__in=ats_ids_for(user, Role.ATS_OPERATOR))


def campaigns_visible_to(user) -> QuerySet[Campaign]:
    """Campaigns the user works on: their ATS's (operators, committee, desks), every one (the
    Region, the superuser), and those with a channel of an organisation they administer."""
    qs = Campaign.objects.select_related("ats")
    if is_region_wide(user):
        return qs
    orgs = object_ids_for(user, Role.ORG_ADMIN)
    return qs.filter(
        Q(ats_id__in=ats_ids_for(user, *RESULT_READERS, Role.DESK_OPERATOR))
        | Q(pk__in=Distribution.objects.filter(organisation_id__in=orgs).values("campaign_id"))
    ).distinct()


def campaigns_with_results_for(user) -> QuerySet[Campaign]:
    qs = Campaign.objects.select_related("ats")
    if is_region_wide(user):
        return qs
    return qs.filter(ats_id__in=ats_ids_for(user, *RESULT_READERS))


def campaigns_with_free_text_for(user) -> QuerySet[Campaign]:
    # Not the superuser: free texts are read by the ATS's own operators only.
    return Campaign.objects.select_related("ats").filter(
        ats_id__in=ats_ids_for(user, Role.ATS_OPERATOR)
    )


def campaigns_assisted_by(user) -> QuerySet[Campaign]:
    qs = Campaign.objects.select_related("ats")
    if _all_ats(user):
        return qs
    return qs.filter(ats_id__in=ats_ids_for(user, *ASSISTANTS))


def organisation_ids_for_results(user) -> set[int] | None:
    """The organisations whose employees' aggregate the user may read (None: all)."""
    if _all_ats(user):
        return None
    return object_ids_for(user, Role.ORG_ADMIN)


def distribution_by_key(key: str) -> Distribution | None:
    return (
        Distribution.objects.select_related("campaign__ats", "organisation").filter(key=key).first()
    )


def submitted(campaign: Campaign) -> QuerySet[Response]:
    return Response.objects.filter(campaign=campaign, state=Response.State.SUBMITTED)
