"""Background jobs of the catalogue (run by `db_worker`, enqueued by the `scheduler`)."""

from django_tasks import task


@task()
def flag_stale_services() -> list[int]:
    """Flag services not confirmed for SERVICE_REVIEW_MONTHS; hide them after the grace days."""
    from .services import services_flag_stale

    flagged, hidden = services_flag_stale()
    return [flagged, hidden]
