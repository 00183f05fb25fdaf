"""Reading the audit log's entries of writes that bypass save() (equilibri.core.audit.log_bulk)."""

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType


def last_entry() -> int:
    """The pk of the newest entry (0 without any): the entries after it are a test's."""
    return LogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def bulk_entries(model, action: int, since: int = 0) -> list[LogEntry]:
    """The bulk entries of `model` with this action written after the entry `since`."""
    return list(
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(model),
            action=action,
            pk__gt=since,
            additional_data__has_key="ids",
        ).order_by("pk")
    )


def logged_ids(model, action: int, since: int = 0) -> set:
    return {
        pk for entry in bulk_entries(model, action, since) for pk in entry.additional_data["ids"]
    }
