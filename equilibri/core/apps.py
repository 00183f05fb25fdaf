from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "equilibri.core"
    verbose_name = _("Piattaforma")

    def ready(self) -> None:
        from datetime import timedelta

        from . import tasks
        from .periodic import PeriodicJob, register_job

        register_job(
            PeriodicJob(
                "clear_expired_sessions", timedelta(days=1), tasks.clear_expired_sessions.enqueue
            )
        )
        register_job(
            PeriodicJob(
                "prune_login_attempts", timedelta(days=1), tasks.prune_login_attempts.enqueue
            )
        )
