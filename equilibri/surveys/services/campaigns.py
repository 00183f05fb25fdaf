"""Campaigns of an ATS, their channels and single-use codes."""

import hashlib
import secrets
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from equilibri.core.audit import CREATE, log_bulk
from equilibri.network import selectors as network_selectors

from ..models import Campaign, Distribution, QuestionnaireVersion, ResponseToken

MAX_TOKENS = 1000
# Codes people type from paper: no 0/O, 1/I/L.
TOKEN_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # noqa: S105 (an alphabet)
TOKEN_LENGTH = 10


def token_hash(token: str) -> str:
    normalised = "".join(ch for ch in token.upper() if ch.isalnum())
    return hashlib.sha256(normalised.encode()).hexdigest()


def _check_versions(ats, versions) -> list[QuestionnaireVersion]:
    versions = list(versions)
    if not versions:
        raise ValidationError(_("Scegli almeno un questionario."))
    for version in versions:
        if not version.is_published:
            raise ValidationError(
                _("«%(version)s» è una bozza: pubblicala prima di usarla.") % {"version": version}
            )
        if version.questionnaire.ats_id not in (None, ats.pk):
            raise ValidationError(_("Il questionario «%(v)s» è di un'altra ATS.") % {"v": version})
    return versions


def _check_period(starts_on: date, ends_on: date) -> None:
    if ends_on < starts_on:
        raise ValidationError(_("La campagna non può finire prima di cominciare."))


@transaction.atomic
def campaign_create(
    *, ats, title: str, starts_on: date, ends_on: date, versions, actor, description: str = ""
) -> Campaign:
    _check_period(starts_on, ends_on)
    checked = _check_versions(ats, versions)
    campaign = Campaign.objects.create(
        ats=ats,
        title=title,
        description=description,
        starts_on=starts_on,
        ends_on=ends_on,
        created_by=actor,
    )
    campaign.versions.set(checked)
    return campaign


@transaction.atomic
def campaign_update(
    campaign: Campaign,
    *,
    title: str,
    starts_on: date,
    ends_on: date,
    versions,
    actor,
    description: str = "",
) -> Campaign:
    """The questionnaires change only before the campaign opens; title and period until it
    closes."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.state == Campaign.State.CLOSED:
        raise ValidationError(_("La campagna è chiusa: non si modifica più."))
    _check_period(starts_on, ends_on)
    checked = _check_versions(campaign.ats, versions)
    if campaign.state != Campaign.State.DRAFT and {v.pk for v in checked} != set(
        campaign.versions.values_list("pk", flat=True)
    ):
        raise ValidationError(_("I questionari non cambiano dopo l'apertura della campagna."))
    campaign.title, campaign.description = title, description
    campaign.starts_on, campaign.ends_on = starts_on, ends_on
    campaign.save(update_fields=["title", "description", "starts_on", "ends_on"])
    campaign.versions.set(checked)
    return campaign


@transaction.atomic
def campaign_open(campaign: Campaign, *, actor) -> Campaign:
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.state != Campaign.State.DRAFT:
        raise ValidationError(_("Si apre solo una campagna in preparazione."))
    if not campaign.versions.exists():
        raise ValidationError(_("Scegli almeno un questionario."))
    if campaign.ends_on < timezone.localdate():
        raise ValidationError(_("Il periodo della campagna è già finito: cambia le date."))
    campaign.state = Campaign.State.OPEN
    campaign.save(update_fields=["state"])
    return campaign


@transaction.atomic
def campaign_close(campaign: Campaign, *, actor) -> Campaign:
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.state != Campaign.State.OPEN:
        raise ValidationError(_("Si chiude solo una campagna aperta."))
    campaign.state = Campaign.State.CLOSED
    campaign.save(update_fields=["state"])
    return campaign


@transaction.atomic
def distribution_create(
    campaign: Campaign, *, kind: str, actor, organisation=None, single_use: bool = False
) -> Distribution:
    if campaign.state == Campaign.State.CLOSED:
        raise ValidationError(_("La campagna è chiusa."))
    if kind == Distribution.Kind.ORGANISATION:
        if organisation is None:
            raise ValidationError(_("Scegli l'organizzazione."))
        members = network_selectors.public_members_filtered(ats=campaign.ats)
        if not members.filter(pk=organisation.pk).exists():
            raise ValidationError(
                _("«%(org)s» non è un membro attivo della rete di questa ATS.")
                % {"org": organisation}
            )
    else:
        organisation = None
    if kind == Distribution.Kind.HELP_DESK:
        single_use = False  # the operator is there: no code to hand out
    try:
        with transaction.atomic():
            return Distribution.objects.create(
                campaign=campaign,
                kind=kind,
                organisation=organisation,
                single_use=single_use,
                key=secrets.token_urlsafe(12),
            )
    except IntegrityError:
        raise ValidationError(
            _("Questa organizzazione ha già il suo link in questa campagna.")
        ) from None


def _new_token() -> str:
    return "".join(secrets.choice(TOKEN_ALPHABET) for _ in range(TOKEN_LENGTH))


@transaction.atomic
def tokens_issue(distribution: Distribution, count: int, *, actor) -> list[str]:
    """`count` new single-use codes, returned once: only their hashes are kept."""
    if not distribution.single_use:
        raise ValidationError(_("Questo canale non usa codici monouso."))
    if distribution.campaign.state == Campaign.State.CLOSED:
        raise ValidationError(_("La campagna è chiusa."))
    if not 1 <= count <= MAX_TOKENS:
        raise ValidationError(
            _("Si possono creare da 1 a %(max)d codici alla volta.") % {"max": MAX_TOKENS}
        )
    tokens = [_new_token() for _ in range(count)]
    created = ResponseToken.objects.bulk_create(
        ResponseToken(distribution=distribution, token_hash=token_hash(token)) for token in tokens
    )
    ids = [t.pk for t in created] or list(
        ResponseToken.objects.filter(token_hash__in=[token_hash(t) for t in tokens]).values_list(
            "pk", flat=True
        )
    )
    log_bulk(ResponseToken, ids, CREATE, fields=["distribution"], actor=actor)
    return tokens
