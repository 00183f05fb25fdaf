from collections.abc import Iterable

from django.db.models import Q, QuerySet

from equilibri.accounts.roles import (
    Grant,
    Role,
    ats_ids_for,
    has_role,
    is_region_wide,
    object_ids_for,
)
from equilibri.territory.models import ATS, Comune

from .models import (
    AgreementDocument,
    Alliance,
    AllianceRole,
    Membership,
    Organisation,
    OrganisationRole,
)

# Roles that read the organisations of their whole ATS.
ATS_READERS = (Role.ATS_OPERATOR, Role.COMMITTEE_MEMBER, Role.ALLIANCE_LEAD, Role.DESK_OPERATOR)


def organisation_grants(user) -> Iterable[Grant]:
    for org_role in OrganisationRole.objects.filter(user=user).select_related(
        "organisation__comune"
    ):
        org = org_role.organisation
        yield Grant(Role(org_role.role), org.comune.ats_id, org.name, org.pk)


def alliance_grants(user) -> Iterable[Grant]:
    for alliance_role in AllianceRole.objects.filter(user=user).select_related("alliance"):
        alliance = alliance_role.alliance
        yield Grant(Role.ALLIANCE_LEAD, alliance.ats_id, alliance.name, alliance.pk)


def organisations_visible_to(user) -> QuerySet[Organisation]:
    qs = Organisation.objects.select_related("comune__ats")
    if is_region_wide(user):
        return qs
    own = object_ids_for(user, Role.ORG_ADMIN) | object_ids_for(user, Role.PROVIDER_OPERATOR)
    return qs.filter(Q(comune__ats_id__in=ats_ids_for(user, *ATS_READERS)) | Q(pk__in=own))


# --- Network membership, agreements and alliances -------------------------------------------

# Roles that manage (change) the network of their ATS.
ATS_MANAGERS = (Role.ATS_OPERATOR,)


def managed_ats_ids(user) -> set[int] | None:
    """The ATS whose network the user manages; None means every ATS (superuser)."""
    if has_role(user, Role.SUPERUSER):
        return None
    return ats_ids_for(user, *ATS_MANAGERS)


def managed_ats(user) -> QuerySet[ATS]:
    ids = managed_ats_ids(user)
    qs = ATS.objects.all()
    return qs if ids is None else qs.filter(pk__in=ids)


def organisations_administered_by(user) -> QuerySet[Organisation]:
    """The organisations the user is organisation admin of (superuser: all)."""
    qs = Organisation.objects.select_related("comune__ats")
    if has_role(user, Role.SUPERUSER):
        return qs
    return qs.filter(pk__in=object_ids_for(user, Role.ORG_ADMIN))


def memberships_visible_to(user) -> QuerySet[Membership]:
    qs = Membership.objects.select_related(
        "organisation__comune", "ats", "regulation", "agreement", "requested_by", "decided_by"
    )
    if is_region_wide(user):
        return qs
    own = object_ids_for(user, Role.ORG_ADMIN)
    return qs.filter(Q(ats_id__in=ats_ids_for(user, *ATS_READERS)) | Q(organisation_id__in=own))


def memberships_managed_by(user) -> QuerySet[Membership]:
    """Memberships the user may approve or reject: those of the ATS they operate."""
    qs = memberships_visible_to(user)
    ids = managed_ats_ids(user)
    return qs if ids is None else qs.filter(ats_id__in=ids)


def current_agreement(
    ats_id: int, kind: str, alliance_id: int | None = None
) -> AgreementDocument | None:
    """The latest published version of an ATS's (or an alliance's) document, or None."""
    qs = AgreementDocument.objects.filter(ats_id=ats_id, kind=kind)
    if alliance_id is None:
        qs = qs.filter(alliance__isnull=True)
    else:
        qs = qs.filter(alliance_id=alliance_id)
    return qs.order_by("-version").first()


def agreements_managed_by(user) -> QuerySet[AgreementDocument]:
    qs = AgreementDocument.objects.select_related("ats", "alliance", "uploaded_by")
    ids = managed_ats_ids(user)
    return qs if ids is None else qs.filter(ats_id__in=ids)


def alliances_visible_to(user) -> QuerySet[Alliance]:
    """Alliances of the ATS the user reads the network of, plus those they lead or that their
    organisation leads or is a partner of."""
    qs = Alliance.objects.select_related("ats", "lead__comune")
    if is_region_wide(user):
        return qs
    own = object_ids_for(user, Role.ORG_ADMIN) | object_ids_for(user, Role.PROVIDER_OPERATOR)
    ids = (
        Alliance.objects.filter(
            Q(ats_id__in=ats_ids_for(user, *ATS_READERS))
            | Q(pk__in=object_ids_for(user, Role.ALLIANCE_LEAD))
            | Q(lead_id__in=own)
            | Q(partners__organisation_id__in=own)
        )
        .values("pk")
        .distinct()
    )
    return qs.filter(pk__in=ids)


def alliances_managed_by(user) -> QuerySet[Alliance]:
    qs = Alliance.objects.select_related("ats", "lead__comune")
    ids = managed_ats_ids(user)
    return qs if ids is None else qs.filter(ats_id__in=ids)


def alliances_led_by(user) -> QuerySet[Alliance]:
    return Alliance.objects.select_related("ats", "lead").filter(
        pk__in=object_ids_for(user, Role.ALLIANCE_LEAD)
    )


def alliance_comuni(alliance: Alliance) -> list[Comune]:
    """The comuni an alliance covers as recorded; when none are, the seats of its lead body and
    of its partners."""
    recorded = list(alliance.comuni.order_by("name"))
    if recorded:
        return recorded
    ids = {
        alliance.lead.comune_id,
        *alliance.partners.values_list("organisation__comune", flat=True),
    }
    return list(Comune.objects.filter(pk__in=ids).order_by("name"))


# --- Public reads ---------------------------------------------------------------------------


def public_members() -> QuerySet[Organisation]:
    """Organisations with an active membership of their ATS network."""
    active = Membership.objects.filter(state=Membership.State.ACTIVE)
    return (
        Organisation.objects.select_related("comune__ats")
        .filter(pk__in=active.values("organisation_id"))
        .order_by("name")
    )


def public_members_filtered(
    *,
    ats: ATS | None = None,
    kind: str = "",
    comune: Comune | None = None,
    whp: bool = False,
) -> QuerySet[Organisation]:
    qs = public_members()
    if ats is not None:
        qs = qs.filter(
            pk__in=Membership.objects.filter(state=Membership.State.ACTIVE, ats=ats).values(
                "organisation_id"
            )
        )
    if kind:
        qs = qs.filter(kind=kind)
    if comune is not None:
        qs = qs.filter(comune=comune)
    if whp:
        qs = qs.filter(whp_member_since__isnull=False)
    return qs


def public_alliances() -> QuerySet[Alliance]:
    return Alliance.objects.select_related("ats", "lead__comune").order_by("ats__name", "name")


def public_agreements() -> QuerySet[AgreementDocument]:
    return AgreementDocument.objects.select_related("ats", "alliance")
