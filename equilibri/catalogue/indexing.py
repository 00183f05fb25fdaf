"""The search index: one row per published, publicly visible service, written here and read by
`search.py`. SQLite: the FTS5 table `services_fts` (rowid = service id; stemmed, accent-folded
name and body). PostgreSQL: `services_search` (a `tsvector` with the `italian` configuration over
`unaccent()`, GIN index).

The catalogue's services call `index_service` on every publish / edit / hide; imports call
`index_new_services` for the services they create (from the texts they hold) and
`reindex_services(ids)` for those they change. Also fills missing location coordinates from
their comune.

Imports index a hundred thousand services at a time, so the texts are read with plain value
queries (no model instances), and folded, split and stemmed with per-character and per-word
tables instead of `search.stems()` word by word (tests keep both giving the same words). What a
document holds is said once, in `_Documents`."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import chain, compress, filterfalse, islice
from typing import cast

from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.models import Q

from equilibri.core import audit
from equilibri.territory.models import Comune

from . import spelling
from .models import Language, Location, Service, ServiceAtLocation, TaxonomyTerm
from .pagecache import bump_catalogue_version
from .search import STOPWORDS, public_services, stem

BATCH = 2000

# What `search.words()` finds in folded text.
_WORD = re.compile(r"[a-z0-9]+")


@dataclass
class ServiceTexts:
    """What a service's index row is made of (`_Documents.document` puts it together)."""

    name: str
    alternate_name: str
    description: str
    organisation: str  # its name
    eligibility: str
    application_process: str
    term_ids: list[int]
    places: list[tuple[str, str, int | None]]  # (name, address, comune id), by location id
    languages: list[str]  # names, by id


class _Documents:
    """Builds index rows: the one place that says what is searchable and how it is written."""

    def __init__(self) -> None:
        # term id -> (sort key, name): a service's categories in the taxonomy's order.
        self.terms = {
            pk: ((position, name), name)
            for pk, position, name in TaxonomyTerm.objects.values_list("pk", "position", "name")
        }
        self.comuni: dict[int | None, str] = dict(Comune.objects.values_list("pk", "name"))
        self.tokens = _Tokens()
        self.vendor = connection.vendor
        self.vectors = _Vectors()

    def document(self, t: ServiceTexts) -> tuple[str, str]:
        """(name, body) as text, before folding and stemming. The categories' names go with
        the service's name: the search weighs them above the description."""
        categories = " ".join(name for _key, name in sorted(self.terms[i] for i in t.term_ids))
        body_parts = [
            t.description,
            t.organisation,
            " ".join(
                f"{name} {address} {self.comuni.get(comune_id, '')}"
                for name, address, comune_id in t.places
            ),
            t.eligibility,
            t.application_process,
            " ".join(t.languages),
        ]
        name = " ".join(p for p in (t.name, t.alternate_name, categories) if p)
        return name, " ".join(p for p in body_parts if p)

    def rows(self, texts: list[tuple[int, ServiceTexts]]) -> list[tuple[int, str, str]]:
        """(id, name, body) as they are stored: stemmed words for SQLite's FTS5 table; words
        for PostgreSQL's to_tsvector, stop words dropped there too, so that phrase queries
        (<->) see the same adjacency as on SQLite."""
        docs = [(key, *self.document(t)) for key, t in texts]
        if self.vendor == "postgresql":
            words = self.tokens.words
            return [(key, " ".join(words(name)), " ".join(words(body))) for key, name, body in docs]
        stemmed = self.tokens.stemmed
        return [(key, stemmed(name), stemmed(body)) for key, name, body in docs]

    def insert(self, cursor, rows: list[tuple[int, str, str]]) -> None:
        if not rows:
            return
        if self.vendor == "postgresql":
            if len(rows) >= BULK_VECTORS:
                rows = self.vectors.copy(cursor, rows)
            _by_server(cursor, rows)
        else:
            cursor.executemany(
                "INSERT INTO services_fts (rowid, name, body) VALUES (%s, %s, %s)", rows
            )

    def stream(self, cursor, batches: Iterable[list[tuple[int, str, str]]]) -> None:
        """PostgreSQL, the rows of many new services: one COPY, fed batch by batch as the
        batches are made, so that the server reads the vectors and fills the GIN index while
        we make the next ones (its share is about as long as ours). The COPY holds the
        connection, so each batch's new words are learnt on a second one."""
        left: list[tuple[int, str, str]] = []
        side = connections.create_connection(DEFAULT_DB_ALIAS)
        try:
            with (
                side.cursor() as ask,
                connection.wrap_database_errors,
                cursor.copy(_COPY) as copy,
            ):
                for rows in batches:
                    self.vectors.learn(ask, _words_of(rows))
                    left += self.vectors.write(copy, rows)
        finally:
            side.close()
        _by_server(cursor, left)


