"""Rows of the territorial network: organisations, membership, agreements, alliances.

Insubria objects are in the personas' ATS; Milano objects are the cross-ATS case (404, the same as
missing, for everyone scoped to Insubria)."""

from equilibri.network.models import (
    AgreementDocument,
    Alliance,
    AlliancePartner,
    Membership,
    Organisation,
)

from .helpers import ALL, ANON, STAFF, only, public, signed_in, staff_only


def arca() -> int:
    return Organisation.objects.get(name="L'Arca Coop. Soc.").pk  # hr.arca's, Tradate (Insubria)


def pianoc() -> int:
    return Organisation.objects.get(name="Piano C").pk  # hr.pianoc's, Milano; request pending


def aquilone() -> int:
    return Organisation.objects.get(name="L'Aquilone Coop. Soc.").pk  # active member, Insubria


def spazioaperto() -> int:
    return Organisation.objects.get(name="Spazio Aperto Servizi").pk  # active member, Milano


def arca_membership() -> int:
    return Membership.objects.get(organisation__name="L'Arca Coop. Soc.").pk


def pianoc_membership() -> int:
    return Membership.objects.get(organisation__name="Piano C").pk


def tradate_alliance() -> int:
    return Alliance.objects.get(name="Alleanza dell'Ambito di Tradate").pk


def sudestmilano_alliance() -> int:
    return Alliance.objects.get(name="Alleanza Sud-Sud Est Milano").pk


def tradate_partner() -> int:
    return AlliancePartner.objects.get(
        alliance__name="Alleanza dell'Ambito di Tradate", organisation__name="Rete Giunca"
    ).pk


def sudestmilano_partner() -> int:
    return AlliancePartner.objects.get(
        alliance__name="Alleanza Sud-Sud Est Milano", organisation__name="Centro studi Alspes"
    ).pk


def insubria_regulation() -> int:
    return AgreementDocument.objects.get(
        ats__code="ATS-INS", kind="regulation", alliance=None, version=1
    ).pk


def milano_regulation() -> int:
    return AgreementDocument.objects.get(
        ats__code="ATS-MI", kind="regulation", alliance=None, version=1
    ).pk


INSUBRIA_SCOPED = dict.fromkeys(
    [
        "org_admin",
        "provider_operator",
        "desk_operator",
        "alliance_lead",
        "ats_operator",
        "committee_member",
    ],
    404,
)
MANAGERS = ("ats_operator", "superuser")
# Managed objects of another ATS: Insubria's operator gets 404, the same as missing.
OTHER_ATS_MANAGED = {**only("superuser"), "ats_operator": 404}


def post_only(*allowed: str) -> dict[str, int]:
    """POST-only views: 405 on GET for those who pass the permission check, 403 for the rest."""
    expected = {ANON: 302, "citizen": 403, **dict.fromkeys(STAFF, 403)}
    expected.update(dict.fromkeys(allowed or STAFF, 405))
    return expected


ROWS = {
    # Public pages.
    ("network_public:member_list", None): public(),
    ("network_public:organisation_detail", aquilone): public(),
    ("network_public:organisation_detail", spazioaperto): public(),
    # Not (yet) an active member: no public profile.
    ("network_public:organisation_detail", pianoc): dict.fromkeys(ALL, 404),
    ("network_public:alliance_list", None): public(),
    ("network_public:alliance_detail", tradate_alliance): public(),
    ("network_public:alliance_detail", sudestmilano_alliance): public(),
    ("network_public:agreement_detail", insubria_regulation): public(),
    ("network_public:agreement_detail", milano_regulation): public(),
    # The demo documents have no PDF.
    ("network_public:agreement_file", insubria_regulation): dict.fromkeys(ALL, 404),
    # Any signed-in user registers an organisation.
    ("network:organisation_register", None): signed_in(),
    # Organisation admins edit and ask membership for their own organisation only.
    ("network:organisation_edit", arca): only("org_admin", "superuser", denied=404),
    ("network:organisation_edit", pianoc): only("superuser", denied=404),
    ("network:membership_request", arca): only("org_admin", "superuser", denied=404),
    ("network:membership_request", pianoc): only("superuser", denied=404),
    ("network:membership_queue", None): only(*MANAGERS),
    # L'Arca's membership: the ATS readers of Insubria and L'Arca's admin see it.
    ("network:membership_detail", arca_membership): staff_only(provider_operator=404),
    ("network:membership_detail", pianoc_membership): staff_only(**INSUBRIA_SCOPED),
    ("network:membership_approve", arca_membership): post_only(),
    ("network:membership_approve", pianoc_membership): post_only(),
    ("network:membership_reject", arca_membership): post_only(),
    ("network:membership_reject", pianoc_membership): post_only(),
    ("network:membership_withdraw", arca_membership): post_only(),
    ("network:membership_withdraw", pianoc_membership): post_only(),
    ("network:agreement_list", None): only(*MANAGERS),
    ("network:agreement_publish", None): only(*MANAGERS),
    ("network:alliance_list", None): staff_only(),
    ("network:alliance_create", None): only(*MANAGERS),
    # Tradate: L'Arca and L'Aquilone are partners, the rest read Insubria's network.
    ("network:alliance_detail", tradate_alliance): staff_only(),
    ("network:alliance_detail", sudestmilano_alliance): staff_only(**INSUBRIA_SCOPED),
    ("network:alliance_edit", tradate_alliance): only(*MANAGERS),
    ("network:alliance_edit", sudestmilano_alliance): OTHER_ATS_MANAGED,
    ("network:alliance_partner_set", tradate_alliance): only(*MANAGERS),
    ("network:alliance_partner_set", sudestmilano_alliance): OTHER_ATS_MANAGED,
    ("network:alliance_agreement_publish", tradate_alliance): only(*MANAGERS),
    ("network:alliance_agreement_publish", sudestmilano_alliance): OTHER_ATS_MANAGED,
    ("network:alliance_partner_remove", tradate_partner): post_only(*MANAGERS),
    ("network:alliance_partner_remove", sudestmilano_partner): post_only(*MANAGERS),
}
