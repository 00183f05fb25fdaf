from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def can(permission: str):
    def check(user) -> bool:
        return bool(user.has_perm(permission))

    return check


class NetworkConfig(AppConfig):
    name = "equilibri.network"
    verbose_name = _("Rete territoriale")

    def ready(self) -> None:
        from equilibri.core.demo import register_loader

        from . import demo

        register_loader(20, "network", demo.load)
        from equilibri.accounts.nav import NavItem, register_nav
        from equilibri.accounts.roles import is_staff_member, register_grant_provider

        from . import selectors

        register_grant_provider(selectors.organisation_grants)
        register_grant_provider(selectors.alliance_grants)
        register_nav(NavItem(_("Organizzazioni"), "network:organisation_list", is_staff_member, 20))
        register_nav(
            NavItem(
                _("Richieste di adesione"),
                "network:membership_queue",
                can("network.manage"),
                21,
            )
        )
        register_nav(
            NavItem(
                _("Alleanze locali"),
                "network:alliance_list",
                can("network.read"),
                22,
            )
        )
