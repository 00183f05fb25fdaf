"""Calls for funding: every state change is one function here, in a transaction; e-mails leave on
commit. Business rules are refused with a ValidationError naming the rule:

- submission only between the call's opening and closing date-time, by the server's clock;
- the partnership rules of the call (eligibility.py), the budget (percentage and cap of the
  grant), the macro-area descriptions and the required documents;
- one application per lead organisation (or per person, for calls to individuals) per call;
- a score is between 0 and the criterion's maximum; a committee member declares conflicts of
  interest before scoring and does not score in conflict;
- ranking: the mean of the evaluators' totals; TIE RULE: equal scores are ordered by earlier
  submission, then by lower application id; an application under a criterion's minimum or the
  call's minimum total is excluded;
- funds go down the ranking until the budget ends; the last one is funded in part if the call
  allows it; funded applications become projects of the call's territorial plan;
- the final grant is the call's percentage of the accepted cost, capped by the call's maximum and
  by the grant awarded; payments never exceed it.
"""

import datetime
import secrets
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from equilibri.accounts.models import StaffRole
from equilibri.accounts.roles import Role, ats_ids_for, object_ids_for
from equilibri.core import mail, uploads
from equilibri.core.uploads import CheckedUpload
from equilibri.network.models import Organisation, OrganisationRole
from equilibri.plans import services as plan_services
from equilibri.plans.models import Project
from equilibri.plans.services import check_money

from . import eligibility
from .eligibility import CENT, euro, max_grant
from .models import (
    Application,
    ApplicationArea,
    ApplicationDocument,
    ApplicationEvent,
    ApplicationPartner,
    BudgetLine,
    Call,
    CallCriterion,
    CallDocument,
    CallFAQ,
    CallMacroArea,
    CallRule,
    CriterionScore,
    ExpenseItem,
    ExpenseReport,
    Payment,
    ScoreSheet,
)
from .selectors import applications_of, calls_managed_by

A = Application.State
MAX_UPLOAD_BYTES = 10 * 1024 * 1024

CALL_FIELDS = {
    "plan",
    "title",
    "legal_basis",
    "summary",
    "beneficiaries",
    "applicant_kind",
    "budget",
    "opens_at",
    "closes_at",
    "grant_percent",
    "grant_cap",
    "vat_excluded",
    "partial_last",
    "project_months",
    "report_days",
    "min_total_score",
    "required_documents",
}
APPLICATION_FIELDS = {
    "title",
    "summary",
    "requested_grant",
    "applicant_name",
    "lead_operating_office_in_lombardy",
    "declarations",
}


def _error(field: str | None, message: str, code: str = "invalid") -> ValidationError:
    if field:
        return ValidationError({field: [ValidationError(message, code=code)]})
    return ValidationError(message, code=code)


def _unknown(fields: dict, allowed: set[str]) -> None:
    extra = set(fields) - allowed
    if extra:
        raise TypeError(f"unexpected fields: {sorted(extra)}")


def _mail(recipients: list[str], template: str, **context) -> None:
    mail.send(recipients, f"calls/mail/{template}", context)


def applicant_emails(application: Application) -> list[str]:
    emails = [application.applicant.email] if application.applicant.is_active else []
    if application.lead_id:
        emails += list(
            OrganisationRole.objects.filter(
                organisation_id=application.lead_id, role=Role.ORG_ADMIN, user__is_active=True
            ).values_list("user__email", flat=True)
        )
    return emails


def org_admin_emails(organisation: Organisation) -> list[str]:
    return list(
        OrganisationRole.objects.filter(
            organisation=organisation, role=Role.ORG_ADMIN, user__is_active=True
        ).values_list("user__email", flat=True)
    )


def ats_staff_emails(ats_id: int, role: Role) -> list[str]:
    return list(
        StaffRole.objects.filter(ats_id=ats_id, role=role, user__is_active=True).values_list(
            "user__email", flat=True
        )
    )


def _event(application: Application, by, note: str = "") -> None:
    ApplicationEvent.objects.create(
        application=application, state=application.state, by=by, note=note
    )


def check_upload(upload: UploadedFile) -> CheckedUpload:
    """The document to store, checked by its content (equilibri.core.uploads: a clean PDF, or a
    JPEG / PNG re-encoded), or an error on the form's file field."""
    try:
        return uploads.check_upload(upload, max_bytes=MAX_UPLOAD_BYTES)
    except ValidationError as error:
        raise _error("file", error.messages[0], code=error.code or "invalid") from error


# --- Calls -----------------------------------------------------------------------------------


def _require_call_manager(by, call: Call) -> None:
    if by is None or not calls_managed_by(by).filter(pk=call.pk).exists():
        raise PermissionDenied(_("Solo gli operatori dell'ATS del bando possono modificarlo."))


