"""Permissions of the territorial network. Scope (which ATS, which organisation) is applied by the
querysets in selectors.py: these predicates only say who may act at all."""

import rules

from equilibri.accounts.roles import Role, has_role, is_region_wide


@rules.predicate
def manages_network(user) -> bool:
    """ATS network operators (for their ATS) and the superuser."""
    return has_role(user, Role.ATS_OPERATOR, Role.SUPERUSER)


@rules.predicate
def reads_network(user) -> bool:
    return is_region_wide(user) or has_role(
        user,
        Role.ATS_OPERATOR,
        Role.COMMITTEE_MEMBER,
        Role.ALLIANCE_LEAD,
        Role.DESK_OPERATOR,
        Role.ORG_ADMIN,
        Role.PROVIDER_OPERATOR,
    )


@rules.predicate
def administers_organisation(user) -> bool:
    return has_role(user, Role.ORG_ADMIN, Role.SUPERUSER)


rules.add_perm("network.manage", manages_network)
rules.add_perm("network.read", reads_network)
rules.add_perm("network.admin_organisation", administers_organisation)
