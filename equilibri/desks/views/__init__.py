"""Reserved area of the help desks: agenda, contact log, to-do list, knowledge base, agreements,
desks and their setup, statistics. One module a concern; urls.py finds every view here."""

from .appointments import agenda, appointment_mark
from .contacts import (
    contact_create,
    contact_detail,
    contact_export,
    contact_follow_up_done,
    contact_list,
    todo,
)
from .desks import desk_create, desk_edit, desk_list
from .knowledge import (
    agreement_create,
    agreement_edit,
    agreement_list,
    article_create,
    article_detail,
    article_edit,
    article_list,
)
from .setup import desk_setup
from .statistics import stats, stats_export

__all__ = [
    "agenda",
    "agreement_create",
    "agreement_edit",
    "agreement_list",
    "appointment_mark",
    "article_create",
    "article_detail",
    "article_edit",
    "article_list",
    "contact_create",
    "contact_detail",
    "contact_export",
    "contact_follow_up_done",
    "contact_list",
    "desk_create",
    "desk_edit",
    "desk_list",
    "desk_setup",
    "stats",
    "stats_export",
    "todo",
]
