"""Expense reports of funded applications, their check by the ATS, and payments. The final grant
is the call's percentage of the accepted cost, capped by the call's maximum and by the grant
awarded; payments never exceed it."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from equilibri.accounts.roles import Role
from equilibri.plans.services import check_money

from ..eligibility import euro, max_grant
from ..models import Application, ExpenseItem, ExpenseReport, Payment
from .common import (
    check_upload,
    field_error,
    require_applicant,
    require_application_manager,
    save_valid,
)
from .notifications import applicant_emails, ats_staff_emails, send_mail


def _require_funded(application: Application) -> None:
    if application.state != Application.State.FUNDED:
        raise ValidationError(_("Si rendicontano solo le domande finanziate."), code="not_funded")


@transaction.atomic
def expense_report_create(*, application: Application, by, kind: str) -> ExpenseReport:
    require_applicant(by, application)
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
    require_applicant(by, report.application)
    _require_report_draft(report)
    if budget_line is not None and budget_line.application_id != report.application_id:
        raise field_error("budget_line", _("Scegli una voce di budget di questa domanda."))
    checked = check_upload(document)
    item = ExpenseItem(
        report=report,
        description=description,
        amount=check_money(amount, _("L'importo"), "amount"),
        document=checked,
        budget_line=budget_line,
    )
    return save_valid(item)


@transaction.atomic
def expense_report_submit(*, report: ExpenseReport, by, narrative: str = "") -> ExpenseReport:
    require_applicant(by, report.application)
    report = ExpenseReport.objects.select_for_update(of=("self",)).get(pk=report.pk)
    _require_report_draft(report)
    if not report.items.exists():
        raise ValidationError(_("Aggiungi almeno una spesa con il suo documento."), code="empty")
    report.narrative = narrative or report.narrative
    report.state = ExpenseReport.State.SUBMITTED
    report.submitted_at = timezone.now()
    report.save()
    send_mail(
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
    require_application_manager(by, item.report.application)
    item = (
        ExpenseItem.objects.select_for_update(of=("self",)).select_related("report").get(pk=item.pk)
    )
    if item.report.state != ExpenseReport.State.SUBMITTED:
        raise ValidationError(_("Si verificano le spese dei rendiconti inviati."), code="state")
    Check = ExpenseItem.Check
    if check_state == Check.ACCEPTED:
        accepted = item.amount
    elif check_state == Check.REJECTED:
        accepted = Decimal(0)
        if not note.strip():
            raise field_error("note", _("Scrivi perché la spesa non è ammessa."))
    elif check_state == Check.PARTLY:
        if accepted_amount in (None, ""):
            raise field_error("accepted_amount", _("Indica l'importo ammesso."))
        accepted = check_money(accepted_amount, _("L'importo ammesso"), "accepted_amount")
        if accepted > item.amount:
            raise field_error(
                "accepted_amount",
                _("L'importo ammesso non può superare quello rendicontato (%(amount)s).")
                % {"amount": euro(item.amount)},
            )
        if not note.strip():
            raise field_error("note", _("Scrivi perché la spesa è ammessa solo in parte."))
    else:
        raise field_error("check_state", _("Scegli l'esito della verifica."))
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
    require_application_manager(by, report.application)
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
    send_mail(
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
    require_application_manager(by, application)
    application = Application.objects.select_for_update(of=("self",)).get(pk=application.pk)
    _require_funded(application)
    amount = check_money(amount, _("L'importo"), "amount")
    if amount <= 0:
        raise field_error("amount", _("L'importo del pagamento deve essere maggiore di zero."))
    ceiling = (
        application.final_grant if application.final_grant is not None else application.granted
    )
    paid = application.payments.aggregate(total=Sum("amount"))["total"] or Decimal(0)
    if ceiling is not None and paid + amount > ceiling:
        raise field_error(
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
    return save_valid(payment)
