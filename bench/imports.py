"""The HSDS import alone, again and again on the same files: a catalogue is generated and exported
once (`prepare`, as `search.py` does it), then each `run` imports the files into a fresh copy of
the emptied database and prints the time of every file and step. At 1,000,000 services
`search.py` takes about an hour, most of it making the files; a `run` takes five minutes.

    .venv/bin/python bench/imports.py prepare /tmp/imports-1m --services 1000000   # ~40 min
    .venv/bin/python bench/imports.py run /tmp/imports-1m                          # ~5 min
    .venv/bin/python bench/imports.py run /tmp/imports-1m --code-dir /tmp/candidate

SQLite: the emptied database is DIR/base.sqlite3 and each run imports into a copy of it. A
`prepare` that finds the files already made keeps them and only prepares the database: the same
files on the other database (it refuses files recorded as made with another --services or
--seed, `made-with.txt`).
PostgreSQL: with DATABASE_URL set (a cluster of your own, e.g. a throwaway one that you keep
running), `prepare` fills that database and each run imports into a new database made from it
as a template (dropped afterwards). Like `search.py`, it refuses a database that has tables.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import uuid
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("action", choices=["prepare", "run"])
    p.add_argument("dir", type=Path, help="where the files (and SQLite's database) are kept")
    p.add_argument("--services", type=int, default=100_000, help="catalogue size (prepare)")
    p.add_argument("--seed", type=int, default=2026)
    p.add_argument("--hsds-file-size", type=int, default=100_000)
    p.add_argument("--code-dir", type=Path, help="import with a scratch copy of the tree (run)")
    p.add_argument("--profile", action="store_true", help="cProfile each file's import (run)")
    return p.parse_args()


def prepare(args: argparse.Namespace) -> None:
    import django
    import search

    url = os.environ.get("DATABASE_URL") or f"sqlite:///{args.dir / 'base.sqlite3'}"
    search.platform_environment(args.dir, url)
    django.setup()
    import importing
    from catalogue import Generator

    search.refuse_non_empty_database()
    if any((args.dir / "hsds").glob("*.json")):  # before the database is prepared for them
        importing.check_made_with(args.dir / "hsds", args.services, args.seed)
    geo, _istat, term_ids = search.prepare_database()
    gen = Generator(geo, term_ids, seed=args.seed)
    orgs = search.make_organisations(gen, max(20, args.services // 25))
    files = sorted((args.dir / "hsds").glob("*.json"))
    if files:
        # Files made before (e.g. on the other database) with the same --services and --seed:
        # the organisations just made are theirs, only the database was needed.
        print(f"keeping the {len(files)} files of {args.dir / 'hsds'}")
    else:
        with search.Clock(f"bulk write of {args.services:,} services"):
            importing.bulk_write(gen, args.services, orgs)
        with search.Clock("HSDS export"):
            files, _s = importing.export_files(args.dir / "hsds", per_file=args.hsds_file_size)
        importing.record_made_with(args.dir / "hsds", args.services, args.seed)
        importing.wipe_catalogue()
    print(f"{len(files)} files in {args.dir / 'hsds'}; now: bench/imports.py run {args.dir}")


def run(args: argparse.Namespace) -> None:
    import django
    import search

    url = os.environ.get("DATABASE_URL", "")
    made = None
    if url.startswith("postgres"):
        import psycopg

        base = url.rsplit("/", 1)
        made = f"imports_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(f"{base[0]}/postgres", autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE {made} TEMPLATE "{base[1]}"')
        url = f"{base[0]}/{made}"
    else:
        copy = args.dir / "run.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{copy}{suffix}").unlink(missing_ok=True)
        shutil.copy(args.dir / "base.sqlite3", copy)
        url = f"sqlite:///{copy}"
    search.platform_environment(args.dir, url)
    try:
        django.setup()
        import importing

        import equilibri

        print(f"code: {Path(equilibri.__file__).parent.parent}")
        files = sorted((args.dir / "hsds").glob("*.json"))
        result = importing.hsds_import(importing.find_hsds_importer(), files, args.profile)
        steps = ", ".join(f"{step} {s}" for step, s in result["phases_s"].items())
        print(f"import of {len(files)} files: {result['seconds']} s ({steps})")
    finally:
        if made is not None:
            from django.db import connection

            connection.close()
            with psycopg.connect(f"{base[0]}/postgres", autocommit=True) as admin:
                admin.execute(f"DROP DATABASE {made}")


def main() -> None:
    args = parse_args()
    sys.path.insert(0, str(BENCH))
    sys.path.insert(1, str((args.code_dir or ROOT).resolve()))
    args.dir = args.dir.resolve()
    if args.action == "prepare":
        prepare(args)
    else:
        run(args)


if __name__ == "__main__":
    main()
