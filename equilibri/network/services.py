"""Organisations, network membership, agreements and alliances: every change is one function here.

Business rules (each refused with a ValidationError naming what to change):
- whoever registers an organisation becomes its organisation admin;
- an organisation asks to join the network of its comune's ATS, accepting the current versions of
  that ATS's regulation and partnership agreement (refused if the ATS has not published them, or if
  a newer version was published meanwhile);
- one open (requested or active) membership per organisation and ATS;
- lifecycle: requested → active | rejected (a rejection needs a reason); active → withdrawn;
- only the ATS operator of the membership's ATS decides; only an organisation admin withdraws;
- agreement versions are numbered max + 1 per ATS, alliance and kind;
- PDF uploads are at most 10 MB and pass equilibri.core.uploads (a readable PDF, nothing active);
- contributions of alliance partners are not negative.
"""

from collections.abc import Collection
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from equilibri.accounts.roles import Role, forget_grants
from equilibri.core import identifiers, mail
from equilibri.core.uploads import PDF_ONLY, CheckedUpload, check_upload
from equilibri.territory.models import ATS

from . import selectors
from .models import (
    AgreementDocument,
    Alliance,
    AlliancePartner,
    Membership,
    MembershipEvent,
    Organisation,
    OrganisationRole,
)

# In the order the organisation's form shows them.
ORGANISATION_FIELDS = (
    "name",
    "kind",
    "fiscal_code",
    "vat_number",
    "address",
    "comune",
    "email",
    "phone",
    "website",
    "staff_count",
    "turnover",
    "ateco_code",
    "runts_number",
    "whp_member_since",
    "whp_practices",
    "description",
)
MAX_PDF_BYTES = 10 * 1024 * 1024
NETWORK_KINDS = (AgreementDocument.Kind.REGULATION, AgreementDocument.Kind.PARTNERSHIP)


def _check_fields(data: dict[str, Any], allowed: Collection[str]) -> None:
    unknown = set(data) - set(allowed)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")


# --- Organisations --------------------------------------------------------------------------


def _normalise_organisation(data: dict[str, Any]) -> None:
    # Before validation and the duplicate check: the same code typed another way (spaces, full
    # width, lower case) is the same organisation.
    for key, normalise in (
        ("fiscal_code", identifiers.normalise_tax_code),
        ("vat_number", identifiers.normalise_tax_code),
        ("email", identifiers.normalise_email),
        ("phone", identifiers.normalise_phone),
    ):
        if data.get(key):
            data[key] = normalise(data[key])
    if data.get("ateco_code"):
        data["ateco_code"] = str(data["ateco_code"]).strip().upper().replace(" ", "")


@transaction.atomic
def organisation_register(*, by, **data: Any) -> Organisation:
    """A signed-in user registers an organisation and becomes its organisation admin."""
    if by is None or not by.is_authenticated:
        raise PermissionDenied
    _check_fields(data, ORGANISATION_FIELDS)
    _normalise_organisation(data)
    organisation = Organisation(**data)
    organisation.full_clean()
    if (
        organisation.fiscal_code
        and Organisation.objects.filter(fiscal_code=organisation.fiscal_code).exists()
    ):
        raise ValidationError(
            {
                "fiscal_code": _(
                    "Un'organizzazione con questo codice fiscale è già registrata: chiedi al suo "
                    "amministratore di darti un ruolo, o controlla il codice."
                )
            }
        )
    organisation.save()
    OrganisationRole.objects.create(user=by, organisation=organisation, role=Role.ORG_ADMIN)
    forget_grants(by)
    return organisation


@transaction.atomic
def organisation_add_provider(*, by, **data: Any) -> Organisation:
    """An organisation that a catalogue import names and the network does not have (a provider
    from another publisher's data): created with no admin and no membership, so it is not a
    network member until it asks to join. `by` is the ATS operator of its comune's ATS, a
    superuser, or None for a system import. A fiscal code or VAT number that does not validate
    (a foreign one) is left out rather than refusing the organisation."""
    _check_fields(data, ORGANISATION_FIELDS)
    _normalise_organisation(data)
    comune = data.get("comune")
    managed = None if by is None else selectors.managed_ats_ids(by)
    if managed is not None and getattr(comune, "ats_id", None) not in managed:
        raise PermissionDenied
    organisation = Organisation(**data)
    try:
        organisation.full_clean()
    except ValidationError as exc:
        codes = {"fiscal_code", "vat_number"}
        if not set(exc.message_dict) <= codes:
            raise
        for name in codes & set(exc.message_dict):
            setattr(organisation, name, "")
        organisation.full_clean()
    organisation.save()
    return organisation


