"""An application from its draft to its submission: the lead body (or the person) and its partners,
the budget, the macro-areas' descriptions, the documents; one application per lead (or person)
per call; submission only inside the call's window, by the server's clock, and only when the
call's rules (eligibility.py) are met."""

import datetime
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from equilibri.accounts.roles import Role, object_ids_for
from equilibri.network.models import Organisation
from equilibri.plans.services import check_money

from .. import eligibility
from ..models import (
    Application,
    ApplicationArea,
    ApplicationDocument,
    ApplicationPartner,
    BudgetLine,
    Call,
    CallMacroArea,
)
from .common import (
    check_upload,
    field_error,
    record_event,
    reject_unknown_fields,
    require_applicant,
    require_draft,
    save_valid,
)
from .notifications import applicant_emails, org_admin_emails, send_mail

APPLICATION_FIELDS = {
    "title",
    "summary",
    "requested_grant",
    "applicant_name",
    "lead_operating_office_in_lombardy",
    "declarations",
}


def new_public_id() -> int:
    """A random 7-digit application id, unique."""
    while True:
        candidate = 1_000_000 + secrets.randbelow(9_000_000)
        if not Application.objects.filter(public_id=candidate).exists():
            return candidate


def _duplicate_message(call: Call, lead: Organisation | None, existing: Application) -> str:
    if lead is not None:
        return _(
            "%(org)s ha già presentato la domanda %(id)s per questo bando: il bando ammette una "
            "sola domanda per ente capofila. Apri quella domanda per modificarla."
        ) % {"org": lead.name, "id": existing.public_id}
    return _(
        "Hai già la domanda %(id)s per questo bando: il bando ammette una sola domanda per "
        "richiedente. Apri quella domanda per modificarla."
    ) % {"id": existing.public_id}


@transaction.atomic
def application_create(
    *, call: Call, by, lead: Organisation | None = None, title: str = "", **fields
) -> Application:
    reject_unknown_fields(fields, APPLICATION_FIELDS)
    if not call.is_published:
        raise ValidationError(_("Il bando non è ancora pubblicato."), code="not_published")
    if timezone.now() > call.closes_at:
        raise ValidationError(
            _("Il bando è chiuso dal %(date)s: non si possono più presentare domande.")
            % {"date": date_format(timezone.localtime(call.closes_at), "SHORT_DATETIME_FORMAT")},
            code="closed",
        )
    if call.for_individuals:
        lead = None
    else:
        if lead is None:
            raise field_error("lead", _("Scegli l'ente capofila che presenta la domanda."))
        if not by.is_superuser and lead.pk not in object_ids_for(by, Role.ORG_ADMIN):
            raise PermissionDenied(
                _("Puoi presentare domande solo per le organizzazioni che amministri.")
            )
    existing = (
        call.applications.filter(lead=lead).first()
        if lead is not None
        else call.applications.filter(lead__isnull=True, applicant=by).first()
    )
    if existing is not None:
        raise field_error("lead", _duplicate_message(call, lead, existing), code="duplicate")
    application = Application(
        call=call,
        lead=lead,
        applicant=by,
        title=title,
        public_id=new_public_id(),
        **fields,
    )
    application.full_clean(exclude=["title"] if not title else None, validate_constraints=False)
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError as error:  # a concurrent twin won the race
        raise field_error(
            "lead",
            _("Esiste già una domanda di questo capofila per il bando: una sola per capofila."),
            code="duplicate",
        ) from error
    record_event(application, by)
    return application


@transaction.atomic
def application_update(*, application: Application, by, **fields) -> Application:
    reject_unknown_fields(fields, APPLICATION_FIELDS)
    require_applicant(by, application)
    application = Application.objects.select_for_update(of=("self",)).get(pk=application.pk)
    require_draft(application)
    for name, value in fields.items():
        setattr(application, name, value)
    application.requested_grant = check_money(
        application.requested_grant, _("Il contributo richiesto"), "requested_grant"
    )
    application.save()
    return application


@transaction.atomic
def application_area_set(
    *, application: Application, macro_area: CallMacroArea, description: str, by
) -> None:
    require_applicant(by, application)
    require_draft(application)
    if macro_area.call_id != application.call_id:
        raise field_error("macro_area", _("Scegli una macro-area di questo bando."))
    if description.strip():
        ApplicationArea.objects.update_or_create(
            application=application, macro_area=macro_area, defaults={"description": description}
        )
    else:
        ApplicationArea.objects.filter(application=application, macro_area=macro_area).delete()


@transaction.atomic
def budget_line_add(
    *, application: Application, by, description: str, amount, macro_area=None
) -> BudgetLine:
    require_applicant(by, application)
    require_draft(application)
    if macro_area is not None and macro_area.call_id != application.call_id:
        raise field_error("macro_area", _("Scegli una macro-area di questo bando."))
    line = BudgetLine(
        application=application,
        description=description,
        amount=check_money(amount, _("L'importo"), "amount"),
        macro_area=macro_area,
    )
    if line.amount <= 0:
        raise field_error("amount", _("L'importo della voce deve essere maggiore di zero."))
    return save_valid(line)


