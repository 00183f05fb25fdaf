"""The POST pass of the role matrix (tests/test_role_matrix_posts.py).

ROWS: {(url name, args factory or None): {persona: expected status of a POST}}. Every URL whose
view takes a POST has a row, with objects out of the personas' scope: another ATS's (Milano's,
Brescia's), another organisation's, desk's, alliance's or citizen's. Whoever may use the URL but
not on that object gets 404, the same as a missing object; roles without the permission 403;
anonymous visitors the login page (302). A POST carries no data unless DATA gives some (an
action chosen in the form, an object named in it): a view must refuse the object before it
reads the form. Objects the demo lacks are made by the factory (rolled back).
"""

from decimal import Decimal

from equilibri.calls.models import (
    ApplicationPartner,
    BudgetLine,
    CallCriterion,
    CallDocument,
    CallFAQ,
    CallMacroArea,
    CallRule,
    ExpenseItem,
    ExpenseReport,
)
from equilibri.catalogue.models import MistakeReport
from equilibri.desks.models import Appointment
from equilibri.network.models import Organisation
from equilibri.plans.models import EvaluationCriterion
from equilibri.vouchers.models import Attachment, FamilyMember

from ..conftest import PERSONAS
from . import (
    calls,
    citizens,
    committee,
    desks,
    monitoring,
    network,
    plans,
    services,
    surveys,
    vouchers,
)
from .helpers import ANON


def row(anonymous: int, signed_in: int, **overrides: int) -> dict[str, int]:
    """The status of a POST: anonymous visitors', every persona's, then the exceptions."""
    return {ANON: anonymous, **dict.fromkeys(PERSONAS, signed_in), **overrides}


# Plans' managers only; Insubria's operator may not touch Milano's.
MANAGERS_OTHER_ATS = row(302, 403, ats_operator=404, superuser=200)


# --- Objects out of the Insubria personas' scope that the area tables do not name -------------


def vocabulary_version() -> int:
    from equilibri.catalogue.models import VocabularyVersion

    return VocabularyVersion.objects.create(language="it", number=1, change="Aggiunta: x").pk


def milano_rule() -> int:
    return CallRule.objects.create(
        call_id=calls.milano_call(), kind=CallRule.Kind.choices[0][0], label="Regola"
    ).pk


def milano_call_criterion() -> int:
    return CallCriterion.objects.create(
        call_id=calls.milano_call(), name="Criterio", max_score=Decimal(10), min_score=Decimal(0)
    ).pk


def milano_macro_area() -> int:
    return CallMacroArea.objects.create(call_id=calls.milano_call(), name="Area").pk


def milano_faq() -> int:
    return CallFAQ.objects.create(call_id=calls.milano_call(), question="Q?", answer="R.").pk


def milano_call_document() -> int:
    return CallDocument.objects.create(
        call_id=calls.milano_call(), title="Testo", file=calls._pdf("m.pdf")
    ).pk


def milano_partner() -> int:
    return ApplicationPartner.objects.create(
        application_id=calls.milano_application(),
        organisation=Organisation.objects.get(name="Spazio Aperto Servizi"),
    ).pk


def milano_budget_line() -> int:
    return BudgetLine.objects.create(
        application_id=calls.milano_application(), description="Voce", amount=Decimal(100)
    ).pk


def milano_expense_report() -> int:
    return ExpenseReport.objects.create(
        application_id=calls.milano_application(), kind=ExpenseReport.Kind.INTERIM
    ).pk


def milano_expense() -> int:
    return ExpenseItem.objects.create(
        report_id=milano_expense_report(),
        description="Fattura",
        amount=Decimal(100),
        document=calls._pdf("e.pdf"),
    ).pk


def brescia_criterion() -> int:
    return EvaluationCriterion.objects.create(
        plan_id=committee.brescia_plan(), name="Criterio", weight=Decimal(1), max_score=10
    ).pk


def milano_mistake_report() -> int:
    return MistakeReport.objects.create(service_id=services.milano_pk(), message="Orari errati").pk


