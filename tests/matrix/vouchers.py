"""Voucher URLs: the Tradate family voucher (ATS Insubria) and the Milano scheme (another ATS).
Worker pages need a login only (citizens are not staff); each worker sees only their own
applications (everyone else: 404)."""

from equilibri.vouchers.models import (
    Attachment,
    ExpenseLine,
    FamilyMember,
    PaymentBatch,
    Scheme,
    VoucherApplication,
)

from ..conftest import PERSONAS
from .helpers import ALL, ANON, only, public, signed_in

TRADATE = "Family voucher a rimborso 2026"
MILANO = "Contributi per servizi di conciliazione ai lavoratori delle aziende partner"
READERS = ("alliance_lead", "ats_operator", "regional_viewer", "superuser")
MANAGERS = ("alliance_lead", "ats_operator", "superuser")
A = VoucherApplication.State


def tradate_scheme() -> int:
    return Scheme.objects.get(title=TRADATE).pk


def milano_scheme() -> int:
    return Scheme.objects.get(title=MILANO).pk


def _application(title: str, state: str, email: str | None = None) -> VoucherApplication:
    qs = VoucherApplication.objects.filter(scheme__title=title, state=state)
    if email:
        qs = qs.filter(applicant__email=email)
    return qs.order_by("pk").first()  # type: ignore[return-value]


def citizen_paid() -> int:
    return _application(TRADATE, A.PAID, "cittadina@demo.equilibri.it").pk


def citizen_draft() -> int:
    return _application(TRADATE, A.DRAFT, "cittadina@demo.equilibri.it").pk


def citizen_receipt() -> int:
    return ExpenseLine.objects.filter(application_id=citizen_paid()).first().pk  # type: ignore[union-attr]


def citizen_document() -> int:
    return Attachment.objects.filter(application_id=citizen_paid()).first().pk  # type: ignore[union-attr]


def citizen_child() -> int:
    return FamilyMember.objects.filter(application_id=citizen_draft()).first().pk  # type: ignore[union-attr]


def citizen_draft_receipt() -> int:
    return ExpenseLine.objects.filter(application_id=citizen_draft()).first().pk  # type: ignore[union-attr]


def tradate_submitted() -> int:
    return _application(TRADATE, A.SUBMITTED).pk


def milano_submitted() -> int:
    return _application(MILANO, A.SUBMITTED).pk


def milano_receipt() -> int:
    return ExpenseLine.objects.filter(application_id=milano_submitted()).first().pk  # type: ignore[union-attr]


def tradate_batch() -> int:
    return PaymentBatch.objects.get(scheme__title=TRADATE).pk


def milano_batch() -> int:
    return PaymentBatch.objects.get(scheme__title=MILANO).pk


def owner_only(status: int = 200) -> dict[str, int]:
    """Only the citizen who applied (cittadina); every other signed-in user: 404."""
    return {ANON: 302, **dict.fromkeys(PERSONAS, 404), "citizen": status}


def nobody() -> dict[str, int]:
    """Another worker's application (Milano's): 404 for everyone signed in."""
    return {ANON: 302, **dict.fromkeys(PERSONAS, 404)}


def post_only_signed_in() -> dict[str, int]:
    return {ANON: 302, **dict.fromkeys(PERSONAS, 405)}


def post_only_staff(*allowed: str) -> dict[str, int]:
    expected = only(*allowed)
    expected.update(dict.fromkeys(allowed, 405))
    return expected


def scoped(*allowed: str) -> dict[str, int]:
    """Readers or managers of another ATS: 404; staff without the permission: 403."""
    expected = only(*allowed)
    for persona in ("alliance_lead", "ats_operator"):
        if persona not in allowed:
            expected[persona] = 404
    return expected