def _check_call(call: Call) -> None:
    if call.opens_at and call.closes_at and call.closes_at <= call.opens_at:
        raise _error(
            "closes_at",
            _("La chiusura delle domande deve venire dopo l'apertura: correggi una delle date."),
        )
    if call.plan_id and call.plan and call.plan.ats_id != call.ats_id:
        raise _error(
            "plan",
            _("Scegli un piano territoriale di %(ats)s, l'ATS del bando.") % {"ats": call.ats},
        )
    call.budget = check_money(call.budget, _("La dotazione"), "budget")
    if call.grant_cap is not None:
        call.grant_cap = check_money(call.grant_cap, _("Il massimale"), "grant_cap")


@transaction.atomic
def call_create(*, ats, by, **fields) -> Call:
    _unknown(fields, CALL_FIELDS)
    if not (by.is_superuser or ats.pk in ats_ids_for(by, Role.ATS_OPERATOR)):
        raise PermissionDenied(_("Puoi creare bandi solo per la tua ATS."))
    call = Call(ats=ats, created_by=by, **fields)
    _check_call(call)
    call.full_clean()
    call.save()
    return call


@transaction.atomic
def call_update(*, call: Call, by, **fields) -> Call:
    _unknown(fields, CALL_FIELDS)
    _require_call_manager(by, call)
    call = Call.objects.select_for_update(of=("self",)).get(pk=call.pk)
    if call.decided_at:
        raise ValidationError(
            _("Il bando ha già l'atto di finanziamento: non si può più modificare."), code="decided"
        )
    for name, value in fields.items():
        setattr(call, name, value)
    _check_call(call)
    call.full_clean()
    call.save()
    return call


@transaction.atomic
def call_publish(*, call: Call, by) -> Call:
    _require_call_manager(by, call)
    call = Call.objects.select_for_update(of=("self",)).get(pk=call.pk)
    if call.is_published:
        return call
    missing = []
    if not call.criteria.exists():
        missing.append(_("i criteri di valutazione"))
    if call.applicant_kind == Call.ApplicantKind.ORGANISATIONS and not call.rules.exists():
        missing.append(_("le regole del partenariato"))
    if missing:
        raise ValidationError(
            _("Prima di pubblicare il bando aggiungi %(what)s.") % {"what": ", ".join(missing)},
            code="incomplete",
        )
    call.state = Call.State.PUBLISHED
    call.published_at = timezone.now()
    call.save(update_fields=["state", "published_at"])
    return call


@transaction.atomic
def call_rule_add(
    *, call: Call, by, kind: str, number=None, kinds=(), sizes=(), label=""
) -> CallRule:
    _require_call_manager(by, call)
    K = CallRule.Kind
    needs_number = {K.MIN_MEMBERS, K.MAX_MEMBERS, K.MIN_OF_KINDS, K.MIN_OF_SIZES}
    needs_kinds = {K.MIN_OF_KINDS, K.ELIGIBLE_KINDS, K.RUNTS_REQUIRED, K.LEAD_KINDS}
    needs_sizes = {K.MIN_OF_SIZES, K.ELIGIBLE_SIZES}
    if kind in needs_number and not number:
        raise _error("number", _("Questa regola richiede un numero: indicalo."))
    if kind in needs_kinds and not kinds:
        raise _error("kinds", _("Questa regola richiede almeno una tipologia: sceglila."))
    if kind in needs_sizes and not sizes:
        raise _error("sizes", _("Questa regola richiede almeno una dimensione: sceglila."))
    if kind == K.DECLARATION and not label.strip():
        raise _error("label", _("Scrivi il testo della dichiarazione."))
    rule = CallRule(
        call=call,
        kind=kind,
        number=number,
        kinds=list(kinds),
        sizes=list(sizes),
        label=label,
        order=call.rules.count(),
    )
    rule.full_clean()
    rule.save()
    return rule


@transaction.atomic
def call_rule_delete(*, rule: CallRule, by) -> None:
    _require_call_manager(by, rule.call)
    if rule.call.applications.exclude(state=A.DRAFT).exists():
        raise ValidationError(
            _("Sono già state inviate domande: le regole del bando non si possono più cambiare."),
            code="locked",
        )
    rule.delete()


@transaction.atomic
def call_criterion_add(
    *, call: Call, by, name: str, max_score, min_score=0, description=""
) -> CallCriterion:
    _require_call_manager(by, call)
    max_score = Decimal(str(max_score))
    min_score = Decimal(str(min_score or 0))
    if min_score > max_score:
        raise _error(
            "min_score",
            _("La soglia minima (%(min)s) supera il punteggio massimo (%(max)s): abbassala.")
            % {"min": min_score, "max": max_score},
        )
    criterion = CallCriterion(
        call=call,
        name=name,
        description=description,
        max_score=max_score,
        min_score=min_score,
        order=call.criteria.count(),
    )
    criterion.full_clean()
    criterion.save()
    return criterion


@transaction.atomic
def call_criterion_delete(*, criterion: CallCriterion, by) -> None:
    _require_call_manager(by, criterion.call)
    if criterion.scores.exists():
        raise ValidationError(
            _("Il criterio ha già dei punteggi: non si può eliminare."), code="protected"
        )
    criterion.delete()


@transaction.atomic
def call_macro_area_add(*, call: Call, by, name: str, category=None) -> CallMacroArea:
    _require_call_manager(by, call)
    area = CallMacroArea(call=call, name=name, category=category, order=call.macro_areas.count())
    area.full_clean()
    area.save()
    return area


