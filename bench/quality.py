#!/usr/bin/env python
"""Search quality: judged citizen queries over a realistic generated catalogue.

    .venv/bin/python bench/quality.py                  # SQLite, the page's search
    scripts/with-postgres.sh .venv/bin/python bench/quality.py --postgres
    .venv/bin/python bench/quality.py --verbose        # every query with its top 5

The catalogue (bench/quality/corpus.py, about 600 services in 30 comuni) is written into a
throwaway database; the queries (bench/quality/queries.toml) say what each citizen needs, and
every service is graded from its facts by the rules written at the top of that file (never by
looking at results). Printed: nDCG@10 (graded, gain 2^g - 1), P@5 (relevant results in the top 5
over the relevant services there could be, at most 5), junk in the top 5 (results graded 0:
unrelated, out of range, wrong age / date / language / cost, not public), and how many of the
queries whose right answer is nothing get an empty page.

To measure another version of the code (e.g. before a change), put its `equilibri` package first
on the path: `git archive <commit> equilibri | tar -x -C /tmp/old` and
`PYTHONPATH=/tmp/old .venv/bin/python bench/quality.py`.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import tempfile
import tomllib
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR / "quality"))


def setup(postgres: bool, folder: Path) -> None:
    url = os.environ.get("DATABASE_URL", "") if postgres else f"sqlite:///{folder / 'q.sqlite3'}"
    if postgres and not url.startswith("postgres"):
        raise SystemExit("--postgres needs DATABASE_URL of a throwaway cluster")
    os.environ.update(
        DJANGO_SETTINGS_MODULE="equilibri.settings", DEBUG="0", DEMO="0", HTTPS="0",
        VAR_DIR=str(folder / "var"), SECRET_KEY=os.urandom(24).hex(), EMAIL_URL="locmem:",
        ALLOWED_HOSTS="127.0.0.1,localhost", DATABASE_URL=url,
    )  # fmt: skip
    (folder / "var").mkdir(parents=True, exist_ok=True)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if connection.introspection.table_names():
        raise SystemExit("Refusing to run: the database already has tables.")
    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_geography", verbosity=0)


def grade(facts, q: dict, where: dict) -> int:
    """0 (irrelevant or must not appear) to 2, from the service's facts and the query's needs."""
    from corpus import km

    if not facts.public:
        return 0
    terms = set(facts.terms)
    g = 2 if terms & set(q.get("want", [])) else 1 if terms & set(q.get("ok", [])) else 0
    if g == 2 and q.get("name") and q["name"].lower() not in facts.name.lower():
        g = 1
    if "near" in q:
        radius = float(q.get("km", 10))
        distance = km(where[q["near"]], (facts.lat, facts.lon))
        if distance > 2 * radius:
            return 0
        if distance > radius:
            g -= 1
    age = q.get("age")
    if age is not None and facts.ages and not facts.ages[0] <= age <= facts.ages[1]:
        return 0
    month = q.get("month")
    if month and facts.valid and not facts.valid[0].month <= month <= facts.valid[1].month:
        return 0
    if q.get("weekday") is not None and q["weekday"] not in facts.weekdays:
        return 0
    if (q.get("free") and not facts.free) or (q.get("voucher") and not facts.voucher):
        return 0
    if q.get("lang") and q["lang"] not in facts.languages:
        return 0
    if facts.status != "active":
        g -= 1
    return max(g, 0)


def dcg(grades: list[int]) -> float:
    return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(grades))


def evaluate(queries: list[dict], facts: list, verbose: bool) -> dict:
    from django.utils import translation

    from equilibri.catalogue.search import SearchQuery, search_services
    from equilibri.territory.models import Comune

    by_id = {f.id: f for f in facts}
    names = {q["near"] for q in queries if "near" in q}
    where = {c.name: (float(c.lat), float(c.lon)) for c in Comune.objects.filter(name__in=names)}
    missing = names - set(where)
    if missing:
        raise SystemExit(f"queries.toml names comuni that do not exist: {sorted(missing)}")
    ndcgs, p5s, junk, junk_queries, empty_pass, empty_total, errors = [], [], 0, 0, 0, 0, 0
    worst: list[tuple[float, str, list]] = []
    for q in queries:
        try:
            with translation.override(q.get("site", "it")):
                page = search_services(SearchQuery(text=q["text"], per_page=10))
        except Exception as e:  # a bench reports every failure and goes on
            errors += 1
            print(f"  ERROR {q['text']!r}: {type(e).__name__}: {e}")
            continue
        ids = [h.card.pk for h in page.hits]
        graded = {f.id: grade(f, q, where) for f in facts}
        got = [graded.get(i, 0) for i in ids]
        relevant = sorted((g for g in graded.values() if g > 0), reverse=True)
        if q.get("empty"):
            empty_total += 1
            empty_pass += page.total == 0
            if relevant:
                print(f"  note: {q['text']!r} is judged empty but {len(relevant)} services fit")
            if page.total:
                worst.append((0.0, q["text"], [by_id[i].name for i in ids[:5]]))
            continue
        if not relevant:
            print(f"  note: {q['text']!r} has no relevant service in this catalogue (skipped)")
            continue
        score = dcg(got) / dcg(relevant[:10])
        ndcgs.append(score)
        p5s.append(sum(g > 0 for g in got[:5]) / min(5, len(relevant)))
        bad = sum(g == 0 for g in got[:5])
        junk += bad
        junk_queries += bad > 0
        worst.append(
            (
                score,
                q["text"],
                [f"{by_id[i].name} [{g}]" for i, g in zip(ids, got, strict=True)][:5],
            )
        )
        if verbose:
            chips = [c.label for c in getattr(page, "chips", ())]
            print(f"  {score:.2f} {q['text']!r} {chips} {getattr(page, 'suggestion', None)}")
            for i, g in zip(ids[:5], got[:5], strict=False):
                print(f"        [{g}] {by_id[i].name} ({by_id[i].comune}, {by_id[i].terms[0]})")
    worst.sort()
    print("  lowest:")
    for score, text, top in worst[:12]:
        print(f"    {score:.2f} {text!r}: {top}")
    return {
        "queries": len(queries),
        "ndcg10": sum(ndcgs) / len(ndcgs),
        "p5": sum(p5s) / len(p5s),
        "junk_top5": junk,
        "queries_with_junk": junk_queries,
        "empty_pass": f"{empty_pass}/{empty_total}",
        "errors": errors,
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--postgres", action="store_true")
    p.add_argument("--verbose", action="store_true")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--show", action="append", help="print how the search reads this text")
    args = p.parse_args()
    with open(BENCH_DIR / "quality" / "queries.toml", "rb") as f:
        queries = tomllib.load(f)["q"]
    with tempfile.TemporaryDirectory(prefix="equilibri-quality-") as tmp:
        setup(args.postgres, Path(tmp))
        from corpus import generate
        from django.db import connection

        import equilibri.catalogue.search as search

        facts = generate(args.seed)
        print(
            f"{connection.vendor}: {sum(f.public for f in facts)} public services of"
            f" {len(facts)}, {len(queries)} queries ({sum(bool(q.get('empty')) for q in queries)}"
            f" whose answer is nothing); engine {Path(search.__file__).parent}"
        )
        for text in args.show or ():
            planned = search.plan(search.SearchQuery(text=text))
            print(f"  {text!r}: units {planned.units} weights {planned.weights}")
            print(f"    chips {[c.label for c in planned.chips]} suggestion {planned.suggestion}")
        result = evaluate(queries, facts, args.verbose)
    print(
        f"nDCG@10 {result['ndcg10']:.3f}  P@5 {result['p5']:.3f}  junk in top 5"
        f" {result['junk_top5']} (in {result['queries_with_junk']} queries)  empty-answer"
        f" passes {result['empty_pass']}  errors {result['errors']}"
    )


if __name__ == "__main__":
    main()
