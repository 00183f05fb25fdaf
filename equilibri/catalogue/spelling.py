"""Typo tolerance: a query word the index has never seen is corrected to the nearest frequent one.

The vocabulary is the index's own: its stems and in how many services each is (SQLite: the FTS5
table through an `fts5vocab` view; PostgreSQL: `ts_stat` over the tsvectors), plus every word of
the search vocabulary files. It is read once per process and again when the catalogue's version
has changed (the index is written with it), looked at no more than once a minute.

Edit distance (Levenshtein, `rapidfuzz`) between stems: 1 for short words, 2 for long ones; the
nearest wins, the most frequent among equals. The suggestion is written as the citizen's word
with its stem replaced ("dopscuola" -> "doposcuola"). The original word is kept as an
alternative of the corrected one, so a word that is new to a vocabulary not yet reloaded is
still found."""

from __future__ import annotations

import math
import re
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from itertools import chain

from django.db import connection
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from equilibri.core.text import fold

from .lexicon import STOPWORDS, lexicon, site_language, stem

CHECK_EVERY_S = 60.0
# Letters of a word up to which one edit is allowed, two beyond: a real word of eight letters
# is often two edits from another ("oratorio", "orario"), a typo rarely makes two in a short one.
SHORT_WORD = 8
MIN_LENGTH = 5  # shorter words are never corrected ("cosa" is not a typo of "casa")
MIN_DOCS = 2  # a correction is a word of at least this many services (a frequent term)
_WORD = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class Vocabulary:
    docs: dict[str, int]  # stem -> services that hold it
    stems: tuple[str, ...]  # the keys of `docs`, for rapidfuzz
    words: frozenset[str]  # the search vocabulary files' words
    word_list: tuple[str, ...]  # the same, for rapidfuzz
    total: int  # services indexed
    # stem -> the word services' and categories' names write most, read the first time a
    # correction needs it (a search with no typo reads nothing but the index's vocabulary)
    surfaces: dict[str, str] = field(default_factory=dict)


_lock = threading.Lock()
_state: dict[str, object] = {"vocabulary": None, "version": None, "checked": 0.0}


def _read_index() -> tuple[dict[str, int], int]:
    """(stem -> services that hold it, services indexed)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT word, ndoc FROM ts_stat('SELECT document FROM services_search')")
            docs = {str(term): int(n) for term, n in cursor.fetchall() if term and n}
            cursor.execute("SELECT count(*) FROM services_search")
        else:
            cursor.execute(
                "CREATE VIRTUAL TABLE IF NOT EXISTS temp.services_fts_vocab"
                " USING fts5vocab(main, services_fts, row)"
            )
            cursor.execute("SELECT term, doc FROM temp.services_fts_vocab")
            docs = {str(term): int(n) for term, n in cursor.fetchall() if term and n}
            cursor.execute("SELECT count(*) FROM services_fts")
        return docs, int(cursor.fetchone()[0])


def _read_surfaces(words: frozenset[str]) -> dict[str, str]:
    """How stems are written: the commonest word of each in the names of the public services
    and of the categories, and the vocabulary files' words."""
    from .models import TaxonomyTerm
    from .search import public_services

    counts: Counter[str] = Counter(words)
    names = chain(
        public_services().values_list("name", flat=True),
        TaxonomyTerm.objects.values_list("name", flat=True),
    )
    for name in names:
        counts.update(w for w in _WORD.findall(fold(name)) if w not in STOPWORDS)
    surfaces: dict[str, str] = {}
    for word, _n in counts.most_common():
        surfaces.setdefault(stem(word), word)
    return surfaces


