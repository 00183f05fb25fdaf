from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "equilibri.reports"
    verbose_name = _("Cruscotti e report")

    def ready(self) -> None:
        from equilibri.accounts.nav import NavItem, register_nav
        from equilibri.plans.rules import reads_plans

        register_nav(NavItem(_("Cruscotto"), "reports:dashboard", reads_plans, 10))
