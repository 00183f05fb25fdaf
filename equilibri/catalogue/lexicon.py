"""The search's vocabulary as data: synonyms, spelling variants, acronyms, concepts and English
words, read from `data/vocabulary-<language>.toml` (one file per language; the files say their
format). The search reads it through `lexicon()`; `search.py` loads it when it is imported, so
a bad file stops the platform's start (the URL checks import the search) with an error naming
the file, the entry and what is wrong, instead of a search that silently ignores it.

ATS operators add to it from the reserved area (`services/vocabulary.py`): their entries are
stored in the database, one saved version per change, and laid over the files (which stay the
default). `lexicon(language)` is the vocabulary of a site: the Italian site reads the Italian
file and the operators' Italian entries; the English site the English ones as well (its
visitors may type the catalogue's Italian words too), so English words never change an Italian
search. A process keeps each site's vocabulary until the vocabulary version changes: a token
kept in the shared cache (`vocabulary_version`), set by every saved change once committed and
read from the database when the cache has none (at most every VERSION_SECONDS per machine), so
a change reaches every server within that time, at once where the cache is shared (Redis). A
process looks the token up at most once a second (LOCAL_SECONDS): a search reads the vocabulary
several times, and a Redis round trip each would cost more than the look-up saves.

Also the index's stop words: the index and the query drop the same ones (changing them needs a
reindex, so they stay here, in code, not in the editable files)."""

from __future__ import annotations

import logging
import re
import time
import tomllib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

import snowballstemmer
from django.conf import settings
from django.core.cache import caches
from django.utils import translation

from equilibri.core.text import fold

logger = logging.getLogger(__name__)

DATA_DIR = Path(__file__).resolve().parent / "data"
LANGUAGES = ("it", "en")
# The vocabulary files each site reads, in order.
SITE_FILES = {"it": ("it",), "en": ("it", "en")}
VERSION_KEY = "catalogue:vocabulary-version"
VERSION_SECONDS = 30

_STOPWORDS = (
    "a ad al allo ai agli all alla alle c che chi ci con d da dal dallo dai dagli dall dalla dalle"
    " di del dello dei degli dell della delle e ed gli i il in l la le lo ma mi ne nel nello nei"
    " negli nell nella nelle o per si su sul sullo sui sugli sull sulla sulle ti tra fra un uno"
    " una vi"
)
STOPWORDS = frozenset(_STOPWORDS.split())

_WORD = re.compile(r"[a-z0-9]+")
_stemmer = snowballstemmer.stemmer("italian")


@lru_cache(maxsize=20000)
def stem(word: str) -> str:
    """The Italian Snowball stem: what the SQLite index stores for a word."""
    return _stemmer.stemWord(word)


Phrase = tuple[str, ...]


class VocabularyError(ValueError):
    """A vocabulary file that cannot be used: the message names the file and the entry."""


def phrase_words(text: str) -> Phrase:
    """A phrase as the search compares it: folded words without stop words."""
    return tuple(w for w in _WORD.findall(fold(text)) if w not in STOPWORDS)


@dataclass(frozen=True)
class Lexicon:
    # A phrase (its words) -> every phrase a query for it also looks for (itself first).
    meanings: dict[Phrase, tuple[Phrase, ...]]
    fillers: frozenset[str]
    not_places: frozenset[str]
    longest: int  # words in the longest phrase of `meanings`

    @cached_property
    def words(self) -> frozenset[str]:
        """Every word the vocabulary knows (a typo is never "corrected" away from these)."""
        return frozenset(w for phrases in self.meanings.values() for p in phrases for w in p)

    @cached_property
    def stemmed(self) -> dict[Phrase, tuple[Phrase, ...]]:
        """`meanings` keyed by the phrases' stems (how the search looks a query up)."""
        return {tuple(stem(w) for w in key): phrases for key, phrases in self.meanings.items()}