@transaction.atomic
def call_faq_add(*, call: Call, by, question: str, answer: str) -> CallFAQ:
    _require_call_manager(by, call)
    faq = CallFAQ(call=call, question=question, answer=answer, order=call.faqs.count())
    faq.full_clean()
    faq.save()
    return faq


@transaction.atomic
def call_document_add(*, call: Call, by, title: str, file: UploadedFile) -> CallDocument:
    _require_call_manager(by, call)
    document = CallDocument(call=call, title=title, file=check_upload(file))
    document.full_clean()
    document.save()
    return document


# --- Applications ----------------------------------------------------------------------------


def new_public_id() -> int:
    """A random 7-digit application id, unique."""
    while True:
        candidate = 1_000_000 + secrets.randbelow(9_000_000)
        if not Application.objects.filter(public_id=candidate).exists():
            return candidate


def _require_applicant(by, application: Application) -> Application:
    if by is None or not (
        by.is_superuser or applications_of(by).filter(pk=application.pk).exists()
    ):
        raise PermissionDenied(_("Solo chi presenta la domanda può modificarla."))
    return application


def _require_draft(application: Application) -> None:
    if application.state != A.DRAFT:
        raise ValidationError(
            _("La domanda è «%(state)s»: si modifica solo finché è in bozza.")
            % {"state": application.get_state_display()},
            code="not_draft",
        )


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
    _unknown(fields, APPLICATION_FIELDS)
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
            raise _error("lead", _("Scegli l'ente capofila che presenta la domanda."))
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
        raise _error("lead", _duplicate_message(call, lead, existing), code="duplicate")
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
        raise _error(
            "lead",
            _("Esiste già una domanda di questo capofila per il bando: una sola per capofila."),
            code="duplicate",
        ) from error
    _event(application, by)
    return application


@transaction.atomic
def application_update(*, application: Application, by, **fields) -> Application:
    _unknown(fields, APPLICATION_FIELDS)
    _require_applicant(by, application)
    application = Application.objects.select_for_update(of=("self",)).get(pk=application.pk)
    _require_draft(application)
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
    _require_applicant(by, application)
    _require_draft(application)
    if macro_area.call_id != application.call_id:
        raise _error("macro_area", _("Scegli una macro-area di questo bando."))
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
    _require_applicant(by, application)
    _require_draft(application)
    if macro_area is not None and macro_area.call_id != application.call_id:
        raise _error("macro_area", _("Scegli una macro-area di questo bando."))
    line = BudgetLine(
        application=application,
        description=description,
        amount=check_money(amount, _("L'importo"), "amount"),
        macro_area=macro_area,
    )
    if line.amount <= 0:
        raise _error("amount", _("L'importo della voce deve essere maggiore di zero."))
    line.full_clean()
    line.save()
    return line


@transaction.atomic
def budget_line_delete(*, line: BudgetLine, by) -> None:
    _require_applicant(by, line.application)
    _require_draft(line.application)
    line.delete()


@transaction.atomic
def partner_invite(
    *, application: Application, organisation: Organisation, by, role: str = "", cofinancing=0
) -> ApplicationPartner:
    _require_applicant(by, application)
    _require_draft(application)
    if application.call.for_individuals:
        raise ValidationError(_("Questo bando non prevede partenariati."), code="no_partners")
    if organisation.pk == application.lead_id:
        raise _error(
            "organisation",
            _("%(org)s è il capofila: scegli un altro ente come partner.") % {"org": organisation},
        )
    if application.partners.filter(organisation=organisation).exists():
        raise _error(
            "organisation",
            _("%(org)s è già stato invitato: scegli un altro ente.") % {"org": organisation},
        )
    partner = ApplicationPartner.objects.create(
        application=application,
        organisation=organisation,
        role=role,
        cofinancing=check_money(cofinancing, _("Il cofinanziamento"), "cofinancing"),
    )
    _mail(
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
    _require_draft(partner.application)
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
    _require_applicant(by, partner.application)
    _require_draft(partner.application)
    partner.delete()


@transaction.atomic
def application_document_add(
    *, application: Application, by, name: str, file: UploadedFile
) -> ApplicationDocument:
    _require_applicant(by, application)
    if application.state != A.DRAFT and not application.integration_request:
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
    document.full_clean()
    document.save()
    return document


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
    _require_applicant(by, application)
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("call", "lead")
        .get(pk=application.pk)
    )
    _require_draft(application)
    # The server's clock decides, at the moment of submission.
    window = _window_error(application.call, timezone.now())
    if window is not None:
        raise window
    problems = eligibility.check(application)
    if problems:
        raise ValidationError([ValidationError(p.message, code=p.code) for p in problems])
    application.state = A.SUBMITTED
    application.submitted_at = timezone.now()
    application.save(update_fields=["state", "submitted_at"])
    _event(application, by)
    _mail(
        applicant_emails(application),
        "submitted",
        id=application.public_id,
        title=application.title,
        call=application.call.title,
        at=date_format(timezone.localtime(application.submitted_at), "DATETIME_FORMAT"),
    )
    return application


