"""Demo users: citizens, ATS operators, committee members, the regional viewer, the superuser.

Staff demo users have TOTP active with one published secret, so two-factor stays on in the demo.
"""

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP

from equilibri.core import demo
from equilibri.core.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET
from equilibri.territory.models import ATS

from .models import StaffRole, User
from .roles import Role

DEMO_DOMAIN = "demo.equilibri.it"


def demo_user(
    local_part: str,
    first_name: str,
    last_name: str,
    *,
    role: Role,
    scope: str,
    superuser: bool = False,
) -> User:
    """Creates the demo user once; later runs change nothing."""
    email = f"{local_part}@{DEMO_DOMAIN}"
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User(
            email=email,
            first_name=first_name,
            last_name=last_name,
            is_superuser=superuser,
            is_staff=superuser,
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
    staff = role != Role.CITIZEN
    if staff and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, DEMO_TOTP_SECRET)
    demo.record_account(email, str(role.label), scope, staff)
    return user


def _staff(local_part, first, last, role: Role, ats_code: str | None) -> User:
    ats = ATS.objects.get(code=ats_code) if ats_code else None
    user = demo_user(
        local_part, first, last, role=role, scope=ats.name if ats else "Regione Lombardia"
    )
    StaffRole.objects.get_or_create(user=user, role=role, ats=ats)
    return user


def load() -> None:
    demo_user("admin", "Amministratore", "Tecnico", role=Role.SUPERUSER, scope="—", superuser=True)
    demo_user("cittadina", "Giulia", "Bianchi", role=Role.CITIZEN, scope="Tradate")
    demo_user("cittadino", "Marco", "Rossi", role=Role.CITIZEN, scope="Milano")
    _staff("operatore.insubria", "Laura", "Colombo", Role.ATS_OPERATOR, "ATS-INS")
    _staff("operatore.milano", "Paolo", "Ferrari", Role.ATS_OPERATOR, "ATS-MI")
    _staff("operatore.brescia", "Anna", "Gatti", Role.ATS_OPERATOR, "ATS-BS")
    _staff("comitato.insubria", "Sara", "Galli", Role.COMMITTEE_MEMBER, "ATS-INS")
    _staff("comitato.brescia", "Luca", "Moretti", Role.COMMITTEE_MEMBER, "ATS-BS")
    _staff("regione", "Elena", "Conti", Role.REGIONAL_VIEWER, None)
