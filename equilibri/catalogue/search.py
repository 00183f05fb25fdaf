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
from itertools import combinations
from typing import Literal

from django.conf import settings
from django.db import connection

from equilibri.core.text import fold
from equilibri.territory.geo import EARTH_RADIUS_KM, bounding_box, haversine_km
from equilibri.territory.models import Comune

from . import spelling
from .cards import Card, CardLocation, card_columns, card_from_row
from .filters import Term as Term
from .filters import category_term_ids as category_term_ids
from .filters import taxonomy_terms as taxonomy_terms
from .filters import where_filters
from .lexicon import STOPWORDS, lexicon, shipped_lexicon, stem
from .models import Location, Service
from .query import Chip, Understood, understand

PUBLIC_STATUSES = (Service.Status.ACTIVE.value, Service.Status.TEMPORARILY_CLOSED.value)
# Stale services stay visible (flagged) until the grace period ends and they are hidden.
PUBLIC_REVIEW_STATES = (Service.Review.PUBLISHED.value, Service.Review.STALE.value)

_WORD = re.compile(r"[a-z0-9]+")


def words(text: str) -> list[str]:
    """Folded words without stop words: "Città di Tradate" -> ["citta", "tradate"]."""
    return [w for w in _WORD.findall(fold(text or "")) if w not in STOPWORDS]


def stems(text: str) -> list[str]:
    return [stem(w) for w in words(text)]


Unit = tuple[tuple[str, ...], ...]  # alternative phrases (tuples of words) of one concept


# The vocabulary files are read as the platform starts: a bad one stops it with its error.
shipped_lexicon()


def query_units(text: str, corrections: dict[str, str] | None = None) -> list[Unit]:
    """The query's concepts, each a tuple of alternative phrases (tuples of words): the
    vocabulary files' phrases read longest first, the other words but fillers, a corrected word
    standing for itself and its correction. Repeated concepts count once."""
    lex = lexicon()
    fillers = lex.fillers
    ws = words(text)[:16]
    fixed = [(corrections or {}).get(w, w) for w in ws]
    ss = [stem(w) for w in fixed]
    index = lex.stemmed
    units: list[Unit] = []
    i = 0
    while i < len(ws):
        size, phrases = 1, index.get((ss[i],), ((fixed[i],),))
        for n in range(min(lex.longest, len(ws) - i), 1, -1):
            if tuple(ss[i : i + n]) in index:
                size, phrases = n, index[tuple(ss[i : i + n])]
                break
        if size == 1 and fixed[i] != ws[i]:
            phrases = ((ws[i],), *phrases)
        # A filler alone says nothing of the service; in a phrase ("dopo scuola") it does.
        if (size > 1 or ws[i] not in fillers) and phrases not in units:
            units.append(phrases)
        i += size
    return units[:8]


def fts5_match(units: list[Unit], joiner: str = " AND ") -> str:
    """SQLite FTS5 MATCH expression: ("centr" OR "camp estiv") AND "tradat" (any of the
    concepts with joiner " OR ")."""
    parts = []
    for unit in units:
        alternatives = sorted({'"' + " ".join(stem(w) for w in phrase) + '"' for phrase in unit})
        parts.append("(" + " OR ".join(alternatives) + ")")
    return joiner.join(parts)


def pg_tsquery(units: list[Unit], joiner: str = " & ") -> str:
    """PostgreSQL to_tsquery('italian', ...) text: (centro <-> estivo | grest) & tradate (any
    of the concepts with joiner " | ")."""
    parts = []
    for unit in units:
        alternatives = sorted({" <-> ".join(phrase) for phrase in unit})
        parts.append("(" + " | ".join(alternatives) + ")")
    return joiner.join(parts)


# --- The query -----------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchQuery:
    text: str = ""
    category: str | None = None
    comune: Comune | None = None
    radius_km: float | None = None
    age: int | None = None
    month: int | None = None  # open at some time in the next such month
    weekday: int | None = None  # open on that weekday (0 Monday), from today on
    open_on: date | None = None
    open_now: bool = False
    free_only: bool = False
    voucher: bool = False
    language: str | None = None
    # The words as typed: no typo correction ("Cerca invece ..." after "Forse cercavi ...").
    literal: bool = False
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
    # What the search understood in the text (removable chips) and the corrected text
    # ("Forse cercavi ...") when it corrected a word; both empty for a plain search.
    chips: tuple[Chip, ...] = ()
    suggestion: str | None = None

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


