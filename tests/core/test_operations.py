import os
import subprocess
import sys
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection

from equilibri.accounts.models import User
from equilibri.core.audit import log_personal_data_read
from equilibri.core.models import JobRun
from equilibri.network.models import Organisation, OrganisationRole

ROOT = Path(__file__).resolve().parents[2]


def test_check_deploy_reports_nothing_with_production_settings(tmp_path):
    env = {
        **os.environ,
        "SECRET_KEY": "x7-" + "k" * 20 + "production-only-secret-with-enough-entropy-12345",
        "DEBUG": "0",
        "HTTPS": "1",
        "ALLOWED_HOSTS": "equilibri.example.org",
        "VAR_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "-m", "equilibri", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_postgresql_settings_turn_jit_off_and_keep_the_urls_own_options():
    url = "postgres://u@db.example.org/equilibri?options=-c%20statement_timeout%3D5000"
    code = (
        "from django.conf import settings; "
        "print(settings.DATABASES['default']['OPTIONS']['options'])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "equilibri.settings"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.split() == ["-c", "jit=off", "-c", "statement_timeout=5000"]


@pytest.mark.django_db
def test_postgresql_connections_do_not_jit_compile():
    # A search over a million services spent 0.55 s compiling (docs/performance.md, note 8).
    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL setting")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


def test_every_project_model_is_audited():
    # Not audited on purpose: job runs are their own log, and the catalogue version is a
    # counter bumped by every catalogue change (the change itself is audited).
    unaudited = {apps.get_model("core", "JobRun"), apps.get_model("services", "CatalogueVersion")}
    project_models = [
        m for m in apps.get_models() if m.__module__.startswith("equilibri.") and m not in unaudited
    ]
    assert project_models
    missing = [m.__name__ for m in project_models if not auditlog.contains(m)]
    assert not missing


@pytest.mark.django_db
def test_personal_data_reads_are_logged(user_of):
    citizen, operator = user_of("cittadina"), user_of("operatore.insubria")
    entry = log_personal_data_read(
        citizen, actor=operator, fields=["email", "last_name"], purpose="verifica domanda"
    )
    entry.refresh_from_db()
    assert entry.action == LogEntry.Action.ACCESS
    assert entry.actor == operator
    assert entry.additional_data == {
        "fields": ["email", "last_name"],
        "purpose": "verifica domanda",
    }


@pytest.mark.django_db
def test_load_demo_refuses_without_demo_mode(settings):
    settings.DEMO = False
    with pytest.raises(CommandError, match="DEMO=1"):
        call_command("load_demo")


@pytest.mark.django_db
def test_load_demo_twice_changes_nothing(settings):
    settings.DEMO = True
    before = (User.objects.count(), Organisation.objects.count(), LogEntry.objects.count())
    call_command("load_demo", quiet_accounts=True, verbosity=0)
    assert (User.objects.count(), Organisation.objects.count(), LogEntry.objects.count()) == before


@pytest.mark.django_db
def test_scheduler_enqueues_due_jobs_once():
    from equilibri.core.management.commands.scheduler import run_due_jobs
    from equilibri.core.periodic import jobs

    registered = {job.name for job in jobs()}
    assert {"clear_expired_sessions", "prune_login_attempts"} <= registered
    assert set(run_due_jobs()) == registered
    assert run_due_jobs() == []
    assert JobRun.objects.filter(last_run__isnull=False).count() == len(registered)


def _row_counts() -> dict[str, int]:
    return {
        m._meta.label: m.objects.count()
        for m in apps.get_models()
        if m._meta.managed and not m._meta.proxy
    }


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_backup_then_restore_finds_every_row_again(tmp_path):
    before = _row_counts()
    assert before["territory.Comune"] == 1502 and before["accounts.User"] > 10
    path = tmp_path / ("backup.sqlite3" if connection.vendor == "sqlite" else "backup.dump")
    call_command("backup", str(path))
    assert path.stat().st_size > 0

    OrganisationRole.objects.all().delete()
    User.objects.create_user("dopo.il.backup@example.org", "x" * 12)
    assert _row_counts() != before

    call_command("restore", str(path), "--yes")
    connection.close()
    assert _row_counts() == before
    assert not User.objects.filter(email="dopo.il.backup@example.org").exists()


@pytest.mark.django_db
def test_restore_needs_confirmation_and_a_real_backup(tmp_path):
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(tmp_path / "x"))
    with pytest.raises(CommandError, match="is not a file"):
        call_command("restore", str(tmp_path / "missing"), "--yes")
    if connection.vendor == "sqlite":
        junk = tmp_path / "junk.sqlite3"
        junk.write_text("not a database")
        with pytest.raises(CommandError, match="not an SQLite backup"):
            call_command("restore", str(junk), "--yes")