def milano_appointment() -> int:
    """A booking at the LYBRA desk (ATS Milano) by another citizen (cittadino)."""
    from datetime import timedelta

    from django.utils import timezone

    from equilibri.accounts.models import User
    from equilibri.desks.models import Slot

    starts_at = timezone.now().replace(microsecond=0) + timedelta(days=400)
    slot = Slot.objects.create(
        desk_id=desks.milano_desk(),
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=30),
        channel="in_person",
        capacity=1,
        booked=1,
    )
    return Appointment.objects.create(
        slot=slot,
        desk_id=slot.desk_id,
        user=User.objects.get(email="cittadino@demo.equilibri.it"),
        name="Cittadino",
        email="cittadino@demo.equilibri.it",
        topic="Orari",
    ).pk


def milano_child() -> int:
    from datetime import date

    return FamilyMember.objects.create(
        application_id=vouchers.milano_submitted(),
        name="Figlio",
        relation=FamilyMember.Relation.choices[0][0],
        birth_date=date(2018, 5, 1),
    ).pk


def milano_attachment() -> int:
    return Attachment.objects.create(
        application_id=vouchers.milano_submitted(),
        name="Documento",
        file=calls._pdf("v.pdf"),
        file_type="application/pdf",
    ).pk


def milano_voucher_scheme() -> int:
    return vouchers.milano_scheme()


# POSTs that act whoever sends them, the object being nobody's scope: any worker starts a draft
# of their own on any ATS's open voucher scheme; any ATS operator restores a version of the
# search vocabulary (the platform's, not an ATS's).
ACTS_BY_DESIGN = {
    ("vouchers_public:application_start", milano_voucher_scheme),
    ("catalogue:vocabulary_restore", vocabulary_version),
}

