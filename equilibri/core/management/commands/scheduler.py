"""Enqueues the periodic jobs on the task queue when due; the db_worker runs them.

One scheduler per installation. The last run of each job is kept in the database, so restarts
do not repeat or skip work, and a second scheduler started by mistake claims nothing twice.
"""

import logging
import time

from django.core.cache import cache
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from equilibri.core.models import JobRun
from equilibri.core.periodic import jobs

logger = logging.getLogger("equilibri.scheduler")


def run_due_jobs() -> list[str]:
    """Enqueues every job whose interval has passed; returns their names."""
    started = []
    now = timezone.now()
    for job in jobs():
        with transaction.atomic():
            run, _ = JobRun.objects.get_or_create(name=job.name)
            # Claim atomically: only one scheduler moves last_run forward.
            claimed = (
                JobRun.objects.filter(pk=run.pk, last_run=run.last_run)
                .exclude(last_run__gt=now - job.every)
                .update(last_run=now)
            )
        if claimed:
            job.run()
            started.append(job.name)
            logger.info("periodic job enqueued", extra={"job": job.name})
    return started


class Command(BaseCommand):
    help = "Runs periodic jobs (reminders, retention, housekeeping) when due."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="check once and exit")
        parser.add_argument("--interval", type=int, default=60, help="seconds between checks")

    def handle(self, *args, once: bool = False, interval: int = 60, **options):
        while True:
            started = run_due_jobs()
            if once:
                self.stdout.write(f"Enqueued: {', '.join(started) or 'nothing due'}")
                return
            cache.close()
            time.sleep(interval)
