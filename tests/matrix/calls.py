"""Calls for funding: reserved area (/area-riservata/bandi/) and public pages (/bandi/).

Insubria objects: the DGR 5755/2021 call (decided) and its application 3649957 (funded, lead
Ufficio di Piano di Tradate: none of the personas administers it). Milano objects: the women's
start-up call (open) and its draft applications by the citizens. Objects the URL needs and the
demo lacks (a document, an expense report, an application under evaluation) are created by the
factory; every matrix test runs in a transaction that is rolled back.
"""

from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from equilibri.calls.models import (
    Application,
    ApplicationDocument,
    BudgetLine,
    Call,
    CallDocument,
    CallFAQ,
    ExpenseItem,
    ExpenseReport,
)
from equilibri.network.models import Organisation
from tests.uploads import pdf_bytes

from .helpers import ALL, ANON, STAFF, only, public, signed_in

READERS = ("ats_operator", "committee_member", "regional_viewer", "superuser")
PDF_BYTES = pdf_bytes()


def _pdf(name: str) -> str:
    path = f"calls/matrix/{name}"
    if not default_storage.exists(path):
        default_storage.save(path, ContentFile(PDF_BYTES))
    return path


def _dgr() -> Call:
    return Call.objects.get(legal_basis="DGR 5755/2021")


def _startup() -> Call:
    return Call.objects.get(applicant_kind=Call.ApplicantKind.INDIVIDUALS)


def insubria_call() -> int:
    return _dgr().pk


def milano_call() -> int:
    return _startup().pk


def insubria_application() -> int:
    return Application.objects.get(public_id=3649957).pk


def milano_application() -> int:
    return Application.objects.get(public_id=4102317).pk  # cittadino's draft


def own_draft() -> int:
    return Application.objects.get(public_id=4102389).pk  # cittadina's draft (the citizen)


def _admissible(call: Call, lead: Organisation | None, applicant_email: str) -> int:
    from equilibri.accounts.models import User

    application = Application.objects.create(
        call=call,
        public_id=9000000 + call.pk,
        lead=lead,
        applicant=User.objects.get(email=applicant_email),
        applicant_name="" if lead else "Matrice",
        title="Domanda in valutazione",
        state=Application.State.ADMISSIBLE,
    )
    return application.pk


def insubria_admissible() -> int:
    return _admissible(
        _dgr(), Organisation.objects.get(name="L'Arca Coop. Soc."), "hr.arca@demo.equilibri.it"
    )


def milano_admissible() -> int:
    return _admissible(_startup(), None, "operatore.milano@demo.equilibri.it")


def insubria_document() -> int:
    application = Application.objects.get(public_id=3649957)
    return ApplicationDocument.objects.create(
        application=application, name="Accordo di partenariato sottoscritto", file=_pdf("a.pdf")
    ).pk


def _report() -> ExpenseReport:
    application = Application.objects.get(public_id=3649957)
    return ExpenseReport.objects.create(application=application, kind=ExpenseReport.Kind.INTERIM)


def insubria_report() -> int:
    return _report().pk


def insubria_expense() -> int:
    return ExpenseItem.objects.create(
        report=_report(), description="Fattura", amount=Decimal("100.00"), document=_pdf("e.pdf")
    ).pk


def public_document() -> int:
    return CallDocument.objects.create(call=_dgr(), title="Testo del bando", file=_pdf("c.pdf")).pk


def insubria_rule() -> int:
    return _dgr().rules.first().pk  # type: ignore[union-attr]


def insubria_criterion() -> int:
    return _dgr().criteria.first().pk  # type: ignore[union-attr]


def insubria_area() -> int:
    return _dgr().macro_areas.first().pk  # type: ignore[union-attr]


def insubria_faq() -> int:
    return CallFAQ.objects.create(call=_dgr(), question="Quesito?", answer="Risposta.").pk


def own_budget_line() -> int:
    return BudgetLine.objects.create(
        application_id=own_draft(), description="Voce", amount=Decimal("10.00")
    ).pk


def allowed(*personas: str, **overrides: int) -> dict[str, int]:
    return {**only(*personas), **overrides}


def post_only() -> dict[str, int]:
    return dict.fromkeys(ALL, 405)


def readers(**overrides: int) -> dict[str, int]:
    """calls.read: ATS operators and committee members (their ATS), the Region, the superuser;
    other staff and citizens 403."""
    return {**only(*READERS), **overrides}


def visible_application(**overrides: int) -> dict[str, int]:
    """applications_visible_to: signed-in users outside the scope get 404."""
    expected = {ANON: 302, "citizen": 404, **dict.fromkeys(STAFF, 404)}
    expected.update(dict.fromkeys(READERS, 200))
    expected.update(overrides)
    return expected


OUT_OF_INSUBRIA = {"ats_operator": 404, "committee_member": 404}
MANAGERS = ("ats_operator", "superuser")
NOBODY_OWNS = {ANON: 302, **dict.fromkeys([p for p in ALL if p != ANON], 404)}

