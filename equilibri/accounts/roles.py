"""Roles and their scope.

A user's roles are "grants": a role plus the ATS it is scoped to (None: the whole region).
Roles tied to an object live with that object's app (organisation roles in network, desk
operators in desks, ...), so each app registers a provider of grants here at start-up and imports
keep pointing down (DESIGN.md). Every permission and every `visible_to(user)` starts from here.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CITIZEN = "citizen", _("Cittadino")
    ORG_ADMIN = "org_admin", _("Amministratore di organizzazione")
    PROVIDER_OPERATOR = "provider_operator", _("Operatore di un ente erogatore")
    DESK_OPERATOR = "desk_operator", _("Operatore di sportello")
    ALLIANCE_LEAD = "alliance_lead", _("Referente di alleanza (capofila)")
    ATS_OPERATOR = "ats_operator", _("Operatore di rete ATS")
    COMMITTEE_MEMBER = "committee_member", _("Componente del comitato")
    REGIONAL_VIEWER = "regional_viewer", _("Osservatore regionale")
    SUPERUSER = "superuser", _("Amministratore di sistema")


@dataclass(frozen=True)
class Grant:
    role: Role
    ats_id: int | None  # None: region-wide
    scope_label: str  # what the role is about, e.g. "ATS Insubria" or "Comune di Tradate"
    object_id: int | None = None  # the organisation, alliance or desk, for object roles


GrantProvider = Callable[[Any], Iterable[Grant]]
_providers: list[GrantProvider] = []
_CACHE_ATTR = "_equilibri_grants"


def register_grant_provider(provider: GrantProvider) -> None:
    if provider not in _providers:
        _providers.append(provider)


def grants_of(user) -> tuple[Grant, ...]:
    """Every role the user holds (cached on the user object for the request)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return ()
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        grants: list[Grant] = []
        if user.is_superuser:
            grants.append(Grant(Role.SUPERUSER, None, str(_("Tutta la regione"))))
        for provider in _providers:
            grants.extend(provider(user))
        cached = tuple(grants)
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget_grants(user) -> None:
    """After changing a user's roles in the same request."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def has_role(user, *roles: Role) -> bool:
    return any(grant.role in roles for grant in grants_of(user))


def is_staff_member(user) -> bool:
    """Anyone with a role beyond citizen: they work in the reserved area, with 2FA."""
    return bool(grants_of(user))


def is_region_wide(user) -> bool:
    return has_role(user, Role.SUPERUSER, Role.REGIONAL_VIEWER)


def ats_ids_for(user, *roles: Role) -> set[int]:
    """The ATS in which the user holds any of the roles (all roles if none given)."""
    return {
        grant.ats_id
        for grant in grants_of(user)
        if grant.ats_id is not None and (not roles or grant.role in roles)
    }


def object_ids_for(user, role: Role) -> set[int]:
    return {g.object_id for g in grants_of(user) if g.role == role and g.object_id is not None}
