"""Writing the synthetic catalogue: bulk_create (fast path), the search index, and the HSDS
round trip (export with the platform's own serializer, import with `import_hsds`)."""

from __future__ import annotations

import importlib
import json
import time
from pathlib import Path

from catalogue import Chunk, Generator

CHUNK = 20_000


def reset_sequences(models: list) -> None:
    """After explicit primary keys, PostgreSQL's sequences must move past them."""
    from django.core.management.color import no_style
    from django.db import connection

    statements = connection.ops.sequence_reset_sql(no_style(), models)
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def chunk_rows(chunk: Chunk) -> int:
    return sum(
        len(x)
        for x in (
            chunk.services,
            chunk.locations,
            chunk.at_locations,
            chunk.terms,
            chunk.schedules,
            chunk.cost_options,
            chunk.languages,
            chunk.phones,
        )
    )


def bulk_write(gen: Generator, n: int, orgs: list[dict]) -> dict:
    """bulk_create every table, chunk by chunk (generation timed apart); no search index."""
    from django.db import transaction

    from equilibri.services import models as m

    through = m.Service.terms.through
    rows = 0
    generate_s = write_s = 0.0
    sid, lid = 1, 1
    while sid <= n:
        t0 = time.perf_counter()
        chunk = gen.chunk(sid, lid, min(CHUNK, n - sid + 1), orgs)
        t1 = time.perf_counter()
        with transaction.atomic():
            for model, dicts in (
                (m.Service, chunk.services),
                (m.Location, chunk.locations),
                (m.ServiceAtLocation, chunk.at_locations),
                (m.Schedule, chunk.schedules),
                (m.CostOption, chunk.cost_options),
                (m.Language, chunk.languages),
                (m.Phone, chunk.phones),
            ):
                model.objects.bulk_create([model(**d) for d in dicts], batch_size=2000)
            through.objects.bulk_create(
                [through(service_id=s, taxonomyterm_id=t) for s, t in chunk.terms],
                batch_size=2000,
            )
        t2 = time.perf_counter()
        generate_s += t1 - t0
        write_s += t2 - t1
        rows += chunk_rows(chunk)
        sid += len(chunk.services)
        lid += len(chunk.locations)
        print(f"  {sid - 1:,} services written", flush=True)
    t0 = time.perf_counter()
    reset_sequences(
        [m.Service, m.Location, m.ServiceAtLocation, m.Schedule, m.CostOption, m.Language, m.Phone]
    )
    write_s += time.perf_counter() - t0
    return {"rows": rows, "generate_s": round(generate_s, 1), "write_s": round(write_s, 1)}


def reindex_all() -> float:
    from equilibri.services.indexing import reindex_services

    t0 = time.perf_counter()
    reindex_services()
    return round(time.perf_counter() - t0, 1)


def find_hsds_importer():
    """The HSDS importer's entry point (`import_hsds(source, *, by)`), or None."""
    for module in (
        "equilibri.services.hsds.interchange",
        "equilibri.services.hsds.importer",
        "equilibri.services.hsds",
    ):
        try:
            mod = importlib.import_module(module)
        except ImportError:
            continue
        fn = getattr(mod, "import_hsds", None)
        if fn is not None:
            return fn
    return None


def export_files(folder: Path, per_file: int) -> tuple[list[Path], float]:
    """The published catalogue as HSDS JSON files of per_file services each, written with the
    platform's serializer (`iter_full_services`), each file {"hsds_version", "services": [...]}."""
    from equilibri.services.hsds.interchange import iter_full_services
    from equilibri.services.models import Service

    folder.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    ids = list(Service.objects.order_by("pk").values_list("pk", flat=True))
    files = []
    for n, start in enumerate(range(0, len(ids), per_file)):
        path = folder / f"services-{n:03d}.json"
        with open(path, "w", encoding="utf-8") as out:
            out.write('{"hsds_version": "3.0", "services": [\n')
            first = True
            for item in iter_full_services(ids[start : start + per_file]):
                if not first:
                    out.write(",\n")
                out.write(json.dumps(item, ensure_ascii=False))
                first = False
            out.write("\n]}\n")
        files.append(path)
    return files, round(time.perf_counter() - t0, 1)


