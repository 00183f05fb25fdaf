"""Monitoring URLs: the Tradate project (ATS Insubria) and the Milano project (another ATS)."""

from equilibri.plans.models import Expenditure, MonitoringReport, Project, SampleDraw

from ..conftest import PERSONAS
from .helpers import ANON, only

TRADATE = "Ancora... ELAVOROEFAMIGLIA"
MILANO = "Nuove Sinergie: reti territoriali a sostegno della conciliazione"
READERS = (
    "org_admin",
    "provider_operator",
    "alliance_lead",
    "ats_operator",
    "committee_member",
    "regional_viewer",
    "superuser",
)


def post_only() -> dict[str, int]:
    """POST-only views: readers get 405 on GET; desk operators and citizens 403."""
    expected = {ANON: 302, **dict.fromkeys(PERSONAS, 405)}
    expected.update(citizen=403, desk_operator=403)
    return expected


def scoped(*allowed: str) -> dict[str, int]:
    """Readers outside the scope get 404 (the same as missing)."""
    expected = only(*allowed, denied=404)
    expected["desk_operator"] = 403
    return expected


def tradate_project() -> int:
    return Project.objects.get(title=TRADATE).pk


def milano_project() -> int:
    return Project.objects.get(title=MILANO).pk


def tradate_accepted() -> int:
    return MonitoringReport.objects.get(project__title=TRADATE, state="accepted").pk


def tradate_submitted() -> int:
    return MonitoringReport.objects.get(project__title=TRADATE, state="submitted").pk


def tradate_draft() -> int:
    return MonitoringReport.objects.get(project__title=TRADATE, state="draft").pk


def milano_report() -> int:
    return MonitoringReport.objects.filter(project__title=MILANO).first().pk


def tradate_document() -> int:
    return Expenditure.objects.filter(report__project__title=TRADATE).exclude(document="")[0].pk


def milano_document() -> int:
    return Expenditure.objects.filter(report__project__title=MILANO).exclude(document="")[0].pk


def tradate_expenditure() -> int:
    return Expenditure.objects.filter(report__project__title=TRADATE).first().pk


def milano_expenditure() -> int:
    return Expenditure.objects.filter(report__project__title=MILANO).first().pk


def insubria_draw() -> int:
    return SampleDraw.objects.get(plan__ats__code="ATS-INS").pk


def milano_draw() -> int:
    return SampleDraw.objects.get(plan__ats__code="ATS-MI").pk


READ_INSUBRIA = (
    "alliance_lead",
    "ats_operator",
    "committee_member",
    "regional_viewer",
    "superuser",
)
REGION = ("regional_viewer", "superuser")

ROWS = {
    ("monitoring:report_list", None): only(*READERS),
    ("monitoring:report_open", tradate_project): post_only(),
    ("monitoring:report_open", milano_project): post_only(),
    ("monitoring:report_detail", tradate_accepted): scoped(*READ_INSUBRIA),
    ("monitoring:report_detail", milano_report): scoped(*REGION),
    # Only the lead files; the Milano report is no Insubria persona's.
    ("monitoring:report_edit", tradate_draft): scoped("alliance_lead"),
    ("monitoring:report_edit", milano_report): scoped(),
    ("monitoring:expenditure_add", tradate_draft): post_only(),
    ("monitoring:expenditure_add", milano_report): post_only(),
    ("monitoring:report_review", tradate_submitted): scoped("ats_operator", "superuser"),
    ("monitoring:report_review", milano_report): scoped("superuser"),
    ("monitoring:expenditure_delete", tradate_expenditure): post_only(),
    ("monitoring:expenditure_delete", milano_expenditure): post_only(),
    ("monitoring:expenditure_check", tradate_expenditure): post_only(),
    ("monitoring:expenditure_check", milano_expenditure): post_only(),
    ("monitoring:document_download", tradate_document): scoped(*READ_INSUBRIA),
    ("monitoring:document_download", milano_document): scoped(*REGION),
    ("monitoring:draw_list", None): only("ats_operator", "superuser"),
    ("monitoring:draw_detail", insubria_draw): only("ats_operator", "superuser"),
    ("monitoring:draw_detail", milano_draw): {
        **only("superuser"),
        "ats_operator": 404,
    },
}