def _by_server(cursor, rows: list[tuple[int, str, str]]) -> None:
    """PostgreSQL: index rows whose vectors to_tsvector makes, in one statement."""
    if not rows:
        return
    ids, names, bodies = zip(*rows, strict=True)
    cursor.execute(
        "INSERT INTO services_search (service_id, document)"
        " SELECT id, setweight(to_tsvector('italian', unaccent(name)), 'A') ||"
        " setweight(to_tsvector('italian', unaccent(body)), 'B')"
        " FROM unnest(%s::bigint[], %s::text[], %s::text[]) AS t(id, name, body)",
        [list(ids), list(names), list(bodies)],
    )


def _words_of(rows: list[tuple[int, str, str]]) -> set[str]:
    words: set[str] = set()
    for _key, name, body in rows:
        words.update(name.split())
        words.update(body.split())
    return words


# PostgreSQL: below this many documents a batch is left to to_tsvector (see _Vectors).
BULK_VECTORS = 200
# A tsvector keeps positions up to 16383 and at most 256 positions per lexeme: documents that
# reach either limit are left to to_tsvector, which applies them.
_MAX_POSITION = 16383
_MAX_POSITIONS = 256
_LEXEME = re.compile(r"[a-z0-9]+")
# ":<position><weight>" for every position, A (name) and B (body).
_AT_A = [f":{i}A" for i in range(_MAX_POSITION + 1)]
_AT_B = [f":{i}B" for i in range(_MAX_POSITION + 1)]
_COPY = "COPY services_search (service_id, document) FROM STDIN"


class _Vectors:
    """PostgreSQL, large batches: the tsvector of a document written by us instead of by
    to_tsvector, which stems every word of every document on the server (most of an import's
    index time). The text we give to_tsvector is words of [a-z0-9] separated by spaces, so it
    is one token per word, each at the next position; the lexeme of each distinct word is asked
    of PostgreSQL once (`ts_debug` with the same configuration and unaccent()), and the vector
    is put together as `setweight(name, 'A') || setweight(body, 'B')` puts it (body positions
    after the name's last lexeme). A word that is not exactly one token with one lexeme or none
    (a stop word, which takes its position) sends its document to to_tsvector, as do documents
    over a tsvector's limits. Tests compare both on the same documents."""

    def __init__(self) -> None:
        self.lexemes: dict[str, str | None] = {}  # word -> lexeme, "" stop word, None unsure

    def learn(self, cursor, words: set[str]) -> None:
        new = [w for w in words if w not in self.lexemes]
        if not new:
            return
        cursor.execute(
            "SELECT t.word, d.lexemes FROM unnest(%s::text[]) AS t(word)"
            " LEFT JOIN LATERAL ts_debug('italian', unaccent(t.word)) AS d ON true",
            [new],
        )
        tokens: dict[str, list] = defaultdict(list)
        for word, lexemes in cursor.fetchall():
            tokens[word].append(lexemes)
        for word in new:
            found = tokens.get(word, [])
            lexeme: str | None = None
            # (to_tsvector skips overlong words, ts_debug does not: left to to_tsvector.)
            if len(found) == 1 and found[0] is not None and len(found[0]) <= 1 and len(word) <= 100:
                lexeme = found[0][0] if found[0] else ""
                if lexeme and not _LEXEME.fullmatch(lexeme):
                    lexeme = None
            self.lexemes[word] = lexeme

    def vector(self, name: str, body: str) -> str | None:
        """The tsvector's text of a document (words separated by spaces), or None. One entry
        per word with a lexeme, `lexeme:position` plus the weight; PostgreSQL's input merges
        the entries of the same lexeme. Built with iterators over whole lists (millions of
        words in an import)."""
        get = self.lexemes.__getitem__
        found = list(map(get, name.split())), list(map(get, body.split()))
        if None in found[0] or None in found[1]:
            return None
        name_lexemes, body_lexemes = cast(tuple[list[str], list[str]], found)
        # The body's positions follow the name's last lexeme (tsvector concatenation).
        last = len(name_lexemes)
        while last and not name_lexemes[last - 1]:
            last -= 1
        if max(len(name_lexemes), last + len(body_lexemes)) > _MAX_POSITION:
            return None
        if len(name_lexemes) + len(body_lexemes) >= _MAX_POSITIONS - 1:
            counts = Counter(filter(None, name_lexemes + body_lexemes))
            if counts and max(counts.values()) >= _MAX_POSITIONS - 1:
                return None
        add = str.__add__
        name_entries = map(add, name_lexemes, islice(_AT_A, 1, None))
        body_entries = map(add, body_lexemes, islice(_AT_B, last + 1, None))
        # compress(): the entries of the words with a lexeme (not stop words).
        return " ".join(
            chain(compress(name_entries, name_lexemes), compress(body_entries, body_lexemes))
        )

    def copy(self, cursor, rows: list[tuple[int, str, str]]) -> list[tuple[int, str, str]]:
        """Writes the rows whose vectors it can put together (COPY); returns the others."""
        self.learn(cursor, _words_of(rows))
        with connection.wrap_database_errors, cursor.copy(_COPY) as copy:
            return self.write(copy, rows)

    def write(self, copy, rows: list[tuple[int, str, str]]) -> list[tuple[int, str, str]]:
        """Writes to an open COPY the rows whose vectors it can put together (their words
        learnt); returns the others."""
        left = []
        for row in rows:
            vector = self.vector(row[1], row[2])
            if vector is None:
                left.append(row)
            else:
                copy.write_row((row[0], vector))
        return left