# --- Admissibility ---------------------------------------------------------------------------


def checklist_items(call: Call) -> list[str]:
    return [
        _("Domanda inviata nei termini"),
        _("Requisiti del partenariato verificati"),
        *[_("Documento: %(name)s") % {"name": name} for name in call.document_names],
    ]


def _require_manager_of(by, application: Application) -> None:
    _require_call_manager(by, application.call)


@transaction.atomic
def application_request_integration(
    *, application: Application, by, request_text: str, deadline: datetime.date
) -> Application:
    _require_manager_of(by, application)
    application = Application.objects.select_for_update(of=("self",)).get(pk=application.pk)
    if application.state != A.SUBMITTED:
        raise ValidationError(
            _("Si chiede un'integrazione solo per domande inviate e in istruttoria."),
            code="state",
        )
    if deadline <= timezone.localdate():
        raise _error("deadline", _("Il termine per l'integrazione deve essere una data futura."))
    if not request_text.strip():
        raise _error("request_text", _("Scrivi che cosa va integrato."))
    application.integration_request = request_text
    application.integration_deadline = deadline
    application.integration_response = ""
    application.integration_reminder_sent_at = None
    application.save()
    _event(application, by, _("Richiesta di integrazione: %(text)s") % {"text": request_text})
    _mail(
        applicant_emails(application),
        "integration_requested",
        id=application.public_id,
        date=date_format(deadline, "SHORT_DATE_FORMAT"),
        text=request_text,
    )
    return application


@transaction.atomic
def application_integrate(*, application: Application, by, response: str) -> Application:
    _require_applicant(by, application)
    application = Application.objects.select_for_update(of=("self",)).get(pk=application.pk)
    if not application.integration_request:
        raise ValidationError(_("Non ci sono richieste di integrazione aperte."), code="state")
    if application.integration_deadline and timezone.localdate() > application.integration_deadline:
        raise ValidationError(
            _("Il termine per l'integrazione è scaduto il %(date)s.")
            % {"date": date_format(application.integration_deadline, "SHORT_DATE_FORMAT")},
            code="deadline",
        )
    if not response.strip():
        raise _error("response", _("Scrivi l'integrazione o descrivi i documenti allegati."))
    application.integration_response = response
    application.save(update_fields=["integration_response"])
    _event(application, by, _("Integrazione inviata"))
    _mail(
        ats_staff_emails(application.call.ats_id, Role.ATS_OPERATOR),
        "integration_received",
        id=application.public_id,
    )
    return application


@transaction.atomic
def application_admissibility(
    *, application: Application, by, checklist: dict[str, bool], admissible: bool, note: str = ""
) -> Application:
    _require_manager_of(by, application)
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("call")
        .get(pk=application.pk)
    )
    if application.state not in (A.SUBMITTED, A.ADMISSIBLE, A.INADMISSIBLE):
        raise ValidationError(
            _(
                "L'istruttoria di ammissibilità si fa sulle domande inviate, prima della "
                "valutazione."
            ),
            code="state",
        )
    items = checklist_items(application.call)
    unchecked = [item for item in items if not checklist.get(item)]
    if admissible and unchecked:
        raise ValidationError(
            _("Per dichiarare la domanda ammissibile spunta tutte le verifiche: mancano %(items)s.")
            % {"items": "; ".join(unchecked)},
            code="checklist",
        )
    if not admissible and not note.strip():
        raise _error("note", _("Scrivi il motivo della non ammissibilità."))
    application.admissibility_checklist = {item: bool(checklist.get(item)) for item in items}
    application.admissibility_note = note
    application.state = A.ADMISSIBLE if admissible else A.INADMISSIBLE
    application.integration_request = ""
    application.integration_deadline = None
    application.save()
    _event(application, by, note)
    _mail(
        applicant_emails(application),
        "admissibility",
        id=application.public_id,
        state=application.get_state_display().lower(),
        note=note,
    )
    return application


# --- Evaluation ------------------------------------------------------------------------------


def _require_evaluator(by, application: Application) -> None:
    if application.call.ats_id not in ats_ids_for(by, Role.COMMITTEE_MEMBER):
        raise PermissionDenied(
            _("Valutano le domande solo i componenti del comitato dell'ATS del bando.")
        )


@transaction.atomic
def conflict_declare(*, application: Application, by, conflict: bool, note: str = "") -> ScoreSheet:
    application = Application.objects.select_related("call").get(pk=application.pk)
    _require_evaluator(by, application)
    if application.state not in (A.ADMISSIBLE, A.SCORED) or application.call.ranked_at:
        raise ValidationError(
            _("Si valutano solo le domande ammissibili, prima della graduatoria."), code="state"
        )
    if conflict and not note.strip():
        raise _error("conflict_note", _("Descrivi il conflitto di interessi."))
    sheet, created = ScoreSheet.objects.get_or_create(
        application=application,
        evaluator=by,
        defaults={"conflict_of_interest": conflict, "conflict_note": note},
    )
    if not created:
        raise ValidationError(
            _("Hai già reso la dichiarazione sul conflitto di interessi per questa domanda."),
            code="declared",
        )
    return sheet


