import rules

from equilibri.accounts.roles import Role, has_role


@rules.predicate
def reads_messages(user) -> bool:
    return has_role(user, Role.ATS_OPERATOR, Role.REGIONAL_VIEWER, Role.SUPERUSER)


@rules.predicate
def answers_messages(user) -> bool:
    return has_role(user, Role.ATS_OPERATOR, Role.SUPERUSER)


# The ATS's queue of accessibility reports, messages and erasure requests, and the ratings:
# ATS operators (their ATS), the Region (read only), superusers.
rules.add_perm("citizens.read_messages", reads_messages)
rules.add_perm("citizens.answer_messages", answers_messages)