def wipe_catalogue() -> None:
    """Empties the catalogue tables (services, locations and everything hanging from them),
    keeping organisations, geography and taxonomy: the import starts from an empty catalogue."""
    from django.apps import apps
    from django.db import connection, transaction

    from equilibri.services import models as m

    tables = [
        m.Service.terms.through._meta.db_table,
        m.Service.eligible_comuni.through._meta.db_table,
        m.ServiceAtLocation._meta.db_table,
        m.Schedule._meta.db_table,
        m.Closure._meta.db_table,
        m.CostOption._meta.db_table,
        m.Language._meta.db_table,
        m.Phone._meta.db_table,
        m.Contact._meta.db_table,
        m.ServiceRevision._meta.db_table,
        m.MistakeReport._meta.db_table,
    ]
    # Anything else pointing at services or locations (other apps' models), children first.
    for model in apps.get_models():
        if model._meta.app_label == "services" or model._meta.db_table in tables:
            continue
        for f in model._meta.get_fields():
            if getattr(f, "related_model", None) in (m.Service, m.Location) and f.concrete:
                tables.append(model._meta.db_table)
                break
    existing = set(connection.introspection.table_names())
    search_tables = [t for t in ("services_fts", "services_search") if t in existing]
    emptied = [*search_tables, *tables, m.Service._meta.db_table, m.Location._meta.db_table]
    with transaction.atomic(), connection.cursor() as cursor:
        for table in emptied:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")  # noqa: S608
    # An empty catalogue, as a new database has: without this, PostgreSQL's autovacuum wakes
    # during the measured import to clear the million rows just deleted (seconds of a 2-core
    # machine, at random), and SQLite's file keeps their pages.
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            quoted = ", ".join(connection.ops.quote_name(t) for t in emptied)
            cursor.execute(f"VACUUM ANALYZE {quoted}")
        else:
            cursor.execute("VACUUM")


# The importer's steps, timed by wrapping them (perf_counter around each call: no measurable
# cost): where an import's time goes, printed per file. Names missing from the module are skipped.
PHASES = {
    "read_source": "read",
    "_existing_plans": "existing",
    "_existing_locations": "existing",
    "_write": "write",
    "_reindex": "index",
}


class PhaseTimer:
    def __init__(self, module):
        self.module = module
        self.seconds: dict[str, float] = {}
        self.saved: dict[str, object] = {}

    def __enter__(self) -> PhaseTimer:
        for name, phase in PHASES.items():
            fn = getattr(self.module, name, None)
            if fn is not None:
                self.saved[name] = fn
                setattr(self.module, name, self._timed(fn, phase))
        planner = getattr(self.module, "Planner", None)
        if planner is not None and hasattr(planner, "plan"):
            self.saved["Planner.plan"] = planner.plan
            planner.plan = self._timed(planner.plan, "check")
        return self

    def __exit__(self, *exc) -> None:
        for name, fn in self.saved.items():
            if name == "Planner.plan":
                self.module.Planner.plan = fn
            else:
                setattr(self.module, name, fn)

    def _timed(self, fn, phase: str):
        def timed(*args, **kwargs):
            t0 = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.seconds[phase] = self.seconds.get(phase, 0.0) + time.perf_counter() - t0

        return timed


def hsds_import(importer, files: list[Path], profile: bool = False) -> dict:
    from equilibri.services.models import Service

    seconds = 0.0
    created = 0
    phases: dict[str, float] = {}
    module = importlib.import_module(importer.__module__)
    for path in files:
        profiler = None
        if profile:
            import cProfile

            profiler = cProfile.Profile()
            profiler.enable()
        t0 = time.perf_counter()
        with PhaseTimer(module) as timer:
            report = importer(path, by=None)
        elapsed = time.perf_counter() - t0
        seconds += elapsed
        # What no wrapped step took: the commit (on PostgreSQL, the deferred foreign-key
        # checks) and the glue between the steps.
        timer.seconds["commit and rest"] = elapsed - sum(timer.seconds.values())
        for phase, s in timer.seconds.items():
            phases[phase] = phases.get(phase, 0.0) + s
        if profiler is not None:
            import pstats

            profiler.disable()
            print(f"--- profile of import_hsds({path.name})")
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(35)
            pstats.Stats(profiler).sort_stats("tottime").print_stats(20)
        if not report.ok:
            errors = getattr(report, "errors", [])
            shown = "\n".join(str(e) for e in list(errors)[:10])
            raise SystemExit(f"import_hsds refused {path.name}:\n{shown}")
        created += getattr(getattr(report, "services", None), "created", 0)
        steps = ", ".join(f"{phase} {s:.1f}" for phase, s in timer.seconds.items())
        print(f"  {path.name}: {elapsed:.1f} s ({steps})", flush=True)
    return {
        "mode": "HSDS JSON through import_hsds (validation, write, search index)",
        "seconds": round(seconds, 1),
        "phases_s": {phase: round(s, 1) for phase, s in phases.items()},
        "services_created": created,
        "services_in_db": Service.objects.count(),
    }


# What a folder of HSDS files was made with (`imports.py prepare`): a run that makes its own
# organisations must make the files' (same services and seed), or the import also creates them.
MADE_WITH = "made-with.txt"  # not *.json: the folder's *.json are the files to import


def record_made_with(folder: Path, services: int, seed: int) -> None:
    (folder / MADE_WITH).write_text(f"services={services} seed={seed}\n")


def check_made_with(folder: Path, services: int, seed: int) -> None:
    """Refuses files made with another --services or --seed; files made before the record
    existed are taken as they are."""
    record = folder / MADE_WITH
    if not record.exists():
        print(f"  {folder}: no {MADE_WITH}; taking the files as made with these options")
        return
    made = record.read_text().strip()
    if made != f"services={services} seed={seed}":
        raise SystemExit(
            f"The files of {folder} were made with {made}: give the same --services and --seed"
        )