@transaction.atomic
def score_sheet_submit(
    *, sheet: ScoreSheet, by, scores: dict[int, Any], comment: str = ""
) -> ScoreSheet:
    """Records one evaluator's scores (one per criterion, 0..max)."""
    sheet = (
        ScoreSheet.objects.select_for_update(of=("self",))
        .select_related("application__call")
        .get(pk=sheet.pk)
    )
    application = sheet.application
    _require_evaluator(by, application)
    if sheet.evaluator_id != by.pk:
        raise PermissionDenied(_("Questa scheda è di un altro componente del comitato."))
    if sheet.conflict_of_interest:
        raise ValidationError(
            _("Hai dichiarato un conflitto di interessi: non puoi valutare questa domanda."),
            code="conflict",
        )
    if application.call.ranked_at:
        raise ValidationError(
            _("La graduatoria è già stata calcolata: i punteggi non si cambiano più."),
            code="ranked",
        )
    errors: dict[str, list[ValidationError]] = {}
    values: dict[CallCriterion, Decimal] = {}
    for criterion in application.call.criteria.all():
        raw = scores.get(criterion.pk)
        field = f"criterion_{criterion.pk}"
        try:
            value = Decimal(str(raw)) if raw not in (None, "") else None
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite():
            errors[field] = [
                ValidationError(_("Dai un punteggio a «%(name)s».") % {"name": criterion.name})
            ]
        elif value < 0 or value > criterion.max_score:
            errors[field] = [
                ValidationError(
                    _(
                        "Il punteggio di «%(name)s» va da 0 a %(max)s (il massimo del criterio): "
                        "hai scritto %(value)s."
                    )
                    % {"name": criterion.name, "max": criterion.max_score, "value": value},
                    code="max_score",
                )
            ]
        else:
            values[criterion] = value.quantize(CENT)
    if errors:
        raise ValidationError(errors)
    for criterion, value in values.items():
        CriterionScore.objects.update_or_create(
            sheet=sheet, criterion=criterion, defaults={"value": value}
        )
    sheet.comment = comment
    sheet.submitted_at = timezone.now()
    sheet.save()
    return sheet


def aggregate(application: Application) -> tuple[Decimal | None, dict[int, Decimal]]:
    """The mean of the evaluators' scores per criterion and in total (None: no valid sheet)."""
    sheets = list(
        application.score_sheets.filter(
            conflict_of_interest=False, submitted_at__isnull=False
        ).prefetch_related("scores")
    )
    if not sheets:
        return None, {}
    per_criterion: dict[int, Decimal] = {}
    for criterion in application.call.criteria.all():
        values = [
            s.value
            for sheet in sheets
            for s in sheet.scores.all()
            if s.criterion_id == criterion.pk
        ]
        per_criterion[criterion.pk] = (
            (sum(values, Decimal(0)) / len(values)).quantize(CENT) if values else Decimal(0)
        )
    return sum(per_criterion.values(), Decimal(0)), per_criterion


def ranking_key(application: Application):
    """TIE RULE: higher score first; equal scores: earlier submission first, then lower id."""
    return (
        -(application.score or Decimal(0)),
        application.submitted_at or timezone.now(),
        application.public_id,
    )


@transaction.atomic
def call_rank(*, call: Call, by) -> list[Application]:
    _require_call_manager(by, call)
    call = Call.objects.select_for_update(of=("self",)).get(pk=call.pk)
    if call.decided_at:
        raise ValidationError(_("Il bando ha già l'atto di finanziamento."), code="decided")
    pending = call.applications.filter(state=A.SUBMITTED)
    if pending.exists():
        raise ValidationError(
            _("Completa prima l'istruttoria di ammissibilità delle domande %(ids)s.")
            % {"ids": ", ".join(str(a.public_id) for a in pending)},
            code="pending",
        )
    candidates = list(call.applications.filter(state__in=[A.ADMISSIBLE, A.SCORED]))
    if not candidates:
        raise ValidationError(_("Non ci sono domande ammissibili da mettere in graduatoria."))
    criteria = list(call.criteria.all())
    unscored = []
    for application in candidates:
        total, per_criterion = aggregate(application)
        if total is None:
            unscored.append(str(application.public_id))
            continue
        application.score = total
        reasons = [
            _("«%(name)s» sotto la soglia (%(value)s su un minimo di %(min)s)")
            % {"name": c.name, "value": per_criterion[c.pk], "min": c.min_score}
            for c in criteria
            if per_criterion[c.pk] < c.min_score
        ]
        if total < call.min_total_score:
            reasons.append(
                _("punteggio complessivo %(value)s sotto il minimo di %(min)s")
                % {"value": total, "min": call.min_total_score}
            )
        application.excluded_reason = "; ".join(reasons)[:300]
    if unscored:
        raise ValidationError(
            _("Mancano le valutazioni del comitato per le domande %(ids)s.")
            % {"ids": ", ".join(unscored)},
            code="unscored",
        )
    admitted = sorted((a for a in candidates if not a.excluded_reason), key=ranking_key)
    excluded = sorted((a for a in candidates if a.excluded_reason), key=ranking_key)
    for position, application in enumerate([*admitted, *excluded], start=1):
        application.rank = position
        application.state = A.SCORED
        application.save(update_fields=["score", "rank", "excluded_reason", "state"])
        _event(application, by, application.excluded_reason)
    call.ranked_at = timezone.now()
    call.save(update_fields=["ranked_at"])
    return [*admitted, *excluded]


