import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
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
    # Not audited on purpose: job runs are their own log, the catalogue version is a counter
    # bumped by every catalogue change (the change itself is audited), and survey responses are
    # anonymous (an audit entry would keep the respondent's address beside them).
    unaudited = {
        apps.get_model("core", "JobRun"),
        apps.get_model("services", "CatalogueVersion"),
        *(apps.get_model("surveys", name) for name in ("ResponseToken", "Response", "Answer")),
    }
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


def _media(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def _uploaded_rows() -> dict[str, str]:
    from equilibri.calls.models import CallDocument
    from equilibri.vouchers.models import ExpenseLine

    return {
        **{f"receipt {pk}": name for pk, name in ExpenseLine.objects.values_list("pk", "file")},
        **{f"document {pk}": name for pk, name in CallDocument.objects.values_list("pk", "file")},
    }


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_backup_then_restore_brings_back_every_row_and_every_uploaded_file(tmp_path, settings):
    """The drill: rows with uploaded files, a backup, changes and deletions, a damaged archive
    refused without changing anything, then the restore of the database and the files."""
    from django.core.files.base import ContentFile

    from equilibri.calls.models import Call, CallDocument
    from equilibri.vouchers.models import ExpenseLine

    media = tmp_path / "media"
    settings.MEDIA_ROOT = media
    receipt = ExpenseLine.objects.order_by("pk").first()
    assert receipt is not None
    receipt.file.save("ricevuta.pdf", ContentFile(b"%PDF-1.4\nricevuta originale\n%%EOF\n"))
    document = CallDocument.objects.create(
        call=Call.objects.order_by("pk").first(),
        title="Testo del bando",
        file=ContentFile(b"%PDF-1.4\ntesto del bando\n%%EOF\n", name="bando.pdf"),
    )
    rows, files, uploaded = _row_counts(), _media(media), _uploaded_rows()
    assert rows["territory.Comune"] == 1502 and rows["accounts.User"] > 10
    assert set(files) == {receipt.file.name, document.file.name}

    path = tmp_path / "backup.tar"
    call_command("backup", str(path))
    with tarfile.open(path) as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile("manifest.json"))  # type: ignore[arg-type]
    assert {f"media/{name}" for name in files} <= set(names)
    assert manifest["database"]["engine"] == connection.vendor
    assert "0001_initial" in manifest["migrations"]["vouchers"]
    listed = {m["path"]: m for m in manifest["members"]}
    receipt_bytes = files[receipt.file.name]
    assert listed[f"media/{receipt.file.name}"] == {
        "path": f"media/{receipt.file.name}",
        "size": len(receipt_bytes),
        "sha256": hashlib.sha256(receipt_bytes).hexdigest(),
    }

    # Changes after the backup: a file rewritten, a document deleted with its file, a new upload,
    # rows deleted and added.
    (media / receipt.file.name).write_bytes(b"%PDF-1.4\naltro\n%%EOF\n")
    document.file.delete(save=False)
    document.delete()
    (media / "vouchers" / "dopo-il-backup.pdf").write_bytes(b"%PDF-1.4\n")
    OrganisationRole.objects.all().delete()
    User.objects.create_user("dopo.il.backup@example.org", "x" * 12)
    changed_rows, changed_files = _row_counts(), _media(media)
    assert changed_rows != rows and changed_files != files

    # One byte of the receipt flipped inside the archive: refused, nothing touched.
    damaged = bytearray(path.read_bytes())
    at = damaged.index(b"ricevuta originale")
    damaged[at] ^= 0x20
    (tmp_path / "damaged.tar").write_bytes(damaged)
    with pytest.raises(CommandError, match=r"checksum mismatch.*Nothing was changed"):
        call_command("restore", str(tmp_path / "damaged.tar"), "--yes")
    assert _row_counts() == changed_rows
    assert _media(media) == changed_files

    call_command("restore", str(path), "--yes")
    connection.close()
    assert _row_counts() == rows
    assert _uploaded_rows() == uploaded
    assert _media(media) == files
    assert not User.objects.filter(email="dopo.il.backup@example.org").exists()
    assert not list(tmp_path.glob(".restore-*"))  # the staging folder is gone


def _archive(path: Path, members: list[tuple[tarfile.TarInfo, bytes]]) -> Path:
    manifest = {
        "format": "equilibri-backup",
        "version": 1,
        "created_at": "2026-01-01T00:00:00+00:00",
        "database": {"engine": connection.vendor, "path": "database.sqlite3"},
        "migrations": {},
        "members": [
            {"path": info.name, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
            for info, data in members
        ],
    }
    body = json.dumps(manifest).encode()
    with tarfile.open(path, "w") as tar:
        for info, data in [*members, (tarfile.TarInfo("manifest.json"), body)]:
            info.size = len(data) if info.isreg() else 0
            tar.addfile(info, io.BytesIO(data) if info.isreg() else None)
    return path


@pytest.mark.parametrize(
    "name, kind",
    [
        ("media/../../evil.txt", tarfile.REGTYPE),
        ("/tmp/evil.txt", tarfile.REGTYPE),
        ("../evil.txt", tarfile.REGTYPE),
        ("media/link", tarfile.SYMTYPE),
        ("media/hard", tarfile.LNKTYPE),
        ("evil.txt", tarfile.REGTYPE),
    ],
)
@pytest.mark.django_db
def test_restore_refuses_unsafe_members_before_touching_anything(tmp_path, settings, name, kind):
    settings.MEDIA_ROOT = media = tmp_path / "state" / "media"
    media.mkdir(parents=True)
    (media / "kept.pdf").write_bytes(b"kept")
    users = User.objects.count()
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = "/etc/passwd"
    path = _archive(tmp_path / "hostile.tar", [(info, b"evil")])
    with pytest.raises(CommandError, match=r"unsafe member name|not a regular file"):
        call_command("restore", str(path), "--yes")
    assert _media(media) == {"kept.pdf": b"kept"}
    assert User.objects.count() == users
    assert not list(tmp_path.rglob("evil.txt"))
    assert [p.name for p in (tmp_path / "state").iterdir()] == ["media"]


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
