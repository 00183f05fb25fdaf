from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _can_use_calls(user) -> bool:
    """The reserved area's "Bandi" entry: ATS staff and the Region follow the calls; organisation
    admins apply for theirs."""
    from equilibri.accounts.roles import Role, has_role

    return bool(user.has_perm("calls.read")) or has_role(user, Role.ORG_ADMIN)


class CallsConfig(AppConfig):
    name = "equilibri.calls"
    verbose_name = _("Bandi e avvisi")

    def ready(self) -> None:
        from datetime import timedelta

        from equilibri.accounts.nav import NavItem, register_nav
        from equilibri.core.demo import register_loader
        from equilibri.core.periodic import PeriodicJob, register_job

        from . import demo, rules, tasks  # noqa: F401  (rules registers the permissions)

        register_loader(40, "calls", demo.load)
        register_nav(NavItem(_("Bandi"), "calls:home", _can_use_calls, 35))
        from equilibri.accounts.todo import register_todo

        from . import todo

        register_todo(todo.todo)
        register_job(
            PeriodicJob("calls_reminders", timedelta(hours=6), tasks.send_call_reminders.enqueue)
        )