def _create_project(application: Application, by) -> Project:
    """The funded application becomes a project of the call's plan, with its partners, budget
    and one action per macro-area (its budget lines)."""
    call = application.call
    plan = call.plan
    if plan is None:
        raise ValidationError(
            _("Indica nel bando il piano territoriale in cui creare i progetti finanziati."),
            code="no_plan",
        )
    total = application.total_cost
    granted = application.granted or Decimal(0)
    start = call.decision_date or timezone.localdate()
    project = plan_services.project_create(
        plan=plan,
        by=by,
        kind=Project.Kind.CALL,
        title=application.title[:300],
        lead=application.lead,
        summary=(
            _("Domanda %(id)s al bando «%(call)s» (%(act)s).")
            % {
                "id": application.public_id,
                "call": call.title,
                "act": call.decision_number,
            }
            + ("\n\n" + application.summary if application.summary else "")
        ),
        regional_grant=granted,
        cofinancing=max(total - granted, Decimal(0)),
        start_date=start,
        end_date=start + datetime.timedelta(days=round(call.project_months * 30.44)),
        partners=[
            (p.organisation, p.role or _("Partner"))
            for p in application.partners.filter(state=ApplicationPartner.State.CONFIRMED)
        ],
    )
    by_area: dict[int | None, Decimal] = {}
    for line in application.budget_lines.all():
        by_area[line.macro_area_id] = by_area.get(line.macro_area_id, Decimal(0)) + line.amount
    from equilibri.plans.models import ActionCategory

    fallback = ActionCategory.objects.order_by("order").first()
    areas = {a.pk: a for a in call.macro_areas.all()}
    descriptions = {a.macro_area_id: a.description for a in application.areas.all()}
    for area_id, amount in by_area.items():
        area = areas.get(area_id) if area_id is not None else None
        category = (area.category if area and area.category_id else None) or fallback
        if category is None:
            continue
        plan_services.action_create(
            project=project,
            by=by,
            title=(area.name if area else _("Altre attività"))[:300],
            category=category,
            description=descriptions.get(area_id, "") if area_id is not None else "",
            budget=amount,
        )
    plan_services.project_evaluate(project=project, by=by, note=call.title)
    plan_services.project_approve(
        project=project, by=by, note=f"{call.decision_number} {call.decision_date or ''}".strip()
    )
    return project


@transaction.atomic
def call_decide(
    *, call: Call, by, act_number: str, act_date: datetime.date, create_projects: bool = True
) -> list[Application]:
    """Records the funding act and allocates the budget down the ranking."""
    _require_call_manager(by, call)
    call = Call.objects.select_for_update(of=("self",)).select_related("plan").get(pk=call.pk)
    if call.decided_at:
        raise ValidationError(_("L'atto di finanziamento è già registrato."), code="decided")
    if not call.ranked_at:
        raise ValidationError(
            _("Calcola prima la graduatoria: l'atto di finanziamento la approva."),
            code="not_ranked",
        )
    if not act_number.strip():
        raise _error("act_number", _("Indica il numero dell'atto (delibera o decreto)."))
    if call.plan is None:
        raise _error(
            None,
            _("Indica nel bando il piano territoriale in cui creare i progetti finanziati."),
            code="no_plan",
        )
    call.decision_number = act_number
    call.decision_date = act_date
    call.decided_at = timezone.now()
    call.save(update_fields=["decision_number", "decision_date", "decided_at"])
    remaining = call.budget
    ranked = list(call.applications.filter(state=A.SCORED).order_by("rank"))
    for application in ranked:
        requested = application.requested_grant
        note = ""
        if application.excluded_reason:
            application.state = A.NOT_FUNDED
            note = application.excluded_reason
        elif requested <= remaining:
            application.state, application.granted = A.FUNDED, requested
            remaining -= requested
        elif call.partial_last and remaining > 0:
            application.state, application.granted = A.FUNDED, remaining
            note = _("Finanziata in parte: %(amount)s su %(requested)s richiesti.") % {
                "amount": euro(remaining),
                "requested": euro(requested),
            }
            remaining = Decimal(0)
        else:
            application.state = A.NOT_FUNDED
            note = _("Ammessa ma non finanziata per esaurimento dei fondi.")
        if application.state == A.FUNDED:
            end = act_date + datetime.timedelta(days=round(call.project_months * 30.44))
            application.report_due = end + datetime.timedelta(days=call.report_days)
        application.save(update_fields=["state", "granted", "report_due"])
        _event(application, by, note)
        if application.state == A.FUNDED and create_projects and application.lead_id:
            application.project = _create_project(application, by)
            application.save(update_fields=["project"])
        _mail(
            applicant_emails(application),
            "decision",
            call=call.title,
            act=act_number,
            date=date_format(act_date, "SHORT_DATE_FORMAT"),
            id=application.public_id,
            state=application.get_state_display().lower(),
            note=note,
        )
    return ranked