def _texts(ids: list[int]) -> list[tuple[int, ServiceTexts]]:
    """The texts of those of these services that are public, by id, read with value queries
    (no model instances: imports index a hundred thousand services at a time)."""
    services = list(
        public_services()
        .filter(id__in=ids)
        .order_by("id")
        .values_list(
            "id",
            "name",
            "alternate_name",
            "description",
            "organisation__name",
            "eligibility_description",
            "application_process",
        )
    )
    found = [s[0] for s in services]
    terms: dict[int, list[int]] = defaultdict(list)
    for sid, term_id in Service.terms.through.objects.filter(service_id__in=found).values_list(
        "service_id", "taxonomyterm_id"
    ):
        terms[sid].append(term_id)
    # Locations by location id and languages by id: the order the index had when it was built
    # from prefetched model instances.
    places: dict[int, list[tuple[str, str, int | None]]] = defaultdict(list)
    for sid, *place in (
        ServiceAtLocation.objects.filter(service_id__in=found)
        .order_by("service_id", "location_id")
        .values_list("service_id", "location__name", "location__address", "location__comune_id")
    ):
        places[sid].append(tuple(place))  # type: ignore[arg-type]
    languages: dict[int, list[str]] = defaultdict(list)
    for sid, name in (
        Language.objects.filter(service_id__in=found)
        .order_by("service_id", "id")
        .values_list("service_id", "name")
    ):
        languages[sid].append(name)
    return [
        (
            sid,
            ServiceTexts(
                name,
                alternate,
                description,
                organisation,
                eligibility,
                process,
                terms[sid],
                places[sid],
                languages[sid],
            ),
        )
        for sid, name, alternate, description, organisation, eligibility, process in services
    ]


class _FoldTable(dict):
    """str.translate table: each character as `core.text.fold()` turns it (NFKD without the
    combining marks, case-folded), computed the first time it is met. Both steps work character
    by character (NFKD only reorders combining marks, which are dropped), so translating a text
    gives what `fold()` gives, except for its final strip(), which does not change the words."""

    def __init__(self) -> None:
        super().__init__((i, chr(i).lower()) for i in range(128))

    def __missing__(self, code: int) -> str:
        decomposed = unicodedata.normalize("NFKD", chr(code))
        folded = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
        self[code] = folded
        return folded


class _StemTable(dict):
    """word -> its stem, "" for a stop word (`search.stems()`, once per distinct word). A stem
    is never empty (Snowball only removes suffixes after a word's first letters), so dropping
    the empty strings drops exactly the stop words."""

    def __missing__(self, word: str) -> str:
        value = "" if word in STOPWORDS else stem(word)
        self[word] = value
        return value