def _index_vocabulary() -> Vocabulary:
    from .pagecache import catalogue_version

    now = time.monotonic()
    with _lock:
        current = _state["vocabulary"]
        if current is not None and now - float(_state["checked"]) < CHECK_EVERY_S:  # type: ignore[arg-type]
            return current  # type: ignore[return-value]
        version = catalogue_version()
        _state["checked"] = now
        if current is not None and version == _state["version"]:
            return current  # type: ignore[return-value]
        docs, total = _read_index()
        built = Vocabulary(docs, tuple(docs), frozenset(), (), total)
        _state.update(vocabulary=built, version=version)
        return built


# The site's vocabulary words over the index's: (index vocabulary, lexicon, the two together)
# for each site, made again when either changes (the lexicon follows its own version, at once).
_joined: dict[str, tuple[Vocabulary, object, Vocabulary]] = {}


def vocabulary() -> Vocabulary:
    """The index's terms with the words of the vocabulary of the site being served."""
    index = _index_vocabulary()
    lex = lexicon()
    key = site_language()
    joined = _joined.get(key)
    if joined is not None and joined[0] is index and joined[1] is lex:
        return joined[2]
    words = lex.words
    built = Vocabulary(index.docs, index.stems, words, tuple(sorted(words)), index.total)
    _joined[key] = (index, lex, built)
    return built


def forget() -> None:
    """Drops the vocabulary (tests; after a reindex in the same process)."""
    with _lock:
        _state.update(vocabulary=None, version=None, checked=0.0)
        _joined.clear()


def known(word: str, vocab: Vocabulary) -> bool:
    return (
        word in vocab.words
        or word in STOPWORDS
        or word.isdigit()
        or len(word) < MIN_LENGTH
        or stem(word) in vocab.docs
    )


def correction(word: str, vocab: Vocabulary) -> str | None:
    """The word a typo most likely meant, or None (known word, nothing near enough)."""
    if known(word, vocab):
        return None
    own = stem(word)
    limit = 1 if len(word) <= SHORT_WORD else 2
    min_docs = MIN_DOCS if vocab.total >= 50 else 1
    best: tuple[int, int, str] | None = None  # (distance, -docs, word)
    for candidate, distance, _i in process.extract(
        own, vocab.stems, scorer=Levenshtein.distance, score_cutoff=limit, limit=20
    ):
        # A stem of two letters or one is never a correction (a word of four letters or more
        # whose stem is that short is an abbreviation or a number of the index).
        if len(candidate) < 3 or vocab.docs[candidate] < min_docs:
            continue
        if distance > 1 and candidate[:3] != own[:3]:  # two edits: only past a sure start
            continue
        if not vocab.surfaces:
            vocab.surfaces.update(_read_surfaces(vocab.words))
        surface = vocab.surfaces.get(candidate) or (
            candidate + word[len(own) :] if word.startswith(own) else candidate
        )
        key = (int(distance), -vocab.docs[candidate], surface)
        best = key if best is None or key < best else best
    for candidate, distance, _i in process.extract(
        word, vocab.word_list, scorer=Levenshtein.distance, score_cutoff=limit, limit=5
    ):
        if len(candidate) >= MIN_LENGTH and (distance <= 1 or candidate[:3] == word[:3]):
            key = (int(distance), 0, candidate)
            best = key if best is None or key[:1] < best[:1] else best
    return best[2] if best else None


def weights(units: list[tuple[tuple[str, ...], ...]], vocab: Vocabulary) -> tuple[float, ...]:
    """How much each concept of a query says: its inverse document frequency, ln(1 + N / df),
    with df the services of its most frequent alternative (a phrase counts as its rarest word).
    A concept no service holds weighs nothing (a word the citizen added that the catalogue does
    not speak of); when none is held, all weigh the same."""
    total = max(vocab.total, 1)
    out = []
    for unit in units:
        df = 0
        for phrase in unit:
            counts = [vocab.docs.get(stem(w), 0) for w in phrase if w not in STOPWORDS]
            df = max(df, min(counts) if counts else 0)
        out.append(round(math.log(1 + total / df), 3) if df else 0.0)
    return tuple(out) if any(out) else tuple(1.0 for _ in out)
