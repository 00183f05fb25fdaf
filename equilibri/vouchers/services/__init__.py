"""Vouchers: every state change is one function `<entity>_<action>(*, ..., by=user)` in a
transaction; e-mails are enqueued on the background queue after commit.

One module a concern (budget.py explains how approvals reserve the budget and how the waiting
queue moves up); this package re-exports what views, tasks, the demo and the tests call.
"""

from .amounts import (
    CENT,
    AmountResult,
    AmountRule,
    Figure,
    application_amount,
    application_figures,
    compute_amount,
    granted_this_year,
)
from .applications import (
    PERSONAL_FIELDS,
    application_missing,
    application_start,
    application_submit,
    application_update,
    family_member_add,
    family_member_remove,
)
from .attestation import application_attest, attestation_status
from .checks import (
    DEFAULT_MAX_UPLOAD_BYTES,
    check_amount,
    check_file,
    check_fiscal_code,
    check_iban,
    check_provider_tax_id,
    max_upload_bytes,
    receipt_key,
)
from .expenses import attachment_add, attachment_remove, expense_add, expense_remove
from .notifications import integration_reminders_send
from .payments import (
    batch_create,
    batch_mark_paid,
    iban_compact,
    indicator_feed,
    payment_warnings,
    ready_to_pay,
)
from .permissions import EDITABLE, is_manager
from .retention import ANONYMISED, anonymise_expired, application_anonymise, retention_years
from .review import (
    REJECTABLE,
    application_approve,
    application_reject,
    application_request_integration,
    documents_check,
    documents_unchecked,
)
from .schemes import (
    SCHEME_FIELDS,
    actions_for_schemes,
    scheme_create,
    scheme_is_open,
    scheme_update,
)

__all__ = [
    "ANONYMISED",
    "CENT",
    "DEFAULT_MAX_UPLOAD_BYTES",
    "EDITABLE",
    "PERSONAL_FIELDS",
    "REJECTABLE",
    "SCHEME_FIELDS",
    "AmountResult",
    "AmountRule",
    "Figure",
    "actions_for_schemes",
    "anonymise_expired",
    "application_amount",
    "application_anonymise",
    "application_approve",
    "application_attest",
    "application_figures",
    "application_missing",
    "application_reject",
    "application_request_integration",
    "application_start",
    "application_submit",
    "application_update",
    "attachment_add",
    "attachment_remove",
    "attestation_status",
    "batch_create",
    "batch_mark_paid",
    "check_amount",
    "check_file",
    "check_fiscal_code",
    "check_iban",
    "check_provider_tax_id",
    "compute_amount",
    "documents_check",
    "documents_unchecked",
    "expense_add",
    "expense_remove",
    "family_member_add",
    "family_member_remove",
    "granted_this_year",
    "iban_compact",
    "indicator_feed",
    "integration_reminders_send",
    "is_manager",
    "max_upload_bytes",
    "payment_warnings",
    "ready_to_pay",
    "receipt_key",
    "retention_years",
    "scheme_create",
    "scheme_is_open",
    "scheme_update",
]