@dataclass(frozen=True)
class Plan:
    """A search as the engine runs it: the query with what the text's words became (filters,
    `query.py`), its concepts (`query_units`), the chips and the corrected text."""

    query: SearchQuery
    units: list[Unit]
    chips: tuple[Chip, ...] = ()
    suggestion: str | None = None
    weights: tuple[float, ...] = ()  # of the units (spelling.weights)


def plan(query: SearchQuery) -> Plan:
    if not query.text:
        return Plan(query, [])
    understood = understand(query.text)
    effective, chips = _with_filters(query, understood)
    corrections: dict[str, str] = {}
    vocab = spelling.vocabulary() if understood.text else None
    if vocab is not None and not query.literal:
        fillers = lexicon().fillers
        for word in words(understood.text):
            fixed = None if word in fillers else spelling.correction(word, vocab)
            if fixed:
                corrections[word] = fixed
    suggestion = None
    if corrections:
        suggestion = _TYPED.sub(
            lambda m: corrections.get(fold(m.group()), m.group()), query.text[:500]
        )
    units = query_units(understood.text, corrections)
    weights = spelling.weights(units, vocab) if vocab is not None else ()
    return Plan(effective, units, chips, suggestion, _needs_first(units, weights))


# How much more a concept of the vocabulary weighs than the heaviest other word of the query.
NEED_OVER_WORD = 1.25


def _needs_first(units: list[Unit], weights: tuple[float, ...]) -> tuple[float, ...]:
    """A concept the vocabulary knows (a kind of service, who it is for) says what the citizen
    needs; the other words (a provider's name, a word of the description) say which one. So a
    service that is what was asked but not by that name goes before one by that name that is
    something else ("ludoteca il girasole": the other play spaces, not Il Girasole's summer
    camp): each concept of the vocabulary that some service holds weighs more than the
    heaviest other word (their inverse document frequency alone would often say the opposite:
    a provider's name is rarer than a kind of service)."""
    meanings = lexicon().meanings
    known = [any(phrase in meanings for phrase in unit) for unit in units]
    plain = [w for w, k in zip(weights, known, strict=True) if not k]
    if not plain or len(plain) == len(weights):
        return weights
    floor = round(max(plain) * NEED_OVER_WORD, 3)
    return tuple(max(w, floor) if k and w > 0 else w for w, k in zip(weights, known, strict=True))


_TYPED = re.compile(r"[^\W_]+")


def _with_filters(query: SearchQuery, u: Understood) -> tuple[SearchQuery, tuple[Chip, ...]]:
    """The query with the understood pieces as filters (a filter the caller set wins: that
    piece is then not applied, and has no chip); the chips of those applied."""
    changes: dict = {"text": u.text}
    applied = []
    for chip in u.chips:
        if chip.kind == "place" and u.place is not None and query.comune is None:
            place = u.place
            changes["comune"] = Comune(pk=place.pk, name=place.name, lat=place.lat, lon=place.lon)
            changes["radius_km"] = u.radius_km
        elif chip.kind == "age" and query.age is None:
            changes["age"] = u.age
        elif chip.kind == "month" and query.month is None and query.open_on is None:
            changes["month"] = u.month
        elif chip.kind == "weekday" and query.weekday is None and query.open_on is None:
            changes["weekday"] = u.weekday
        elif chip.kind == "free":
            changes["free_only"] = True
        elif chip.kind == "voucher":
            changes["voucher"] = True
        elif chip.kind == "language" and not query.language:
            changes["language"] = u.language
        else:
            continue
        applied.append(chip)
    return replace(query, **changes), tuple(applied)


