"""Plans, projects, actions, indicators and milestones: every change is one function here.

Business rules (each refused with a ValidationError naming what to change):
- a plan's end year is not before its start year; grants are for years of the plan's period;
- an alliance project belongs to an alliance of the plan's ATS; a system action has none;
- co-financing is at least the plan's minimum share of the project budget
  (regional grant + co-financing), computed exactly on Decimals;
- the actions' budgets add up to no more than the project budget;
- the projects' regional grants add up to no more than the plan's yearly grants (a grant that
  grows, or a plan grant that shrinks, is refused past that, under a lock on the plan's row);
- amounts are not negative and have at most two decimals;
- lifecycle: proposed → evaluated → approved → in_progress → reported → closed, one step at a time;
- project edits are optimistic: based on the version the editor loaded, refused if stale.

One module per concern: checks (money, co-financing, who manages a plan), plans, projects (with
the lifecycle), actions (with indicators and milestones) and feeds (indicator values other apps
feed). Other code imports from this package, which names what it offers below. Monitoring and
committee services live in monitoring_services.py and committee_services.py.
"""

from .actions import (
    ACTION_FIELDS,
    INDICATOR_FIELDS,
    MILESTONE_FIELDS,
    action_create,
    action_delete,
    action_update,
    indicator_create,
    indicator_update,
    milestone_create,
    milestone_update,
)
from .checks import (
    actions_total,
    can_manage,
    check_cofinancing,
    check_money,
    euro,
    lock_plan,
    percent,
    required_cofinancing,
)
from .feeds import indicator_feeds_apply, indicator_feeds_refresh, register_indicator_feed
from .plans import PLAN_FIELDS, plan_create, plan_grant_delete, plan_grant_set, plan_update
from .projects import (
    LIFECYCLE,
    NEXT_STEP,
    PROJECT_FIELDS,
    STALE_MESSAGE,
    TRANSITIONS,
    project_approve,
    project_close,
    project_create,
    project_evaluate,
    project_partner_add,
    project_partner_remove,
    project_report,
    project_start,
    project_update,
)

__all__ = [
    "ACTION_FIELDS",
    "INDICATOR_FIELDS",
    "LIFECYCLE",
    "MILESTONE_FIELDS",
    "NEXT_STEP",
    "PLAN_FIELDS",
    "PROJECT_FIELDS",
    "STALE_MESSAGE",
    "TRANSITIONS",
    "action_create",
    "action_delete",
    "action_update",
    "actions_total",
    "can_manage",
    "check_cofinancing",
    "check_money",
    "euro",
    "indicator_create",
    "indicator_feeds_apply",
    "indicator_feeds_refresh",
    "indicator_update",
    "lock_plan",
    "milestone_create",
    "milestone_update",
    "percent",
    "plan_create",
    "plan_grant_delete",
    "plan_grant_set",
    "plan_update",
    "project_approve",
    "project_close",
    "project_create",
    "project_evaluate",
    "project_partner_add",
    "project_partner_remove",
    "project_report",
    "project_start",
    "project_update",
    "register_indicator_feed",
    "required_cofinancing",
]
