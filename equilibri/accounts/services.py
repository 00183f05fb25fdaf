from django.db import transaction

from equilibri.territory.models import ATS

from .models import StaffRole, User
from .roles import Role, forget_grants


@transaction.atomic
def user_update_profile(*, user: User, first_name: str, last_name: str) -> User:
    user.first_name, user.last_name = first_name, last_name
    user.save(update_fields=["first_name", "last_name"])  # audited by auditlog
    return user


@transaction.atomic
def staff_role_grant(*, user: User, role: Role, ats: ATS | None) -> StaffRole:
    staff_role, _ = StaffRole.objects.get_or_create(user=user, role=role, ats=ats)
    forget_grants(user)
    return staff_role
