"""The dedicated-engine reference of the search benchmark (issue 30): the catalogue's search
answered by tantivy (the Rust Lucene-like engine, a bench-only dependency), on the same
documents, with the same analyzer and the same semantics, so that `bench/search.py` can print
how far the platform's engine statement is from what a dedicated engine does with the same work.

Written as an engine could be embedded later: `ReferenceIndex.build(folder)` reads the catalogue,
`ReferenceIndex.search(plan, per_page)` answers a search planned by the platform
(`catalogue.search.plan`: its concepts, their weights, its filters) with the page's service ids
and the exact total.

What it indexes, per public service (the documents of `catalogue/indexing.py`, analysed by the
platform's own code, so the stems are FTS5's, word for word):
- `name` and `body`: the stemmed words, split on spaces by tantivy's whitespace tokenizer (no
  analysis of its own), with positions for the phrases of the synonyms and concepts;
- `cat`: the service's categories and their parents, one token each (a category filter is one
  term: the service holds the category or one of its descendants);
- `cell`: the cells of a grid of about 1.1 km, and the cells of the coarser levels holding them
  (each level doubles the side, up to about 70 km), of each of its located places;
- `closed` (temporarily closed) and `sid` (the service id), fast fields.
The places' coordinates stay beside the index (service id -> points) for the exact distance.

Semantics (`raw_search_sql`'s): a soft AND of the concepts, each weighing its idf; the services
holding the most weight any service holds and those missing one concept, with at least half the
weight; ordered by weight held, open before temporarily closed, then BM25 with the name and
categories weighing five times the body (tantivy's BM25, not FTS5's: the scores differ, the
order mostly not), divided by 1 + distance / 5 km around a comune. A radius is the cells fully
inside the circle (no distance computed) and the cells on its edge, whose services' exact
distance is computed. Filters the reference does not index (age, dates, cost, language,
organisation) make `search` return None: the benchmark counts those queries apart.
"""

from __future__ import annotations

import math
import shutil
import time
from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

import tantivy

# Grid: level 0 cells of 0.01° of latitude (1.11 km) by 0.014° of longitude (1.09 km at 45.6° N,
# the middle of Lombardy); level k cells have sides 2^k times longer.
CELL_LAT = 0.01
CELL_LON = 0.014
LEVELS = 7  # 0..6: up to 0.64° by 0.9°, wider than the largest radius (50 km)
NAME_BOOST = 5.0  # the FTS5 statement's bm25(services_fts, 5.0, 1.0)
DISTANCE_HALVING_KM = 5.0  # rank / (1 + d / 5)
EPS = 1e-6


def _cell(lat: float, lon: float) -> tuple[int, int]:
    return math.floor(lon / CELL_LON), math.floor(lat / CELL_LAT)


def cell_tokens(lat: float, lon: float) -> list[str]:
    ix, iy = _cell(lat, lon)
    return [f"{k}:{ix >> k}:{iy >> k}" for k in range(LEVELS)]


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    # `territory.geo.haversine_km`, and the SQL's (clamped asin), on floats.
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))


KM_PER_DEGREE = 6371.0088 * math.pi / 180  # of latitude, on the haversine's sphere


def edge_level(radius_km: float) -> int:
    """The level of the edge's cells: about 60 of them around the circle, whatever its size
    (each cell is a term of the query; the services of an edge cell are checked one by one)."""
    return min(LEVELS - 1, max(0, round(math.log2(2 * math.pi * radius_km / 70))))


