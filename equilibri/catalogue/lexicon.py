"""The search's vocabulary as data: synonyms, spelling variants, acronyms, concepts and English
words, read from `data/vocabulary-<language>.toml` (one file per language; the files say their
format). The search reads it through `lexicon()`; `search.py` loads it when it is imported, so
a bad file stops the platform's start (the URL checks import the search) with an error naming
the file, the entry and what is wrong, instead of a search that silently ignores it.

Editing the vocabulary from the reserved area, with a preview and an audit trail, is not built
yet: today the files are edited and deployed like code.

Also the index's stop words: the index and the query drop the same ones (changing them needs a
reindex, so they stay here, in code, not in the editable files)."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import snowballstemmer

from equilibri.core.text import fold

DATA_DIR = Path(__file__).resolve().parent / "data"
LANGUAGES = ("it", "en")

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

    @property
    def words(self) -> frozenset[str]:
        """Every word the vocabulary knows (a typo is never "corrected" away from these)."""
        return frozenset(w for phrases in self.meanings.values() for p in phrases for w in p)


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


def load_lexicon(paths: Iterable[Path]) -> Lexicon:
    """The vocabulary of these files together; VocabularyError when one is not valid."""
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
    frozen = {key: tuple(phrases) for key, phrases in meanings.items()}
    return Lexicon(
        meanings=frozen,
        fillers=frozenset(fillers) - {""},
        not_places=frozenset(not_places),
        longest=max((len(k) for k in frozen), default=1),
    )


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The platform's vocabulary, every language's file (read once per process)."""
    return load_lexicon(DATA_DIR / f"vocabulary-{lang}.toml" for lang in LANGUAGES)
