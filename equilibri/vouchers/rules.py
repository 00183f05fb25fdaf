import rules

from equilibri.accounts.roles import Role, has_role, is_region_wide


@rules.predicate
def manages_vouchers(user) -> bool:
    return has_role(user, Role.ALLIANCE_LEAD, Role.ATS_OPERATOR, Role.SUPERUSER)


@rules.predicate
def reads_vouchers(user) -> bool:
    return is_region_wide(user) or manages_vouchers(user)


@rules.predicate
def attests_employment(user) -> bool:
    return has_role(user, Role.ORG_ADMIN, Role.SUPERUSER)


rules.add_perm("vouchers.manage", manages_vouchers)
rules.add_perm("vouchers.read", reads_vouchers)
rules.add_perm("vouchers.attest", attests_employment)