@transaction.atomic
def organisation_update(*, organisation: Organisation, by, **data: Any) -> Organisation:
    """The organisation's admins change its data."""
    if not selectors.organisations_administered_by(by).filter(pk=organisation.pk).exists():
        raise PermissionDenied
    _check_fields(data, ORGANISATION_FIELDS)
    _normalise_organisation(data)
    if "comune" in data and data["comune"].ats_id != organisation.comune.ats_id:
        open_ = Membership.objects.filter(
            organisation=organisation,
            state__in=[Membership.State.REQUESTED, Membership.State.ACTIVE],
        ).exclude(ats_id=data["comune"].ats_id)
        if open_.exists():
            raise ValidationError(
                {
                    "comune": _(
                        "Il nuovo comune è in un'altra ATS: ritira prima l'adesione alla rete "
                        "attuale, poi cambia comune e chiedi di aderire alla nuova rete."
                    )
                }
            )
    for key, value in data.items():
        setattr(organisation, key, value)
    organisation.full_clean()
    organisation.save()
    return organisation


# --- Agreements -----------------------------------------------------------------------------


def check_pdf(file) -> CheckedUpload:
    """The PDF to store (equilibri.core.uploads), or an error on the form's file field."""
    try:
        return check_upload(file, max_bytes=MAX_PDF_BYTES, accept=PDF_ONLY)
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from error


@transaction.atomic
def agreement_publish(
    *,
    ats: ATS,
    kind: str,
    title: str,
    text: str = "",
    file=None,
    alliance: Alliance | None = None,
    by,
) -> AgreementDocument:
    """Publishes a new version (max + 1) of an ATS's regulation or partnership agreement, or of an
    alliance's agreement."""
    managed = selectors.managed_ats_ids(by)
    if managed is not None and ats.pk not in managed:
        raise PermissionDenied
    if alliance is not None and alliance.ats_id != ats.pk:
        raise PermissionDenied
    if kind == AgreementDocument.Kind.ALLIANCE and alliance is None:
        raise ValidationError(_("Il documento di un'alleanza va pubblicato dalla sua pagina."))
    if kind in NETWORK_KINDS and alliance is not None:
        raise ValidationError(_("Un'alleanza pubblica solo il proprio accordo di alleanza."))
    if not title.strip():
        raise ValidationError({"title": _("Scrivi il titolo del documento.")})
    if not text.strip() and not file:
        raise ValidationError(_("Scrivi il testo del documento o carica il PDF."))
    checked = check_pdf(file) if file else None
    # Lock the ATS row so two publications cannot take the same number (SQLite serialises
    # writers already).
    ATS.objects.select_for_update().filter(pk=ats.pk).first()
    latest = AgreementDocument.objects.filter(ats=ats, alliance=alliance, kind=kind).aggregate(
        top=Max("version")
    )["top"]
    document = AgreementDocument(
        ats=ats,
        alliance=alliance,
        kind=kind,
        version=(latest or 0) + 1,
        title=title.strip(),
        text=text,
        uploaded_by=by,
    )
    if checked is not None:
        document.file = checked
    document.save()
    return document


# --- Membership -----------------------------------------------------------------------------


def _event(membership: Membership, by, note: str = "") -> None:
    MembershipEvent.objects.create(membership=membership, state=membership.state, by=by, note=note)


