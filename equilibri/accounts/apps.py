from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "equilibri.accounts"
    verbose_name = _("Utenti e ruoli")

    def ready(self) -> None:
        from equilibri.core.demo import register_loader

        from . import demo

        register_loader(10, "accounts", demo.load)
        from . import selectors
        from .personal_data import register_exporter
        from .roles import register_grant_provider

        register_grant_provider(selectors.staff_role_grants)
        register_exporter("account", selectors.account_export)
        from allauth.mfa.signals import authentication_failed

        from . import second_factor

        authentication_failed.connect(second_factor.code_failed, dispatch_uid="second_factor")
