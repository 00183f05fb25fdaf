#!/usr/bin/env python
"""Search benchmark: a Lombardy-scale synthetic catalogue in a throwaway database, the raw engine
statement against the real production server (gunicorn), and throughput at 8 connections.

    .venv/bin/python bench/search.py                       # SQLite, 100,000 services
    .venv/bin/python bench/search.py --postgres            # the same on a throwaway PostgreSQL
    .venv/bin/python bench/search.py --services 1000000    # 1M services
    .venv/bin/python bench/search.py --services 5000 --duration 5   # a quick check

It prints figures, it is not a test: see docs/performance.md for the method and the targets.
It never touches the development database: SQLite goes to a temporary directory (deleted at the
end unless --keep), PostgreSQL to a throwaway cluster (scripts/with-postgres.sh), and an existing
database that already has tables is refused.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
sys.path.insert(0, str(BENCH_DIR))

from catalogue import (  # noqa: E402
    BenchQuery,
    Generator,
    Geography,
    query_mix,
)
from http_client import Connection, each_once, load  # noqa: E402

TARGETS = {
    # (database, scale) -> targets of issue 4, item 9
    "100k": {"p50_over_raw_ms": 2.0, "p95_ratio": 1.5, "rps": 800, "p95_ms": 25, "import_s": 30},
    "1M": {"rps": 100, "import_s": 180},
}


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--services", type=int, default=100_000, help="catalogue size (100000)")
    p.add_argument("--queries", type=int, default=1000, help="size of the query mix (1000)")
    p.add_argument("--connections", type=int, default=8, help="concurrent connections (8)")
    p.add_argument("--duration", type=float, default=20.0, help="seconds per throughput run (20)")
    p.add_argument("--max-requests", type=int, default=200_000, help="bound of each throughput run")
    p.add_argument(
        "--latency-budget",
        type=float,
        default=240.0,
        help="stop the per-query latency phase after this many seconds (240)",
    )
    p.add_argument("--postgres", action="store_true", help="run on a throwaway PostgreSQL")
    p.add_argument("--seed", type=int, default=2026)
    p.add_argument(
        "--import",
        dest="import_mode",
        choices=["auto", "hsds", "bulk"],
        default="auto",
        help="auto: the HSDS importer if available, else bulk_create + reindex",
    )
    p.add_argument(
        "--workers",
        type=int,
        default=int(os.environ.get("WEB_WORKERS", str(os.cpu_count() or 2))),
        help="gunicorn workers (WEB_WORKERS; one per core, as scripts/serve.sh)",
    )
    p.add_argument(
        "--threads",
        type=int,
        default=int(os.environ.get("WEB_THREADS", "4")),
        help="threads per gunicorn worker (WEB_THREADS, 4 as scripts/serve.sh)",
    )
    p.add_argument(
        "--hsds-file-size",
        type=int,
        default=100_000,
        help="services per HSDS file for the import (100000)",
    )
    p.add_argument(
        "--code-dir",
        type=Path,
        help="run the platform from a scratch copy of the tree (to measure a candidate fix)",
    )
    p.add_argument("--gunicorn-args", default="", help="extra gunicorn options, for experiments")
    p.add_argument("--static-root", help="reuse collected static files (default: collect anew)")
    p.add_argument(
        "--profile",
        type=int,
        default=0,
        metavar="N",
        help="also profile N view and N API requests in-process (cProfile, query counts)",
    )
    p.add_argument(
        "--profile-import", action="store_true", help="cProfile the HSDS import (slower)"
    )
    p.add_argument(
        "--hsds-files",
        type=Path,
        help="import the HSDS files of this folder, made by `imports.py prepare` with the same"
        " --services and --seed, instead of writing and exporting the catalogue first",
    )
    p.add_argument("--skip-http", action="store_true", help="only the import and raw queries")
    p.add_argument(
        "--no-reference",
        action="store_true",
        help="skip the dedicated-engine reference (tantivy, bench/reference.py)",
    )
    p.add_argument(
        "--reference-budget",
        type=float,
        default=300.0,
        help="stop the reference phase (statement and reference, query by query) after this"
        " many seconds (300)",
    )
    p.add_argument("--keep", action="store_true", help="keep the temporary directory")
    p.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    return p.parse_args()


# --- Small helpers ---------------------------------------------------------------------------


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


def pcts(values: list[float]) -> dict[str, float]:
    return {f"p{p}": round(percentile(values, p), 2) for p in (50, 95, 99)}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Clock:
    def __init__(self, label: str):
        self.label = label

    def __enter__(self):
        print(f"… {self.label}", flush=True)
        self.t0 = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.t0
        print(f"  {self.label}: {self.seconds:.1f} s", flush=True)


def machine() -> dict:
    mem_kb = 0
    try:
        with open("/proc/meminfo") as fh:
            mem_kb = int(fh.readline().split()[1])
    except OSError:
        pass
    cpu = platform.processor()
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    load1 = os.getloadavg()[0]
    return {
        "cpus": os.cpu_count(),
        "cpu_model": cpu,
        "memory_gb": round(mem_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "loadavg_1min_at_start": round(load1, 2),
    }


# --- Database set-up -------------------------------------------------------------------------


def configure_environment(args: argparse.Namespace, tmp: Path) -> dict[str, str]:
    """Environment for this process and for gunicorn: the throwaway database, DEBUG off."""
    url = os.environ.get("DATABASE_URL", "")
    if args.postgres:
        if not url.startswith("postgres"):
            raise SystemExit("--postgres needs DATABASE_URL of a throwaway cluster")
    else:
        url = f"sqlite:///{tmp / 'bench.sqlite3'}"
    return platform_environment(tmp, url)


def platform_environment(folder: Path, database_url: str) -> dict[str, str]:
    """The platform's settings for a benchmark database (`folder/var` for its files), set in
    this process's environment too; returned for the server's."""
    env = {
        "DJANGO_SETTINGS_MODULE": "equilibri.settings",
        "DEBUG": "0",
        "DEMO": "0",
        "HTTPS": "0",
        "VAR_DIR": str(folder / "var"),
        "SECRET_KEY": os.urandom(24).hex(),
        "EMAIL_URL": "locmem:",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        # An HSDS file of 100k services is far larger than an ordinary upload.
        "HSDS_IMPORT_MAX_BYTES": str(20 * 1024**3),
        "HSDS_IMPORT_MAX_UNCOMPRESSED_BYTES": str(20 * 1024**3),
        "HSDS_IMPORT_MAX_OBJECTS": str(10**9),
        "DATABASE_URL": database_url,
    }
    (folder / "var").mkdir(parents=True, exist_ok=True)
    os.environ.update(env)
    return env


def refuse_non_empty_database() -> None:
    from django.db import connection

    if connection.introspection.table_names():
        raise SystemExit(
            f"Refusing to run: the database {connection.settings_dict['NAME']} already has "
            "tables. The benchmark only runs on a new, empty database."
        )


def prepare_database() -> tuple[Geography, dict[int, str], dict[str, int]]:
    from django.core.management import call_command

    from equilibri.catalogue.models import TaxonomyTerm
    from equilibri.territory.models import Comune

    with Clock("migrate"):
        call_command("migrate", verbosity=0, interactive=False)
    with Clock("load_geography"):
        call_command("load_geography", verbosity=0)
    rows = list(
        Comune.objects.order_by("pk").values_list(
            "pk", "name", "province", "lat", "lon", "population", "istat_code"
        )
    )
    geo = Geography([(r[0], r[1], r[2], float(r[3]), float(r[4]), r[5]) for r in rows])
    istat = {r[0]: r[6] for r in rows}
    terms = dict(TaxonomyTerm.objects.values_list("code", "pk"))
    print(f"  {len(rows)} comuni, {len(terms)} taxonomy terms")
    return geo, istat, terms


def make_organisations(gen: Generator, n: int) -> list[dict]:
    from importing import reset_sequences

    from equilibri.network.models import Organisation

    orgs = gen.organisations(n, first_id=1)
    Organisation.objects.bulk_create([Organisation(**o) for o in orgs], batch_size=2000)
    reset_sequences([Organisation])
    return orgs


# --- Import ----------------------------------------------------------------------------------


def import_catalogue(args, gen: Generator, orgs: list[dict], tmp: Path) -> dict:
    """The measured import. With the HSDS importer (default when it exists): the catalogue is
    written once in bulk, exported as HSDS JSON files (the platform's own export, so the format is
    the importer's), the catalogue tables emptied, and then the files are imported with
    `import_hsds` — that last step is the import time. Without it: bulk_create of every table
    plus `reindex_services()`, timed."""
    import importing

    importer = importing.find_hsds_importer() if args.import_mode in {"auto", "hsds"} else None
    if importer is None and args.import_mode == "hsds":
        raise SystemExit("--import hsds: the HSDS importer (import_hsds) is not available")
    if args.hsds_files is not None:
        # Files made before by `imports.py prepare` (same --services and --seed: the
        # organisations just made are theirs): the hour of writing and exporting 1M is skipped.
        if importer is None:
            raise SystemExit("--hsds-files: the HSDS importer (import_hsds) is not available")
        importing.check_made_with(args.hsds_files, args.services, args.seed)
        files = sorted(args.hsds_files.glob("*.json"))
        if not files:
            raise SystemExit(f"--hsds-files: no HSDS files in {args.hsds_files}")
        made: dict = {"files_made_before": True}
    else:
        with Clock("bulk write (generation excluded)"):
            bulk = importing.bulk_write(gen, args.services, orgs)
        if importer is None:
            with Clock("search index (reindex_services)"):
                index_s = importing.reindex_all()
            return {
                "mode": "bulk_create + reindex_services (the HSDS importer was not used)",
                "rows": bulk["rows"],
                "generate_s": bulk["generate_s"],
                "write_s": bulk["write_s"],
                "index_s": index_s,
                "seconds": round(bulk["write_s"] + index_s, 1),
            }
        with Clock("HSDS export to files (not part of the import time)"):
            files, export_s = importing.export_files(tmp / "hsds", per_file=args.hsds_file_size)
        importing.wipe_catalogue()
        made = {
            "rows": bulk["rows"],
            "generate_s": bulk["generate_s"],
            "bulk_write_s": bulk["write_s"],
            "export_s": export_s,
        }
    with Clock(f"HSDS import of {len(files)} file(s) with import_hsds"):
        result = importing.hsds_import(importer, files, profile=args.profile_import)
    result.update(
        made,
        files=len(files),
        file_mb=round(sum(f.stat().st_size for f in files) / 1024**2, 1),
    )
    return result


# --- Queries ---------------------------------------------------------------------------------


def search_plans(mix: list[BenchQuery]) -> list:
    """The search view's query for each query of the mix, planned as the platform plans it
    (`catalogue.search.plan`: concepts, weights, filters understood in the text)."""
    from equilibri.catalogue.public_views import PER_PAGE
    from equilibri.catalogue.search import SearchQuery, plan
    from equilibri.territory.models import Comune

    comuni = Comune.objects.in_bulk([q.comune_id for q in mix if q.comune_id])
    return [
        plan(
            SearchQuery(
                per_page=PER_PAGE,
                text=q.text,
                category=q.category,
                comune=comuni[q.comune_id] if q.comune_id else None,
                radius_km=float(q.radius_km) if q.radius_km else None,
            )
        )
        for q in mix
    ]


def search_queries(plans: list) -> list:
    """The search view's engine statement for each planned query, (sql, params): its page
    size, with the result cards' columns the view asks the statement for."""
    from django.db import connection

    from equilibri.catalogue.cards import card_columns
    from equilibri.catalogue.search import raw_search_sql

    columns = card_columns(connection.vendor)
    return [raw_search_sql(p.query, columns, p) for p in plans]


def api_queries(mix: list[BenchQuery], term_uuids: dict[str, str]) -> list:
    """The HSDS API's own engine statement for each query, (sql, params) — its page size, its
    postcode lookup, the list form's columns — built by the API's code from the URL the
    benchmark requests; None where the API does not use the engine."""
    from django.test import RequestFactory

    from equilibri.catalogue.hsds import api
    from equilibri.catalogue.hsds import serializers as ser

    factory = RequestFactory()
    out = []
    for q in mix:
        request = factory.get(api_path(q, term_uuids))
        params = api.Params.parse(request)
        filters = api.ServiceFilters.parse(request, params)
        if not api._use_engine(filters):
            out.append(None)
            continue
        columns = ser.list_columns() if api.list_from_engine(filters, params) else ""
        out.append(api.engine_statement(filters, params.page, params.per_page, columns))
    return out


def view_path(q: BenchQuery, istat: dict[int, str]) -> str:
    params = {"q": q.text}
    if q.category:
        params["categoria"] = q.category
    if q.comune_id:
        params["comune"] = istat[q.comune_id]
        params["raggio"] = str(q.radius_km)
    return "/servizi/?" + urlencode(params)


def api_path(q: BenchQuery, term_uuids: dict[str, str]) -> str:
    params = {"search": q.text}
    if q.category:
        params["taxonomy_term_id"] = term_uuids[q.category]
    if q.comune_id:
        params["postcode"] = q.postcode or ""
        params["proximity"] = str(q.radius_km * 1000)  # HSDS: metres
    return "/api/hsds/services?" + urlencode(params)


def run_raw(cursor, statement: tuple[str, list]) -> tuple[float, int] | None:
    """Times one engine statement: (ms, rows), None when the database refused it."""
    from django.db import DatabaseError

    sql, params = statement
    try:
        t0 = time.perf_counter()
        cursor.execute(sql, params)
        rows = cursor.fetchall()
        return (time.perf_counter() - t0) * 1000, len(rows)
    except DatabaseError as exc:
        RAW_ERRORS.append(f"{type(exc).__name__}: {str(exc).splitlines()[0]}")
        return None


RAW_ERRORS: list[str] = []


def time_raw(queries: list) -> tuple[list[float], list[int]]:
    from django.db import connection

    times, counts = [], []
    with connection.cursor() as cursor:
        for sq in queries:
            timed = run_raw(cursor, sq)
            if timed is not None:
                times.append(timed[0])
                counts.append(timed[1])
    return times, counts


# --- The dedicated-engine reference ---------------------------------------------------------


def index_sizes() -> dict:
    """Bytes of the platform's search index: SQLite's FTS5 table (all its shadow tables, and
    the copy of the stemmed text among them); PostgreSQL's table and its GIN index."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT pg_total_relation_size('services_search'),"
                " pg_indexes_size('services_search')"
            )
            total, indexes = cursor.fetchone()
            return {"index_bytes": int(total), "of_which_indexes_bytes": int(indexes)}
        cursor.execute(
            "SELECT name, SUM(pgsize) FROM dbstat WHERE name LIKE 'services_fts%' GROUP BY name"
        )
        parts = {name: int(size) for name, size in cursor.fetchall()}
        return {"index_bytes": sum(parts.values()), "parts_bytes": parts}


def _index_sizes_or_error() -> dict:
    from django.db import DatabaseError

    try:
        return index_sizes()
    except DatabaseError as exc:  # (a figure missing is no reason to lose the run)
        return {"index_bytes": 0, "error": str(exc).splitlines()[0]}


def reference_phase(args, plans: list, statements: list, tmp: Path) -> dict | None:
    """Query by query, the view's engine statement and the reference (tantivy, the same
    documents, analyzer and semantics: bench/reference.py) one after the other on the same
    database, so that their ratio is measured under the same machine conditions. The reference
    is timed alone (engine) and with the page's card columns read from the database by id
    (end to end, what the statement returns); totals and first pages are compared."""
    try:
        import reference
    except ImportError:
        print("  tantivy is not installed (pip install -e '.[bench]'): no reference")
        return None
    from django.db import connection

    from equilibri.catalogue.cards import card_columns
    from equilibri.catalogue.public_views import PER_PAGE

    with Clock("reference index: tantivy, every public service") as clock:
        ref, built = reference.ReferenceIndex.build(tmp / "tantivy")
    columns = card_columns(connection.vendor)
    engine_ms, end_ms, platform_ms, all_platform_ms = [], [], [], []
    agree = overlap_full = overlap_sum = compared = unanswered = 0
    disagreements: list[dict] = []
    for planned in plans[:200]:  # warm-up: the index's pages in memory
        ref.search(planned, PER_PAGE)
    deadline = time.perf_counter() + args.reference_budget
    timed = 0
    with connection.cursor() as cursor:
        for i, (planned, statement) in enumerate(zip(plans, statements, strict=True)):
            if time.perf_counter() > deadline:
                print(f"  reference budget spent after {timed} queries", flush=True)
                break
            timed += 1

            # Alternate which goes first, so neither always finds the other's pages cached.
            if i % 2:
                ours = _time_reference(ref, cursor, planned, PER_PAGE, columns)
                theirs = _time_statement(cursor, statement)
            else:
                theirs = _time_statement(cursor, statement)
                ours = _time_reference(ref, cursor, planned, PER_PAGE, columns)
            if theirs is None:
                continue
            all_platform_ms.append(theirs[0])
            if ours is None:
                unanswered += 1
                continue
            ms, answer, _rows = ours
            platform_ms.append(theirs[0])
            end_ms.append(ms)
            engine_ms.append(answer.engine_ms)
            rows = theirs[1]
            total = int(rows[0][3]) if rows else 0
            ids = [row[0] for row in rows]
            compared += 1
            agree += total == answer.total
            common = len(set(ids[:PER_PAGE]) & set(answer.ids[:PER_PAGE]))
            expected = min(PER_PAGE, len(ids), max(len(answer.ids), 1))
            overlap_sum += common / expected if ids else float(not answer.ids)
            overlap_full += common == len(ids[:PER_PAGE]) == len(answer.ids[:PER_PAGE])
            if total != answer.total and len(disagreements) < 10:
                disagreements.append(
                    {"text": planned.query.text, "platform": total, "reference": answer.total}
                )

    def ratio(a: dict, b: dict) -> dict:
        return {k: round(a[k] / max(b[k], 1e-9), 1) for k in a}

    plat, eng, end = pcts(platform_ms), pcts(engine_ms), pcts(end_ms)
    out = {
        "build_s": round(clock.seconds, 1),
        "build": {
            "documents": built.documents,
            "read_and_analyse_s": built.read_s,
            "tantivy_s": built.index_s,
        },
        "tantivy_bytes": built.bytes,
        "platform_index": _index_sizes_or_error(),
        "queries_timed": timed,
        "complete": timed == len(plans),
        "answered": compared,
        "not_answered": unanswered,
        "platform": pcts(all_platform_ms),
        "platform_answered": plat,
        "reference_engine": eng,
        "reference_end_to_end": end,
        "ratio_end_to_end": ratio(plat, end),
        "ratio_engine": ratio(plat, eng),
        "totals_agree": agree,
        "top10_overlap_mean": round(overlap_sum / max(compared, 1), 3),
        "top10_same_set": overlap_full,
        "disagreements": disagreements,
    }
    print(f"  reference: {json.dumps({k: v for k, v in out.items() if k != 'disagreements'})}")
    return out


def _time_statement(cursor, statement: tuple[str, list]) -> tuple[float, list] | None:
    """(ms, rows) of one engine statement, None when the database refused it."""
    from django.db import DatabaseError

    try:
        t0 = time.perf_counter()
        cursor.execute(*statement)
        rows = cursor.fetchall()
        return (time.perf_counter() - t0) * 1000, rows
    except DatabaseError as exc:
        RAW_ERRORS.append(f"{type(exc).__name__}: {str(exc).splitlines()[0]}")
        return None


def _time_reference(ref, cursor, planned, per_page: int, columns: str):
    """(ms, answer, rows): the reference's page and total, then the page's card columns read
    by id (what the engine statement returns with its rows); None when it cannot answer."""
    t0 = time.perf_counter()
    answer = ref.search(planned, per_page)
    if answer is None:
        return None
    rows = []
    if answer.ids:
        marks = ", ".join(["%s"] * len(answer.ids))
        cursor.execute(
            f"SELECT s.id, {columns} FROM services_service s"  # noqa: S608 (constant SQL, values bound)
            " LEFT JOIN network_organisation o ON o.id = s.organisation_id"
            f" WHERE s.id IN ({marks})",
            answer.ids,
        )
        by_id = {row[0]: row for row in cursor.fetchall()}
        rows = [by_id[sid] for sid in answer.ids if sid in by_id]
    return (time.perf_counter() - t0) * 1000, answer, rows


def reference_lines(r: dict) -> list[str]:
    mb = 1024**2
    lines = [
        "",
        f"dedicated-engine reference (tantivy, bench/reference.py), same database, same "
        f"{r['queries_timed']} queries, statement and reference one after the other:",
        f"{'latency (ms)':<40}{'p50':>10}{'p95':>10}{'p99':>10}",
    ]
    for key, label in (
        ("platform_answered", "engine statement (view's)"),
        ("reference_end_to_end", "reference, end to end (+ card rows)"),
        ("reference_engine", "reference, engine alone"),
        ("ratio_end_to_end", "ratio statement / reference e2e (×)"),
        ("ratio_engine", "ratio statement / reference engine (×)"),
    ):
        row = r[key]
        lines.append(f"{label:<40}{row['p50']:>10.2f}{row['p95']:>10.2f}{row['p99']:>10.2f}")
    lines.append(
        f"answered by the reference: {r['answered']} ({r['not_answered']} use a filter it does "
        f"not index); totals agree on {r['totals_agree']} of {r['answered']}; top 10: mean "
        f"overlap {r['top10_overlap_mean'] * 100:.1f} %, the same set in {r['top10_same_set']}"
    )
    pi = r["platform_index"]
    lines.append(
        f"index sizes: tantivy {r['tantivy_bytes'] / mb:.1f} MB; the platform's "
        f"{pi['index_bytes'] / mb:.1f} MB"
        + (
            f" (FTS5: {', '.join(f'{k} {v / mb:.1f}' for k, v in pi['parts_bytes'].items())})"
            if "parts_bytes" in pi
            else f" (table and GIN index; indexes {pi['of_which_indexes_bytes'] / mb:.1f} MB)"
        )
    )
    b = r["build"]
    lines.append(
        f"tantivy build: {r['build_s']} s for {b['documents']:,} services (reading and "
        f"analysing with the platform's code {b['read_and_analyse_s']} s, tantivy "
        f"{b['tantivy_s']} s)"
    )
    return lines


# --- Server ----------------------------------------------------------------------------------


class Server:
    """gunicorn as scripts/serve.sh starts it (gthread workers: WEB_WORKERS, WEB_THREADS each), on
    loopback."""

    def __init__(self, args, env: dict[str, str], tmp: Path):
        self.port = free_port()
        self.log = tmp / "gunicorn.log"
        cmd = [
            str(PROJECT_DIR / ".venv" / "bin" / "gunicorn"),
            "equilibri.wsgi",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(args.workers),
            "--worker-class",
            "gthread",
            "--threads",
            str(args.threads),
            "--access-logfile",
            "-",
            "--error-logfile",
            "-",
            "--log-level",
            "warning",
            "--chdir",
            str(args.code_dir or PROJECT_DIR),
            *args.gunicorn_args.split(),
        ]
        self.cmd = cmd
        with open(self.log, "ab") as out:
            self.proc = subprocess.Popen(  # noqa: S603
                cmd, cwd=PROJECT_DIR, env={**os.environ, **env}, stdout=out, stderr=out
            )
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"gunicorn exited: see {self.log}\n{self.log.read_text()[-3000:]}")
            try:
                status, _ = Connection("127.0.0.1", self.port, timeout=5).get("/healthz")
                if status == 200:
                    break
            except OSError:
                pass
            time.sleep(0.3)
        else:
            raise SystemExit("gunicorn did not answer /healthz within 60 s")

    def pids(self) -> list[int]:
        pids = [self.proc.pid]
        try:
            with open(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children") as fh:
                pids += [int(p) for p in fh.read().split()]
        except OSError:
            pass
        return pids

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def static_fingerprint() -> str:
    """Paths and contents of every static source file (the same for a scratch copy)."""
    import hashlib

    from django.contrib.staticfiles.finders import get_finders

    digest = hashlib.sha256()
    for finder in get_finders():
        for path, storage in sorted(finder.list([]), key=lambda item: item[0]):
            digest.update(path.encode() + b"\0")
            with storage.open(path) as fh:
                digest.update(hashlib.sha256(fh.read()).digest())
    return digest.hexdigest()[:16]


def collect_static(args, env: dict[str, str], tmp: Path) -> None:
    """The production server needs collected static files (manifest storage, DEBUG off). They
    are collected once into /tmp/equilibri-bench-static-<fingerprint> and reused while the
    static sources do not change (collecting takes minutes on a busy machine)."""
    from django.conf import settings
    from django.core.management import call_command

    if args.static_root:
        root = Path(args.static_root)
    else:
        root = Path(tempfile.gettempdir()) / f"equilibri-bench-static-{static_fingerprint()}"
    env["STATIC_ROOT"] = os.environ["STATIC_ROOT"] = str(root)
    settings.STATIC_ROOT = str(root)
    if (root / "staticfiles.json").exists():
        print(f"  static files: reusing {root}")
        return
    with Clock(f"collectstatic into {root} (once; reused by later runs)"):
        call_command("collectstatic", interactive=False, verbosity=0)


def latency_phase(server: Server, queries, api_qs, mix, istat, term_uuids, budget_s: float) -> dict:
    """For each query: the view's raw statement and the API's, then the view, then the API, one
    after the other (stops early, and says so, when budget_s is spent)."""
    from django.db import connection

    view = Connection("127.0.0.1", server.port)
    api = Connection("127.0.0.1", server.port)
    raw_ms, raw_api_ms, view_ms, api_ms, hits = [], [], [], [], []
    # Per query, platform minus its own statement: a paired figure, steadier than the difference
    # of the two medians when statement times spread over two orders of magnitude.
    paired: dict[str, list[float]] = {"view": [], "api": []}
    # When the server says how long its search took (Server-Timing), that time minus the
    # benchmark's own run of the same statement.
    in_server: dict[str, list[float]] = {"view": [], "api": []}
    statuses: dict[str, dict[int, int]] = {"view": {}, "api": {}}
    cache: dict[str, dict[str, int]] = {"view": {}, "api": {}}
    deadline = time.perf_counter() + budget_s
    with connection.cursor() as cursor:
        for sq, api_sq, q in zip(queries, api_qs, mix, strict=True):
            if time.perf_counter() > deadline:
                print(f"  latency budget spent after {len(raw_ms)} queries", flush=True)
                break
            raw = {"view": run_raw(cursor, sq)}
            if raw["view"] is not None:
                raw_ms.append(raw["view"][0])
                hits.append(raw["view"][1])
            raw["api"] = run_raw(cursor, api_sq) if api_sq is not None else None
            if raw["api"] is not None:
                raw_api_ms.append(raw["api"][0])
            for name, conn, path, sink in (
                ("view", view, view_path(q, istat), view_ms),
                ("api", api, api_path(q, term_uuids), api_ms),
            ):
                t0 = time.perf_counter()
                status, _ = conn.get(path)
                sink.append((time.perf_counter() - t0) * 1000)
                own = raw[name]
                if own is not None:
                    paired[name].append(sink[-1] - own[0])
                    if conn.server_ms is not None:
                        in_server[name].append(conn.server_ms - own[0])
                statuses[name][status] = statuses[name].get(status, 0) + 1
                cache[name][conn.cache] = cache[name].get(conn.cache, 0) + 1
    view.close()
    api.close()
    return {
        "raw": pcts(raw_ms),
        "raw_api": pcts(raw_api_ms) if raw_api_ms else pcts(raw_ms),
        "view": pcts(view_ms),
        "api": pcts(api_ms),
        "statuses": statuses,
        "paired": {name: pcts(values) for name, values in paired.items() if values},
        "in_server": {name: pcts(values) for name, values in in_server.items() if values},
        "cache": cache,
        "queries_timed": len(view_ms),
        "raw_errors": len(RAW_ERRORS),
        "raw_rows": {"mean": round(sum(hits) / max(len(hits), 1), 1), "zero": hits.count(0)},
    }


def warm_up(server: Server, paths: list[str], workers: int) -> None:
    """Every worker compiles its templates and opens its database connection first."""
    load("127.0.0.1", server.port, paths, connections=workers, duration_s=3, max_requests=300)


def throughput(args, server: Server, paths: list[str]) -> dict:
    result = load(
        "127.0.0.1",
        server.port,
        paths,
        connections=args.connections,
        duration_s=args.duration,
        server_pids=server.pids(),
        max_requests=args.max_requests,
    )
    share = None
    if result.server_cpu_s is not None and result.client_cpu_s + result.server_cpu_s > 0:
        share = result.client_cpu_s / (result.client_cpu_s + result.server_cpu_s)
    return {
        "requests": result.requests,
        "seconds": round(result.duration_s, 1),
        "rps": round(result.rps, 1),
        **{k: v for k, v in pcts(result.latencies_ms).items()},
        "errors": result.errors,
        "statuses": result.statuses,
        "cache": result.cache,
        "client_cpu_s": round(result.client_cpu_s, 1),
        "server_cpu_s": None if result.server_cpu_s is None else round(result.server_cpu_s, 1),
        "client_share": None if share is None else round(share, 3),
        "server_cpu_ms_per_request": (
            round(result.server_cpu_s * 1000 / result.requests, 2)
            if result.server_cpu_s is not None and result.requests
            else None
        ),
    }


def fill(args, server: Server, paths: list[str]) -> dict:
    result = each_once("127.0.0.1", server.port, paths, args.connections)
    return {
        "requests": result.requests,
        "seconds": round(result.duration_s, 1),
        **{k: v for k, v in pcts(result.latencies_ms).items()},
        "errors": result.errors,
        "cache": result.cache,
    }


def profile_requests(paths: dict[str, list[str]], top: int = 25) -> dict:
    """Runs requests in-process through Django's test client (DEBUG off, same middleware) under
    cProfile, counting SQL queries: where the time goes besides the engine statement."""
    import cProfile
    import io
    import pstats

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    out = {}
    for name, items in paths.items():
        client.get(items[0])  # warm: templates, URL resolver
        profiler = cProfile.Profile()
        queries = []
        sql_ms = []
        t0 = time.perf_counter()
        for path in items:
            with CaptureQueriesContext(connection) as ctx:
                profiler.enable()
                client.get(path)
                profiler.disable()
            queries.append(len(ctx.captured_queries))
            sql_ms.append(sum(float(q["time"]) for q in ctx.captured_queries) * 1000)
        wall = (time.perf_counter() - t0) * 1000 / len(items)
        buf = io.StringIO()
        stats = pstats.Stats(profiler, stream=buf).sort_stats("cumulative")
        stats.print_stats(top)
        by_tottime = io.StringIO()
        pstats.Stats(profiler, stream=by_tottime).sort_stats("tottime").print_stats(top)
        out[name] = {
            "requests": len(items),
            "ms_per_request_profiled": round(wall, 1),
            "queries_per_request": round(sum(queries) / len(queries), 1),
            "sql_ms_per_request": round(sum(sql_ms) / len(sql_ms), 1),
        }
        print(f"\n--- profile: {name}, {len(items)} requests: {out[name]}")
        print(buf.getvalue()[-6000:])
        print(by_tottime.getvalue()[-5000:])
        last = ctx.captured_queries
        print(f"queries of the last request ({len(last)}):")
        for q in last:
            print(f"  {float(q['time']) * 1000:7.1f} ms  {q['sql'][:160]}")
    return out


# --- Report ----------------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def summary(results: dict) -> list[str]:
    lines = []
    db = results["database"]
    n = results["services"]
    imp = results["import"]
    lines.append("")
    lines.append("=" * 78)
    lines.append(
        f"SEARCH BENCHMARK — {db}, {n:,} services, {results['locations']:,} locations, "
        f"{results['queries']} queries"
    )
    m = results["machine"]
    lines.append(
        f"machine: {m['cpus']} CPU ({m['cpu_model']}), {m['memory_gb']} GB, Python "
        f"{m['python']}, load {m['loadavg_1min_at_start']} at start; "
        f"{results.get('server_command', 'gunicorn')}"
    )
    if "index_s" in imp:
        detail = f"writing {imp['write_s']} s, search index {imp['index_s']} s"
    elif imp.get("files_made_before"):
        detail = f"{imp['files']} file(s), {imp['file_mb']} MB, made before by imports.py prepare"
    else:
        detail = (
            f"{imp.get('files')} file(s), {imp.get('file_mb')} MB; not counted: bulk write "
            f"{imp.get('bulk_write_s')} s, export {imp.get('export_s')} s"
        )
    rows = f" for {imp['rows']:,} rows" if imp.get("rows") else ""
    lines.append(f"import ({imp['mode']}): {imp['seconds']} s{rows} ({detail})")
    if imp.get("phases_s"):
        steps = ", ".join(f"{phase} {s} s" for phase, s in imp["phases_s"].items())
        lines.append(f"  import steps: {steps}")
    if imp.get("cpu"):
        import importing

        lines.append(f"  import {importing.cpu_line(imp['cpu'])}")
    lat = results.get("latency")
    if results.get("raw_only"):
        lines.append(f"raw engine statement only (ms): {results['raw_only']}")
    if lat:
        lines.append("")
        lines.append(f"per-query latency, one client, {lat['queries_timed']} queries of the mix:")
        lines.append(f"{'latency (ms)':<28}{'p50':>10}{'p95':>10}{'p99':>10}")
        for key, label in (("raw", "raw statement (view's)"), ("view", "search view /servizi/"),
                           ("raw_api", "raw statement (API's)"),
                           ("api", "HSDS API /services")):  # fmt: skip
            row = lat.get(key, lat["raw"])
            lines.append(f"{label:<28}{row['p50']:>10.2f}{row['p95']:>10.2f}{row['p99']:>10.2f}")
        for key in ("view", "api"):
            row, raw = lat[key], _raw_for(lat, key)
            lines.append(
                f"{key}: p50 − raw p50 = {row['p50'] - raw['p50']:.2f} ms; "
                f"p95 / raw p95 = {row['p95'] / max(raw['p95'], 1e-9):.2f}×; "
                f"p99 / raw p99 = {row['p99'] / max(raw['p99'], 1e-9):.2f}×; "
                f"statuses {lat['statuses'][key]}"
            )
            if key in lat.get("paired", {}):
                d = lat["paired"][key]
                lines.append(
                    f"  per query, {key} − its statement: p50 {d['p50']:.2f} ms, "
                    f"p95 {d['p95']:.2f} ms (paired; the target is judged on p50 − p50)"
                )
            if key in lat.get("in_server", {}):
                d = lat["in_server"][key]
                lines.append(
                    f"  per query, the search as timed by the server (Server-Timing) − the same "
                    f"statement here: p50 {d['p50']:.2f} ms, p95 {d['p95']:.2f} ms"
                )
        lines.append(
            f"raw rows per query: mean {lat['raw_rows']['mean']}, "
            f"{lat['raw_rows']['zero']} queries with no hit"
        )
    if lat:
        lines.append(f"page cache in the latency phase (X-Cache): {lat.get('cache')}")
    if results.get("reference"):
        lines.extend(reference_lines(results["reference"]))
    for key, label in (("view", "search view"), ("api", "HSDS API")):
        for suffix, state in (("_cold", "cold cache"), ("", "steady")):
            t = results.get(f"throughput_{key}{suffix}")
            if not t:
                continue
            share = "n/a" if t["client_share"] is None else f"{t['client_share'] * 100:.0f} %"
            lines.append(
                f"throughput {label} ({state}), {results['connections']} connections, "
                f"{t['seconds']} s: {t['rps']} req/s, p50 {t['p50']} ms, p95 {t['p95']} ms, "
                f"p99 {t['p99']} ms, errors {t['errors']} {t['statuses']}; server CPU "
                f"{t['server_cpu_ms_per_request']} ms/request, client share of CPU {share}; "
                f"page cache {t.get('cache')}"
            )
            f = results.get(f"fill_{key}")
            if suffix and f:
                lines.append(
                    f"  then every query of the mix once: {f['requests']} requests in "
                    f"{f['seconds']} s, p50 {f['p50']} ms, p95 {f['p95']} ms, errors "
                    f"{f['errors']}, page cache {f['cache']}"
                )
    for error in results.get("raw_errors", []):
        lines.append(f"RAW STATEMENT REFUSED by the database ({RAW_ERRORS.count(error)}×): {error}")
    lines.append("")
    lines.extend(check_targets(results))
    lines.append("=" * 78)
    return lines


def _raw_for(lat: dict, key: str) -> dict:
    """The raw statement a platform figure is compared with: the view's own or the API's own."""
    return lat.get("raw_api", lat["raw"]) if key == "api" else lat["raw"]


def check_targets(results: dict) -> list[str]:
    out = []
    n = results["services"]
    scale = "1M" if n >= 1_000_000 else "100k" if n >= 100_000 else None
    note = "" if scale else f" (targets are for 100k; this run has {n:,}: indicative only)"
    t = TARGETS[scale or "100k"]
    out.append(f"TARGETS ({results['database']}, {scale or '100k'}){note}")
    imp = results["import"]
    out.append(
        f"{verdict(imp['seconds'] <= t['import_s'])} import {imp['seconds']} s ≤ {t['import_s']} s"
    )
    lat = results.get("latency")
    if lat:
        errors = sum(c for st in lat["statuses"].values() for s, c in st.items() if s != 200)
        errors += lat.get("raw_errors", 0)
        out.append(f"{verdict(errors == 0)} latency phase without errors ({errors})")
    if lat and "p50_over_raw_ms" in t:
        for key in ("view", "api"):
            raw = _raw_for(lat, key)
            d50 = lat[key]["p50"] - raw["p50"]
            ratio = lat[key]["p95"] / max(raw["p95"], 1e-9)
            out.append(
                f"{verdict(d50 <= t['p50_over_raw_ms'])} {key} p50 {lat[key]['p50']:.2f} ≤ raw p50 "
                f"{raw['p50']:.2f} + {t['p50_over_raw_ms']} ms (difference {d50:.2f} ms)"
            )
            out.append(
                f"{verdict(ratio <= t['p95_ratio'])} {key} p95 {lat[key]['p95']:.2f} ≤ "
                f"{t['p95_ratio']}× raw p95 {raw['p95']:.2f} (ratio {ratio:.2f}×)"
            )
    for key in ("throughput_view", "throughput_api"):
        tp = results.get(key)
        if not tp:
            continue
        name = key.split("_")[1]
        out.append(f"{verdict(tp['rps'] >= t['rps'])} {name} {tp['rps']} req/s ≥ {t['rps']}")
        if "p95_ms" in t:
            out.append(
                f"{verdict(tp['p95'] <= t['p95_ms'])} {name} p95 {tp['p95']} ms ≤ {t['p95_ms']} ms"
            )
        out.append(f"{verdict(tp['errors'] == 0)} {name} no errors ({tp['errors']})")
    return out


# --- Main ------------------------------------------------------------------------------------


def reexec_under_postgres() -> None:
    """--postgres without a DATABASE_URL: run again under scripts/with-postgres.sh."""
    script = PROJECT_DIR / "scripts" / "with-postgres.sh"
    os.execv(  # noqa: S606
        str(script), [str(script), sys.executable, str(Path(__file__).resolve()), *sys.argv[1:]]
    )


def _terminate(signum, frame):
    raise SystemExit(f"stopped by signal {signum}")


def main() -> None:
    args = parse_args()
    signal.signal(signal.SIGTERM, _terminate)
    if args.code_dir:
        sys.path.insert(1, str(args.code_dir.resolve()))
    url = os.environ.get("DATABASE_URL", "")
    if args.postgres and not url.startswith("postgres"):
        reexec_under_postgres()
    if url.startswith("postgres"):
        args.postgres = True  # run under scripts/with-postgres.sh by hand
    started = time.perf_counter()
    tmp = Path(tempfile.mkdtemp(prefix="equilibri-bench-"))
    server = None
    try:
        env = configure_environment(args, tmp)
        import django

        django.setup()
        refuse_non_empty_database()
        from django.db import connection

        db = "PostgreSQL" if connection.vendor == "postgresql" else "SQLite"
        with connection.cursor() as cursor:
            cursor.execute("select version()" if db == "PostgreSQL" else "select sqlite_version()")
            db_version = cursor.fetchone()[0].split(" on ")[0]
        print(f"Benchmark database: {db} {db_version} ({connection.settings_dict['NAME']})")
        results: dict = {
            "database": db,
            "database_version": db_version,
            "services": args.services,
            "queries": args.queries,
            "connections": args.connections,
            "workers": args.workers,
            "machine": machine(),
            "django": django.get_version(),
        }
        geo, istat, term_ids = prepare_database()
        gen = Generator(geo, term_ids, seed=args.seed)
        with Clock("organisations"):
            orgs = make_organisations(gen, max(20, args.services // 25))
        with Clock(f"import of {args.services:,} services"):
            results["import"] = import_catalogue(args, gen, orgs, tmp)
        from equilibri.catalogue.models import Location, TaxonomyTerm

        results["locations"] = Location.objects.count()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        else:
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        # Comuni of the mix: those with a location, so every HSDS postcode is a known one.
        with_locations = set(Location.objects.values_list("comune_id", flat=True).distinct())
        geo_mix = Geography([c for c in geo.comuni if c[0] in with_locations])
        mix = query_mix(geo_mix, args.queries, seed=args.seed + 1)
        plans = search_plans(mix)
        queries = search_queries(plans)
        term_uuids = {code: str(u) for code, u in TaxonomyTerm.objects.values_list("code", "uuid")}
        api_qs = api_queries(mix, term_uuids)
        # Raw warm-up: the page cache holds the index, as it would in production.
        time_raw(queries[: min(200, len(queries))])
        if not args.no_reference:
            results["reference"] = reference_phase(args, plans, queries, tmp)
        if args.profile or not args.skip_http:
            collect_static(args, env, tmp)
        if args.profile:
            n = args.profile
            results["profile"] = profile_requests(
                {
                    "view": [view_path(q, istat) for q in mix[:n]],
                    "api": [api_path(q, term_uuids) for q in mix[:n]],
                }
            )
        if args.skip_http and results.get("reference", {}).get("complete"):
            # The reference phase timed every statement of the mix already.
            results["latency"] = None
            results["raw_only"] = results["reference"]["platform"]
        elif args.skip_http:
            raw, _counts = time_raw(queries)
            results["latency"] = None
            results["raw_only"] = pcts(raw)
            print(f"raw engine statement (ms): {results['raw_only']}")
        else:
            connection.close()
            with Clock("start gunicorn"):
                server = Server(args, env, tmp)
            view_paths = [view_path(q, istat) for q in mix]
            api_paths = [api_path(q, term_uuids) for q in mix]
            warm_mix = query_mix(geo_mix, 200, seed=args.seed + 2)
            warm_up(server, [view_path(q, istat) for q in warm_mix]
                    + [api_path(q, term_uuids) for q in warm_mix], args.workers)  # fmt: skip
            with Clock("latency: raw, view and API for each query"):
                results["latency"] = latency_phase(
                    server, queries, api_qs, mix, istat, term_uuids, args.latency_budget
                )
            # Throughput twice per URL set: "cold", with the page cache as the latency phase
            # left it (queries it did not reach are computed in the run), then "steady", once
            # every query of the mix has been answered (each once, timed and reported): the
            # state of a server that has been running for a while. The targets are judged on
            # the steady run; the cold one is reported beside it.
            for key, label, paths in (("view", "search view", view_paths),
                                      ("api", "HSDS API", api_paths)):  # fmt: skip
                with Clock(f"throughput (cold cache): {label}, {args.connections} connections"):
                    results[f"throughput_{key}_cold"] = throughput(args, server, paths)
                with Clock(f"every query of the mix once: {label}"):
                    results[f"fill_{key}"] = fill(args, server, paths)
                with Clock(f"throughput (steady): {label}, {args.connections} connections"):
                    results[f"throughput_{key}"] = throughput(args, server, paths)
            results["server_command"] = " ".join(server.cmd[1:])
            server.stop()
            server = None
        if RAW_ERRORS:
            results["raw_errors"] = sorted(set(RAW_ERRORS))
        results["total_s"] = round(time.perf_counter() - started, 1)
        lines = summary(results)
        print("\n".join(lines))
        print(f"(whole run {results['total_s']} s)")
        if args.json:
            args.json.write_text(json.dumps(results, indent=2, default=str))
    finally:
        if server is not None:
            server.stop()
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
