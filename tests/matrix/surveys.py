"""Needs surveys: the anonymous answering pages (public; help-desk channels only for desk and
ATS operators of their ATS) and the office side (questionnaires and campaigns: ATS operators;
results: ATS operators, committee, Region; free texts: the ATS's operators only, not the
superuser; an organisation's own aggregate: its admin)."""

from equilibri.surveys import standard
from equilibri.surveys.models import Campaign, Distribution, QuestionnaireVersion

from ..conftest import PERSONAS
from .helpers import ALL, ANON, only, public

INSUBRIA = "Bisogni di conciliazione 2026 – ATS Insubria"
MILANO = "Bisogni di conciliazione 2026 – ATS Milano"


def standard_version() -> int:
    return QuestionnaireVersion.objects.filter(questionnaire__code=standard.CODE).first().pk


def insubria_campaign() -> int:
    return Campaign.objects.get(title=INSUBRIA).pk


def milano_campaign() -> int:
    return Campaign.objects.get(title=MILANO).pk


def _channel(title: str, kind: str) -> Distribution:
    return Distribution.objects.filter(campaign__title=title, kind=kind).first()


def insubria_open() -> str:
    return _channel(INSUBRIA, "open").key


def insubria_help_desk() -> str:
    return _channel(INSUBRIA, "help_desk").key


def milano_open() -> str:
    return _channel(MILANO, "open").key


def milano_help_desk() -> str:
    return _channel(MILANO, "help_desk").key


def arca_channel() -> int:
    return Distribution.objects.get(
        campaign__title=INSUBRIA, organisation__name="L'Arca Coop. Soc."
    ).pk


def spazio_channel() -> int:
    return Distribution.objects.get(
        campaign__title=MILANO, organisation__name="Spazio Aperto Servizi"
    ).pk


MANAGERS = ("ats_operator", "superuser")
READERS = ("ats_operator", "committee_member", "regional_viewer", "superuser")
ASSISTANTS = ("desk_operator", "ats_operator", "superuser")
CAMPAIGN_VIEWERS = ("org_admin", "desk_operator", *READERS)


def post_only(*personas: str) -> dict[str, int]:
    return {**only(*personas), **dict.fromkeys(personas, 405)}


def help_desk_only(*personas: str) -> dict[str, int]:
    return {**dict.fromkeys(ALL, 404), **dict.fromkeys(personas, 200)}


ROWS: dict = {}
ROWS[("surveys_public:landing", insubria_open)] = public()
ROWS[("surveys_public:landing", milano_open)] = public()
# Help-desk channels are no public link: operators of the campaign's ATS only.
ROWS[("surveys_public:landing", insubria_help_desk)] = help_desk_only(*ASSISTANTS)
ROWS[("surveys_public:landing", milano_help_desk)] = help_desk_only("superuser")
# No response in progress on this device: a page saying so, with the way to start.
ROWS[("surveys_public:section", insubria_open)] = public()
ROWS[("surveys_public:section", milano_open)] = public()
ROWS[("surveys_public:submit", insubria_open)] = public()
ROWS[("surveys_public:thanks", insubria_open)] = public()

