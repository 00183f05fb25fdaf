from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CitizensConfig(AppConfig):
    name = "equilibri.citizens"
    verbose_name = _("Area personale e segnalazioni")

    def ready(self) -> None:
        from equilibri.accounts.nav import NavItem, register_nav
        from equilibri.accounts.personal_data import register_exporter

        from . import exporters, rules  # noqa: F401  (rules: permissions)

        register_exporter("citizens", exporters.export_for)
        register_nav(
            NavItem(_("Area personale"), "citizens_public:home", lambda user: True, order=1)
        )
        register_nav(
            NavItem(
                _("Segnalazioni e valutazioni"),
                "citizens:message_list",
                lambda user: bool(user.has_perm("citizens.read_messages")),  # type: ignore[attr-defined]
                order=70,
            )
        )
