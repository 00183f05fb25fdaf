"""One search interface, two engines: SQLite FTS5 (default) and PostgreSQL full text.

`search_services(SearchQuery(...))` returns a `SearchPage` of `Hit`s; `raw_search_sql(query)` is
the single engine statement it runs for the ids (full-text match + every filter + order +
limit/offset, with the total as a window count), so the benchmark can time the database alone.
Placeholders are `%s` (a Django cursor: `connection.cursor().execute(sql, params)`).

Text: lower case, accents folded, a few Italian stop words dropped; synonyms expanded at query
time (doposcuola ~ post-scuola, badante ~ assistenza domiciliare). SQLite: the words are stemmed
in Python with the Italian Snowball stemmer (`snowballstemmer`) and stored in the FTS5 table
`services_fts` (rowid = service id, columns name and body). PostgreSQL: a `tsvector` built with
the `italian` configuration over `unaccent()` in the table `services_search` (GIN index); the
query words go to `to_tsquery('italian', ...)`, which stems them the same way.

Only published, publicly visible services are indexed (`index_service` removes the others), so
the catalogue's services call `index_service` on every publish / edit / hide and imports call
`reindex_services(ids)` in bulk. Distances: a bounding-box prefilter on the locations, then the
exact haversine in SQL (kilometres).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import lru_cache
from typing import Literal, NamedTuple

import snowballstemmer
from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.utils import timezone

from equilibri.core.text import fold
from equilibri.territory.geo import EARTH_RADIUS_KM, bounding_box, haversine_km
from equilibri.territory.models import Comune

from .cards import Card, CardLocation, card_columns, card_from_row
from .models import Location, Service, TaxonomyTerm

PUBLIC_STATUSES = (Service.Status.ACTIVE.value, Service.Status.TEMPORARILY_CLOSED.value)
# Stale services stay visible (flagged) until the grace period ends and they are hidden.
PUBLIC_REVIEW_STATES = (Service.Review.PUBLISHED.value, Service.Review.STALE.value)

STOPWORDS = frozenset(
    [
        "a",
        "ad",
        "al",
        "allo",
        "ai",
        "agli",
        "all",
        "alla",
        "alle",
        "c",
        "che",
        "chi",
        "ci",
        "con",
        "d",
        "da",
        "dal",
        "dallo",
        "dai",
        "dagli",
        "dall",
        "dalla",
        "dalle",
        "di",
        "del",
        "dello",
        "dei",
        "degli",
        "dell",
        "della",
        "delle",
        "e",
        "ed",
        "gli",
        "i",
        "il",
        "in",
        "l",
        "la",
        "le",
        "lo",
        "ma",
        "mi",
        "ne",
        "nel",
        "nello",
        "nei",
        "negli",
        "nell",
        "nella",
        "nelle",
        "o",
        "per",
        "si",
        "su",
        "sul",
        "sullo",
        "sui",
        "sugli",
        "sull",
        "sulla",
        "sulle",
        "ti",
        "tra",
        "fra",
        "un",
        "uno",
        "una",
        "vi",
    ]
)

# Groups of equivalent phrases (as typed: folded and stemmed like the text).
SYNONYMS: list[tuple[str, ...]] = [
    ("doposcuola", "post scuola", "postscuola", "dopo scuola"),
    ("prescuola", "pre scuola"),
    ("badante", "assistenza domiciliare", "assistente familiare", "assistenza a domicilio"),
    ("centro estivo", "campo estivo", "grest", "centri estivi"),
    ("asilo nido", "nido", "micronido"),
    ("stireria", "stiro"),
    ("maggiordomo", "maggiordomo aziendale", "portineria aziendale", "concierge"),
    ("commissioni", "disbrigo pratiche"),
    ("smart working", "lavoro agile", "telelavoro"),
    ("coworking", "co working", "spazio coworking"),
    ("sportello", "punto informativo", "punto famiglia", "info point"),
]

_WORD = re.compile(r"[a-z0-9]+")
_stemmer = snowballstemmer.stemmer("italian")


def words(text: str) -> list[str]:
    """Folded words without stop words: "Città di Tradate" -> ["citta", "tradate"]."""
    return [w for w in _WORD.findall(fold(text or "")) if w not in STOPWORDS]


@lru_cache(maxsize=20000)
def stem(word: str) -> str:
    return _stemmer.stemWord(word)


def stems(text: str) -> list[str]:
    return [stem(w) for w in words(text)]


@lru_cache(maxsize=1)
def _synonym_index() -> dict[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    """Each phrase (as stems) -> every phrase of its group (as words)."""
    index: dict[tuple[str, ...], tuple[tuple[str, ...], ...]] = {}
    for group in SYNONYMS:
        phrases = tuple(tuple(words(p)) for p in group)
        for phrase in phrases:
            index[tuple(stem(w) for w in phrase)] = phrases
    return index


def query_units(text: str) -> list[tuple[tuple[str, ...], ...]]:
    """The query as AND-ed units, each a tuple of alternative phrases (tuples of words)."""
    ws = words(text)[:12]
    ss = [stem(w) for w in ws]
    index = _synonym_index()
    longest = max((len(k) for k in index), default=1)
    units: list[tuple[tuple[str, ...], ...]] = []
    i = 0
    while i < len(ws):
        for size in range(min(longest, len(ws) - i), 0, -1):
            phrases = index.get(tuple(ss[i : i + size]))
            if phrases:
                units.append(phrases)
                i += size
                break
        else:
            units.append(((ws[i],),))
            i += 1
    return units


def fts5_match(units: list[tuple[tuple[str, ...], ...]]) -> str:
    """SQLite FTS5 MATCH expression: ("centr" OR "camp estiv") AND "tradat"."""
    parts = []
    for unit in units:
        alternatives = sorted({'"' + " ".join(stem(w) for w in phrase) + '"' for phrase in unit})
        parts.append("(" + " OR ".join(alternatives) + ")")
    return " AND ".join(parts)


def pg_tsquery(units: list[tuple[tuple[str, ...], ...]]) -> str:
    """PostgreSQL to_tsquery('italian', ...) text: (centro <-> estivo | grest) & tradate."""
    parts = []
    for unit in units:
        alternatives = sorted({" <-> ".join(phrase) for phrase in unit})
        parts.append("(" + " | ".join(alternatives) + ")")
    return " & ".join(parts)


# --- The query -----------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchQuery:
    text: str = ""
    category: str | None = None
    comune: Comune | None = None
    radius_km: float | None = None
    age: int | None = None
    open_on: date | None = None
    open_now: bool = False
    free_only: bool = False
    voucher: bool = False
    language: str | None = None
    organisation_id: int | None = None
    modified_after: datetime | None = None
    sort: Literal["relevance", "distance"] = "relevance"
    page: int = 1
    per_page: int = 20


@dataclass
class Hit:
    card: Card
    distance_km: float | None
    location: CardLocation | None
    rank: float


@dataclass
class SearchPage:
    hits: list[Hit]
    total: int
    page: int
    per_page: int
    extra: dict = field(default_factory=dict)

    @property
    def num_pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page)) if self.per_page else 1

    @property
    def has_next(self) -> bool:
        return self.page < self.num_pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    # The Django Page interface used by includes/pagination.html.
    @property
    def number(self) -> int:
        return self.page

    @property
    def paginator(self) -> SearchPage:
        return self

    def has_other_pages(self) -> bool:
        return self.num_pages > 1

    def previous_page_number(self) -> int:
        return self.page - 1

    def next_page_number(self) -> int:
        return self.page + 1

    @property
    def start_index(self) -> int:
        return (self.page - 1) * self.per_page + 1 if self.hits else 0


class Term(NamedTuple):
    pk: int
    uuid: str
    code: str
    name: str
    parent_id: int | None


def taxonomy_terms() -> tuple[Term, ...]:
    """Every taxonomy term as plain values, in the taxonomy's order, cached for five minutes: the
    search's categories, the search form's choices and the HSDS API's term filter read it on
    every request, and the taxonomy changes only with a migration or an import."""
    return caches["local"].get_or_set("services:taxonomy-terms", _taxonomy_terms, 300) or ()


def _taxonomy_terms() -> tuple[Term, ...]:
    rows = TaxonomyTerm.objects.order_by("position", "name").values_list(
        "pk", "uuid", "code", "name", "parent_id"
    )
    return tuple(Term(pk, str(uuid), code, name, parent) for pk, uuid, code, name, parent in rows)


def category_term_ids(code: str) -> list[int]:
    """The term and its descendants."""
    terms = taxonomy_terms()
    ids = [t.pk for t in terms if t.code == code]
    frontier = ids
    for _ in range(3):  # the taxonomy has two levels; a bound, should a parent loop ever exist
        if not frontier:
            break
        frontier = [t.pk for t in terms if t.parent_id in frontier]
        ids = ids + frontier
    return ids


def _haversine_sql(lat: float, lon: float) -> tuple[str, list]:
    clamp = "LEAST" if connection.vendor == "postgresql" else "min"  # rounding: asin(<= 1)
    sql = (
        f"2 * {EARTH_RADIUS_KM!r} * asin({clamp}(1.0, sqrt("
        "power(sin(radians(l.latitude - %s) / 2), 2) + "
        "%s * cos(radians(l.latitude)) * power(sin(radians(l.longitude - %s) / 2), 2))))"
    )
    return sql, [lat, math.cos(math.radians(lat)), lon]


def _clamp_page(query: SearchQuery) -> tuple[int, int]:
    per_page = min(max(int(query.per_page or 20), 1), 100)
    page = min(max(int(query.page or 1), 1), 10_000)
    return page, per_page


def raw_search_sql(query: SearchQuery, columns: str = "") -> tuple[str, list]:
    """The engine statement: rows of (service id, rank, distance_km, total, name), or with
    `columns` (service id, rank, distance_km, total, *columns): what the caller shows of each
    row of the page, fetched in the same round trip (`s` is the service, `o` its organisation;
    the result cards' `card_columns`, the HSDS API's `list_columns`)."""
    vendor = connection.vendor
    ops = connection.ops
    params: list = []
    select_rank = "0.0"
    source = "services_service s"
    units = query_units(query.text) if query.text else []

    if units:
        if vendor == "postgresql":
            source = (
                "to_tsquery('italian', %s) q JOIN services_search f ON f.document @@ q"
                " JOIN services_service s ON s.id = f.service_id"
            )
            params.append(pg_tsquery(units))
            select_rank = "ts_rank(f.document, q)"
        else:
            source = (
                "(SELECT rowid AS id, -bm25(services_fts, 5.0, 1.0) AS score FROM services_fts "
                "WHERE services_fts MATCH %s) f CROSS JOIN services_service s ON s.id = f.id"
            )
            # CROSS JOIN fixes SQLite's join order: the full-text match runs once, first; with a
            # plain JOIN the planner may re-run it for every row of the distance subquery.
            params.append(fts5_match(units))
            select_rank = "f.score"

    select_distance = "NULL"
    select_params: list = []
    within: tuple[str, list] | None = None  # the radius, applied around the matches (below)
    where: list[str] = ["s.review_state IN (%s, %s)", "s.status IN (%s, %s)"]
    where_params: list = [*PUBLIC_REVIEW_STATES, *PUBLIC_STATUSES]
    if query.comune is not None:
        lat, lon = float(query.comune.lat), float(query.comune.lon)
        dist_sql, dist_params = _haversine_sql(lat, lon)
        radius = query.radius_km
        if radius is not None and units and vendor == "sqlite":
            # Text and radius on SQLite: the distance of each full-text match, from its own
            # locations (an index lookup per match), instead of every location in the radius
            # grouped and joined (radius queries' p50 36 against 59 ms at 100,000 services, 0.30
            # against 0.69 s at 1,000,000). PostgreSQL is the other way round: it hashes the two
            # sets, while a lookup per match costs seconds when a common word matches most of a
            # million services (p50 71 against 127 ms at 100,000; docs/performance.md, note 8).
            radius = min(max(float(radius), 0.0), float(settings.MAX_SEARCH_RADIUS_KM))
            min_lat, max_lat, min_lon, max_lon = bounding_box(lat, lon, radius)
            select_distance = (
                f"(SELECT MIN({dist_sql}) FROM services_serviceatlocation sal"  # noqa: S608 (constant SQL, values bound)
                " JOIN services_location l ON l.id = sal.location_id WHERE sal.service_id = s.id"
                " AND l.latitude BETWEEN %s AND %s AND l.longitude BETWEEN %s AND %s)"
            )
            select_params = [*dist_params, min_lat, max_lat, min_lon, max_lon]
            within = ("distance <= %s", [radius])
        elif radius is not None:
            radius = min(max(float(radius), 0.0), float(settings.MAX_SEARCH_RADIUS_KM))
            min_lat, max_lat, min_lon, max_lon = bounding_box(lat, lon, radius)
            source += (
                f" JOIN (SELECT sal.service_id, MIN({dist_sql}) AS distance"  # noqa: S608 (constant SQL, values bound)
                " FROM services_location l JOIN services_serviceatlocation sal"
                " ON sal.location_id = l.id"
                " WHERE l.latitude BETWEEN %s AND %s AND l.longitude BETWEEN %s AND %s"
                f" AND {dist_sql} <= %s"
                " GROUP BY sal.service_id) d ON d.service_id = s.id"
            )
            params += [*dist_params, min_lat, max_lat, min_lon, max_lon, *dist_params, radius]
        else:
            source += (
                f" LEFT JOIN (SELECT sal.service_id, MIN({dist_sql}) AS distance"  # noqa: S608 (constant SQL, values bound)
                " FROM services_location l JOIN services_serviceatlocation sal"
                " ON sal.location_id = l.id WHERE l.latitude IS NOT NULL"
                " GROUP BY sal.service_id) d ON d.service_id = s.id"
            )
            params += dist_params
        if within is None:
            select_distance = "d.distance"

    if query.organisation_id is not None:
        where.append("s.organisation_id = %s")
        where_params.append(int(query.organisation_id))
    if query.modified_after is not None:
        where.append("s.last_modified > %s")
        where_params.append(ops.adapt_datetimefield_value(query.modified_after))
    if query.age is not None:
        where.append(
            "(s.minimum_age IS NULL OR s.minimum_age <= %s)"
            " AND (s.maximum_age IS NULL OR s.maximum_age >= %s)"
        )
        where_params += [int(query.age), int(query.age)]
    if query.category:
        term_ids = category_term_ids(query.category) or [-1]
        where.append(
            "EXISTS (SELECT 1 FROM services_service_terms st WHERE st.service_id = s.id"  # noqa: S608 (constant SQL, values bound)
            f" AND st.taxonomyterm_id IN ({', '.join(['%s'] * len(term_ids))}))"
        )
        where_params += term_ids
    if query.free_only:
        where.append(
            "EXISTS (SELECT 1 FROM services_costoption co WHERE co.service_id = s.id"
            " AND co.option = %s)"
        )
        where_params.append("free")
    if query.voucher:
        where.append(
            "EXISTS (SELECT 1 FROM services_costoption co WHERE co.service_id = s.id"
            " AND co.option = %s)"
        )
        where_params.append("voucher")
    if query.language:
        where.append(
            "EXISTS (SELECT 1 FROM services_language lg WHERE lg.service_id = s.id"
            " AND lg.code = %s)"
        )
        where_params.append(str(query.language).lower()[:3])
    day: date | None = None
    at_time = None
    if query.open_now:
        now = timezone.localtime()
        day, at_time = now.date(), now.time().replace(microsecond=0)
    elif query.open_on is not None:
        day = query.open_on
    if day is not None:
        d = ops.adapt_datefield_value(day)
        time_sql = ""
        time_params: list = []
        if at_time is not None:
            t = ops.adapt_timefield_value(at_time)
            time_sql = " AND sc.opens_at <= %s AND sc.closes_at > %s"
            time_params = [t, t]
        where.append(
            "EXISTS (SELECT 1 FROM services_schedule sc WHERE sc.service_id = s.id"  # noqa: S608 (constant SQL, values bound)
            " AND sc.weekday = %s AND (sc.valid_from IS NULL OR sc.valid_from <= %s)"
            f" AND (sc.valid_to IS NULL OR sc.valid_to >= %s){time_sql})"
            " AND NOT EXISTS (SELECT 1 FROM services_closure cl WHERE cl.service_id = s.id"
            " AND cl.location_id IS NULL AND cl.date_from <= %s AND cl.date_to >= %s)"
        )
        where_params += [day.weekday(), d, d, *time_params, d, d]

    # ORDER BY repeats the expressions (PostgreSQL does not accept output aliases in them).
    has_distance = query.comune is not None
    if within is not None:  # ordered one level up, on the inner query's columns
        order = _order(query, bool(units), has_distance, "rank", "distance", "name", "id")
    else:
        order = _order(
            query, bool(units), has_distance, select_rank, select_distance, "s.name", "s.id"
        )

    page, per_page = _clamp_page(query)
    limit = [per_page, (page - 1) * per_page]
    if within is not None:
        # The distance is a column of the matches, filtered and ordered one level up.
        sql = (
            "SELECT id, rank, distance, COUNT(*) OVER () AS total, name FROM ("  # noqa: S608 (constant SQL, values bound)
            f"SELECT s.id AS id, s.name AS name, {select_rank} AS rank,"
            f" {select_distance} AS distance FROM {source} WHERE {' AND '.join(where)}"
            f") x WHERE {within[0]} ORDER BY {', '.join(order)} LIMIT %s OFFSET %s"
        )
        params = [*select_params, *params, *where_params, *within[1], *limit]
    else:
        sql = (
            f"SELECT s.id, {select_rank} AS rank, {select_distance} AS distance,"  # noqa: S608 (constant SQL, values bound)
            f" COUNT(*) OVER () AS total, s.name AS name FROM {source}"
            f" WHERE {' AND '.join(where)}"
            f" ORDER BY {', '.join(order)} LIMIT %s OFFSET %s"
        )
        params = [*params, *where_params, *limit]
    if columns:
        # The page's rows (at most per_page) with what the caller shows of them.
        outer = _order(query, bool(units), has_distance, "p.rank", "p.distance", "p.name", "p.id")
        sql = (
            f"SELECT p.id, p.rank, p.distance, p.total, {columns} FROM ({sql}) p"  # noqa: S608 (constant SQL, values bound)
            " JOIN services_service s ON s.id = p.id"
            " LEFT JOIN network_organisation o ON o.id = s.organisation_id"
            f" ORDER BY {', '.join(outer)}"
        )
    return sql, params


def _order(
    query: SearchQuery, text: bool, has_distance: bool, rank: str, dist: str, name: str, sid: str
) -> list[str]:
    order: list[str] = []
    if query.sort == "distance" and has_distance:
        order.append(f"{dist} ASC NULLS LAST")
        if text:
            order.append(f"{rank} DESC")
    elif text and has_distance:
        # Relevance near a comune: the text rank, discounted with the distance (5 km halves it).
        order += [f"{rank} / (1.0 + {dist} / 5.0) DESC NULLS LAST", f"{dist} ASC NULLS LAST"]
    elif text:
        order.append(f"{rank} DESC")
    elif has_distance:
        order.append(f"{dist} ASC NULLS LAST")
    return [*order, f"{name} ASC", f"{sid} ASC"]


def count_matches(query: SearchQuery) -> int:
    """How many services match (for a page past the end, which has no row to carry it)."""
    sql, params = raw_search_sql(replace(query, page=1, per_page=1))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return int(row[3]) if row else 0


def public_services():
    return Service.objects.filter(review_state__in=PUBLIC_REVIEW_STATES, status__in=PUBLIC_STATUSES)


def nearest_location(card: Card, comune: Comune | None) -> tuple[CardLocation | None, float | None]:
    locations = card.locations
    if not locations:
        return None, None
    if comune is None:
        physical = [loc for loc in locations if loc.kind == Location.Kind.PHYSICAL]
        return (physical or locations)[0], None
    best: tuple[CardLocation | None, float | None] = (locations[0], None)
    for loc in locations:
        if loc.latitude is None or loc.longitude is None:
            continue
        km = haversine_km(comune.lat, comune.lon, loc.latitude, loc.longitude)
        if best[1] is None or km < best[1]:
            best = (loc, km)
    return best


def search_services(query: SearchQuery) -> SearchPage:
    """The page of results, each with its card: one statement (two for a page past the end)."""
    page, per_page = _clamp_page(query)
    sql, params = raw_search_sql(query, card_columns(connection.vendor))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    total = int(rows[0][3]) if rows else (count_matches(query) if page > 1 else 0)
    hits = []
    for service_id, rank, distance, _total, *card_values in rows:
        card = card_from_row(service_id, card_values)
        location, km = nearest_location(card, query.comune)
        hits.append(
            Hit(
                card=card,
                distance_km=float(distance) if distance is not None else km,
                location=location,
                rank=float(rank or 0.0),
            )
        )
    return SearchPage(hits=hits, total=total, page=page, per_page=per_page)
