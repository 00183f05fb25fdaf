"""Backup and restore of the whole instance: the database and the uploaded files.

A backup is ONE tar archive (gzip-compressed when its name ends in .gz or .tgz) holding
- the database: SQLite `VACUUM INTO` (a consistent copy while the site keeps running) as
  `database.sqlite3`, or PostgreSQL `pg_dump -Fc` as `database.dump`;
- every file under MEDIA_ROOT (receipts, attachments, call and meeting documents) as `media/…`,
  because rows reference them: a database without its files is not a backup;
- `manifest.json`: format version, creation time, database engine, the applied Django migrations,
  and each member's path, size and SHA-256.

The database is dumped first, then the files: a file a dumped row refers to already exists (files
are written under new names, never changed in place).

Restore reads the whole archive into a staging folder beside MEDIA_ROOT, refusing unsafe members
(absolute paths, `..`, links, devices, duplicates) and checking every size and checksum against the
manifest BEFORE touching anything; only then it restores the database (SQLite's online backup API,
or `pg_restore --clean --single-transaction`) and swaps the staged media folder in for MEDIA_ROOT.

Older backups (a bare SQLite file or pg_dump file, from before the archive) are still restored:
their database only, the files in MEDIA_ROOT are left as they are.
"""

import datetime
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO

from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

FORMAT = "equilibri-backup"
VERSION = 1
MANIFEST = "manifest.json"
MEDIA = "media"
DATABASE_MEMBER = {"sqlite": "database.sqlite3", "postgresql": "database.dump"}
CHUNK = 1 << 20


class BackupError(Exception):
    pass


def _pg_env() -> tuple[list[str], dict[str, str]]:
    s = connection.settings_dict
    args = ["--host", s["HOST"] or "localhost", "--username", s["USER"] or "postgres"]
    if s["PORT"]:
        args += ["--port", str(s["PORT"])]
    env = {**os.environ}
    if s["PASSWORD"]:
        env["PGPASSWORD"] = s["PASSWORD"]
    return args, env


def _run(command: list[str], env: dict[str, str]) -> None:
    try:
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    except FileNotFoundError as exc:
        raise BackupError(f"{command[0]} is not installed") from exc
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()}")


def _dump_database(path: Path) -> None:
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM INTO %s", [str(path)])
    elif connection.vendor == "postgresql":
        args, env = _pg_env()
        _run(
            [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                *args,
                "--file",
                str(path),
                connection.settings_dict["NAME"],
            ],
            env,
        )
    else:
        raise BackupError(f"backups of {connection.vendor} are not supported")


def _restore_database(path: Path) -> None:
    if connection.vendor == "sqlite":
        try:
            source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            source.execute("PRAGMA schema_version").fetchone()
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"{path} is not an SQLite backup: {exc}") from exc
        connection.ensure_connection()
        try:
            source.backup(connection.connection)
        finally:
            source.close()
    elif connection.vendor == "postgresql":
        args, env = _pg_env()
        connection.close()  # pg_restore --clean drops objects this connection may hold
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                *args,
                "--dbname",
                connection.settings_dict["NAME"],
                str(path),
            ],
            env,
        )
    else:
        raise BackupError(f"restores of {connection.vendor} are not supported")


def _applied_migrations() -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app, name in sorted(MigrationRecorder(connection).applied_migrations()):
        applied.setdefault(app, []).append(name)
    return applied


class _Hashing:
    """A file object that hashes and counts what is read through it (tarfile reads each member's
    bytes once, so a file is checksummed exactly as it is written into the archive)."""

    def __init__(self, raw: IO[bytes]):
        self.raw, self.sha256, self.size = raw, hashlib.sha256(), 0

    def read(self, n: int = -1) -> bytes:
        data = self.raw.read(n)
        self.sha256.update(data)
        self.size += len(data)
        return data


