import rules

from equilibri.accounts.roles import Role, has_role, is_region_wide


@rules.predicate
def is_ats_operator(user) -> bool:
    return has_role(user, Role.ATS_OPERATOR, Role.SUPERUSER)


@rules.predicate
def is_committee_member(user) -> bool:
    return has_role(user, Role.COMMITTEE_MEMBER)


@rules.predicate
def reads_plans(user) -> bool:
    return is_region_wide(user) or has_role(
        user,
        Role.ATS_OPERATOR,
        Role.COMMITTEE_MEMBER,
        Role.ALLIANCE_LEAD,
        Role.ORG_ADMIN,
        Role.PROVIDER_OPERATOR,
    )


rules.add_perm("plans.manage", is_ats_operator)
rules.add_perm("plans.read", reads_plans)
rules.add_perm("plans.score", is_committee_member)