ROWS = {
    ("calls:home", None): signed_in(),
    ("calls:call_create", None): only(*MANAGERS),
    ("calls:call_detail", insubria_call): readers(),
    ("calls:call_detail", milano_call): readers(**OUT_OF_INSUBRIA),
    ("calls:call_edit", insubria_call): only(*MANAGERS),
    ("calls:call_edit", milano_call): allowed(*MANAGERS, ats_operator=404),
    ("calls:call_rules", insubria_call): only(*MANAGERS),
    ("calls:call_rules", milano_call): allowed(*MANAGERS, ats_operator=404),
    ("calls:call_criteria", insubria_call): only(*MANAGERS),
    ("calls:call_criteria", milano_call): allowed(*MANAGERS, ats_operator=404),
    ("calls:call_areas", insubria_call): only(*MANAGERS),
    ("calls:call_areas", milano_call): allowed(*MANAGERS, ats_operator=404),
    ("calls:call_faqs", insubria_call): only(*MANAGERS),
    ("calls:call_faqs", milano_call): allowed(*MANAGERS, ats_operator=404),
    ("calls:call_documents", insubria_call): only(*MANAGERS),
    ("calls:call_documents", milano_call): allowed(*MANAGERS, ats_operator=404),
    # Delete confirmation pages (the POST deletes): the DGR call is decided, so they show why
    # nothing can be deleted any more.
    ("calls:rule_delete", insubria_rule): only(*MANAGERS),
    ("calls:criterion_delete", insubria_criterion): only(*MANAGERS),
    ("calls:macro_area_delete", insubria_area): only(*MANAGERS),
    ("calls:faq_delete", insubria_faq): only(*MANAGERS),
    ("calls:document_delete", public_document): only(*MANAGERS),
    ("calls:call_publish", insubria_call): post_only(),
    ("calls:call_decide", insubria_call): post_only(),
    ("calls:call_ranking", insubria_call): readers(),
    ("calls:call_ranking", milano_call): readers(**OUT_OF_INSUBRIA),
    ("calls:call_export", insubria_call): readers(),
    ("calls:call_export", milano_call): readers(**OUT_OF_INSUBRIA),
    ("calls:decision_annex", insubria_call): readers(),
    # Not ranked yet: no annex (404) for those who see the call.
    ("calls:decision_annex", milano_call): readers(
        ats_operator=404, committee_member=404, regional_viewer=404, superuser=404
    ),
    # Only open calls take applications: the DGR call closed in 2022.
    ("calls:application_start", insubria_call): NOBODY_OWNS,
    ("calls:application_start", milano_call): signed_in(),
    ("calls:application_detail", insubria_application): visible_application(),
    ("calls:application_detail", milano_application): visible_application(**OUT_OF_INSUBRIA),
    ("calls:application_detail", own_draft): visible_application(citizen=200, **OUT_OF_INSUBRIA),
    # Only who files the application edits it.
    ("calls:application_edit", own_draft): {**NOBODY_OWNS, "citizen": 200},
    ("calls:application_edit", insubria_application): NOBODY_OWNS,
    ("calls:application_check", own_draft): {**NOBODY_OWNS, "citizen": 200},
    ("calls:application_check", milano_application): NOBODY_OWNS,
    ("calls:partner_invite", insubria_application): post_only(),
    ("calls:partner_answer", insubria_application): post_only(),
    ("calls:partner_remove", insubria_application): post_only(),
    ("calls:budget_line_add", insubria_application): post_only(),
    ("calls:budget_line_delete", own_budget_line): {**NOBODY_OWNS, "citizen": 200},
    ("calls:document_upload", insubria_application): post_only(),
    ("calls:document_download", insubria_document): visible_application(),
    ("calls:application_submit", insubria_application): post_only(),
    ("calls:application_receipt", insubria_application): visible_application(),
    ("calls:admissibility", insubria_application): only(*MANAGERS),
    ("calls:admissibility", milano_application): allowed(*MANAGERS, ats_operator=404),
    ("calls:integration_request", insubria_application): post_only(),
    ("calls:integration_respond", insubria_application): post_only(),
    ("calls:evaluate", insubria_admissible): allowed("committee_member", superuser=404),
    ("calls:evaluate", milano_admissible): allowed(
        "committee_member", committee_member=404, superuser=404
    ),
    ("calls:reporting", insubria_application): visible_application(),
    ("calls:reporting", milano_application): visible_application(**OUT_OF_INSUBRIA),
    ("calls:report_detail", insubria_report): visible_application(),
    ("calls:expense_add", insubria_report): post_only(),
    ("calls:report_submit", insubria_report): post_only(),
    ("calls:report_close", insubria_report): post_only(),
    ("calls:expense_check", insubria_expense): post_only(),
    ("calls:expense_document", insubria_expense): visible_application(),
    ("calls:payment_add", insubria_application): post_only(),
    ("calls_public:call_list", None): public(),
    ("calls_public:call_detail", insubria_call): public(),
    ("calls_public:call_detail", milano_call): public(),
    ("calls_public:document", public_document): public(),
}
