from collections.abc import Callable
from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _perm(permission: str) -> Callable[[Any], bool]:
    return lambda user: bool(user.has_perm(permission))


class DesksConfig(AppConfig):
    name = "equilibri.desks"
    verbose_name = _("Sportelli conciliazione")

    def ready(self) -> None:
        from equilibri.accounts.nav import NavItem, register_nav
        from equilibri.accounts.personal_data import register_exporter
        from equilibri.accounts.roles import is_staff_member, register_grant_provider
        from equilibri.core.demo import register_loader

        from . import demo, rules, selectors, tasks  # noqa: F401  (rules: permissions)

        register_loader(50, "desks", demo.load)
        from equilibri.accounts.todo import register_todo

        from . import todo

        register_todo(todo.todo)
        register_grant_provider(selectors.desk_operator_grants)
        register_exporter("desk_appointments", selectors.appointments_export)
        tasks.register_periodic_jobs()
        register_nav(
            NavItem(
                _("Sportello: agenda e contatti"),
                "desks:agenda",
                _perm("desks.operate"),
                order=60,
            )
        )
        register_nav(
            NavItem(
                _("Sportelli e schede"),
                "desks:desk_list",
                lambda user: _perm("desks.manage")(user) and not _perm("desks.operate")(user),
                order=61,
            )
        )
        register_nav(
            NavItem(
                _("Statistiche sportelli"),
                "desks:stats",
                _perm("desks.stats"),
                order=62,
            )
        )
        register_nav(
            NavItem(
                _("I miei appuntamenti"),
                "desks_public:my_appointments",
                lambda user: not is_staff_member(user),
                order=5,
            )
        )