ROWS[("surveys:campaign_list", None)] = only(*CAMPAIGN_VIEWERS)
ROWS[("surveys:questionnaire_list", None)] = only(*MANAGERS)
ROWS[("surveys:version_detail", standard_version)] = only(*MANAGERS)
ROWS[("surveys:version_publish", standard_version)] = post_only(*MANAGERS)
ROWS[("surveys:version_copy", standard_version)] = post_only(*MANAGERS)
ROWS[("surveys:campaign_create", None)] = only(*MANAGERS)
ROWS[("surveys:campaign_detail", insubria_campaign)] = only(*CAMPAIGN_VIEWERS)
ROWS[("surveys:campaign_detail", milano_campaign)] = {
    **only(*CAMPAIGN_VIEWERS),
    **dict.fromkeys(("org_admin", "desk_operator", "ats_operator", "committee_member"), 404),
}
ROWS[("surveys:campaign_edit", insubria_campaign)] = only(*MANAGERS)
ROWS[("surveys:campaign_edit", milano_campaign)] = {**only(*MANAGERS), "ats_operator": 404}
ROWS[("surveys:campaign_transition", insubria_campaign)] = post_only(*MANAGERS)
ROWS[("surveys:distribution_create", insubria_campaign)] = post_only(*MANAGERS)
ROWS[("surveys:tokens", arca_channel)] = post_only(*MANAGERS)
ROWS[("surveys:poster", arca_channel)] = only("org_admin", *MANAGERS)
ROWS[("surveys:poster", spazio_channel)] = {
    **only("org_admin", *MANAGERS),
    "org_admin": 404,
    "ats_operator": 404,
}
ROWS[("surveys:assist", insubria_campaign)] = only(*ASSISTANTS)
ROWS[("surveys:assist", milano_campaign)] = {
    **only(*ASSISTANTS),
    "desk_operator": 404,
    "ats_operator": 404,
}
ROWS[("surveys:results", insubria_campaign)] = only(*READERS)
ROWS[("surveys:results", milano_campaign)] = {
    **only(*READERS),
    "ats_operator": 404,
    "committee_member": 404,
}
# Free texts: the ATS's own operators; the superuser holds the permission but no ATS.
ROWS[("surveys:free_text", insubria_campaign)] = {**only("ats_operator"), "superuser": 404}
ROWS[("surveys:free_text", milano_campaign)] = {
    **only("ats_operator"),
    "ats_operator": 404,
    "superuser": 404,
}
ROWS[("surveys:organisation_results", insubria_campaign)] = only("org_admin", "superuser")
ROWS[("surveys:organisation_results", milano_campaign)] = {
    **only("org_admin", "superuser"),
    "org_admin": 404,
}
assert all(set(row) == set(ALL) for row in ROWS.values())
assert set(PERSONAS) | {ANON} == set(ALL)


# --- The POST pass (tests/matrix/posts.py): objects out of the Insubria personas' scope ------


def milano_draft_version() -> int:
    """A draft questionnaire of ATS Milano (made here: the demo has none)."""
    from equilibri.surveys.models import Questionnaire
    from equilibri.territory.models import ATS

    questionnaire = Questionnaire.objects.create(
        code="milano-bozza", ats=ATS.objects.get(code="ATS-MI"), title="Bozza di Milano"
    )
    standard_definition = QuestionnaireVersion.objects.get(pk=standard_version()).definition
    return QuestionnaireVersion.objects.create(
        questionnaire=questionnaire, number=1, definition=standard_definition
    ).pk


def _post_row(anonymous: int, signed_in: int, **overrides: int) -> dict[str, int]:
    return {ANON: anonymous, **dict.fromkeys(PERSONAS, signed_in), **overrides}


POSTS: dict = {
    ("surveys:version_publish", milano_draft_version): _post_row(
        302, 403, ats_operator=404, superuser=302
    ),
    ("surveys:version_copy", milano_draft_version): _post_row(
        302, 403, ats_operator=404, superuser=302
    ),
    # An empty form: refused with its errors, nothing saved.
    ("surveys:campaign_create", None): _post_row(302, 403, ats_operator=200, superuser=200),
    ("surveys:campaign_edit", milano_campaign): _post_row(
        302, 403, ats_operator=404, superuser=200
    ),
    ("surveys:campaign_transition", milano_campaign): _post_row(
        302, 403, ats_operator=404, superuser=400
    ),
    ("surveys:distribution_create", milano_campaign): _post_row(
        302, 403, ats_operator=404, superuser=302
    ),
    ("surveys:tokens", spazio_channel): _post_row(302, 403, ats_operator=404, superuser=302),
    # Anonymous answering: a start naming no questionnaire is a 400, a section without a
    # response in progress the page saying so, a send with nothing to send a 409.
    ("surveys_public:landing", milano_open): _post_row(400, 400),
    ("surveys_public:landing", milano_help_desk): _post_row(404, 404, superuser=400),
    ("surveys_public:section", milano_open): _post_row(200, 200),
    ("surveys_public:submit", milano_open): _post_row(409, 409),
}