def _enough(units: list[Unit], weights: tuple[float, ...]) -> list[list[Unit]]:
    """The smallest sets of concepts that hold half of the query's weight: the engine's match
    is any of them (all of a set), so it reads no service the statement would drop (a common
    word alone, when it weighs less than half, reads nothing)."""
    half = sum(weights) / 2 - 1e-6
    found: list[tuple[int, ...]] = []
    for size in range(1, len(units) + 1):
        for group in combinations(range(len(units)), size):
            held = sum(weights[i] for i in group) >= half
            if held and not any(set(smaller) <= set(group) for smaller in found):
                found.append(group)
    if len(found) > 24:  # many near-equal concepts: any of them (the statement sorts it out)
        return [[unit] for unit in units]
    return [[units[i] for i in group] for group in found]


# A temporarily closed service: below the open ones (a constant, not a parameter, so the
# expression can be repeated in ORDER BY at every level).
_CLOSED = f"(s.status = '{Service.Status.TEMPORARILY_CLOSED.value}')"


def raw_search_sql(
    query: SearchQuery, columns: str = "", planned: Plan | None = None
) -> tuple[str, list]:
    """The engine statement: rows of (service id, rank, distance_km, total, name, concepts
    matched, closed), or with `columns` (service id, rank, distance_km, total, *columns): what
    the caller shows of each row of the page, fetched in the same round trip (`s` is the
    service, `o` its organisation; the result cards' `card_columns`, the HSDS API's
    `list_columns`).

    Text is a soft AND: a service matches with any of the query's concepts, each weighing its
    inverse document frequency (`spelling.weights`: a common word says less than a rare one).
    The statement keeps the services with the most weight any service has, and those missing
    one concept (or weaker ones weighing no more), as long as they hold at least half of the
    query's weight; it orders them by weight held, then open before temporarily closed, then
    the text rank (name and categories weigh five times the rest on SQLite, A against B on
    PostgreSQL), discounted with the distance."""
    planned = planned or plan(query)
    query, units = planned.query, planned.units
    # (One concept: every match holds all of it.)
    weights = planned.weights if len(units) > 1 and planned.weights else (1.0,) * len(units)
    vendor = connection.vendor
    params: list = []
    cover_params: list = []
    select_rank, cover = "0.0", "0"
    source = "services_service s"
    several = len(units) > 1
    if units:
        if vendor == "postgresql":
            source = (
                "to_tsquery('italian', %s) q JOIN services_search f ON f.document @@ q"
                " JOIN services_service s ON s.id = f.service_id"
            )
            params.append(" | ".join(f"({pg_tsquery(group)})" for group in _enough(units, weights)))
            select_rank = "ts_rank(f.document, q)"
            matched = "%s * (f.document @@ to_tsquery('italian', %s))::int"
            cover = " + ".join([matched] * len(units)) if several else "1.0"
            for unit, weight in zip(units, weights, strict=True) if several else ():
                cover_params += [weight, pg_tsquery([unit])]
        else:
            # Each concept's matches are read once (an uncorrelated IN list), as is their union.
            matched = "%s * (rowid IN (SELECT rowid FROM services_fts WHERE services_fts MATCH %s))"
            source = (
                "(SELECT rowid AS id, -bm25(services_fts, 5.0, 1.0) AS score,"  # noqa: S608 (constant SQL, values bound)
                f" {' + '.join([matched] * len(units)) if several else '1.0'} AS cover"
                " FROM services_fts WHERE services_fts MATCH %s) f"
                " CROSS JOIN services_service s ON s.id = f.id"
            )
            # CROSS JOIN fixes SQLite's join order: the full-text match runs once, first; with a
            # plain JOIN the planner may re-run it for every row of the distance subquery.
            for unit, weight in zip(units, weights, strict=True) if several else ():
                params += [weight, fts5_match([unit])]
            params.append(
                " OR ".join(f"({fts5_match(group)})" for group in _enough(units, weights))
            )
            select_rank, cover = "f.score", "f.cover"

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

    where, where_params = where_filters(query, where, where_params)
    has_distance = query.comune is not None
    page, per_page = _clamp_page(query)
    limit = [per_page, (page - 1) * per_page]
    if units:
        # The matches with their concepts; the best count over all of them; those kept.
        inner = (
            f"SELECT s.id AS id, s.name AS name, {select_rank} AS rank, {cover} AS cover,"  # noqa: S608 (constant SQL, values bound)
            f" {_CLOSED} AS closed, {select_distance} AS distance"
            f" FROM {source} WHERE {' AND '.join(where)}"
        )
        near = f" WHERE x.{within[0]}" if within is not None else ""
        order = _order(query, True, has_distance, "rank", "distance", "name", "id")
        # One weakness is forgiven, two are not: a service missing a concept of the query, or
        # temporarily closed, or in the outer half of the radius is shown (below the others);
        # one that is two of these (a partial match far away, a closed one far away or missing
        # a concept) answers the citizen too poorly to be listed.
        far = "CASE WHEN distance > %s THEN 1 ELSE 0 END" if query.radius_km else "0"
        weak = (
            f" AND (CASE WHEN cover < %s THEN 1 ELSE 0 END + CASE WHEN closed THEN 1 ELSE 0 END"
            f" + {far}) <= 1"
        )
        sql = (
            "SELECT id, rank, distance, COUNT(*) OVER () AS total, name, cover, closed FROM ("  # noqa: S608 (constant SQL, values bound)
            f"SELECT x.*, MAX(x.cover) OVER () AS best FROM ({inner}) x{near}"
            f") m WHERE cover >= best - %s AND cover >= %s{weak} ORDER BY {', '.join(order)}"
            " LIMIT %s OFFSET %s"
        )
        params = [
            *cover_params,
            *select_params,
            *params,
            *where_params,
            *(within[1] if within is not None else []),
            max(weights) + 1e-6,  # those missing one concept (or a few weaker ones)
            sum(weights) / 2 - 1e-6,  # at least half of what the query says
            sum(weights) - 1e-6,  # below: a concept is missing
            *([float(query.radius_km) / 2] if query.radius_km else []),
            *limit,
        ]
    else:
        order = _order(
            query, False, has_distance, "0.0", select_distance, "s.name", "s.id", _CLOSED
        )
        sql = (
            f"SELECT s.id, 0.0 AS rank, {select_distance} AS distance,"  # noqa: S608 (constant SQL, values bound)
            f" COUNT(*) OVER () AS total, s.name AS name, 0 AS cover, {_CLOSED} AS closed"
            f" FROM {source} WHERE {' AND '.join(where)}"
            f" ORDER BY {', '.join(order)} LIMIT %s OFFSET %s"
        )
        params = [*params, *where_params, *limit]
    if columns:
        # The page's rows (at most per_page) with what the caller shows of them.
        outer = _order(
            query,
            bool(units),
            has_distance,
            "p.rank",
            "p.distance",
            "p.name",
            "p.id",
            "p.closed",
            "p.cover",
        )
        sql = (
            f"SELECT p.id, p.rank, p.distance, p.total, {columns} FROM ({sql}) p"  # noqa: S608 (constant SQL, values bound)
            " JOIN services_service s ON s.id = p.id"
            " LEFT JOIN network_organisation o ON o.id = s.organisation_id"
            f" ORDER BY {', '.join(outer)}"
        )
    return sql, params


def _order(
    query: SearchQuery,
    text: bool,
    has_distance: bool,
    rank: str,
    dist: str,
    name: str,
    sid: str,
    closed: str = "closed",
    cover: str = "cover",
) -> list[str]:
    by_distance = query.sort == "distance" and has_distance
    order: list[str] = [f"{dist} ASC NULLS LAST"] if by_distance else []
    if text:
        order.append(f"{cover} DESC")
    order.append(f"{closed} ASC")
    if by_distance:
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
    planned = plan(query)
    sql, params = raw_search_sql(query, card_columns(connection.vendor), planned)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    total = int(rows[0][3]) if rows else (count_matches(query) if page > 1 else 0)
    hits = []
    for service_id, rank, distance, _total, *card_values in rows:
        card = card_from_row(service_id, card_values)
        location, km = nearest_location(card, planned.query.comune)
        hits.append(
            Hit(
                card=card,
                distance_km=float(distance) if distance is not None else km,
                location=location,
                rank=float(rank or 0.0),
            )
        )
    return SearchPage(
        hits=hits,
        total=total,
        page=page,
        per_page=per_page,
        chips=planned.chips,
        suggestion=planned.suggestion,
    )
