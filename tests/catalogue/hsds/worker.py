"""The task worker, for tests: what `db_worker` does with each ready task, in the test's own
thread and transaction (the import then runs in this process: see hsds/jobs.py)."""

from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult


def run_queued_tasks() -> int:
    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="tests",
    )
    ran = 0
    for db_result in DBTaskResult.objects.ready().order_by("enqueued_at"):
        db_result.claim(worker.worker_id)
        worker.run_task(db_result)
        ran += 1
    return ran