def _add(tar: tarfile.TarFile, source: Path, name: str) -> dict:
    info = tarfile.TarInfo(name)
    with source.open("rb") as raw:
        info.size = os.fstat(raw.fileno()).st_size
        info.mtime = int(source.stat().st_mtime)
        info.mode = 0o600
        hashing = _Hashing(raw)
        tar.addfile(info, hashing)
    if hashing.size != info.size:
        raise BackupError(f"{source} changed while it was being backed up")
    return {"path": name, "size": info.size, "sha256": hashing.sha256.hexdigest()}


def _media_files(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    # Regular files only: links could point outside the media folder.
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())


def backup_to(path: Path) -> Path:
    """Writes the archive to `path` (first as `<path>.partial`, renamed when complete)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        raise BackupError(f"{path} already exists")
    if connection.vendor not in DATABASE_MEMBER:
        raise BackupError(f"backups of {connection.vendor} are not supported")
    mode = "w:gz" if path.name.endswith((".gz", ".tgz")) else "w"
    partial = path.with_name(path.name + ".partial")
    media_root = Path(settings.MEDIA_ROOT)
    try:
        with tempfile.TemporaryDirectory(dir=path.parent) as work:
            dump = Path(work) / DATABASE_MEMBER[connection.vendor]
            _dump_database(dump)
            with tarfile.open(partial, mode) as tar:  # type: ignore[call-overload]
                members = [_add(tar, dump, dump.name)]
                for file in _media_files(media_root):
                    name = f"{MEDIA}/{file.relative_to(media_root).as_posix()}"
                    members.append(_add(tar, file, name))
                manifest = {
                    "format": FORMAT,
                    "version": VERSION,
                    "created_at": datetime.datetime.now(datetime.UTC).isoformat(),
                    "database": {"engine": connection.vendor, "path": dump.name},
                    "migrations": _applied_migrations(),
                    "members": members,
                }
                data = json.dumps(manifest, indent=1, sort_keys=True).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mode = len(data), 0o600
                info.mtime = int(datetime.datetime.now(datetime.UTC).timestamp())
                tar.addfile(info, io.BytesIO(data))
        partial.rename(path)
    finally:
        partial.unlink(missing_ok=True)
    return path


def _safe_name(name: str) -> PurePosixPath:
    """The member's path if it is one this format writes (the manifest, a database file or a file
    under media/) and stays inside the staging folder; BackupError otherwise."""
    path = PurePosixPath(name)
    parts = name.split("/")
    if (
        "\\" in name
        or "\x00" in name
        or path.is_absolute()
        or any(part in ("", ".", "..") for part in parts)
        or not (
            (len(parts) == 1 and name in (MANIFEST, *DATABASE_MEMBER.values()))
            or (len(parts) > 1 and parts[0] == MEDIA)
        )
    ):
        raise BackupError(f"unsafe member name in the archive: {name!r}")
    return path


@dataclass
class Restored:
    """What `restore_from` did: the archive's manifest (None for a database-only backup) and the
    migrations this code has that the restored database lacks (run `migrate`)."""

    manifest: dict | None
    missing_migrations: list[str] = field(default_factory=list)
    media_files: int = 0


def _read_archive(path: Path, staging: Path) -> dict:
    """Unpacks the archive into `staging`, refusing unsafe members, and checks it against its
    manifest. Nothing outside `staging` is written."""
    seen: dict[str, dict] = {}
    manifest = None
    try:
        with tarfile.open(path, "r:*") as tar:
            for member in tar:
                name = _safe_name(member.name)
                if not member.isreg():
                    raise BackupError(f"the archive member {member.name!r} is not a regular file")
                if member.name in seen or (member.name == MANIFEST and manifest is not None):
                    raise BackupError(f"the archive holds {member.name!r} twice")
                source = tar.extractfile(member)
                assert source is not None  # a regular file
                if member.name == MANIFEST:
                    manifest = _parse_manifest(source.read(CHUNK * 16))
                    continue
                target = staging.joinpath(*name.parts)
                target.parent.mkdir(parents=True, exist_ok=True)
                digest, size = hashlib.sha256(), 0
                with target.open("xb") as out:
                    while chunk := source.read(CHUNK):
                        digest.update(chunk)
                        size += len(chunk)
                        out.write(chunk)
                seen[member.name] = {"size": size, "sha256": digest.hexdigest()}
    except (tarfile.TarError, OSError, EOFError, zlib.error) as exc:
        raise BackupError(f"{path} is damaged or not a backup archive: {exc}") from exc
    if manifest is None:
        raise BackupError(f"{path} has no {MANIFEST}: not an Equilibri backup")
    listed = {m["path"]: m for m in manifest["members"]}
    if set(listed) != set(seen):
        extra, missing = sorted(set(seen) - set(listed)), sorted(set(listed) - set(seen))
        raise BackupError(
            f"the archive does not match its manifest: missing {missing}, extra {extra}"
        )
    for member_name, found in seen.items():
        expected = listed[member_name]
        if (found["size"], found["sha256"]) != (expected["size"], expected["sha256"]):
            raise BackupError(f"checksum mismatch for {member_name}: the archive is damaged")
    if manifest["database"]["path"] not in seen:
        raise BackupError("the archive has no database")
    return manifest


def _parse_manifest(data: bytes) -> dict:
    try:
        manifest = json.loads(data)
        ok = (
            manifest["format"] == FORMAT
            and isinstance(manifest["members"], list)
            and all(
                isinstance(m["path"], str) and isinstance(m["size"], int) and m["sha256"]
                for m in manifest["members"]
            )
            and isinstance(manifest["database"]["path"], str)
            and isinstance(manifest["migrations"], dict)
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise BackupError(f"the manifest is not valid: {exc}") from exc
    if not ok:
        raise BackupError("the manifest is not valid")
    if manifest.get("version") != VERSION:
        raise BackupError(
            f"backup format version {manifest.get('version')} is not supported "
            f"(this version reads {VERSION})"
        )
    return manifest


def _known_migrations() -> set[tuple[str, str]]:
    return set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)


def _unapplied_migrations() -> list[str]:
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]


def restore_from(path: Path) -> Restored:
    if not path.is_file():
        raise BackupError(f"{path} is not a file")
    if not tarfile.is_tarfile(path):
        # A database-only backup made before the archive format.
        _restore_database(path)
        return Restored(manifest=None)
    media_root = Path(settings.MEDIA_ROOT)
    media_root.parent.mkdir(parents=True, exist_ok=True)
    # Staged beside MEDIA_ROOT, so that the swap at the end is a rename on one file system.
    staging = Path(tempfile.mkdtemp(prefix=".restore-", dir=media_root.parent))
    try:
        manifest = _read_archive(path, staging)
        engine = manifest["database"]["engine"]
        if engine != connection.vendor:
            raise BackupError(
                f"this backup is of a {engine} database; this instance runs on {connection.vendor}"
            )
        known = _known_migrations()
        backed_up = {(app, name) for app, names in manifest["migrations"].items() for name in names}
        unknown = sorted(f"{app}.{name}" for app, name in backed_up - known)
        if unknown:
            raise BackupError(
                "the backup was made by a newer version (migrations unknown here: "
                f"{', '.join(unknown[:5])}): deploy that version, then restore"
            )
        # Everything checked: from here on the live data is replaced.
        _restore_database(staging / manifest["database"]["path"])
        staged_media = staging / MEDIA
        staged_media.mkdir(exist_ok=True)
        previous = staging / "previous-media"
        if media_root.exists():
            media_root.rename(previous)
        staged_media.rename(media_root)
        files = sum(1 for m in manifest["members"] if m["path"].startswith(f"{MEDIA}/"))
        return Restored(
            manifest=manifest, missing_migrations=_unapplied_migrations(), media_files=files
        )
    finally:
        shutil.rmtree(staging, ignore_errors=True)
