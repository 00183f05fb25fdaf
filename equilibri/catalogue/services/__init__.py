"""The catalogue's state changes: every change is one function here.

A service's content travels as one plain dict ("data": its fields, categories, eligibility and
the lists of locations, schedules, closures, phones, contacts, languages and cost options; see
`service_data`). Drafts are edited in place; an edit of a published service becomes a pending
`ServiceRevision` that the ATS operator approves (then it is applied) or rejects.

Business rules (each refused with a ValidationError naming what to change):
- provider operators create and edit the services of their own organisations; listings kept by
  another app (help desks, `listed_object`) are changed only through `listing_upsert`;
- lifecycle: draft → submitted → published | back to draft with the operator's note;
  published → stale (not confirmed for SERVICE_REVIEW_MONTHS) → hidden after
  SERVICE_STALE_GRACE_DAYS; "confirm still correct" or an approved edit publishes it again;
- one pending edit per service (a new save replaces it);
- only the ATS operators of the organisation's ATS moderate.

One module a concern: the data form and its validation (`data`), who is told (`notifications`),
the provider's side (`providers`), the ATS operator's (`moderation`), pending edits
(`revisions`), their comparison (`diff`), staleness, mistake reports, and the listings other
apps keep (`listings`). This package names what the rest of the project uses.
"""

from .data import (
    IN_PLACE_STATES,
    LANGUAGE_NAMES,
    LIST_FIELDS,
    LOCATION_FIELDS,
    REF_FIELDS,
    SCALAR_FIELDS,
    _apply_data,
    _json,
    service_data,
)
from .diff import DiffRow, data_diff
from .listings import listing_remove, listing_upsert
from .mistake_reports import (
    mistake_report_create,
    mistake_report_forward,
    mistake_report_note,
    mistake_report_reply,
    mistake_report_set_state,
)
from .moderation import _publish, service_approve, service_hide, service_reject
from .notifications import ats_operator_emails, provider_emails
from .providers import service_confirm, service_create, service_save, service_submit
from .revisions import (
    IMPORT_BATCH,
    revision_approve,
    revision_reject,
    revision_withdraw,
    revisions_import,
)
from .staleness import services_flag_stale
from .vocabulary import (
    clean_entry,
    vocabulary_entries,
    vocabulary_preview,
    vocabulary_remove_entry,
    vocabulary_restore,
    vocabulary_save_entry,
)

# `_apply_data`, `_publish` (the demo data) and `_json` (the HSDS import's scope) are used
# outside the package as well.
__all__ = [
    "IMPORT_BATCH",
    "IN_PLACE_STATES",
    "LANGUAGE_NAMES",
    "LIST_FIELDS",
    "LOCATION_FIELDS",
    "REF_FIELDS",
    "SCALAR_FIELDS",
    "DiffRow",
    "_apply_data",
    "_json",
    "_publish",
    "ats_operator_emails",
    "clean_entry",
    "data_diff",
    "listing_remove",
    "listing_upsert",
    "mistake_report_create",
    "mistake_report_forward",
    "mistake_report_note",
    "mistake_report_reply",
    "mistake_report_set_state",
    "provider_emails",
    "revision_approve",
    "revision_reject",
    "revision_withdraw",
    "revisions_import",
    "service_approve",
    "service_confirm",
    "service_create",
    "service_data",
    "service_hide",
    "service_reject",
    "service_save",
    "service_submit",
    "services_flag_stale",
    "vocabulary_entries",
    "vocabulary_preview",
    "vocabulary_remove_entry",
    "vocabulary_restore",
    "vocabulary_save_entry",
]
