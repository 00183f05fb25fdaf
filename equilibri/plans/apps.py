from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "equilibri.plans"
    verbose_name = _("Piani territoriali")

    def ready(self) -> None:
        from equilibri.accounts.nav import NavItem, register_nav
        from equilibri.core.demo import register_loader

        from . import demo, demo_committee, rules
        from .monitoring_services import register_periodic_jobs

        register_loader(30, "plans", demo.load)
        register_loader(31, "committee and monitoring", demo_committee.load)
        register_nav(NavItem(_("Piani e progetti"), "plans:plan_list", rules.reads_plans, 30))
        register_nav(NavItem(_("Monitoraggio"), "monitoring:report_list", rules.reads_plans, 31))
        register_nav(NavItem(_("Comitato"), "committee:home", rules.reads_plans, 32))
        from equilibri.accounts.todo import register_todo

        from . import todo

        register_todo(todo.todo)
        register_periodic_jobs()
