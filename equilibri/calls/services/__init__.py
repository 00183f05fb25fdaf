"""Calls for funding: every state change is one function, in a transaction; e-mails leave on
commit. Business rules are refused with a ValidationError naming the rule (each module's
docstring lists its own). One module per stage of a call, in the order a call lives them:

- calls.py: the call's definition by its ATS (rules, criteria, macro-areas, FAQ, documents) and
  its publication; changes.py: a published call's changes, kept and e-mailed; deletions.py:
  what may still be deleted of a call's configuration;
- applications.py: an application from the draft to its submission, with partners, budget and
  documents;
- admissibility.py: the ATS's checklist and the requests for integration;
- evaluation.py: the committee's scores and the ranking; quorum.py: how many members must
  have scored, and when a member may see the others' scores;
- decision.py: the funding act, and the projects of the plan it creates;
- reporting.py: expense reports, their check, the final grant and payments;
- reminders.py: the e-mails before deadlines;
- common.py and notifications.py: what the stages share (access checks, refusals, e-mail
  recipients).

Callers use the package (`from equilibri.calls import services; services.call_create(...)`);
the modules import from each other, not from here.
"""

from .admissibility import (
    application_admissibility,
    application_integrate,
    application_request_integration,
    checklist_items,
)
from .applications import (
    APPLICATION_FIELDS,
    application_area_set,
    application_create,
    application_document_add,
    application_submit,
    application_update,
    budget_line_add,
    budget_line_delete,
    new_public_id,
    partner_answer,
    partner_confirm,
    partner_decline,
    partner_invite,
    partner_remove,
)
from .calls import (
    CALL_FIELDS,
    call_create,
    call_criterion_add,
    call_document_add,
    call_faq_add,
    call_macro_area_add,
    call_publish,
    call_rule_add,
    call_update,
)
from .changes import display_value, record_change
from .common import MAX_UPLOAD_BYTES, check_upload
from .decision import call_decide
from .deletions import (
    call_criterion_delete,
    call_document_delete,
    call_faq_delete,
    call_macro_area_delete,
    call_rule_delete,
    delete_refusal,
)
from .evaluation import aggregate, call_rank, conflict_declare, ranking_key, score_sheet_submit
from .notifications import applicant_emails, ats_staff_emails, org_admin_emails
from .quorum import committee_members, quorum_state, require_quorum, visible_scores
from .reminders import (
    CLOSING_REMINDER_DAYS,
    INTEGRATION_REMINDER_DAYS,
    REPORT_REMINDER_DAYS,
    send_reminders,
)
from .reporting import (
    expense_item_add,
    expense_item_check,
    expense_report_check,
    expense_report_create,
    expense_report_submit,
    final_grant_for,
    payment_record,
)

__all__ = [
    "APPLICATION_FIELDS",
    "CALL_FIELDS",
    "CLOSING_REMINDER_DAYS",
    "INTEGRATION_REMINDER_DAYS",
    "MAX_UPLOAD_BYTES",
    "REPORT_REMINDER_DAYS",
    "aggregate",
    "applicant_emails",
    "application_admissibility",
    "application_area_set",
    "application_create",
    "application_document_add",
    "application_integrate",
    "application_request_integration",
    "application_submit",
    "application_update",
    "ats_staff_emails",
    "budget_line_add",
    "budget_line_delete",
    "call_create",
    "call_criterion_add",
    "call_criterion_delete",
    "call_decide",
    "call_document_add",
    "call_document_delete",
    "call_faq_add",
    "call_faq_delete",
    "call_macro_area_add",
    "call_macro_area_delete",
    "call_publish",
    "call_rank",
    "call_rule_add",
    "call_rule_delete",
    "call_update",
    "check_upload",
    "checklist_items",
    "committee_members",
    "conflict_declare",
    "delete_refusal",
    "display_value",
    "expense_item_add",
    "expense_item_check",
    "expense_report_check",
    "expense_report_create",
    "expense_report_submit",
    "final_grant_for",
    "new_public_id",
    "org_admin_emails",
    "partner_answer",
    "partner_confirm",
    "partner_decline",
    "partner_invite",
    "partner_remove",
    "payment_record",
    "quorum_state",
    "ranking_key",
    "record_change",
    "require_quorum",
    "score_sheet_submit",
    "send_reminders",
    "visible_scores",
]