@transaction.atomic
def membership_request(
    *,
    organisation: Organisation,
    regulation: AgreementDocument | None = None,
    agreement: AgreementDocument | None = None,
    by,
) -> Membership:
    """The organisation admin asks to join the network of the organisation's ATS, accepting the
    current regulation and partnership agreement (the versions they read, if given)."""
    if not selectors.organisations_administered_by(by).filter(pk=organisation.pk).exists():
        raise PermissionDenied
    ats = organisation.comune.ats
    current_regulation = selectors.current_agreement(ats.pk, AgreementDocument.Kind.REGULATION)
    current_agreement = selectors.current_agreement(ats.pk, AgreementDocument.Kind.PARTNERSHIP)
    if current_regulation is None or current_agreement is None:
        raise ValidationError(
            _(
                "%(ats)s non ha ancora pubblicato il regolamento della rete e l'accordo di "
                "partenariato: potrai chiedere di aderire quando li avrà pubblicati."
            )
            % {"ats": ats.name}
        )
    if (regulation is not None and regulation.pk != current_regulation.pk) or (
        agreement is not None and agreement.pk != current_agreement.pk
    ):
        raise ValidationError(
            _(
                "Nel frattempo %(ats)s ha pubblicato una nuova versione dei documenti: rileggila "
                "e conferma di nuovo."
            )
            % {"ats": ats.name}
        )
    open_ = Membership.objects.select_for_update().filter(
        organisation=organisation,
        ats=ats,
        state__in=[Membership.State.REQUESTED, Membership.State.ACTIVE],
    )
    existing = open_.first()
    if existing is not None:
        if existing.state == Membership.State.ACTIVE:
            message = _("%(org)s fa già parte della rete di %(ats)s.")
        else:
            message = _(
                "%(org)s ha già una richiesta di adesione in attesa per %(ats)s: aspetta la "
                "decisione dell'ATS."
            )
        raise ValidationError(message % {"org": organisation.name, "ats": ats.name})
    try:
        with transaction.atomic():
            membership = Membership.objects.create(
                organisation=organisation,
                ats=ats,
                regulation=current_regulation,
                agreement=current_agreement,
                requested_by=by,
            )
    except IntegrityError:
        # A request sent at the same moment won the race (one open membership per ATS).
        raise ValidationError(
            _(
                "%(org)s ha già una richiesta di adesione in attesa per %(ats)s: aspetta la "
                "decisione dell'ATS."
            )
            % {"org": organisation.name, "ats": ats.name}
        ) from None
    _event(membership, by)
    return membership


def _decidable(membership: Membership, by) -> Membership:
    if not selectors.memberships_managed_by(by).filter(pk=membership.pk).exists():
        raise PermissionDenied
    locked = Membership.objects.select_for_update().get(pk=membership.pk)
    if locked.state != Membership.State.REQUESTED:
        raise ValidationError(
            _("La richiesta è già stata decisa (stato: %(state)s): ricarica la pagina.")
            % {"state": locked.get_state_display()}
        )
    return locked


def _notify_admins(membership: Membership, template: str, context: dict) -> None:
    admins = OrganisationRole.objects.filter(
        organisation_id=membership.organisation_id, role=Role.ORG_ADMIN
    ).select_related("user")
    mail.send(
        [role.user for role in admins],
        template,
        {
            "ats": membership.ats.name,
            "org": membership.organisation.name,
            "membership_id": membership.pk,
            **context,
        },
    )


def _decide(
    membership: Membership, by, state: str, reason: str, mail: str, mail_context: dict
) -> Membership:
    """A manager's decision on a request: its state, when, by whom and why, the event, and the
    e-mail (`mail`) to the organisation's administrators."""
    membership = _decidable(membership, by)
    membership.state = state
    membership.decided_at = timezone.now()
    membership.decided_by = by
    membership.reason = reason
    membership.save()
    _event(membership, by, reason)
    _notify_admins(membership, mail, mail_context)
    return membership


@transaction.atomic
def membership_approve(*, membership: Membership, note: str = "", by) -> Membership:
    return _decide(
        membership, by, Membership.State.ACTIVE, note, "network/mail/membership_approved", {}
    )


@transaction.atomic
def membership_reject(*, membership: Membership, reason: str, by) -> Membership:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": _("Scrivi la motivazione: l'organizzazione la riceverà per e-mail.")}
        )
    return _decide(
        membership,
        by,
        Membership.State.REJECTED,
        reason,
        "network/mail/membership_rejected",
        {"reason": reason},
    )


@transaction.atomic
def membership_withdraw(*, membership: Membership, reason: str = "", by) -> Membership:
    administered = selectors.organisations_administered_by(by)
    if not administered.filter(pk=membership.organisation_id).exists():
        raise PermissionDenied
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.state != Membership.State.ACTIVE:
        raise ValidationError(
            _("Si può ritirare solo un'adesione attiva (stato attuale: %(state)s).")
            % {"state": membership.get_state_display()}
        )
    membership.state = Membership.State.WITHDRAWN
    membership.save()
    _event(membership, by, (reason or "").strip())
    return membership


# --- Alliances ------------------------------------------------------------------------------


def _check_alliance_org(ats: ATS, organisation: Organisation, field: str) -> None:
    if organisation.comune.ats_id != ats.pk:
        raise ValidationError(
            {field: _("Scegli un'organizzazione del territorio di %(ats)s.") % {"ats": ats.name}}
        )


