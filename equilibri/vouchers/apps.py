from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VouchersConfig(AppConfig):
    name = "equilibri.vouchers"
    verbose_name = _("Voucher e contributi")

    def ready(self) -> None:
        from datetime import timedelta

        from equilibri.accounts.nav import NavItem, register_nav
        from equilibri.accounts.personal_data import register_exporter
        from equilibri.core.demo import register_loader
        from equilibri.core.periodic import PeriodicJob, register_job
        from equilibri.plans.services import register_indicator_feed

        from . import demo, rules, selectors, services, tasks

        register_loader(45, "vouchers", demo.load)
        register_nav(NavItem(_("Voucher"), "vouchers:scheme_list", rules.reads_vouchers, 45))
        register_nav(
            NavItem(
                _("Attestazioni voucher"),
                "vouchers:attestation_list",
                rules.attests_employment,
                46,
            )
        )
        register_exporter("vouchers", selectors.export_for)
        from equilibri.accounts.todo import register_todo

        from . import todo

        register_todo(todo.todo)
        from equilibri.core.offers import register_offer_provider

        register_offer_provider(selectors.offers_for)
        register_indicator_feed(services.indicator_feed)
        register_job(
            PeriodicJob(
                "voucher_integration_reminders",
                timedelta(days=1),
                tasks.send_integration_reminders.enqueue,
            )
        )
        register_job(
            PeriodicJob(
                "anonymise_voucher_applications",
                timedelta(days=1),
                tasks.anonymise_expired_applications.enqueue,
            )
        )
