import rules

from . import roles

is_staff_member = rules.predicate(roles.is_staff_member, name="is_staff_member")
is_region_wide = rules.predicate(roles.is_region_wide, name="is_region_wide")

rules.add_perm("accounts.view_reserved_area", is_staff_member)
