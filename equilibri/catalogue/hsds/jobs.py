"""The HSDS import as a background job: the web request stores the upload and enqueues
`services.tasks.run_hsds_import`; the task worker (`db_worker`) runs the import in a child
process under a memory ceiling, so that a file that needs too much memory fails alone, with a
clear report, instead of taking a web worker or the task worker down with it. The report (its
first errors) is the task's result, shown by the status page."""

import faulthandler
import logging
import multiprocessing
import os
import resource
import uuid
from multiprocessing.connection import Connection
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.db import connections
from django.utils.translation import gettext as _

from .interchange import ImportReport, import_hsds

logger = logging.getLogger(__name__)

UPLOADS = "hsds-imports"
# Errors kept with the result and shown on the status page (the count is always the full one).
SHOWN_ERRORS = 500
DEFAULT_MEMORY_MB = 4096
DEFAULT_TIMEOUT_SECONDS = 1800


def store_upload(upload: Any) -> str:
    """The upload saved in private storage (MEDIA_ROOT, never served): its storage name."""
    return default_storage.save(f"{UPLOADS}/{uuid.uuid4().hex}", upload)


def run(
    user_id: int, stored: str, source: str, dry_run: bool, partial: bool = False
) -> dict[str, Any]:
    """The task's body: the import of a stored upload, as the result the status page shows
    (`partial`: import what is valid, see `import_hsds`). The upload is deleted afterwards,
    whatever happened."""
    try:
        budget = int(getattr(settings, "HSDS_IMPORT_MEMORY_MB", DEFAULT_MEMORY_MB))
        seconds = int(getattr(settings, "HSDS_IMPORT_TIMEOUT_SECONDS", DEFAULT_TIMEOUT_SECONDS))
        args = (user_id, stored, source, dry_run, partial)
        if budget and _may_fork():
            outcome = with_memory_ceiling(_import_stored, args, budget, seconds or None)
        else:
            outcome = ("ok", _import_stored(*args))
    finally:
        default_storage.delete(stored)
    kind, value = outcome
    if kind == "ok":
        return value
    report = ImportReport(source=source, dry_run=dry_run)
    if kind == "memory":
        message = _(
            "L'importazione ha richiesto più memoria di quella consentita (%(mb)s MB) ed è "
            "stata interrotta: nulla è stato scritto. Dividi il file in parti più piccole."
        ) % {"mb": budget}
    elif kind == "timeout":
        message = _(
            "L'importazione ha superato il tempo massimo (%(minutes)s minuti) ed è stata "
            "interrotta: nulla è stato scritto. Dividi il file in parti più piccole."
        ) % {"minutes": max(1, round(seconds / 60))}
    else:
        message = _("L'importazione si è interrotta per un errore interno: nulla è stato scritto.")
    logger.error("hsds import failed", extra={"source": source, "outcome": kind, "error": value})
    report.error(f"{source}|", "", message)
    return _result(report)


def _import_stored(
    user_id: int, stored: str, source: str, dry_run: bool, partial: bool = False
) -> dict[str, Any]:
    user = get_user_model().objects.get(pk=user_id)
    with default_storage.open(stored, "rb") as fh:
        fh.name = source  # the report names the file as the user uploaded it
        return _result(import_hsds(fh, by=user, dry_run=dry_run, partial=partial))


def _result(report: ImportReport) -> dict[str, Any]:
    data = report.as_dict()
    data["error_count"] = len(data["errors"])
    data["errors"] = data["errors"][:SHOWN_ERRORS]
    data["refused_count"] = len(data["refused"])
    data["refused"] = data["refused"][:SHOWN_ERRORS]
    return data


def _may_fork() -> bool:
    """Whether a child process can do the import with its own connections: not in the middle of
    a transaction (db_worker runs tasks outside one; the immediate backend inside a request, or
    a test's transaction, does not), and not on an in-memory SQLite database (tests), which no
    other process can open. Otherwise the import runs in this process."""
    for connection in connections.all(initialized_only=True):
        if connection.in_atomic_block:
            return False
        in_memory = getattr(connection, "is_in_memory_db", lambda: False)  # SQLite's only
        if in_memory():
            return False
    return True


def with_memory_ceiling(
    func: Any, args: tuple, budget_mb: int, timeout: float | None = None
) -> tuple[str, Any]:
    """`func(*args)` in a forked child whose address space may grow by `budget_mb` MB past this
    process's size: ("ok", its value), ("memory", None) when it ran out (a MemoryError, or killed
    on an allocation a library could not survive), ("timeout", None) when it had not answered
    after `timeout` seconds (it is killed: its transaction, uncommitted, is rolled back by the
    database), ("error", text) otherwise. Either way this process carries on."""
    # Each process needs its own database connections: the child opens new ones.
    connections.close_all()
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(sender, func, args, budget_mb), daemon=True)
    child.start()
    sender.close()
    outcome: tuple[str, Any]
    try:
        if timeout is not None and not receiver.poll(timeout):
            child.kill()
            outcome = ("timeout", None)
        else:
            outcome = receiver.recv()
    except EOFError:  # it died without an answer: the kernel or an allocator killed it
        outcome = ("memory", f"exit code {child.exitcode}")
    finally:
        receiver.close()
        child.join()
    return outcome


def _address_space() -> int:
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[0]) * resource.getpagesize()
    except OSError:  # not Linux: the budget alone
        return 0


def _child(sender: Connection, func: Any, args: tuple, budget_mb: int) -> None:
    # An allocation that a library cannot survive (Rust aborts) ends the child: its outcome is
    # reported by the parent, a stack dump in the worker's log would only be noise. Rust asked
    # for a backtrace (RUST_BACKTRACE) would allocate again to take it, and hang.
    faulthandler.disable()
    os.environ["RUST_BACKTRACE"] = "0"
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    ceiling = _address_space() + budget_mb * 1024 * 1024
    if hard != resource.RLIM_INFINITY:
        ceiling = min(ceiling, hard)
    resource.setrlimit(resource.RLIMIT_AS, (ceiling, hard))
    try:
        outcome: tuple[str, Any] = ("ok", func(*args))
    except MemoryError:
        outcome = ("memory", None)
    except Exception as exc:
        outcome = ("error", repr(exc))
    finally:
        connections.close_all()
    sender.send(outcome)
    sender.close()
