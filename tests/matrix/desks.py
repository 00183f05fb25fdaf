"""Help desks: public pages, the citizen's appointments and the desk office (reserved).

Contacts and appointments are read by desk operators of the same ATS only (the superuser gets
a 404 in the application too); statistics by desk and ATS operators, the Region, the superuser."""

from equilibri.desks.models import CollectiveAgreement, Contact, Desk, KnowledgeArticle

from ..conftest import PERSONAS
from .helpers import ALL, ANON, only, public, signed_in


def erba_desk() -> int:
    return Desk.objects.get(name="Sportello conciliazione di Erba").pk  # ATS Insubria


def milano_desk() -> int:
    return Desk.objects.get(name="Sportello conciliazione LYBRA – Milano").pk  # ATS Milano


def insubria_contact() -> int:
    return Contact.objects.filter(desk__name="Sportello conciliazione di Erba").first().pk


def milano_contact() -> int:
    return Contact.objects.filter(desk__name="Sportello conciliazione LYBRA – Milano").first().pk


def article() -> int:
    return KnowledgeArticle.objects.order_by("pk").first().pk


def agreement() -> int:
    return CollectiveAgreement.objects.order_by("pk").first().pk


def forged_token() -> str:
    return "not-a-real-token:forged"


OPERATOR = ("desk_operator", "superuser")  # superuser: every permission, no contact scope
READERS = ("desk_operator", "ats_operator", "regional_viewer", "superuser")
EDITORS = ("desk_operator", "ats_operator", "superuser")


def post_only(*personas: str) -> dict[str, int]:
    return {**only(*personas), **dict.fromkeys(personas, 405)}


ROWS: dict = {}
ROWS[("desks_public:nearest", None)] = public()
ROWS[("desks_public:desk_detail", erba_desk)] = public()
ROWS[("desks_public:desk_detail", milano_desk)] = public()
ROWS[("desks_public:book", erba_desk)] = public()
ROWS[("desks_public:book", milano_desk)] = public()
# A forged link is a clear page (400), never a 500, whoever opens it.
ROWS[("desks_public:appointment_confirm", forged_token)] = dict.fromkeys(ALL, 400)
ROWS[("desks_public:appointment_cancel", forged_token)] = dict.fromkeys(ALL, 400)
ROWS[("desks_public:appointment_reschedule", forged_token)] = dict.fromkeys(ALL, 400)
ROWS[("desks_public:faq", None)] = public()
ROWS[("desks_public:agreements", None)] = public()
ROWS[("desks_public:agreement_detail", agreement)] = public()
ROWS[("desks_public:my_appointments", None)] = signed_in()
ROWS[("desks_public:my_appointment_delete", erba_desk)] = {
    ANON: 302,
    **dict.fromkeys(PERSONAS, 405),
}

ROWS[("desks:agenda", None)] = only(*OPERATOR)
ROWS[("desks:appointment_mark", erba_desk)] = post_only(*OPERATOR)
ROWS[("desks:contact_list", None)] = only(*OPERATOR)
ROWS[("desks:contact_create", None)] = only(*OPERATOR)
# The superuser's export is an empty sheet: the permission, no contact scope.
ROWS[("desks:contact_export", None)] = only(*OPERATOR)
ROWS[("desks:contact_detail", insubria_contact)] = {**only(*OPERATOR), "superuser": 404}
ROWS[("desks:contact_detail", milano_contact)] = {
    **only(*OPERATOR),
    "desk_operator": 404,
    "superuser": 404,
}
ROWS[("desks:contact_follow_up_done", insubria_contact)] = post_only(*OPERATOR)
ROWS[("desks:todo", None)] = only(*OPERATOR)
ROWS[("desks:article_list", None)] = only(*READERS)
ROWS[("desks:article_detail", article)] = only(*READERS)
ROWS[("desks:article_create", None)] = only(*EDITORS)
ROWS[("desks:article_edit", article)] = only(*EDITORS)
ROWS[("desks:agreement_list", None)] = only(*READERS)
ROWS[("desks:agreement_create", None)] = only(*EDITORS)
ROWS[("desks:agreement_edit", agreement)] = only(*EDITORS)
ROWS[("desks:desk_list", None)] = only(*EDITORS)
ROWS[("desks:desk_create", None)] = only("ats_operator", "superuser")
ROWS[("desks:desk_edit", erba_desk)] = only(*EDITORS)
ROWS[("desks:desk_edit", milano_desk)] = {
    **only(*EDITORS),
    "desk_operator": 404,
    "ats_operator": 404,
}
ROWS[("desks:desk_setup", erba_desk)] = only(*EDITORS)
ROWS[("desks:desk_setup", milano_desk)] = {
    **only(*EDITORS),
    "desk_operator": 404,
    "ats_operator": 404,
}
ROWS[("desks:stats", None)] = only(*READERS)
ROWS[("desks:stats_export", None)] = only(*READERS)
