"""Permissions of the catalogue. Scope (which organisation, which ATS) is applied by the
querysets in selectors.py: these predicates only say who may act at all."""

import rules

from equilibri.accounts.roles import Role, has_role


@rules.predicate
def edits_services(user) -> bool:
    """Provider operators (their organisations' services) and the superuser."""
    return has_role(user, Role.PROVIDER_OPERATOR, Role.SUPERUSER)


@rules.predicate
def moderates_services(user) -> bool:
    """ATS network operators (their ATS) and the superuser."""
    return has_role(user, Role.ATS_OPERATOR, Role.SUPERUSER)


rules.add_perm("services.edit", edits_services)
rules.add_perm("services.moderate", moderates_services)
rules.add_perm("services.work", edits_services | moderates_services)