# --- Reporting -------------------------------------------------------------------------------


def _require_funded(application: Application) -> None:
    if application.state != A.FUNDED:
        raise ValidationError(_("Si rendicontano solo le domande finanziate."), code="not_funded")


@transaction.atomic
def expense_report_create(*, application: Application, by, kind: str) -> ExpenseReport:
    _require_applicant(by, application)
    _require_funded(application)
    if application.final_grant is not None:
        raise ValidationError(_("La rendicontazione finale è già chiusa."), code="closed")
    if kind == ExpenseReport.Kind.FINAL and application.expense_reports.filter(kind=kind).exists():
        raise ValidationError(_("Il rendiconto finale esiste già: aprilo."), code="duplicate")
    if application.expense_reports.exclude(state=ExpenseReport.State.CHECKED).exists():
        raise ValidationError(
            _("C'è già un rendiconto non ancora verificato: completalo prima di aprirne un altro."),
            code="open_report",
        )
    return ExpenseReport.objects.create(application=application, kind=kind)


def _require_report_draft(report: ExpenseReport) -> None:
    if report.state != ExpenseReport.State.DRAFT:
        raise ValidationError(_("Il rendiconto è già inviato."), code="not_draft")


@transaction.atomic
def expense_item_add(
    *, report: ExpenseReport, by, description: str, amount, document: UploadedFile, budget_line=None
) -> ExpenseItem:
    _require_applicant(by, report.application)
    _require_report_draft(report)
    if budget_line is not None and budget_line.application_id != report.application_id:
        raise _error("budget_line", _("Scegli una voce di budget di questa domanda."))
    checked = check_upload(document)
    item = ExpenseItem(
        report=report,
        description=description,
        amount=check_money(amount, _("L'importo"), "amount"),
        document=checked,
        budget_line=budget_line,
    )
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def expense_report_submit(*, report: ExpenseReport, by, narrative: str = "") -> ExpenseReport:
    _require_applicant(by, report.application)
    report = ExpenseReport.objects.select_for_update(of=("self",)).get(pk=report.pk)
    _require_report_draft(report)
    if not report.items.exists():
        raise ValidationError(_("Aggiungi almeno una spesa con il suo documento."), code="empty")
    report.narrative = narrative or report.narrative
    report.state = ExpenseReport.State.SUBMITTED
    report.submitted_at = timezone.now()
    report.save()
    _mail(
        ats_staff_emails(report.application.call.ats_id, Role.ATS_OPERATOR),
        "report_submitted",
        kind=report.get_kind_display().lower(),
        id=report.application.public_id,
    )
    return report


@transaction.atomic
def expense_item_check(
    *, item: ExpenseItem, by, check_state: str, accepted_amount=None, note: str = ""
) -> ExpenseItem:
    _require_manager_of(by, item.report.application)
    item = (
        ExpenseItem.objects.select_for_update(of=("self",)).select_related("report").get(pk=item.pk)
    )
    if item.report.state != ExpenseReport.State.SUBMITTED:
        raise ValidationError(_("Si verificano le spese dei rendiconti inviati."), code="state")
    C = ExpenseItem.Check
    if check_state == C.ACCEPTED:
        accepted = item.amount
    elif check_state == C.REJECTED:
        accepted = Decimal(0)
        if not note.strip():
            raise _error("note", _("Scrivi perché la spesa non è ammessa."))
    elif check_state == C.PARTLY:
        if accepted_amount in (None, ""):
            raise _error("accepted_amount", _("Indica l'importo ammesso."))
        accepted = check_money(accepted_amount, _("L'importo ammesso"), "accepted_amount")
        if accepted > item.amount:
            raise _error(
                "accepted_amount",
                _("L'importo ammesso non può superare quello rendicontato (%(amount)s).")
                % {"amount": euro(item.amount)},
            )
        if not note.strip():
            raise _error("note", _("Scrivi perché la spesa è ammessa solo in parte."))
    else:
        raise _error("check_state", _("Scegli l'esito della verifica."))
    item.check_state = check_state
    item.accepted_amount = accepted
    item.check_note = note
    item.save()
    return item


def final_grant_for(application: Application) -> tuple[Decimal, Decimal]:
    """(accepted cost of all checked reports, recomputed grant): the call's percentage of the
    accepted cost, capped by the call's maximum and by the grant awarded."""
    accepted = ExpenseItem.objects.filter(report__application=application).aggregate(
        total=Sum("accepted_amount")
    )["total"] or Decimal(0)
    grant = max_grant(application.call, accepted)
    if application.granted is not None:
        grant = min(grant, application.granted)
    return accepted, grant


