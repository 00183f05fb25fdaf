from collections.abc import Callable
from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _perm(permission: str) -> Callable[[Any], bool]:
    return lambda user: bool(user.has_perm(permission))


class SurveysConfig(AppConfig):
    name = "equilibri.surveys"
    verbose_name = _("Rilevazione dei bisogni")

    def ready(self) -> None:
        from equilibri.accounts.nav import NavItem, register_nav
        from equilibri.core.demo import register_loader

        from . import demo, rules

        register_loader(55, "surveys", demo.load)
        register_nav(
            NavItem(
                _("Rilevazione dei bisogni"),
                "surveys:campaign_list",
                rules.can_see_campaigns,
                order=65,
            )
        )
