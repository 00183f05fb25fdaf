from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _works_on_catalogue(user) -> bool:
    return user.has_perm("services.work")


class CatalogueConfig(AppConfig):
    name = "equilibri.catalogue"
    # The label stays "services": it names the tables, the migrations and the permissions
    # ("services.work") that existing databases already hold.
    label = "services"
    verbose_name = _("Catalogo dei servizi")

    def ready(self) -> None:
        from datetime import timedelta

        from equilibri.accounts.nav import NavItem, register_nav
        from equilibri.core.demo import register_loader
        from equilibri.core.periodic import PeriodicJob, register_job

        from . import demo, pagecache, rules, tasks  # noqa: F401  (rules: the permissions)

        pagecache.connect_signals()

        register_loader(40, "services", demo.load)
        register_nav(NavItem(_("Servizi"), "catalogue:index", _works_on_catalogue, 30))
        from equilibri.accounts.todo import register_todo

        from . import todo

        register_todo(todo.todo)
        register_job(
            PeriodicJob("flag_stale_services", timedelta(days=1), tasks.flag_stale_services.enqueue)
        )