@transaction.atomic
def expense_report_check(*, report: ExpenseReport, by, note: str = "") -> ExpenseReport:
    _require_manager_of(by, report.application)
    report = (
        ExpenseReport.objects.select_for_update(of=("self",))
        .select_related("application__call")
        .get(pk=report.pk)
    )
    if report.state != ExpenseReport.State.SUBMITTED:
        raise ValidationError(_("Si chiude la verifica solo di un rendiconto inviato."))
    pending = report.items.filter(check_state=ExpenseItem.Check.PENDING).count()
    if pending:
        raise ValidationError(
            _("Verifica prima tutte le spese: ne restano %(count)s da verificare.")
            % {"count": pending},
            code="pending",
        )
    report.state = ExpenseReport.State.CHECKED
    report.checked_at = timezone.now()
    report.checked_by = by
    report.check_note = note
    report.save()
    application = report.application
    accepted, grant = final_grant_for(application)
    if report.kind == ExpenseReport.Kind.FINAL:
        application.final_grant = grant
        application.save(update_fields=["final_grant"])
    _mail(
        applicant_emails(application),
        "report_checked",
        id=application.public_id,
        accepted=euro(accepted),
        grant=euro(grant),
        note=note,
    )
    return report


@transaction.atomic
def payment_record(
    *, application: Application, by, amount, paid_on: datetime.date, reference: str
) -> Payment:
    _require_manager_of(by, application)
    application = Application.objects.select_for_update(of=("self",)).get(pk=application.pk)
    _require_funded(application)
    amount = check_money(amount, _("L'importo"), "amount")
    if amount <= 0:
        raise _error("amount", _("L'importo del pagamento deve essere maggiore di zero."))
    ceiling = (
        application.final_grant if application.final_grant is not None else application.granted
    )
    paid = application.payments.aggregate(total=Sum("amount"))["total"] or Decimal(0)
    if ceiling is not None and paid + amount > ceiling:
        raise _error(
            "amount",
            _(
                "Con questo pagamento si supererebbe il contributo %(what)s (%(ceiling)s): "
                "sono già stati pagati %(paid)s, puoi pagare al massimo %(left)s."
            )
            % {
                "what": _("rideterminato")
                if application.final_grant is not None
                else _("concesso"),
                "ceiling": euro(ceiling),
                "paid": euro(paid),
                "left": euro(max(ceiling - paid, Decimal(0))),
            },
        )
    payment = Payment(
        application=application, amount=amount, paid_on=paid_on, reference=reference, recorded_by=by
    )
    payment.full_clean()
    payment.save()
    return payment


# --- Reminders -------------------------------------------------------------------------------

CLOSING_REMINDER_DAYS = 3
INTEGRATION_REMINDER_DAYS = 2
REPORT_REMINDER_DAYS = 14


def send_reminders(now: datetime.datetime | None = None) -> int:
    """E-mails before deadlines, once each: the call closing (to leads of drafts), an
    integration's deadline, the final report's due date."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    sent = 0
    with transaction.atomic():
        closing = Call.objects.select_for_update(of=("self",)).filter(
            state=Call.State.PUBLISHED,
            closing_reminder_sent_at__isnull=True,
            closes_at__gt=now,
            closes_at__lte=now + datetime.timedelta(days=CLOSING_REMINDER_DAYS),
        )
        for call in closing:
            for application in call.applications.filter(state=A.DRAFT).select_related(
                "applicant", "call"
            ):
                _mail(
                    applicant_emails(application),
                    "closing_reminder",
                    call=call.title,
                    date=date_format(timezone.localtime(call.closes_at), "DATETIME_FORMAT"),
                    id=application.public_id,
                )
                sent += 1
            call.closing_reminder_sent_at = now
            call.save(update_fields=["closing_reminder_sent_at"])
        integrations = Application.objects.select_for_update(of=("self",)).filter(
            integration_deadline__isnull=False,
            integration_reminder_sent_at__isnull=True,
            integration_response="",
            integration_deadline__gte=today,
            integration_deadline__lte=today + datetime.timedelta(days=INTEGRATION_REMINDER_DAYS),
        )
        for application in integrations.select_related("applicant"):
            _mail(
                applicant_emails(application),
                "integration_reminder",
                id=application.public_id,
                date=date_format(application.integration_deadline or today, "SHORT_DATE_FORMAT"),
                text=application.integration_request,
            )
            application.integration_reminder_sent_at = now
            application.save(update_fields=["integration_reminder_sent_at"])
            sent += 1
        reports = Application.objects.select_for_update(of=("self",)).filter(
            state=A.FUNDED,
            final_grant__isnull=True,
            report_due__isnull=False,
            report_reminder_sent_at__isnull=True,
            report_due__lte=today + datetime.timedelta(days=REPORT_REMINDER_DAYS),
        )
        for application in reports.select_related("applicant"):
            _mail(
                applicant_emails(application),
                "report_reminder",
                id=application.public_id,
                date=date_format(application.report_due or today, "SHORT_DATE_FORMAT"),
            )
            application.report_reminder_sent_at = now
            application.save(update_fields=["report_reminder_sent_at"])
            sent += 1
    return sent
