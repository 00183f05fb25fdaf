"""`import_hsds`: an HSDS file into the catalogue, stage by stage (read, plan, compare, scope,
write), all or nothing in one transaction.
"""

import gc
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from ...services import revisions_import
from .compare import _existing_locations, _existing_plans
from .foreign import write_foreign_terms
from .planner import Planner
from .plans import Hex
from .providers import create_providers
from .read import _name_of, _size_of, read_source
from .report import ImportReport
from .scope import Decision, _clashes, _decide, import_scope
from .write import _reindex, _write

# The name its log lines have had since the import was one module.
logger = logging.getLogger("equilibri.catalogue.hsds.interchange")

DEFAULT_MAX_BYTES = 50 * 1024 * 1024


# SQLite: the page cache of the connection while an import writes (KiB). The settings' 32 MB
# hold the indexes of a catalogue of about 100,000 services; past that, every insert into the
# uuid, foreign-key and search indexes goes through pages the cache no longer holds. At
# 1,000,000 services, 1 GB made the import 293 s against 323 s (docs/performance.md). The
# cache takes memory only as it fills, and is set back after the import.
IMPORT_CACHE_KIB = 1024 * 1024


@contextmanager
def _write_cache() -> Iterator[None]:
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (before,) = cursor.fetchone()
        cursor.execute(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")


def import_hsds(
    source: Any, *, by: Any, dry_run: bool = False, partial: bool = False
) -> ImportReport:
    """Imports an HSDS file: a path (JSON file, zip of CSVs, folder of CSVs) or an open binary
    file (e.g. an upload). Validates everything, then writes all or nothing; `dry_run` only
    validates and counts. Returns the report (never raises for bad content). `by` is the staff
    user responsible (an ATS operator imports only for the organisations of their ATS network;
    a superuser or None - a system import - for any). `partial` ("import what is valid"):
    the records with a problem are left out, each reported with its reason and where it is
    (`report.refused`), and the others written; a file that cannot be read, or has nothing
    valid, is still refused whole."""
    # Millions of small objects live during an import: the cyclic garbage collector would scan
    # them again and again (nothing here makes cycles worth collecting early).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _import(source, by=by, dry_run=dry_run, partial=partial)
    finally:
        if collecting:
            gc.enable()


def _import(source: Any, *, by: Any, dry_run: bool, partial: bool) -> ImportReport:
    report = ImportReport(
        source=_name_of(source), dry_run=dry_run, by=str(by or ""), partial=partial
    )
    limit = getattr(settings, "HSDS_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES)
    size = _size_of(source)
    if size is not None and size > limit:
        report.error(
            f"{report.source}|",
            "",
            _("Il file è troppo grande (%(size)s byte; massimo %(limit)s).")
            % {"size": size, "limit": limit},
        )
        return report
    scope = import_scope(by)
    if scope.organisations is not None and not scope.organisations:
        report.error(
            f"{report.source}|", "", _("Solo gli operatori di rete ATS possono importare servizi.")
        )
        return report
    bundle = read_source(source, report)
    if not report.ok:
        return report
    planner = Planner(report, scope.organisations, scope.ats)
    plans = planner.plan(bundle)
    if not report.ok:
        if not partial:
            return report
        plans = planner.keep_valid(plans)
        if not plans and not planner.new_orgs:
            return report  # nothing valid: refused whole, as without `partial`
        report.set_aside()
    existing = _existing_plans([p.uuid for p in plans])
    existing_locations = _existing_locations(list(planner.locations))
    decision = _decide(plans, existing, planner, existing_locations, scope, partial)
    if not report.ok:
        if not partial:
            return report
        report.set_aside()
    done, retry = _write_all(report, planner, decision, existing, existing_locations, scope, by)
    if not done and partial and retry is not None and retry.plans:
        # The database refused ids of some records: once more without them.
        report.set_aside()
        done, retry = _write_all(report, planner, retry, existing, existing_locations, scope, by)
    if not done:
        return report
    if dry_run:
        return report
    report.written = True
    logger.info(
        "hsds import",
        extra={
            "source": report.source,
            "by": report.by,
            "services": vars(report.services),
            "locations": vars(report.locations),
        },
    )
    return report


def _write_all(
    report: ImportReport,
    planner: Planner,
    decision: Decision,
    existing: dict,
    existing_locations: dict,
    scope: Any,
    by: Any,
) -> tuple[bool, Decision | None]:
    """The write, in one transaction: (done, retry). Done when written (or rolled back, a dry
    run); otherwise the problem is reported and, when the database refused ids of the file,
    `retry` is the decision without the records that hold them, for "import what is valid"
    to write the rest."""
    dry_run = report.dry_run
    try:
        with _write_cache(), transaction.atomic():
            report.providers = create_providers(
                planner, decision.plans, decision.locations, by, report.source
            )
            written = _write(
                decision.plans, existing, decision.locations, existing_locations, report, by
            )
            write_foreign_terms(planner, written, by, report.source)
            if decision.revisions:
                revisions_import(proposals=decision.revisions, by=by, source=report.source)
            if dry_run:
                transaction.set_rollback(True)
            else:
                _reindex(written, planner)
    except ValidationError as exc:
        # A new provider the network's checks refused (e.g. a name it cannot take).
        report.error(
            f"{report.source}|",
            "organization",
            _("Scrittura annullata, nulla è cambiato: un ente nuovo non è valido (%(error)s).")
            % {"error": "; ".join(exc.messages)},
        )
        return False, None
    except (IntegrityError, ValueError) as exc:
        clashes = _clashes(decision, existing, existing_locations, scope)
        if clashes:
            planner.name_rows(clashes)
            return False, _without(decision, set(clashes))
        # E.g. an id of the file already used by another service's schedule or phone.
        report.error(
            f"{report.source}|",
            "id",
            _(
                "Scrittura annullata, nulla è cambiato: un identificativo del file è già usato "
                "da un altro oggetto del catalogo (%(error)s)."
            )
            % {"error": exc},
        )
        return False, None
    return True, None


def _without(decision: Decision, ids: set[Hex]) -> Decision:
    """The decision without the services and locations that hold any of these ids (their
    own, or one of their rows')."""

    def holds(rows: Any) -> bool:
        return any(row[0] in ids for row in rows)

    locations = {
        lid: plan
        for lid, plan in decision.locations.items()
        if lid not in ids and not holds(plan.phones)
    }
    plans = [
        p
        for p in decision.plans
        if p.uuid not in ids
        and all(lid in locations for _u, lid, _d in p.sals)
        and not any(
            holds(rows)
            for rows in (
                p.sals,
                p.schedules,
                p.closures,
                p.phones,
                p.contacts,
                p.languages,
                p.costs,
            )
        )
    ]
    return Decision(plans, locations, decision.revisions)
