from collections.abc import Iterable

from django.db.models import Q, QuerySet

from equilibri.accounts.roles import Grant, Role, ats_ids_for, is_region_wide, object_ids_for

from .models import AllianceRole, Organisation, OrganisationRole

# Roles that read the organisations of their whole ATS.
ATS_READERS = (Role.ATS_OPERATOR, Role.COMMITTEE_MEMBER, Role.ALLIANCE_LEAD, Role.DESK_OPERATOR)


def organisation_grants(user) -> Iterable[Grant]:
    for org_role in OrganisationRole.objects.filter(user=user).select_related(
        "organisation__comune"
    ):
        org = org_role.organisation
        yield Grant(Role(org_role.role), org.comune.ats_id, org.name, org.pk)


def alliance_grants(user) -> Iterable[Grant]:
    for alliance_role in AllianceRole.objects.filter(user=user).select_related("alliance"):
        alliance = alliance_role.alliance
        yield Grant(Role.ALLIANCE_LEAD, alliance.ats_id, alliance.name, alliance.pk)


def organisations_visible_to(user) -> QuerySet[Organisation]:
    qs = Organisation.objects.select_related("comune__ats")
    if is_region_wide(user):
        return qs
    own = object_ids_for(user, Role.ORG_ADMIN) | object_ids_for(user, Role.PROVIDER_OPERATOR)
    return qs.filter(Q(comune__ats_id__in=ats_ids_for(user, *ATS_READERS)) | Q(pk__in=own))
