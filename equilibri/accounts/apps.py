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
        from allauth.account.signals import user_logged_in
        from allauth.socialaccount.signals import social_account_added

        from . import identity_adapter

        user_logged_in.connect(identity_adapter.logged_in, dispatch_uid="identity_logged_in")
        social_account_added.connect(
            identity_adapter.account_connected, dispatch_uid="identity_connected"
        )
        register_exporter("identity", selectors.identity_export)