@transaction.atomic
def _check_alliance_details(ats: ATS, comuni, period_start, period_end) -> None:
    outside = [str(c) for c in comuni if c.ats_id != ats.pk]
    if outside:
        raise ValidationError(
            {
                "comuni": _("Questi comuni non sono nel territorio di %(ats)s: %(names)s.")
                % {"ats": ats, "names": ", ".join(outside)}
            }
        )
    if period_start and period_end and period_end < period_start:
        raise ValidationError({"period_end": _("La fine non può precedere l'inizio.")})


def _set_alliance_details(alliance: Alliance, details: dict) -> None:
    comuni = details.pop("comuni", None)
    for field, value in details.items():
        setattr(alliance, field, value if value is not None or field != "description" else "")
    alliance.save()
    if comuni is not None:
        alliance.comuni.set(comuni)


def alliance_create(*, ats: ATS, name: str, lead: Organisation, by, **details) -> Alliance:
    managed = selectors.managed_ats_ids(by)
    if managed is not None and ats.pk not in managed:
        raise PermissionDenied
    if not name.strip():
        raise ValidationError({"name": _("Scrivi il nome dell'alleanza.")})
    _check_alliance_org(ats, lead, "lead")
    if Alliance.objects.filter(ats=ats, name__iexact=name.strip()).exists():
        raise ValidationError({"name": _("Esiste già un'alleanza con questo nome in questa ATS.")})
    _check_alliance_details(
        ats, details.get("comuni") or [], details.get("period_start"), details.get("period_end")
    )
    alliance = Alliance(ats=ats, name=name.strip(), lead=lead)
    _set_alliance_details(alliance, details)
    return alliance


@transaction.atomic
def alliance_update(
    *, alliance: Alliance, name: str, lead: Organisation, by, **details
) -> Alliance:
    if not selectors.alliances_managed_by(by).filter(pk=alliance.pk).exists():
        raise PermissionDenied
    if not name.strip():
        raise ValidationError({"name": _("Scrivi il nome dell'alleanza.")})
    _check_alliance_org(alliance.ats, lead, "lead")
    if (
        Alliance.objects.filter(ats=alliance.ats, name__iexact=name.strip())
        .exclude(pk=alliance.pk)
        .exists()
    ):
        raise ValidationError({"name": _("Esiste già un'alleanza con questo nome in questa ATS.")})
    _check_alliance_details(
        alliance.ats,
        details.get("comuni") or [],
        details.get("period_start"),
        details.get("period_end"),
    )
    alliance.name = name.strip()
    alliance.lead = lead
    _set_alliance_details(alliance, details)
    return alliance


@transaction.atomic
def alliance_partner_set(
    *,
    alliance: Alliance,
    organisation: Organisation,
    role: str = "",
    contribution_kind: str = AlliancePartner.Contribution.NONE,
    contribution_amount: Decimal = Decimal("0"),
    by,
) -> AlliancePartner:
    """Adds a partner to the alliance, or changes its role and contribution."""
    if not selectors.alliances_managed_by(by).filter(pk=alliance.pk).exists():
        raise PermissionDenied
    _check_alliance_org(alliance.ats, organisation, "organisation")
    if organisation.pk == alliance.lead_id:
        raise ValidationError(
            {"organisation": _("L'ente capofila guida già l'alleanza: scegli un altro partner.")}
        )
    amount = contribution_amount if contribution_amount is not None else Decimal("0")
    if amount < 0:
        raise ValidationError(
            {"contribution_amount": _("Il valore del contributo non può essere negativo.")}
        )
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationError(
            {"contribution_amount": _("Indica il valore in euro con al massimo due decimali.")}
        )
    if contribution_kind == AlliancePartner.Contribution.NONE and amount > 0:
        raise ValidationError(
            {
                "contribution_kind": _(
                    "Hai indicato un valore: scegli se il contributo è in denaro o in natura."
                )
            }
        )
    partner, _created = AlliancePartner.objects.update_or_create(
        alliance=alliance,
        organisation=organisation,
        defaults={
            "role": role.strip(),
            "contribution_kind": contribution_kind,
            "contribution_amount": amount,
        },
    )
    partner.full_clean()
    return partner


@transaction.atomic
def alliance_partner_remove(*, partner: AlliancePartner, by) -> None:
    if not selectors.alliances_managed_by(by).filter(pk=partner.alliance_id).exists():
        raise PermissionDenied
    partner.delete()
