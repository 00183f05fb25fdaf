import rules

from equilibri.accounts.roles import Role, has_role


@rules.predicate
def is_desk_operator(user) -> bool:
    return has_role(user, Role.DESK_OPERATOR)


@rules.predicate
def manages_desks(user) -> bool:
    return has_role(user, Role.DESK_OPERATOR, Role.ATS_OPERATOR, Role.SUPERUSER)


@rules.predicate
def reads_knowledge(user) -> bool:
    return has_role(
        user, Role.DESK_OPERATOR, Role.ATS_OPERATOR, Role.REGIONAL_VIEWER, Role.SUPERUSER
    )


@rules.predicate
def reads_desk_stats(user) -> bool:
    return has_role(
        user, Role.DESK_OPERATOR, Role.ATS_OPERATOR, Role.REGIONAL_VIEWER, Role.SUPERUSER
    )


# Agenda, contact log and to-do list: desk operators only (privacy: selectors.py).
rules.add_perm("desks.operate", is_desk_operator)
# Desks, their hours, closures, operators and slot templates.
rules.add_perm("desks.manage", manages_desks)
# Knowledge base and collective agreements: read by every desk and ATS role, edited by desk
# and ATS operators.
rules.add_perm("desks.read_knowledge", reads_knowledge)
rules.add_perm("desks.edit_knowledge", manages_desks)
rules.add_perm("desks.stats", reads_desk_stats)
