"""The manager's review: the documents checklist, additions, approval (full, partial or
waiting for budget) and rejection."""

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ..models import Attachment, DocumentCheck, ExpenseLine, Payment, VoucherApplication
from .budget import release, reserve
from .checks import check_amount, field_error
from .permissions import require_manager
from .transitions import change_state, locked

AppState = VoucherApplication.State
# States the manager may still reject (paid is final).
REJECTABLE = (
    AppState.SUBMITTED,
    AppState.INTEGRATION_REQUESTED,
    AppState.EMPLOYER_CONFIRMED,
    AppState.WAITING,
    AppState.APPROVED,
    AppState.PARTLY_APPROVED,
)


@transaction.atomic
def documents_check(
    *, application: VoucherApplication, checks: dict[str, tuple[str, str]], by
) -> None:
    """The checklist: `checks` maps "expense-<pk>" / "attachment-<pk>" to (state, note)."""
    require_manager(application.scheme, by)
    if application.state in (AppState.DRAFT, AppState.PAID, AppState.REJECTED):
        raise ValidationError(_("Le verifiche si registrano sulle domande in istruttoria."))
    valid = set(DocumentCheck.values)
    for key, (state, note) in checks.items():
        if state not in valid:
            raise ValidationError(_("Esito della verifica non valido."))
        kind, _sep, pk = key.partition("-")
        if not pk.isdigit() or kind not in ("expense", "attachment"):
            continue
        model = ExpenseLine if kind == "expense" else Attachment
        # Saved one by one (a few documents): the audit log keeps each outcome before and after.
        document = model.objects.filter(application=application, pk=int(pk)).first()
        if document is None:
            continue
        document.check_state = state
        document.check_note = note[:300]
        document.save(update_fields=["check_state", "check_note"])


@transaction.atomic
def application_request_integration(
    *, application: VoucherApplication, message: str, deadline: datetime.date, by
) -> VoucherApplication:
    require_manager(application.scheme, by)
    application = locked(application)
    if application.state not in (AppState.SUBMITTED, AppState.EMPLOYER_CONFIRMED):
        raise ValidationError(
            _("Si può chiedere un'integrazione solo a una domanda in istruttoria.")
        )
    errors = {}
    if not message.strip():
        errors["message"] = [_("Scrivi che cosa deve integrare chi ha presentato la domanda.")]
    if deadline <= timezone.localdate():
        errors["deadline"] = [_("La scadenza dell'integrazione deve essere nel futuro.")]
    if errors:
        raise ValidationError(errors)
    application.integration_message = message.strip()
    application.integration_deadline = deadline
    note = _("%(message)s (entro il %(date)s)") % {
        "message": message.strip(),
        "date": date_format(deadline, "SHORT_DATE_FORMAT"),
    }
    change_state(application, AppState.INTEGRATION_REQUESTED, by, note)
    return application


def documents_unchecked(application: VoucherApplication) -> list[str]:
    """The receipts and documents still "to check", by name (empty: every one was checked)."""
    pending = DocumentCheck.PENDING
    names = [
        _("Ricevuta %(number)s (%(provider)s)")
        % {"number": line.receipt_number, "provider": line.provider_name}
        for line in application.expenses.filter(check_state=pending).order_by("pk")
    ]
    names += [a.name for a in application.attachments.filter(check_state=pending).order_by("pk")]
    attached = set(application.attachments.values_list("name", flat=True))
    names += [name for name in application.scheme.document_list() if name not in attached]
    return names


@transaction.atomic
def application_approve(
    *,
    application: VoucherApplication,
    by,
    amount: Any = None,
    reason: str = "",
    override_reason: str = "",
) -> VoucherApplication:
    """Approves in full (amount None or the requested amount) or in part (a lower amount, with
    a reason). Reserves the budget atomically, or puts the application in the waiting queue.

    Every receipt and required document must have been checked first: a public body pays only
    what it verified. The manager may still approve with `override_reason` (stored on the
    application, in its timeline and so in the audit log)."""
    require_manager(application.scheme, by)
    application = locked(application)
    if application.state != AppState.EMPLOYER_CONFIRMED:
        raise ValidationError(
            _("Si approvano solo le domande confermate dal datore di lavoro e non ancora decise.")
        )
    unchecked = documents_unchecked(application)
    override = override_reason.strip()
    if unchecked and not override:
        raise field_error(
            "override_reason",
            _(
                "Prima di approvare verifica tutti i documenti. Da verificare: %(list)s. "
                "Per approvare comunque, scrivi il motivo della deroga."
            )
            % {"list": "; ".join(unchecked)},
        )
    application.check_override_reason = override if unchecked else ""
    override_note = (
        " "
        + _("Approvata senza la verifica di: %(list)s. Motivo della deroga: %(reason)s")
        % {"list": "; ".join(unchecked), "reason": override}
        if unchecked
        else ""
    )
    requested = application.requested_amount
    value = requested if amount in (None, "") else check_amount(amount)
    if value > requested:
        raise field_error(
            "amount",
            _("L'importo approvato non può superare quello richiesto (%(amount)s €).")
            % {"amount": requested},
        )
    partial = value < requested
    if partial and not reason.strip():
        raise field_error(
            "reason",
            _("Spiega perché la domanda è approvata solo in parte: la motivazione è dovuta."),
        )
    application.approved_amount = value
    application.decision_reason = reason.strip()
    if reserve(application.scheme_id, value):
        note = reason.strip() or _("Contributo approvato: %(amount)s €.") % {"amount": value}
        change_state(
            application,
            AppState.PARTLY_APPROVED if partial else AppState.APPROVED,
            by,
            note + override_note,
        )
    else:
        change_state(
            application,
            AppState.WAITING,
            by,
            _(
                "Approvabile per %(amount)s €, ma il budget del bando è esaurito: la domanda "
                "attende in ordine di invio e sarà approvata appena si libera budget."
            )
            % {"amount": value}
            + override_note,
        )
    return application


@transaction.atomic
def application_reject(*, application: VoucherApplication, reason: str, by) -> VoucherApplication:
    require_manager(application.scheme, by)
    application = locked(application)
    if application.state not in REJECTABLE:
        raise ValidationError(_("Questa domanda non si può più respingere."))
    if not reason.strip():
        raise field_error("reason", _("Scrivi la motivazione del rifiuto."))
    held = application.state in (AppState.APPROVED, AppState.PARTLY_APPROVED)
    if held and Payment.objects.filter(application=application).exists():
        raise ValidationError(
            _("La domanda è in un lotto di pagamento: toglila dal lotto prima di respingerla.")
        )
    released = application.approved_amount if held else Decimal("0")
    application.decision_reason = reason.strip()
    application.approved_amount = Decimal("0")
    change_state(application, AppState.REJECTED, by, reason.strip())
    release(application.scheme_id, released, by)
    return application
