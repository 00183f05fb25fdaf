"""The receipts (expense lines) and documents a draft carries: each receipt is claimed
once across all applications."""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from equilibri.core.categories import CATEGORY_LABELS

from ..models import Attachment, ExpenseLine, VoucherApplication
from .checks import check_amount, check_file, check_provider_tax_id, field_error, receipt_key
from .permissions import require_applicant, require_editable


@transaction.atomic
def expense_add(
    *,
    application: VoucherApplication,
    by,
    payer: str,
    receipt_number: str,
    receipt_date: datetime.date,
    provider_name: str,
    provider_tax_id: str,
    category: str,
    service: str,
    beneficiary: str,
    amount: Any,
    file: UploadedFile,
) -> ExpenseLine:
    """One receipt. Every problem is reported at once; a refused receipt changes nothing
    (the draft and the receipts already saved stay)."""
    require_applicant(application, by)
    require_editable(application)
    scheme = application.scheme
    errors: dict[str, list[str]] = {}

    def collect(check, *args):
        try:
            return check(*args)
        except ValidationError as error:
            for key, messages in error.message_dict.items():
                errors.setdefault(key, []).extend(messages)
            return None

    amount = collect(check_amount, amount)
    tax_id = collect(check_provider_tax_id, provider_tax_id)
    checked = collect(check_file, file) if file else None
    if not file:
        errors["file"] = [_("Allega la ricevuta (PDF, JPEG o PNG).")]
    today = timezone.localdate()
    if receipt_date > today:
        errors.setdefault("receipt_date", []).append(
            _("La data della ricevuta non può essere nel futuro.")
        )
    elif not scheme.expenses_from <= receipt_date <= scheme.expenses_until:
        errors.setdefault("receipt_date", []).append(
            _("La ricevuta è del %(date)s: il bando ammette spese dal %(start)s al %(end)s.")
            % {
                "date": date_format(receipt_date, "SHORT_DATE_FORMAT"),
                "start": date_format(scheme.expenses_from, "SHORT_DATE_FORMAT"),
                "end": date_format(scheme.expenses_until, "SHORT_DATE_FORMAT"),
            }
        )
    elif scheme.claim_within_days is not None and (today - receipt_date).days > (
        scheme.claim_within_days
    ):
        errors.setdefault("receipt_date", []).append(
            _(
                "La ricevuta è del %(date)s: il bando chiede di presentarla entro %(days)s "
                "giorni dalla spesa."
            )
            % {
                "date": date_format(receipt_date, "SHORT_DATE_FORMAT"),
                "days": scheme.claim_within_days,
            }
        )
    if scheme.categories and category not in scheme.categories:
        errors["category"] = [
            _("Il bando rimborsa solo: %(list)s.")
            % {"list": ", ".join(str(CATEGORY_LABELS.get(c, c)) for c in scheme.categories)}
        ]
    elif category not in CATEGORY_LABELS:
        errors["category"] = [_("Scegli la categoria del servizio dall'elenco.")]
    for field, value, message in (
        ("payer", payer, _("Scrivi chi ha pagato.")),
        ("receipt_number", receipt_number, _("Scrivi il numero della ricevuta.")),
        ("provider_name", provider_name, _("Scrivi il nome del fornitore.")),
        ("service", service, _("Descrivi il servizio.")),
        ("beneficiary", beneficiary, _("Scrivi chi ha ricevuto il servizio.")),
    ):
        if not (value or "").strip():
            errors.setdefault(field, []).append(message)
    key = receipt_key(tax_id, receipt_number) if tax_id and receipt_number.strip() else None
    if key and ExpenseLine.objects.filter(receipt_key=key).exists():
        errors.setdefault("receipt_number", []).append(_duplicate_message(receipt_number))
    if errors:
        raise ValidationError(errors)
    assert key is not None and amount is not None and checked is not None
    line = ExpenseLine(
        application=application,
        payer=payer.strip(),
        receipt_number=receipt_number.strip(),
        receipt_date=receipt_date,
        provider_name=provider_name.strip(),
        provider_tax_id=tax_id,
        category=category,
        service=service.strip(),
        beneficiary=beneficiary.strip(),
        amount=amount,
        file_type=checked.content_type,
        receipt_key=key,
    )
    line.file.save(checked.name, checked, save=False)
    try:
        with transaction.atomic():
            line.save()
    except IntegrityError as error:  # the same receipt, saved by a concurrent request
        line.file.delete(save=False)
        raise field_error("receipt_number", _duplicate_message(receipt_number)) from error
    return line


def _duplicate_message(number: str) -> str:
    return _(
        "La ricevuta n. %(number)s di questo fornitore è già stata presentata (in questa o in "
        "un'altra domanda): ogni ricevuta si rimborsa una sola volta."
    ) % {"number": number}


@transaction.atomic
def expense_remove(*, line: ExpenseLine, by) -> None:
    _remove_with_file(line, by)


@transaction.atomic
def attachment_add(
    *, application: VoucherApplication, name: str, file: UploadedFile, by
) -> Attachment:
    require_applicant(application, by)
    require_editable(application)
    if name not in application.scheme.document_list():
        raise field_error("name", _("Scegli il documento dall'elenco di quelli richiesti."))
    if not file:
        raise field_error("file", _("Allega il documento (PDF, JPEG o PNG)."))
    checked = check_file(file)
    attachment = Attachment(application=application, name=name, file_type=checked.content_type)
    attachment.file.save(checked.name, checked, save=False)
    attachment.save()
    return attachment


@transaction.atomic
def attachment_remove(*, attachment: Attachment, by) -> None:
    _remove_with_file(attachment, by)


def _remove_with_file(item: ExpenseLine | Attachment, by) -> None:
    """A receipt or document leaves the applicant's draft with its stored file."""
    require_applicant(item.application, by)
    require_editable(item.application)
    item.file.delete(save=False)
    item.delete()
