"""Permissions of the calls. Scope (which ATS, which application) is applied by the querysets of
selectors.py: these predicates only say who may act at all."""

import rules

from equilibri.accounts.roles import Role, has_role, is_region_wide


@rules.predicate
def manages_calls(user) -> bool:
    return has_role(user, Role.ATS_OPERATOR, Role.SUPERUSER)


@rules.predicate
def reads_calls(user) -> bool:
    return is_region_wide(user) or has_role(user, Role.ATS_OPERATOR, Role.COMMITTEE_MEMBER)


@rules.predicate
def scores_calls(user) -> bool:
    return has_role(user, Role.COMMITTEE_MEMBER)


rules.add_perm("calls.manage", manages_calls)
rules.add_perm("calls.read", reads_calls)
rules.add_perm("calls.score", scores_calls)
