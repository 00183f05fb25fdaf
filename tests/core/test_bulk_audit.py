"""Writes that bypass save() are in the audit log: one entry per batch naming the rows
(equilibri.core.audit.log_bulk), as auditlog's own entries name one object."""

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.apps import apps as django_apps
from django.db import connection

from equilibri.core import audit
from equilibri.core.identifiers import normalise_email, normalise_stored
from equilibri.territory.models import Comune
from equilibri.territory.services import geography_load
from tests.audit import bulk_entries, last_entry, logged_ids

pytestmark = pytest.mark.django_db


def test_one_entry_names_the_ids_the_fields_and_the_actor(user_of):
    operator = user_of("operatore.insubria")
    ids = list(Comune.objects.order_by("pk").values_list("pk", flat=True)[:3])
    (entry,) = audit.log_bulk(
        Comune,
        ids,
        audit.UPDATE,
        fields=["population"],
        changes={"province": ("CO", "VA")},
        actor=operator,
        data={"reason": "prova"},
    )
    entry.refresh_from_db()
    assert entry.action == LogEntry.Action.UPDATE
    assert entry.actor == operator
    assert entry.additional_data == {
        "ids": ids,
        "fields": ["population", "province"],
        "reason": "prova",
    }
    assert entry.changes == {"province": ["CO", "VA"]}
    assert entry.object_repr == f"3 {Comune._meta.verbose_name_plural}"


def test_no_rows_no_entry_and_one_row_is_in_its_history():
    comune = Comune.objects.order_by("pk").first()
    assert audit.log_bulk(Comune, [], audit.UPDATE) == []
    (entry,) = audit.log_bulk(Comune, [comune.pk, comune.pk], audit.UPDATE, fields=["lat"])
    assert entry.additional_data["ids"] == [comune.pk]
    assert entry in LogEntry.objects.get_for_object(comune)


def test_a_huge_write_is_split_without_losing_ids(monkeypatch):
    monkeypatch.setattr(audit, "BULK_IDS", 2)
    ids = list(Comune.objects.order_by("pk").values_list("pk", flat=True)[:5])
    entries = audit.log_bulk(Comune, ids, audit.CREATE)
    assert [e.additional_data["ids"] for e in entries] == [ids[:2], ids[2:4], ids[4:]]
    assert {e.additional_data["total"] for e in entries} == {5}


def test_the_requests_actor_is_taken_when_none_is_given(user_of):
    operator = user_of("operatore.insubria")
    comune = Comune.objects.order_by("pk").first()
    with set_actor(operator, remote_addr="192.0.2.7"):
        (entry,) = audit.log_bulk(Comune, [comune.pk], audit.UPDATE)
    entry.refresh_from_db()
    assert (entry.actor, entry.remote_addr) == (operator, "192.0.2.7")


def test_the_geography_refresh_logs_the_comuni_it_changes():
    comune = Comune.objects.order_by("pk").first()
    Comune.objects.filter(pk=comune.pk).update(population=1)
    since = last_entry()
    geography_load()
    (entry,) = bulk_entries(Comune, LogEntry.Action.UPDATE, since)
    assert entry.additional_data["ids"] == [comune.pk]
    assert entry.additional_data["fields"] == ["population"]
    # Loaded again: nothing changes, nothing is logged.
    since = last_entry()
    geography_load()
    assert not bulk_entries(Comune, LogEntry.Action.UPDATE, since)


def test_the_identifier_migrations_log_the_rows_they_rewrite(user_of):
    from equilibri.accounts.models import User

    user = user_of("cittadina")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE accounts_user SET email = %s WHERE id = %s",
            ["Cittadina@DEMO.equilibri.it", user.pk],
        )
    since = last_entry()
    normalise_stored(django_apps, "accounts.User", {"email": normalise_email})
    (entry,) = bulk_entries(User, LogEntry.Action.UPDATE, since)
    assert entry.additional_data["ids"] == [user.pk]
    assert entry.additional_data["fields"] == ["email"]
    assert "Cittadina" not in str(entry.additional_data) and entry.changes is None
    assert logged_ids(User, LogEntry.Action.UPDATE, since) == {user.pk}