def _delete_from_draft(row: BudgetLine | ApplicationPartner, by) -> None:
    """Deletes a budget line or a partner of an application its applicant still drafts."""
    require_applicant(by, row.application)
    require_draft(row.application)
    row.delete()


@transaction.atomic
def budget_line_delete(*, line: BudgetLine, by) -> None:
    _delete_from_draft(line, by)


@transaction.atomic
def partner_invite(
    *, application: Application, organisation: Organisation, by, role: str = "", cofinancing=0
) -> ApplicationPartner:
    require_applicant(by, application)
    require_draft(application)
    if application.call.for_individuals:
        raise ValidationError(_("Questo bando non prevede partenariati."), code="no_partners")
    if organisation.pk == application.lead_id:
        raise field_error(
            "organisation",
            _("%(org)s è il capofila: scegli un altro ente come partner.") % {"org": organisation},
        )
    if application.partners.filter(organisation=organisation).exists():
        raise field_error(
            "organisation",
            _("%(org)s è già stato invitato: scegli un altro ente.") % {"org": organisation},
        )
    partner = ApplicationPartner.objects.create(
        application=application,
        organisation=organisation,
        role=role,
        cofinancing=check_money(cofinancing, _("Il cofinanziamento"), "cofinancing"),
    )
    send_mail(
        org_admin_emails(organisation),
        "partner_invited",
        lead=application.proposer,
        org=organisation.name,
        id=application.public_id,
        title=application.title,
        call=application.call.title,
    )
    return partner


def _require_partner_admin(by, partner: ApplicationPartner) -> None:
    if not by.is_superuser and partner.organisation_id not in object_ids_for(by, Role.ORG_ADMIN):
        raise PermissionDenied(
            _("Solo un amministratore dell'organizzazione invitata può rispondere all'invito.")
        )


@transaction.atomic
def partner_answer(*, partner: ApplicationPartner, by, accept: bool) -> ApplicationPartner:
    _require_partner_admin(by, partner)
    partner = ApplicationPartner.objects.select_for_update(of=("self",)).get(pk=partner.pk)
    require_draft(partner.application)
    partner.state = (
        ApplicationPartner.State.CONFIRMED if accept else ApplicationPartner.State.DECLINED
    )
    partner.answered_at = timezone.now()
    partner.answered_by = by
    partner.save()
    return partner


def partner_confirm(*, partner: ApplicationPartner, by) -> ApplicationPartner:
    return partner_answer(partner=partner, by=by, accept=True)


def partner_decline(*, partner: ApplicationPartner, by) -> ApplicationPartner:
    return partner_answer(partner=partner, by=by, accept=False)


@transaction.atomic
def partner_remove(*, partner: ApplicationPartner, by) -> None:
    _delete_from_draft(partner, by)


@transaction.atomic
def application_document_add(
    *, application: Application, by, name: str, file: UploadedFile
) -> ApplicationDocument:
    require_applicant(by, application)
    if application.state != Application.State.DRAFT and not application.integration_request:
        raise ValidationError(
            _(
                "La domanda è già inviata: si possono allegare documenti solo su richiesta di "
                "integrazione dell'ATS."
            ),
            code="not_draft",
        )
    document = ApplicationDocument(
        application=application, name=name, file=check_upload(file), uploaded_by=by
    )
    return save_valid(document)


def _window_error(call: Call, now: datetime.datetime) -> ValidationError | None:
    if now < call.opens_at:
        return ValidationError(
            _("Il bando apre il %(date)s: potrai inviare la domanda da quel momento.")
            % {"date": date_format(timezone.localtime(call.opens_at), "SHORT_DATETIME_FORMAT")},
            code="window",
        )
    if now > call.closes_at:
        return ValidationError(
            _(
                "Il termine per inviare le domande è scaduto il %(date)s (ora del server): "
                "la domanda resta in bozza e non può più essere inviata."
            )
            % {"date": date_format(timezone.localtime(call.closes_at), "DATETIME_FORMAT")},
            code="window",
        )
    return None


@transaction.atomic
def application_submit(*, application: Application, by) -> Application:
    require_applicant(by, application)
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("call", "lead")
        .get(pk=application.pk)
    )
    require_draft(application)
    # The server's clock decides, at the moment of submission.
    window = _window_error(application.call, timezone.now())
    if window is not None:
        raise window
    problems = eligibility.check(application)
    if problems:
        raise ValidationError([ValidationError(p.message, code=p.code) for p in problems])
    application.state = Application.State.SUBMITTED
    application.submitted_at = timezone.now()
    application.save(update_fields=["state", "submitted_at"])
    record_event(application, by)
    send_mail(
        applicant_emails(application),
        "submitted",
        id=application.public_id,
        title=application.title,
        call=application.call.title,
        at=date_format(timezone.localtime(application.submitted_at), "DATETIME_FORMAT"),
    )
    return application