def circle_cells(
    lat: float, lon: float, radius_km: float, base: int | None = None
) -> tuple[list[str], list[str]]:
    """(cells wholly inside the circle, cells of level `base` crossing its edge): row by row
    of such cells, the circle's extent in the row, locally flat; then the inside cells merged
    into the coarsest aligned cells (a 50 km circle is about a hundred cells inside and a few
    hundred on the edge). The flat approximation is made safe by a margin (0.5 % of the radius
    and 50 m on both sides): "inside" is certain, and an edge cell's services get the exact
    distance."""
    base = edge_level(radius_km) if base is None else base
    cell_lat, cell_lon = CELL_LAT * (1 << base), CELL_LON * (1 << base)
    r_in = radius_km * 0.995 - 0.05
    r_out = radius_km * 1.005 + 0.05
    rows: dict[int, tuple[int, int]] = {}  # level-0 row -> level-0 cells wholly inside
    edge: list[str] = []
    first = math.floor((lat - r_out / KM_PER_DEGREE) / cell_lat)
    last = math.floor((lat + r_out / KM_PER_DEGREE) / cell_lat)
    for iy in range(first, last + 1):
        lat_a, lat_b = iy * cell_lat, (iy + 1) * cell_lat
        near = 0.0 if lat_a <= lat <= lat_b else min(abs(lat_a - lat), abs(lat_b - lat))
        far = max(abs(lat_a - lat), abs(lat_b - lat))
        near_km, far_km = near * KM_PER_DEGREE, far * KM_PER_DEGREE
        if near_km > r_out:
            continue
        # Degrees of longitude per km are fewest at the row's edge nearest the equator.
        cos_wide = math.cos(math.radians(max(abs(lat_a), abs(lat_b))))
        cos_narrow = math.cos(math.radians(min(abs(lat_a), abs(lat_b))))
        w_out = math.sqrt(r_out**2 - near_km**2) / (KM_PER_DEGREE * max(cos_wide, 1e-6))
        touched = (math.floor((lon - w_out) / cell_lon), math.floor((lon + w_out) / cell_lon))
        a, b = 1, 0  # no cell wholly inside
        if far_km < r_in:
            w_in = math.sqrt(r_in**2 - far_km**2) / (KM_PER_DEGREE * cos_narrow)
            a = math.ceil((lon - w_in) / cell_lon)
            b = math.floor((lon + w_in) / cell_lon) - 1
        if a <= b:
            rows[iy] = (a, b)
            edge += [f"{base}:{x}:{iy}" for x in range(touched[0], a)]
            edge += [f"{base}:{x}:{iy}" for x in range(b + 1, touched[1] + 1)]
        else:
            edge += [f"{base}:{x}:{iy}" for x in range(touched[0], touched[1] + 1)]
    inside: list[str] = []
    # level-0 row -> level-0 cells already covered by coarser cells (one run: the inside of a
    # row is one run, and each level adds the cells on both sides of what is covered).
    covered: dict[int, tuple[int, int]] = {}
    for k in range(LEVELS - 1 - base, -1, -1):
        size = 1 << k
        for big in sorted({iy >> k for iy in rows}):
            group = range(big * size, (big + 1) * size)
            runs = [rows.get(iy) for iy in group]
            if any(run is None for run in runs):
                continue
            a = max(run[0] for run in runs)  # type: ignore[index]
            b = min(run[1] for run in runs)  # type: ignore[index]
            x0, x1 = -(-a // size), (b + 1) // size - 1
            if x0 > x1:
                continue
            done = covered.get(big * size)
            if done is None:
                pieces = [(x0, x1)]
                span = (x0, x1)
            else:
                c, d = done[0] // size, (done[1] + 1) // size - 1
                pieces = [(x0, c - 1), (d + 1, x1)]
                span = (min(x0, c), max(x1, d))
            for p, q in pieces:
                inside += [f"{k + base}:{x}:{big}" for x in range(p, q + 1)]
            for iy in group:
                covered[iy] = (span[0] * size, (span[1] + 1) * size - 1)
    return inside, edge


@dataclass
class Answer:
    ids: list[int]  # the page's service ids, in order
    total: int
    engine_ms: float


@dataclass
class BuildStats:
    documents: int
    read_s: float  # the catalogue's texts, categories and places from the database, analysed
    index_s: float  # tantivy: adding the documents, commit, merge
    bytes: int  # the index folder


def _schema() -> tantivy.Schema:
    b = tantivy.SchemaBuilder()
    b.add_unsigned_field("sid", stored=False, indexed=True, fast=True)
    b.add_unsigned_field("closed", stored=False, indexed=True, fast=True)
    b.add_text_field("name", tokenizer_name="whitespace", index_option="position")
    b.add_text_field("body", tokenizer_name="whitespace", index_option="position")
    b.add_text_field("cat", tokenizer_name="raw", index_option="basic")
    b.add_text_field("cell", tokenizer_name="raw", index_option="basic")
    return b.build()


def _ancestors(terms) -> dict[int, list[int]]:
    parent = {t.pk: t.parent_id for t in terms}
    out = {}
    for pk in parent:
        chain, at = [], pk
        while at is not None and at not in chain and len(chain) < 8:
            chain.append(at)
            at = parent.get(at)
        out[pk] = chain
    return out


class ReferenceIndex:
    def __init__(self, folder: Path, points: dict[int, tuple[tuple[float, float], ...]]):
        self.folder = folder
        self.index = tantivy.Index.open(str(folder))
        self.schema = self.index.schema
        self.index.reload()
        self.searcher = self.index.searcher()
        self.points = points  # service id -> its places' coordinates
        self.circles: dict = {}

    # --- building ------------------------------------------------------------------------------

    @classmethod
    def build(cls, folder: Path) -> tuple[ReferenceIndex, BuildStats]:
        """The index of every public service, in a new folder."""
        from django.db import connection

        from equilibri.catalogue import indexing
        from equilibri.catalogue.filters import taxonomy_terms
        from equilibri.catalogue.models import Service
        from equilibri.catalogue.search import public_services

        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        index = tantivy.Index(_schema(), path=str(folder))
        # One thread: one segment (the machine has two cores, the database wants the other).
        writer = index.writer(heap_size=1_000_000_000, num_threads=1)
        up = _ancestors(taxonomy_terms())
        documents = indexing._Documents()
        closed_status = Service.Status.TEMPORARILY_CLOSED.value
        ids = list(public_services().order_by("id").values_list("id", "status"))
        points: dict[int, tuple[tuple[float, float], ...]] = {}
        read_s = index_s = 0.0
        step = 5000
        for start in range(0, len(ids), step):
            t0 = time.perf_counter()
            chunk = ids[start : start + step]
            status = dict(chunk)
            texts = indexing._texts([i for i, _s in chunk])
            by_id = dict(texts)
            # The stems FTS5 stores, on either database (PostgreSQL's own rows are words,
            # which to_tsvector stems).
            stemmed = documents.tokens.stemmed
            rows = [(sid, *map(stemmed, documents.document(t))) for sid, t in texts]
            located: dict[int, list[tuple[float, float]]] = defaultdict(list)
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT sal.service_id, l.latitude, l.longitude"
                    " FROM services_serviceatlocation sal"
                    " JOIN services_location l ON l.id = sal.location_id"
                    " WHERE sal.service_id BETWEEN %s AND %s"
                    " AND l.latitude IS NOT NULL AND l.longitude IS NOT NULL",
                    [chunk[0][0], chunk[-1][0]],
                )
                for sid, lat, lon in cursor.fetchall():
                    located[sid].append((float(lat), float(lon)))
            t1 = time.perf_counter()
            for sid, name, body in rows:
                doc = tantivy.Document()
                doc.add_unsigned("sid", sid)
                doc.add_unsigned("closed", int(status[sid] == closed_status))
                doc.add_text("name", name)
                doc.add_text("body", body)
                for term in {a for t in by_id[sid].term_ids for a in up.get(t, [t])}:
                    doc.add_text("cat", str(term))
                cells = set()
                for lat, lon in located.get(sid, ()):
                    cells.update(cell_tokens(lat, lon))
                for token in cells:
                    doc.add_text("cell", token)
                writer.add_document(doc)
                if sid in located:
                    points[sid] = tuple(located[sid])
            index_s += time.perf_counter() - t1
            read_s += t1 - t0
        t1 = time.perf_counter()
        writer.commit()
        writer.wait_merging_threads()
        index_s += time.perf_counter() - t1
        size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
        built = cls(folder, points)
        return built, BuildStats(len(ids), round(read_s, 1), round(index_s, 1), size)

    # --- searching -----------------------------------------------------------------------------

    def _term(self, field: str, value) -> tantivy.Query:
        return tantivy.Query.term_query(self.schema, field, value)

    def _phrase(self, field: str, stems: list[str]) -> tantivy.Query:
        if len(stems) == 1:
            return self._term(field, stems[0])
        return tantivy.Query.phrase_query(self.schema, field, stems)

    def _unit(self, unit) -> tantivy.Query:
        """A concept: any of its phrases, in the name (five times) or the body."""
        from equilibri.catalogue.search import stem

        should = tantivy.Occur.Should
        clauses = []
        for phrase in sorted({tuple(stem(w) for w in p) for p in unit}):
            clauses.append(
                (should, tantivy.Query.boost_query(self._phrase("name", list(phrase)), NAME_BOOST))
            )
            clauses.append((should, self._phrase("body", list(phrase))))
        return tantivy.Query.boolean_query(clauses)

    @staticmethod
    def _all(*queries: tantivy.Query) -> tantivy.Query:
        return tantivy.Query.boolean_query([(tantivy.Occur.Must, q) for q in queries])

    @staticmethod
    def _any(queries: list[tantivy.Query]) -> tantivy.Query:
        if len(queries) == 1:
            return queries[0]
        return tantivy.Query.boolean_query([(tantivy.Occur.Should, q) for q in queries])

    @staticmethod
    def _filter(query: tantivy.Query) -> tantivy.Query:
        return tantivy.Query.const_score_query(query, 0.0)

    def _at_least(self, units_q, weights, floor: float) -> tantivy.Query | None:
        """Services holding concepts weighing at least `floor`: any of the smallest such sets
        of concepts (all of a set)."""
        n = len(units_q)
        found: list[frozenset[int]] = []
        for size in range(1, n + 1):
            for group in combinations(range(n), size):
                if sum(weights[i] for i in group) >= floor and not any(
                    f <= set(group) for f in found
                ):
                    found.append(frozenset(group))
        if not found:
            return None
        return self._any([self._all(*(units_q[i] for i in sorted(g))) for g in found])

    def _exactly(self, units_q, weights, level: float) -> tantivy.Query | None:
        """Services whose concepts held weigh exactly `level`."""
        n = len(units_q)
        parts = []
        for mask in range(1, 1 << n):
            if abs(sum(weights[i] for i in range(n) if mask >> i & 1) - level) > EPS:
                continue
            occur = [
                (tantivy.Occur.Must if mask >> i & 1 else tantivy.Occur.MustNot, units_q[i])
                for i in range(n)
            ]
            parts.append(tantivy.Query.boolean_query(occur))
        return self._any(parts) if parts else None

    def search(self, planned, per_page: int = 10) -> Answer | None:
        """The first page and the total of a planned search (`catalogue.search.plan`), or None
        when it uses a filter the reference does not index, sorts by distance, or has no text."""
        from equilibri.catalogue.filters import taxonomy_terms

        q = planned.query
        if (
            not planned.units
            or q.sort != "relevance"
            or any(
                (
                    q.age is not None,
                    q.month is not None,
                    q.weekday is not None,
                    q.open_on is not None,
                    q.open_now,
                    q.free_only,
                    q.voucher,
                    q.language,
                    q.organisation_id is not None,
                    q.modified_after is not None,
                )
            )
        ):
            return None
        t0 = time.perf_counter()
        units = planned.units
        several = len(units) > 1
        weights = planned.weights if several and planned.weights else (1.0,) * len(units)
        units_q = [self._unit(u) for u in units]
        filters: list[tantivy.Query] = []
        if q.category:
            pk = next((t.pk for t in taxonomy_terms() if t.code == q.category), -1)
            filters.append(self._filter(self._term("cat", str(pk))))
        center = radius = None
        if q.comune is not None:
            center = (float(q.comune.lat), float(q.comune.lon))
        if center is not None and q.radius_km is not None:
            from django.conf import settings

            radius = min(max(float(q.radius_km), 0.0), float(settings.MAX_SEARCH_RADIUS_KM))
        half = sum(weights) / 2 - EPS
        # Every service the platform's MATCH reads: those holding half of the weight.
        match = self._at_least(units_q, weights, half)
        if match is None:
            return Answer([], 0, (time.perf_counter() - t0) * 1000)
        # The most weight any service in the circle holds (several concepts): one hit ordered
        # by the sum of one constant per concept (its weight) among those inside, and the
        # same sum for each service on the edge, whose distance is checked.
        best = sum(weights)
        if several:
            cover_q = tantivy.Query.boolean_query(
                [
                    (tantivy.Occur.Must, self._filter(match)),
                    *((tantivy.Occur.Must, f) for f in filters),
                    *(
                        (tantivy.Occur.Should, tantivy.Query.const_score_query(u, w))
                        for u, w in zip(units_q, weights, strict=True)
                    ),
                ]
            )
            if radius is None:
                top = self.searcher.search(cover_q, limit=1, count=False).hits
                best = round(top[0][0], 3) if top else 0.0
            else:
                inside_q, _edge = self._circle(center, radius)
                top = self.searcher.search(
                    self._all(cover_q, self._filter(inside_q)), limit=1, count=False
                ).hits
                # (tantivy's scores are f32; the weights have three decimals)
                covers = [round(top[0][0], 3)] if top else [0.0]
                covers += [round(c, 3) for c, _sid in self._edge(cover_q, center, radius)]
                best = max(covers)
        floor = max(best - max(weights) - EPS, half)
        kept = self._at_least(units_q, weights, floor)
        if kept is None:
            return Answer([], 0, (time.perf_counter() - t0) * 1000)
        full = sum(weights) - EPS
        complete = self._at_least(units_q, weights, full)
        # One weakness is forgiven, not two: missing a concept, temporarily closed, in the
        # outer half of the radius. So: complete and open anywhere in the circle; complete and
        # closed, or open and missing a concept, in its inner half.
        open_q, closed_q = (self._filter(self._term("closed", c)) for c in (0, 1))
        partial = None
        if floor < full and kept is not None and complete is not None:
            partial = tantivy.Query.boolean_query(
                [(tantivy.Occur.Must, self._filter(kept)), (tantivy.Occur.MustNot, complete)]
            )
        half_r = float(q.radius_km) / 2 if radius is not None else None
        parts = [
            (complete, open_q, radius),
            (complete, closed_q, half_r),
            (partial, open_q, half_r),
        ]
        total = 0
        for text_q, state, limit in parts:
            if text_q is not None:
                total += self._count(
                    self._all(self._filter(text_q), state, *filters), center, limit
                )
        # The page: levels of weight held, best first; in each, open then closed; in each of
        # those, BM25 (divided by 1 + d / 5 near a comune).
        levels = sorted(
            {
                round(sum(weights[i] for i in g), 6)
                for size in range(1, len(units) + 1)
                for g in combinations(range(len(units)), size)
                if floor <= sum(weights[i] for i in g) <= best + EPS
            },
            reverse=True,
        )
        text = self._any(units_q)  # the BM25 of every concept's phrases
        page: list[int] = []
        for level in levels:
            exact = self._exactly(units_q, weights, level) if several else None
            whole = level >= full
            for closed in (0, 1) if whole else (0,):
                if len(page) >= per_page:
                    break
                # (The circle is read ring by ring in `_top`.)
                must = [*filters, open_q if closed == 0 else closed_q]
                if exact is not None:
                    must.append(self._filter(exact))
                limit = radius if whole and closed == 0 else half_r
                segment = self._all(text, *must)
                page += self._top(segment, per_page - len(page), center, limit)
        engine_ms = (time.perf_counter() - t0) * 1000
        return Answer(page, total, engine_ms)

    def _circle(self, center: tuple[float, float], radius: float):
        """The queries of the cells inside the circle and on its edge. Kept: searches are
        around a comune's centre with the form's radii, a few thousand circles at most."""
        key = (center, radius)
        if key not in self.circles:
            if len(self.circles) > 20_000:
                self.circles.clear()
            inside, edge = circle_cells(*center, radius)
            self.circles[key] = (self._cells(inside), self._cells(edge))
        return self.circles[key]

    def _cells(self, cells: list[str]) -> tantivy.Query:
        """Any of these cells. A union of term queries: tantivy's term set query reads the
        field's whole dictionary, one or two milliseconds here for a few hundred cells."""
        if not cells:
            return tantivy.Query.empty_query()
        return tantivy.Query.boolean_query(
            [(tantivy.Occur.Should, self._term("cell", cell)) for cell in cells]
        )

    def _edge(self, query, center, radius: float) -> list[tuple[float, int]]:
        """(score, id) of the services of `query` found only in the circle's edge cells and
        within its radius (their exact distance)."""
        inside_q, edge_q = self._circle(center, radius)
        q = tantivy.Query.boolean_query(
            [
                (tantivy.Occur.Must, query),
                (tantivy.Occur.Must, self._filter(edge_q)),
                (tantivy.Occur.MustNot, inside_q),
            ]
        )
        n = self.searcher.search(q, limit=1, count=True).count
        if not n:
            return []
        hits = self.searcher.search(q, limit=n, count=False).hits
        sids = self.searcher.fast_field_values("sid", [a for _s, a in hits])
        out = []
        for (score, _a), sid in zip(hits, sids, strict=True):
            d = self._distance(sid, center)
            if d is not None and d <= radius:
                out.append((score, sid))
        return out

    def _count(self, query, center, radius: float | None) -> int:
        """How many services of `query` are within the radius (all without one)."""
        if radius is None or center is None:
            return self.searcher.search(query, limit=1, count=True).count
        inside_q, _edge = self._circle(center, radius)
        inside = self.searcher.search(
            self._all(query, self._filter(inside_q)), limit=1, count=True
        ).count
        return inside + len(self._edge(query, center, radius))

    def _distance(self, sid: int, center) -> float | None:
        pts = self.points.get(sid)
        if not pts:
            return None
        return min(haversine_km(center[0], center[1], a, b) for a, b in pts)

    def _rings(self, center: tuple[float, float], radius: float) -> list:
        """The circle as rings of doubling radii (5, 10, 20 … km): each ring's query (the
        cells it touches, less those of the rings inside it) and the least distance of a
        service found in it only, which bounds its discounted rank."""
        key = (center, radius, "rings")
        if key not in self.circles:
            rings, before, r_lo, r = [], None, 0.0, min(5.0, radius)
            while True:
                inside, edge = circle_cells(*center, r)
                touched = self._cells(inside + edge)
                clauses = [(tantivy.Occur.Must, self._filter(touched))]
                if before is not None:
                    clauses.append((tantivy.Occur.MustNot, before))
                rings.append((tantivy.Query.boolean_query(clauses), r_lo))
                if r >= radius:
                    break
                before, r_lo, r = touched, r, min(2 * r, radius)
            self.circles[key] = rings
        return self.circles[key]

    def _top(self, query, k: int, center, radius) -> list[int]:
        """The k best of a segment by BM25, or near a comune by BM25 / (1 + d / 5): ring by
        ring from the centre, each read best BM25 first until none of its services left can
        beat the k-th found (their distance is at least the ring's inner radius), and no ring
        read once the best BM25 of the segment, so discounted, cannot."""
        search = self.searcher.search
        sid_of = self.searcher.fast_field_values
        if center is None:
            hits = search(query, limit=k, count=False).hits
            return sid_of("sid", [a for _s, a in hits])
        first = search(query, limit=1, count=False).hits
        if not first:
            return []
        ceiling = first[0][0]
        rings = self._rings(center, radius) if radius is not None else [(None, 0.0)]
        scored: list[tuple[float, float, int]] = []  # (-discounted rank, distance, id)

        def kth() -> float:
            return -scored[k - 1][0] if len(scored) >= k else 0.0

        for ring, d_lo in rings:
            discount = 1 + d_lo / DISTANCE_HALVING_KM
            if ceiling / discount <= kth():
                break
            q = query if ring is None else self._all(query, ring)
            fetch, seen = max(2 * k, 20), 0
            while True:
                hits = search(q, limit=fetch, count=False, offset=seen).hits
                sids = sid_of("sid", [a for _s, a in hits])
                for (score, _a), sid in zip(hits, sids, strict=True):
                    d = self._distance(sid, center)
                    if radius is not None and (d is None or d > radius):
                        continue  # a cell on the edge, the service outside the circle
                    d = d or 0.0
                    scored.append((-(score / (1 + d / DISTANCE_HALVING_KM)), d, sid))
                scored.sort()
                seen += len(hits)
                if len(hits) < fetch or hits[-1][0] / discount <= kth():
                    break
                fetch *= 4
        return [sid for _k, _d, sid in scored[:k]]