def _strings(value: object, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise VocabularyError(f"{where}: expected a list of non-empty strings, got {value!r}")
    return value


def _phrase(text: str, where: str) -> Phrase:
    phrase = phrase_words(text)
    if not phrase:
        raise VocabularyError(f"{where}: {text!r} has no searchable word (only stop words?)")
    return phrase


def _read(path: Path) -> dict:
    try:
        with path.open("rb") as f:
            data = tomllib.load(f)
    except OSError as e:
        raise VocabularyError(f"{path}: cannot be read ({e})") from e
    except tomllib.TOMLDecodeError as e:
        raise VocabularyError(f"{path}: not valid TOML ({e})") from e
    unknown = set(data) - {"fillers", "not_places", "group", "expand"}
    if unknown:
        raise VocabularyError(f"{path}: unknown sections {sorted(unknown)}")
    return data


def load_lexicon(paths: Iterable[Path], entries: Iterable[dict] = ()) -> Lexicon:
    """The vocabulary of these files together, with the operators' `entries` over them (see
    `services/vocabulary.py`: a synonym joins its phrases to each other's meanings, an acronym
    or a concept replaces what the files say its phrase means); VocabularyError when a file is
    not valid."""
    meanings: dict[Phrase, list[Phrase]] = {}
    fillers: set[str] = set()
    not_places: set[str] = set()

    def add(key: Phrase, phrases: Iterable[Phrase]) -> None:
        known = meanings.setdefault(key, [key])
        known.extend(p for p in phrases if p not in known)

    for path in paths:
        data = _read(path)
        fillers.update(fold(w) for w in _strings(data.get("fillers", []), f"{path}: fillers"))
        not_places.update(
            fold(w) for w in _strings(data.get("not_places", []), f"{path}: not_places")
        )
        groups = data.get("group", [])
        if not isinstance(groups, list):
            raise VocabularyError(f"{path}: [[group]] must be an array of tables")
        for number, group in enumerate(groups, 1):
            where = f"{path}: group {number}"
            if not isinstance(group, dict) or set(group) != {"terms"}:
                raise VocabularyError(f"{where}: a group has exactly one key, 'terms'")
            phrases = [_phrase(t, where) for t in _strings(group["terms"], where)]
            if len(phrases) < 2:
                raise VocabularyError(f"{where}: a group needs at least two phrases")
            for phrase in phrases:
                add(phrase, phrases)
        expand = data.get("expand", {})
        if not isinstance(expand, dict):
            raise VocabularyError(f"{path}: [expand] must be a table")
        for key, targets in expand.items():
            where = f"{path}: expand {key!r}"
            add(_phrase(key, where), [_phrase(t, where) for t in _strings(targets, where)])
    for entry in entries:
        # Entries were checked when saved; a phrase that no longer reads as words is skipped.
        phrases = [p for p in map(phrase_words, entry_phrases(entry)) if p]
        if len(phrases) < 2:
            continue
        if entry.get("kind") == "synonym":
            for phrase in phrases:
                add(phrase, phrases)
        else:
            meanings[phrases[0]] = [phrases[0]]
            add(phrases[0], phrases[1:])
    frozen = {key: tuple(phrases) for key, phrases in meanings.items()}
    return Lexicon(
        meanings=frozen,
        fillers=frozenset(fillers) - {""},
        not_places=frozenset(not_places),
        longest=max((len(k) for k in frozen), default=1),
    )


def entry_phrases(entry: dict) -> list[str]:
    """An operator's entry as phrases: its term first, then its meanings and the name of the
    category it is mapped to (categories' names are indexed with the services' names)."""
    return [entry.get("term", ""), *entry.get("meanings", ()), entry.get("taxonomy_name") or ""]


def site_language(language: str | None = None) -> str:
    """The vocabulary a site reads: "en" on the English site, "it" everywhere else."""
    code = language or translation.get_language() or settings.LANGUAGE_CODE
    return "en" if code.startswith("en") else "it"


def _version_in_database() -> str:
    from .models import VocabularyVersion

    latest = VocabularyVersion.objects.order_by("-pk").values_list("pk", "created_at").first()
    # The creation time with the id: a rolled-back change (tests) may leave its id to another.
    return f"{latest[0]}:{latest[1].timestamp()}" if latest else "0"


# The token as this process last read it, and when: a search reads the vocabulary several
# times (its words, its places, its typos), the shared cache at most once in LOCAL_SECONDS.
LOCAL_SECONDS = 1.0
_seen: dict[str, object] = {"version": None, "at": 0.0}


def vocabulary_version() -> str:
    """The vocabulary's current version token: from the shared cache (a look-up a second at
    most), from the database when the cache has none."""
    now = time.monotonic()
    if _seen["version"] is not None and now - float(_seen["at"]) < LOCAL_SECONDS:  # type: ignore[arg-type]
        return str(_seen["version"])
    cache = caches["default"]
    try:
        version = cache.get(VERSION_KEY)
    except Exception:  # a cache that is down slows searches, it does not break them
        logger.warning("vocabulary version: cache unavailable", exc_info=True)
        version = None
    if version is None:
        version = _version_in_database()
        publish_version(version)
    _seen.update(version=str(version), at=now)
    return str(version)


def publish_version(version: str | None = None) -> None:
    """Tells every process of the platform the vocabulary's version (after a change commits);
    this one at once."""
    _seen.update(version=None, at=0.0)
    try:
        caches["default"].set(VERSION_KEY, version or _version_in_database(), VERSION_SECONDS)
    except Exception:
        logger.warning("vocabulary version: cache unavailable", exc_info=True)


def site_entries(language: str, instead: dict[str, list[dict]] | None = None) -> list[dict]:
    """The operators' entries a site reads: the current version of each of its languages (or,
    for a language of `instead`, those entries: a change being previewed)."""
    from .models import TaxonomyTerm, VocabularyVersion

    entries: list[dict] = []
    for code in SITE_FILES[language]:
        if instead and code in instead:
            entries += instead[code]
            continue
        latest = VocabularyVersion.objects.filter(language=code).order_by("-number").first()
        entries += latest.entries if latest else []
    codes = {e["taxonomy"] for e in entries if e.get("taxonomy")}
    names = dict(TaxonomyTerm.objects.filter(code__in=codes).values_list("code", "name"))
    return [{**e, "taxonomy_name": names.get(e.get("taxonomy") or "", "")} for e in entries]


def build_lexicon(language: str, entries: Iterable[dict] | None = None) -> Lexicon:
    """A site's vocabulary: its files with the operators' entries (the saved ones by default)."""
    files = [DATA_DIR / f"vocabulary-{code}.toml" for code in SITE_FILES[language]]
    return load_lexicon(files, site_entries(language) if entries is None else entries)


_override: ContextVar[Lexicon | None] = ContextVar("lexicon_override", default=None)
_built: dict[str, tuple[str, Lexicon]] = {}


@contextmanager
def using(lex: Lexicon) -> Iterator[None]:
    """Searches in this block read `lex` (the vocabulary editor's preview of a change)."""
    token = _override.set(lex)
    try:
        yield
    finally:
        _override.reset(token)


def lexicon(language: str | None = None) -> Lexicon:
    """The vocabulary of the site being served (or of `language`), rebuilt in this process
    when the vocabulary version has changed."""
    override = _override.get()
    if override is not None:
        return override
    site = site_language(language)
    version = vocabulary_version()
    built = _built.get(site)
    if built is not None and built[0] == version:
        return built[1]
    lex = build_lexicon(site)
    _built[site] = (version, lex)
    return lex


def forget() -> None:
    """Drops the vocabularies this process built (tests)."""
    _built.clear()
    _seen.update(version=None, at=0.0)


@lru_cache(maxsize=1)
def shipped_lexicon() -> Lexicon:
    """Every language's file, without the operators' entries: read when the platform starts
    (`search.py`), so a bad file stops the start."""
    return load_lexicon(DATA_DIR / f"vocabulary-{code}.toml" for code in LANGUAGES)
