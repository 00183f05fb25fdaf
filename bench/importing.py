"""Writing the synthetic catalogue: bulk_create (fast path), the search index, and the HSDS
round trip (export with the platform's own serializer, import with `import_hsds`)."""

from __future__ import annotations

import importlib
import json
import os
import time
from functools import partial
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

    from equilibri.catalogue import models as m

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
    from equilibri.catalogue.indexing import reindex_services

    t0 = time.perf_counter()
    reindex_services()
    return round(time.perf_counter() - t0, 1)


def find_hsds_importer():
    """The HSDS importer's entry point (`import_hsds(source, *, by)`), or None."""
    for module in (
        "equilibri.catalogue.hsds.interchange",
        "equilibri.catalogue.hsds.importer",
        "equilibri.catalogue.hsds",
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
    from equilibri.catalogue.hsds.interchange import iter_full_services
    from equilibri.catalogue.models import Service

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

    from equilibri.catalogue import models as m

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


class CpuMeter:
    """Where the import's CPU goes, beside its wall time: this process (every thread), and the
    database's own work. PostgreSQL: every process of the server (its backends, among them the
    import's second connection, and the background writers, checkpointer and autovacuum that
    the import keeps busy), read from /proc every 0.25 s, so only for a server on this machine
    with nothing else using it (a throwaway cluster). SQLite works inside this process: the
    time spent in its statements and commits, work that only one writer can do. With two
    cores an import cannot take less than (process + server) / 2, however its steps overlap."""

    SAMPLE_S = 0.25

    def __init__(self) -> None:
        from django.db import connection

        self.connection = connection
        self.engine_s = 0.0
        self.server: dict[int, tuple[float, float]] = {}  # pid -> (first seen, last seen) CPU
        self.postmaster: int | None = None

    @staticmethod
    def _stat(pid: int) -> tuple[int, float] | None:
        """(parent pid, CPU seconds) of a process, None if it is gone."""
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return int(fields[1]), (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def _sample(self) -> None:
        pm = self.postmaster
        assert pm is not None  # sampled only for a server on this machine
        try:
            with open(f"/proc/{pm}/task/{pm}/children") as f:
                pids = [pm, *map(int, f.read().split())]
        except OSError:  # a kernel without the children list: every process, by parent
            pids = [int(name) for name in os.listdir("/proc") if name.isdigit()]
        for pid in pids:
            stat = self._stat(pid)
            if stat is not None and (stat[0] == pm or pid == pm):
                first = self.server.get(pid, (stat[1], 0.0))[0]
                self.server[pid] = (first, stat[1])

    def _sampling(self) -> None:
        while not self.stop.wait(self.SAMPLE_S):
            self._sample()
        self.sampler_s = time.thread_time()  # not the import's: taken off this process's CPU

    def _in_engine(self, fn, *args):
        """SQLite: fn(*args), its time counted as the engine's (an `execute_wrapper`: the
        statement's execute and its arguments; or the commit)."""
        t0 = time.perf_counter()
        try:
            return fn(*args)
        finally:
            self.engine_s += time.perf_counter() - t0

    def __enter__(self) -> CpuMeter:
        conn = self.connection
        self.process0 = time.process_time()
        if conn.vendor == "postgresql":
            import threading

            with conn.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                stat = self._stat(cursor.fetchone()[0])
            if stat is not None:  # a server on this machine
                self.postmaster = stat[0]
                self._sample()
                self.stop = threading.Event()
                self.sampler = threading.Thread(target=self._sampling, daemon=True)
                self.sampler.start()
        else:
            self.wrapper = conn.execute_wrapper(self._in_engine)
            self.wrapper.__enter__()
            # Commits go through no execute wrapper: Django's per-connection hook, wrapped on
            # this instance only.
            conn._commit = partial(self._in_engine, conn._commit)
        return self

    def __exit__(self, *exc) -> None:
        self.process_s = time.process_time() - self.process0
        conn = self.connection
        if conn.vendor == "postgresql":
            self.server_s = None
            if self.postmaster is not None:
                self.stop.set()
                self.sampler.join()
                self._sample()
                self.process_s -= self.sampler_s
                self.server_s = sum(last - first for first, last in self.server.values())
        else:
            self.wrapper.__exit__(*exc)
            del conn._commit  # the instance's wrapper: the class's method again

    def as_dict(self) -> dict:
        out = {"process_cpu_s": round(self.process_s, 1), "cores": os.cpu_count()}
        if self.connection.vendor == "postgresql":
            out["server_cpu_s"] = None if self.server_s is None else round(self.server_s, 1)
        else:
            out["sqlite_engine_s"] = round(self.engine_s, 1)
        return out


def cpu_line(d: dict) -> str:
    """`CpuMeter.as_dict()` in words, with the least time that much CPU allows."""
    if "server_cpu_s" in d:
        if d["server_cpu_s"] is None:
            return f"cpu: this process {d['process_cpu_s']} s (server not on this machine)"
        total = d["process_cpu_s"] + d["server_cpu_s"]
        return (
            f"cpu: this process {d['process_cpu_s']} s + the PostgreSQL server "
            f"{d['server_cpu_s']} s = {total:.1f} s; on {d['cores']} cores at least "
            f"{total / d['cores']:.1f} s however overlapped"
        )
    return (
        f"cpu: this process {d['process_cpu_s']} s, of which SQLite's statements and "
        f"commits {d['sqlite_engine_s']} s (one writer's work); on {d['cores']} cores at "
        f"least {max(d['process_cpu_s'] / d['cores'], d['sqlite_engine_s']):.1f} s"
        " however overlapped"
    )


def hsds_import(importer, files: list[Path], profile: bool = False) -> dict:
    from equilibri.catalogue.models import Service

    seconds = 0.0
    created = 0
    phases: dict[str, float] = {}
    module = importlib.import_module(importer.__module__)
    meter = CpuMeter()
    with meter:
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
    print(f"  {cpu_line(meter.as_dict())}", flush=True)
    return {
        "mode": "HSDS JSON through import_hsds (validation, write, search index)",
        "seconds": round(seconds, 1),
        "phases_s": {phase: round(s, 1) for phase, s in phases.items()},
        "cpu": meter.as_dict(),
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
