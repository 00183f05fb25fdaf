"""Plans, projects, actions, indicators, milestones (reserved) and the public plan pages.

Insubria objects: the Tradate alliance project (L'Arca and L'Aquilone are its partners, the
Tradate alliance lead runs it). Milano objects: "Nuove Sinergie" (Alleanza Sud-Sud Est Milano):
nobody scoped to Insubria sees it (404, the same as missing).
"""

from equilibri.plans.models import Action, Indicator, Milestone, Project, ProjectPartner

from .helpers import ANON, STAFF, only, public

READERS = (
    "org_admin",
    "provider_operator",
    "alliance_lead",
    "ats_operator",
    "committee_member",
    "regional_viewer",
    "superuser",
)
INSUBRIA_SCOPED = (
    "org_admin",
    "provider_operator",
    "alliance_lead",
    "ats_operator",
    "committee_member",
)


def _tradate() -> Project:
    return Project.objects.get(title="Ancora... ELAVOROEFAMIGLIA")


def _sinergie() -> Project:
    return Project.objects.get(title__startswith="Nuove Sinergie")


def insubria_plan() -> int:
    return _tradate().plan_id


def milano_plan() -> int:
    return _sinergie().plan_id


def insubria_project() -> int:
    return _tradate().pk


def milano_project() -> int:
    return _sinergie().pk


def insubria_action() -> int:
    return Action.objects.filter(project=_tradate()).order_by("pk").first().pk


def milano_action() -> int:
    return Action.objects.filter(project=_sinergie()).order_by("pk").first().pk


def insubria_indicator() -> int:
    return Indicator.objects.filter(action__project=_tradate()).order_by("pk").first().pk


def milano_indicator() -> int:
    return Indicator.objects.filter(action__project=_sinergie()).order_by("pk").first().pk


def insubria_milestone() -> int:
    return Milestone.objects.filter(project=_tradate()).order_by("pk").first().pk


def milano_milestone() -> int:
    return Milestone.objects.filter(project=_sinergie()).order_by("pk").first().pk


def insubria_partner() -> int:
    return ProjectPartner.objects.filter(project=_tradate()).order_by("pk").first().pk


def milano_partner() -> int:
    return ProjectPartner.objects.filter(project=_sinergie()).order_by("pk").first().pk


def readers_milano() -> dict[str, int]:
    """Readers of a Milano object: the Insubria-scoped ones get 404."""
    return {**only(*READERS), **dict.fromkeys(INSUBRIA_SCOPED, 404)}


def managers(milano: bool = False) -> dict[str, int]:
    """ATS operators and superusers; the Insubria operator gets 404 on a Milano object."""
    expected = only("ats_operator", "superuser")
    if milano:
        expected["ats_operator"] = 404
    return expected


def post_only() -> dict[str, int]:
    """POST-only views: 405 to a GET from whoever may manage plans, 403 to the other staff."""
    return {
        ANON: 302,
        "citizen": 403,
        **dict.fromkeys(STAFF, 403),
        "ats_operator": 405,
        "superuser": 405,
    }


MANAGE_OBJECT_URLS = [
    ("plans:plan_edit", insubria_plan, milano_plan),
    ("plans:plan_grants", insubria_plan, milano_plan),
    ("plans:project_create", insubria_plan, milano_plan),
    ("plans:project_edit", insubria_project, milano_project),
    ("plans:partner_add", insubria_project, milano_project),
    ("plans:milestone_create", insubria_project, milano_project),
    ("plans:action_create", insubria_project, milano_project),
    ("plans:milestone_edit", insubria_milestone, milano_milestone),
    ("plans:action_edit", insubria_action, milano_action),
    ("plans:indicator_create", insubria_action, milano_action),
    ("plans:indicator_edit", insubria_indicator, milano_indicator),
]

ROWS = {
    ("plans:plan_list", None): only(*READERS),
    ("plans:plan_create", None): managers(),
    ("plans:plan_detail", insubria_plan): only(*READERS),
    ("plans:plan_detail", milano_plan): readers_milano(),
    ("plans:project_detail", insubria_project): only(*READERS),
    ("plans:project_detail", milano_project): readers_milano(),
    ("plans:project_transition", insubria_project): post_only(),
    ("plans:project_transition", milano_project): post_only(),
    ("plans:partner_remove", insubria_partner): post_only(),
    ("plans:partner_remove", milano_partner): post_only(),
    ("plans_public:index", None): public(),
    ("plans_public:plan_detail", insubria_plan): public(),
    ("plans_public:plan_detail", milano_plan): public(),
    ("plans_public:project_detail", insubria_project): public(),
    ("plans_public:project_detail", milano_project): public(),
}
for _name, _insubria, _milano in MANAGE_OBJECT_URLS:
    ROWS[(_name, _insubria)] = managers()
    ROWS[(_name, _milano)] = managers(milano=True)