class _Tokens:
    """Folding, splitting and stemming for a bulk of documents. fold() also turns the
    typographic apostrophe (U+2019) into ', which changes no word: both separate words."""

    def __init__(self) -> None:
        self.fold = _FoldTable()
        self.stems = _StemTable()

    def _words(self, text: str) -> list[str]:
        return _WORD.findall(text.lower() if text.isascii() else text.translate(self.fold))

    def words(self, text: str) -> list[str]:
        """The same as `search.words(text)`."""
        return list(filterfalse(STOPWORDS.__contains__, self._words(text)))

    def stemmed(self, text: str) -> str:
        """The same as " ".join(search.stems(text))."""
        return " ".join(filter(None, map(self.stems.__getitem__, self._words(text))))


def _fill_coordinates(ids: list[int] | None) -> None:
    missing = Location.objects.filter(
        Q(latitude__isnull=True) | Q(longitude__isnull=True), comune__isnull=False
    ).select_related("comune")
    chunks = [None] if ids is None else [ids[i : i + BATCH] for i in range(0, len(ids), BATCH)]
    for chunk in chunks:
        these = missing if chunk is None else missing.filter(services_at__service_id__in=chunk)
        filled = []
        for loc in these:
            assert loc.comune is not None
            Location.objects.filter(pk=loc.pk).update(
                latitude=float(loc.comune.lat), longitude=float(loc.comune.lon)
            )
            filled.append(loc.pk)
        audit.log_bulk(Location, filled, audit.UPDATE, fields=["latitude", "longitude"])


def _remove(cursor, ids: list[int]) -> None:
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ", ".join(["%s"] * len(chunk))
        if connection.vendor == "postgresql":
            cursor.execute(f"DELETE FROM services_search WHERE service_id IN ({marks})", chunk)  # noqa: S608
        else:
            cursor.execute(f"DELETE FROM services_fts WHERE rowid IN ({marks})", chunk)  # noqa: S608


def reindex_services(ids: Iterable[int] | None = None, *, batch: int = BATCH) -> int:
    """(Re)build the index rows of these services (all when None); returns how many are indexed.
    Also fills missing location coordinates from their comune."""
    id_list = None if ids is None else sorted({int(i) for i in ids})
    documents = _Documents()
    with transaction.atomic():
        # Index writes are catalogue changes, including those made by bulk statements that
        # fire no signals (imports, the staleness job): cached searches must not outlive them.
        bump_catalogue_version()
        spelling.forget()  # this process reads the new vocabulary at once, others within a minute
        _fill_coordinates(id_list)
        with connection.cursor() as cursor:
            if id_list is None:
                cursor.execute(
                    "DELETE FROM services_search"
                    if connection.vendor == "postgresql"
                    else "DELETE FROM services_fts"
                )
                id_list = list(public_services().order_by("id").values_list("id", flat=True))
            else:
                _remove(cursor, id_list)
            count = 0
            for start in range(0, len(id_list), batch):
                rows = documents.rows(_texts(id_list[start : start + batch]))
                documents.insert(cursor, rows)
                count += len(rows)
    return count


def index_new_services(texts: dict[int, ServiceTexts], *, batch: int = BATCH) -> int:
    """Indexes services just created (so with no index rows yet) from texts the caller already
    holds (an import: reading a hundred thousand services back would cost more than writing
    them); those that are not public are left out. Returns how many are indexed. Unlike
    `reindex_services` it fills no coordinates: the importer gives every location in a comune
    its coordinates."""
    ids = sorted(texts)
    documents = _Documents()
    count = 0
    with transaction.atomic(), connection.cursor() as cursor:
        bump_catalogue_version()  # see reindex_services
        spelling.forget()
        # Which of them are public: one range query (ids of one import are close together;
        # an IN list of a hundred thousand ids costs more to build than to run).
        public = (
            set(
                public_services()
                .filter(id__gte=ids[0], id__lte=ids[-1])
                .values_list("id", flat=True)
            )
            if ids
            else set()
        )

        def batches() -> Iterator[list[tuple[int, str, str]]]:
            nonlocal count
            for start in range(0, len(ids), batch):
                chunk = ids[start : start + batch]
                rows = documents.rows([(i, texts[i]) for i in chunk if i in public])
                count += len(rows)
                yield rows

        if documents.vendor == "postgresql" and len(public) >= BULK_VECTORS:
            documents.stream(cursor, batches())
        else:
            for rows in batches():
                documents.insert(cursor, rows)
    return count


def index_service(service: Service) -> None:
    reindex_services([service.pk])
