"""Background jobs of the catalogue (run by `db_worker`, enqueued by the `scheduler`)."""

from django_tasks import task


@task()
def flag_stale_services() -> list[int]:
    """Flag services not confirmed for SERVICE_REVIEW_MONTHS; hide them after the grace days."""
    from .services import services_flag_stale

    flagged, hidden = services_flag_stale()
    return [flagged, hidden]


@task()
def run_hsds_import(
    user_id: int, stored: str, source: str, dry_run: bool, partial: bool = False
) -> dict:
    """An uploaded HSDS file imported (or only checked) by the worker, under a memory ceiling;
    the report is the result (services/hsds/jobs.py)."""
    from .hsds.jobs import run

    return run(user_id, stored, source, dry_run, partial)
