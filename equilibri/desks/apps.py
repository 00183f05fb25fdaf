from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DesksConfig(AppConfig):
    name = "equilibri.desks"
    verbose_name = _("Sportelli conciliazione")

    def ready(self) -> None:
        from equilibri.core.demo import register_loader

        from . import demo

        register_loader(50, "desks", demo.load)
        from equilibri.accounts.roles import register_grant_provider

        from . import selectors

        register_grant_provider(selectors.desk_operator_grants)