ROWS = {
    # Public pages.
    ("vouchers_public:scheme_list", None): public(),
    ("vouchers_public:scheme_detail", tradate_scheme): public(),
    ("vouchers_public:scheme_detail", milano_scheme): public(),
    ("vouchers_public:application_start", tradate_scheme): signed_in(),
    ("vouchers_public:my_applications", None): signed_in(),
    # The worker's own application.
    ("vouchers_public:application_detail", citizen_paid): owner_only(),
    ("vouchers_public:application_detail", milano_submitted): nobody(),
    ("vouchers_public:application_edit", citizen_draft): owner_only(),
    # A sent application is no longer editable: its owner goes to the status page.
    ("vouchers_public:application_edit", citizen_paid): owner_only(302),
    ("vouchers_public:application_edit", milano_submitted): nobody(),
    ("vouchers_public:receipt", citizen_receipt): owner_only(),
    ("vouchers_public:receipt", milano_receipt): nobody(),
    ("vouchers_public:attachment_file", citizen_document): owner_only(),
    # POST-only steps of the draft.
    ("vouchers_public:family_add", citizen_draft): post_only_signed_in(),
    ("vouchers_public:expense_add", citizen_draft): post_only_signed_in(),
    ("vouchers_public:attachment_add", citizen_draft): post_only_signed_in(),
    ("vouchers_public:application_submit", citizen_draft): post_only_signed_in(),
    ("vouchers_public:family_remove", citizen_child): post_only_signed_in(),
    ("vouchers_public:expense_remove", citizen_draft_receipt): post_only_signed_in(),
    ("vouchers_public:attachment_remove", citizen_document): post_only_signed_in(),
    # Reserved area: schemes.
    ("vouchers:scheme_list", None): only(*READERS),
    ("vouchers:scheme_create", None): only(*MANAGERS),
    ("vouchers:scheme_detail", tradate_scheme): only(*READERS),
    ("vouchers:scheme_detail", milano_scheme): scoped("regional_viewer", "superuser"),
    ("vouchers:scheme_edit", tradate_scheme): only(*MANAGERS),
    ("vouchers:scheme_edit", milano_scheme): scoped("superuser"),
    ("vouchers:batch_create", tradate_scheme): post_only_staff(*MANAGERS),
    # Review.
    ("vouchers:application_review", tradate_submitted): only(*READERS),
    ("vouchers:application_review", milano_submitted): scoped("regional_viewer", "superuser"),
    ("vouchers:application_checklist", tradate_submitted): post_only_staff(*MANAGERS),
    ("vouchers:application_integration", tradate_submitted): post_only_staff(*MANAGERS),
    ("vouchers:application_approve", tradate_submitted): post_only_staff(*MANAGERS),
    ("vouchers:application_reject", tradate_submitted): post_only_staff(*MANAGERS),
    ("vouchers:application_receipt", citizen_receipt): only(*READERS),
    ("vouchers:application_receipt", milano_receipt): scoped("regional_viewer", "superuser"),
    ("vouchers:application_attachment", citizen_document): only(*READERS),
    # Employer attestation: L'Arca's admin for L'Arca's employees only.
    ("vouchers:attestation_list", None): only("org_admin", "superuser"),
    ("vouchers:attestation_detail", tradate_submitted): only("org_admin", "superuser"),
    ("vouchers:attestation_detail", milano_submitted): {
        **only("org_admin", "superuser"),
        "org_admin": 404,
    },
    # Payments.
    ("vouchers:batch_detail", tradate_batch): only(*READERS),
    ("vouchers:batch_detail", milano_batch): scoped("regional_viewer", "superuser"),
    ("vouchers:batch_csv", tradate_batch): only(*READERS),
    ("vouchers:batch_csv", milano_batch): scoped("regional_viewer", "superuser"),
    ("vouchers:batch_xlsx", tradate_batch): only(*READERS),
    ("vouchers:batch_sepa", tradate_batch): only(*READERS),
    ("vouchers:batch_sepa", milano_batch): scoped("regional_viewer", "superuser"),
}

assert all(set(expected) == set(ALL) for expected in ROWS.values())