ROWS: dict = {
    # accounts
    ("accounts:profile", None): row(302, 200),
    ("accounts:export_my_data", None): row(302, 200),
    # network
    ("network:organisation_register", None): row(302, 200),
    ("network:organisation_edit", network.pianoc): row(302, 404, citizen=403, superuser=200),
    ("network:membership_request", network.pianoc): row(302, 404, citizen=403, superuser=200),
    ("network:membership_approve", network.pianoc_membership): row(
        302, 404, citizen=403, superuser=302
    ),
    ("network:membership_reject", network.pianoc_membership): row(
        302, 404, citizen=403, superuser=200
    ),
    ("network:membership_withdraw", network.pianoc_membership): row(
        302, 404, citizen=403, regional_viewer=403, superuser=302
    ),
    ("network:agreement_publish", None): row(302, 403, ats_operator=200, superuser=200),
    ("network:alliance_create", None): row(302, 403, ats_operator=200, superuser=200),
    ("network:alliance_edit", network.sudestmilano_alliance): row(
        302, 403, ats_operator=404, superuser=200
    ),
    ("network:alliance_partner_set", network.sudestmilano_alliance): row(
        302, 403, ats_operator=404, superuser=200
    ),
    ("network:alliance_agreement_publish", network.sudestmilano_alliance): row(
        302, 403, ats_operator=404, superuser=200
    ),
    ("network:alliance_partner_remove", network.sudestmilano_partner): row(
        302, 403, ats_operator=404, superuser=302
    ),
    ("network_public:agreement_file", network.milano_regulation): row(404, 404),
    # plans
    ("plans:plan_create", None): row(302, 403, ats_operator=200, superuser=200),
    ("plans:project_transition", plans.milano_project): row(
        302, 403, ats_operator=404, superuser=302
    ),
    ("plans:partner_remove", plans.milano_partner): row(302, 403, ats_operator=404, superuser=302),
    **{(name, milano): MANAGERS_OTHER_ATS for name, _insubria, milano in plans.MANAGE_OBJECT_URLS},
    # monitoring
    ("monitoring:report_open", monitoring.milano_project): row(
        302, 404, citizen=403, desk_operator=403
    ),
    ("monitoring:report_edit", monitoring.milano_report): row(
        302, 404, citizen=403, desk_operator=403
    ),
    ("monitoring:expenditure_add", monitoring.milano_report): row(
        302, 404, citizen=403, desk_operator=403
    ),
    ("monitoring:report_review", monitoring.milano_report): row(
        302, 404, citizen=403, desk_operator=403, superuser=400
    ),
    ("monitoring:expenditure_delete", monitoring.milano_expenditure): row(
        302, 404, citizen=403, desk_operator=403
    ),
    ("monitoring:expenditure_check", monitoring.milano_expenditure): row(
        302, 404, citizen=403, desk_operator=403, superuser=302
    ),
    ("monitoring:draw_list", None): row(302, 403, ats_operator=200, superuser=200),
    # committee
    ("committee:member_add", committee.brescia_committee): row(
        302, 404, citizen=403, desk_operator=403, superuser=200
    ),
    ("committee:member_edit", committee.brescia_member): row(
        302, 404, citizen=403, desk_operator=403, superuser=200
    ),
    ("committee:priority_add", committee.brescia_committee): row(
        302, 404, citizen=403, desk_operator=403, superuser=200
    ),
    ("committee:priority_edit", committee.brescia_priority): row(
        302, 404, citizen=403, desk_operator=403, superuser=302
    ),
    ("committee:meeting_add", committee.brescia_committee): row(
        302, 404, citizen=403, desk_operator=403, superuser=200
    ),
    ("committee:meeting_detail", committee.brescia_meeting): row(
        302, 404, citizen=403, desk_operator=403, superuser=400
    ),
    ("committee:meeting_edit", committee.brescia_meeting): row(
        302, 404, citizen=403, desk_operator=403, superuser=200
    ),
    ("committee:evaluation", committee.brescia_plan): row(
        302, 404, citizen=403, desk_operator=403, superuser=400
    ),
    ("committee:criterion_delete", brescia_criterion): row(
        302, 404, citizen=403, desk_operator=403, superuser=302
    ),
    ("committee:score_sheet", committee.brescia_project): row(
        302, 403, committee_member=404, superuser=404
    ),
    # services
    ("catalogue_public:report_mistake", services.milano_service): row(400, 400),
    ("catalogue:create", None): row(302, 403, provider_operator=200, superuser=200),
    ("catalogue:hsds_import", None): row(302, 403, ats_operator=200, superuser=200),
    # The search vocabulary: an empty form is shown again; nothing to remove goes back to the
    # page with a message; a version is restored (the vocabulary is the platform's, any ATS's).
    ("catalogue:vocabulary", None): row(302, 403, ats_operator=200, superuser=200),
    ("catalogue:vocabulary_remove", None): row(302, 403, ats_operator=302, superuser=302),
    ("catalogue:vocabulary_restore", vocabulary_version): row(
        302, 403, ats_operator=302, superuser=302
    ),
    # No action chosen: the superuser gets the report's page back with the hint.
    ("catalogue:report_detail", milano_mistake_report): row(
        302, 403, ats_operator=404, superuser=200
    ),
    ("catalogue:revision_review", services.milano_revision): row(
        302, 403, ats_operator=404, superuser=200
    ),
    ("catalogue:revision_withdraw", services.milano_revision): row(
        302, 403, provider_operator=404, superuser=302
    ),
    ("catalogue:edit", services.milano_pk): row(302, 403, provider_operator=404, superuser=200),
    ("catalogue:submit", services.milano_pk): row(302, 403, provider_operator=404, superuser=302),
    ("catalogue:confirm", services.milano_pk): row(302, 403, provider_operator=404, superuser=302),
    ("catalogue:moderate", services.milano_pk): row(302, 403, ats_operator=404, superuser=302),
    # desks
    ("desks_public:book", desks.milano_desk): row(200, 200),
    ("desks_public:appointment_confirm", desks.forged_token): row(400, 400),
    ("desks_public:appointment_cancel", desks.forged_token): row(400, 400),
    ("desks_public:appointment_reschedule", desks.forged_token): row(400, 400),
    ("desks_public:my_appointment_delete", milano_appointment): row(302, 404),
    ("desks:appointment_mark", milano_appointment): row(302, 403, desk_operator=404, superuser=404),
    # Another desk's appointment named in the form; the superuser reads no desk's contacts.
    ("desks:contact_create", None): row(302, 403, desk_operator=404, superuser=404),
    ("desks:contact_detail", desks.milano_contact): row(302, 403, desk_operator=404, superuser=404),
    ("desks:contact_follow_up_done", desks.milano_contact): row(
        302, 403, desk_operator=404, superuser=404
    ),
    ("desks:article_create", None): row(
        302, 403, desk_operator=200, ats_operator=200, superuser=200
    ),
    ("desks:article_edit", desks.article): row(
        302, 403, desk_operator=200, ats_operator=200, superuser=200
    ),
    ("desks:agreement_create", None): row(
        302, 403, desk_operator=200, ats_operator=200, superuser=200
    ),
    ("desks:agreement_edit", desks.agreement): row(
        302, 403, desk_operator=200, ats_operator=200, superuser=200
    ),
    ("desks:desk_create", None): row(302, 403, ats_operator=200, superuser=200),
    ("desks:desk_edit", desks.milano_desk): row(
        302, 403, desk_operator=404, ats_operator=404, superuser=200
    ),
    ("desks:desk_setup", desks.milano_desk): row(
        302, 403, desk_operator=404, ats_operator=404, superuser=302
    ),
    # vouchers
    ("vouchers_public:application_start", milano_voucher_scheme): row(302, 302),
    ("vouchers_public:application_edit", vouchers.milano_submitted): row(302, 404),
    ("vouchers_public:family_add", vouchers.milano_submitted): row(302, 404),
    ("vouchers_public:expense_add", vouchers.milano_submitted): row(302, 404),
    ("vouchers_public:attachment_add", vouchers.milano_submitted): row(302, 404),
    ("vouchers_public:application_submit", vouchers.milano_submitted): row(302, 404),
    ("vouchers_public:family_remove", milano_child): row(302, 404),
    ("vouchers_public:expense_remove", vouchers.milano_receipt): row(302, 404),
    ("vouchers_public:attachment_remove", milano_attachment): row(302, 404),
    ("vouchers:scheme_create", None): row(
        302, 403, alliance_lead=200, ats_operator=200, superuser=200
    ),
    ("vouchers:scheme_edit", vouchers.milano_scheme): row(
        302, 403, alliance_lead=404, ats_operator=404, superuser=200
    ),
    ("vouchers:batch_create", vouchers.milano_scheme): row(
        302, 403, alliance_lead=404, ats_operator=404, superuser=302
    ),
    ("vouchers:application_review", vouchers.milano_submitted): row(
        302, 403, alliance_lead=404, ats_operator=404, regional_viewer=200, superuser=200
    ),
    ("vouchers:application_checklist", vouchers.milano_submitted): row(
        302, 403, alliance_lead=404, ats_operator=404, superuser=200
    ),
    ("vouchers:application_integration", vouchers.milano_submitted): row(
        302, 403, alliance_lead=404, ats_operator=404, superuser=200
    ),
    ("vouchers:application_approve", vouchers.milano_submitted): row(
        302, 403, alliance_lead=404, ats_operator=404, superuser=200
    ),
    ("vouchers:application_reject", vouchers.milano_submitted): row(
        302, 403, alliance_lead=404, ats_operator=404, superuser=200
    ),
    ("vouchers:application_receipt", vouchers.milano_receipt): row(
        302, 403, alliance_lead=404, ats_operator=404, regional_viewer=200, superuser=200
    ),
    ("vouchers:application_attachment", milano_attachment): row(
        302, 403, alliance_lead=404, ats_operator=404, regional_viewer=200, superuser=200
    ),
    ("vouchers:attestation_detail", vouchers.milano_submitted): row(
        302, 403, org_admin=404, superuser=200
    ),
    ("vouchers:batch_detail", vouchers.milano_batch): row(
        302, 403, alliance_lead=404, ats_operator=404, superuser=200
    ),
    # calls
    ("calls:call_create", None): row(302, 403, ats_operator=200, superuser=200),
    ("calls:call_edit", calls.milano_call): row(302, 403, ats_operator=404, superuser=200),
    ("calls:call_rules", calls.milano_call): row(302, 403, ats_operator=404, superuser=200),
    # The Milano call is published: deleting a rule needs a reason, which an empty POST lacks.
    ("calls:rule_delete", milano_rule): row(302, 403, ats_operator=404, superuser=200),
    ("calls:macro_area_delete", milano_macro_area): row(302, 403, ats_operator=404, superuser=302),
    ("calls:faq_delete", milano_faq): row(302, 403, ats_operator=404, superuser=302),
    ("calls:document_delete", milano_call_document): row(302, 403, ats_operator=404, superuser=302),
    ("calls:call_criteria", calls.milano_call): row(302, 403, ats_operator=404, superuser=200),
    ("calls:criterion_delete", milano_call_criterion): row(
        302, 403, ats_operator=404, superuser=302
    ),
    ("calls:call_areas", calls.milano_call): row(302, 403, ats_operator=404, superuser=200),
    ("calls:call_faqs", calls.milano_call): row(302, 403, ats_operator=404, superuser=200),
    ("calls:call_documents", calls.milano_call): row(302, 403, ats_operator=404, superuser=200),
    ("calls:call_publish", calls.milano_call): row(302, 403, ats_operator=404, superuser=302),
    ("calls:call_ranking", calls.milano_call): row(
        302, 403, ats_operator=404, committee_member=404, superuser=302
    ),
    ("calls:call_decide", calls.milano_call): row(302, 403, ats_operator=404, superuser=302),
    ("calls:application_start", calls.milano_call): row(302, 200),
    ("calls:application_edit", calls.milano_application): row(302, 404),
    ("calls:application_check", calls.milano_application): row(302, 404),
    ("calls:partner_invite", calls.milano_application): row(302, 404),
    ("calls:partner_answer", milano_partner): row(302, 404),
    ("calls:partner_remove", milano_partner): row(302, 404),
    ("calls:budget_line_add", calls.milano_application): row(302, 404),
    ("calls:budget_line_delete", milano_budget_line): row(302, 404),
    ("calls:document_upload", calls.milano_application): row(302, 404),
    ("calls:application_submit", calls.milano_application): row(302, 404),
    ("calls:admissibility", calls.milano_application): row(
        302, 403, ats_operator=404, superuser=200
    ),
    ("calls:integration_request", calls.milano_application): row(
        302, 403, ats_operator=404, superuser=302
    ),
    ("calls:integration_respond", calls.milano_application): row(302, 404),
    ("calls:evaluate", calls.milano_admissible): row(302, 403, committee_member=404, superuser=404),
    ("calls:reporting", calls.milano_application): row(
        302, 404, regional_viewer=403, superuser=403
    ),
    ("calls:expense_add", milano_expense_report): row(302, 404),
    ("calls:report_submit", milano_expense_report): row(302, 404),
    ("calls:report_close", milano_expense_report): row(302, 403, ats_operator=404, superuser=302),
    ("calls:expense_check", milano_expense): row(302, 403, ats_operator=404, superuser=302),
    ("calls:payment_add", calls.milano_application): row(302, 403, ats_operator=404, superuser=302),
}

# No category chosen: the superuser gets the page back with the message (400); Insubria's
# operator may not map a term only Milano's services carry.
ROWS[("catalogue:foreign_term_map", services.milano_foreign_term)] = row(
    302, 403, ats_operator=404, superuser=400
)
ROWS.update(citizens.POSTS)
ROWS.update(surveys.POSTS)

# Form data of a row's POST: the action a form button would choose, or an object of another
# scope named in the form rather than in the URL.
DATA = {
    ("plans:project_transition", plans.milano_project): lambda: {"step": "close"},
    ("committee:priority_edit", committee.brescia_priority): lambda: {"elimina": "1"},
    ("catalogue:moderate", services.milano_pk): lambda: {"decision": "hide", "note": "x"},
    ("calls:partner_answer", milano_partner): lambda: {"accept": "1"},
    ("desks:appointment_mark", milano_appointment): lambda: {"state": "no_show"},
    ("desks:contact_create", None): lambda: {"appuntamento": milano_appointment()},
    ("desks:desk_setup", desks.milano_desk): lambda: {"action": "generate"},
}
