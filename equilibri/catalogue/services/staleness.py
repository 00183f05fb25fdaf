"""Services nobody has confirmed for a while: flagged stale (their provider is told), then
hidden after a grace period."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from equilibri.core.audit import UPDATE, log_bulk

from .. import indexing
from ..models import Service
from .notifications import _notify_provider


def _months_ago(now: datetime.datetime, months: int) -> datetime.datetime:
    return now - datetime.timedelta(days=round(months * 30.44))


@transaction.atomic
def services_flag_stale(*, now: datetime.datetime | None = None) -> tuple[int, int]:
    """Flag published services not confirmed for SERVICE_REVIEW_MONTHS (e-mailing their
    provider) and hide stale ones after SERVICE_STALE_GRACE_DAYS. Returns (flagged, hidden)."""
    now = now or timezone.now()
    months = int(getattr(settings, "SERVICE_REVIEW_MONTHS", 6))
    grace = int(getattr(settings, "SERVICE_STALE_GRACE_DAYS", 30))
    limit = _months_ago(now, months)
    flagged = 0
    to_flag = (
        Service.objects.select_for_update()
        .filter(review_state=Service.Review.PUBLISHED, listed_object="")
        .exclude(reviewed_at__gte=limit)
        .exclude(reviewed_at__isnull=True, published_at__gte=limit)
        .select_related("organisation")
    )
    for service in to_flag:
        service.review_state = Service.Review.STALE
        service.stale_since = now
        service.save(update_fields=["review_state", "stale_since"])
        flagged += 1
        hide_on = (now + datetime.timedelta(days=grace)).date()
        _notify_provider(service, "stale", months=months, date=hide_on.strftime("%d/%m/%Y"))
    hidden_ids = list(
        Service.objects.filter(
            review_state=Service.Review.STALE,
            stale_since__lte=now - datetime.timedelta(days=grace),
        ).values_list("pk", flat=True)
    )
    if hidden_ids:
        Service.objects.filter(pk__in=hidden_ids).update(review_state=Service.Review.HIDDEN)
        # The system's job: no actor.
        log_bulk(
            Service,
            hidden_ids,
            UPDATE,
            changes={"review_state": (Service.Review.STALE, Service.Review.HIDDEN)},
        )
    indexing.reindex_services(hidden_ids) if hidden_ids else None
    return flagged, len(hidden_ids)
