"""An HSDS import writes plain SQL, which auditlog never sees: it logs one entry per model and
action, naming the rows written, the importer and the file."""

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType

from equilibri.catalogue.hsds.interchange import import_hsds
from equilibri.catalogue.models import Service, ServiceRevision, hsds_organisation_id

from .test_interchange import exported_json, forget, write

pytestmark = pytest.mark.django_db


def entries(model, action):
    return LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(model), action=action
    ).order_by("pk")


def test_an_import_logs_the_services_it_creates_and_changes(catalogue, tmp_path, user_of):
    """By the operator of the services' ATS, who moderates them: written at once."""
    importer = user_of("operatore.insubria")
    data = exported_json()
    aquilone = str(hsds_organisation_id(catalogue.aquilone.pk))
    data["services"] = [s for s in data["services"] if s["organization_id"] == aquilone]
    camp = next(s for s in data["services"] if s["id"] == str(catalogue.camp.uuid))
    camp["name"] = "Centro estivo rinnovato"
    gone = [s["id"] for s in data["services"] if s["id"] != camp["id"]]
    assert gone
    Service.objects.filter(uuid__in=gone).delete()
    before = LogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    report = import_hsds(write(tmp_path, "catalogo.json", data), by=importer)

    assert report.ok, [str(e) for e in report.errors]
    assert (report.services.created, report.services.updated) == (len(gone), 1)
    (created,) = entries(Service, LogEntry.Action.CREATE).filter(pk__gt=before)
    assert created.actor == importer
    assert created.additional_data["source"] == "catalogo.json"
    assert set(created.additional_data["ids"]) == set(
        Service.objects.filter(uuid__in=gone).values_list("pk", flat=True)
    )
    assert {"name", "schedules", "terms"} <= set(created.additional_data["fields"])
    (updated,) = entries(Service, LogEntry.Action.UPDATE).filter(pk__gt=before)
    assert updated.actor == importer
    assert updated.additional_data["ids"] == [catalogue.camp.pk]
    # One id: the entry is also in the service's own history.
    assert updated in LogEntry.objects.get_for_object(catalogue.camp)
    # One entry per model and action, never one per row.
    assert LogEntry.objects.filter(pk__gt=before, additional_data__ids__isnull=False).count() == (
        LogEntry.objects.filter(pk__gt=before).count()
    )
    assert LogEntry.objects.filter(pk__gt=before).count() <= 4

    # The same file again changes nothing, and logs nothing.
    count = LogEntry.objects.count()
    assert import_hsds(write(tmp_path, "catalogo.json", data), by=importer).ok
    assert LogEntry.objects.count() == count


def test_a_dry_run_logs_nothing(catalogue, tmp_path, user_of):
    data = exported_json()
    forget(catalogue)
    before = LogEntry.objects.count()
    report = import_hsds(write(tmp_path, "c.json", data), by=user_of("admin"), dry_run=True)
    assert report.ok and report.services.created == 3
    assert LogEntry.objects.count() == before


def test_a_moderated_change_logs_the_revision(catalogue, tmp_path, user_of):
    """A system import (no user) of a change to a published service: a pending revision."""
    data = exported_json()
    camp = next(s for s in data["services"] if s["id"] == str(catalogue.camp.uuid))
    camp["name"] = "Centro estivo rinnovato"
    report = import_hsds(write(tmp_path, "c.json", data), by=None)
    assert report.ok, [str(e) for e in report.errors]
    revision = ServiceRevision.objects.get(service=catalogue.camp, state="submitted")
    (entry,) = entries(ServiceRevision, LogEntry.Action.CREATE).filter(
        additional_data__source="c.json"
    )
    assert entry.additional_data["ids"] == [revision.pk]
    assert entry.actor is None  # the system
