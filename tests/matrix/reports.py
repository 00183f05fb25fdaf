from equilibri.plans.models import TerritorialPlan

from .helpers import STAFF, only, staff_only

READERS = (
    "org_admin",
    "provider_operator",
    "alliance_lead",
    "ats_operator",
    "committee_member",
    "regional_viewer",
    "superuser",
)
# Staff who read plans but are scoped to ATS Insubria (404 on another ATS's plan).
INSUBRIA_SCOPED = (
    "org_admin",
    "provider_operator",
    "alliance_lead",
    "ats_operator",
    "committee_member",
)


def insubria_plan() -> int:
    return TerritorialPlan.objects.filter(ats__code="ATS-INS").order_by("-start_year", "pk")[0].pk


def milano_plan() -> int:
    return TerritorialPlan.objects.filter(ats__code="ATS-MI").order_by("-start_year", "pk")[0].pk


def organisations() -> str:
    return "organizzazioni"


def projects() -> str:
    return "progetti"


def indicators() -> str:
    return "indicatori"


def unknown_dataset() -> str:
    return "sconosciuto"


ROWS = {
    ("reports:dashboard", None): only(*READERS),
    # Every staff role exports the organisations it sees; plan datasets need "plans.read".
    ("reports:export_csv", organisations): staff_only(),
    ("reports:export_xlsx", organisations): staff_only(),
    ("reports:export_csv", projects): only(*READERS),
    ("reports:export_xlsx", projects): only(*READERS),
    ("reports:export_csv", indicators): only(*READERS),
    ("reports:export_csv", unknown_dataset): staff_only(**dict.fromkeys(STAFF, 404)),
    # L'Arca and L'Aquilone take part in Insubria projects; the alliance of Tradate has one.
    ("reports:plan_report_pdf", insubria_plan): only(*READERS),
    # Another ATS's plan: 404 for everyone scoped to Insubria, the same as missing.
    ("reports:plan_report_pdf", milano_plan): {
        **only(*READERS),
        **dict.fromkeys(INSUBRIA_SCOPED, 404),
    },
    ("reports:api_token", None): staff_only(),
}
