"""What a citizen's words mean beyond the text: places, ages, months, weekdays, cost and language.

`understand("campi estivi per un bimbo di 5 anni vicino a Lecco a giugno")` finds the comune
(every comune of the territory app, with its articles, apostrophes and prepositions), the age,
the month, and leaves "campi estivi" as the text to match. What becomes a filter is no
longer a word the services must contain. Each understood piece is a `Chip` the page can show and
let the citizen remove (`Chip.query_without` is the text without that piece).

Pure word rules over folded words (no engine, no model of language): a rule recognises a piece
only in the forms written below, so a word that is not one of them stays a search word.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from django.core.cache import caches
from django.utils import dates
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from equilibri.core.text import fold

from .lexicon import lexicon

# A radius for a place named without one (the search form's default), and for a province
# (around its chief town).
PLACE_KM = 20.0
WIDE_PLACE_KM = 25.0
PROVINCE_KM = 30.0
MAX_AGE = 120

_TOKEN = re.compile(r"[^\W_]+")
_WORD = re.compile(r"[a-z0-9]+")

# Words before a place. Strong ones make any comune name a place, even one that is also a common
# word ("vicino a Erba"); weak ones (prepositions) and none at all only the others.
_STRONG = [
    ("vicino", "a"), ("vicino", "ad"), ("vicino",), ("nei", "pressi", "di"),
    ("dalle", "parti", "di"), ("dalle", "parti"), ("comune", "di"), ("nel", "comune", "di"),
    ("zona",), ("in", "zona"),
    ("nella", "zona", "di"), ("intorno", "a"), ("attorno", "a"), ("near",), ("around",),
    ("close", "to"), ("nearby",),
]  # fmt: skip
_WEAK = [("a",), ("ad",), ("in",), ("di",), ("da",), ("at",), ("presso",)]
_PROVINCE = [("provincia", "di"), ("in", "provincia", "di"), ("prov",), ("province", "of")]
# Chief towns of the provinces (the province's name is the town's, Monza e Brianza aside).
PROVINCE_TOWNS = {
    "milano": "Milano", "bergamo": "Bergamo", "brescia": "Brescia", "como": "Como",
    "cremona": "Cremona", "lecco": "Lecco", "lodi": "Lodi", "mantova": "Mantova",
    "monza": "Monza", "monza e brianza": "Monza", "brianza": "Monza", "pavia": "Pavia",
    "sondrio": "Sondrio", "varese": "Varese",
}  # fmt: skip
MONTHS = {
    "gennaio": 1, "febbraio": 2, "marzo": 3, "aprile": 4, "maggio": 5, "giugno": 6, "luglio": 7,
    "agosto": 8, "settembre": 9, "ottobre": 10, "novembre": 11, "dicembre": 12,
    "january": 1, "february": 2, "march": 3, "april": 4, "june": 6, "july": 7, "august": 8,
    "september": 9, "october": 10, "november": 11, "december": 12,
}  # fmt: skip
MONTH_NAMES = [""] + [m for m in list(MONTHS)[:12]]
_BEFORE_MONTH = [("nel", "mese", "di"), ("a",), ("ad",), ("in",), ("di",), ("per",), ("nel",)]
WEEKDAYS = {
    "lunedi": 0, "martedi": 1, "mercoledi": 2, "giovedi": 3, "venerdi": 4, "sabato": 5,
    "domenica": 6, "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4,
    "saturday": 5, "sunday": 6, "weekend": 5,
}  # fmt: skip
WEEKDAY_NAMES = ["lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato", "domenica"]
_OPEN = {"aperto", "aperta", "aperti", "aperte", "apre", "open", "opened"}
_BEFORE_WEEKDAY = [("il",), ("di",), ("la",), ("on",), ("anche",)]
_FREE = [
    ("gratis",), ("gratuito",), ("gratuita",), ("gratuiti",), ("gratuite",), ("gratuitamente",),
    ("senza", "costi"), ("senza", "costo"), ("a", "costo", "zero"), ("free", "of", "charge"),
    ("free",), ("no", "cost"),
]  # fmt: skip
_VOUCHER = [("con", "voucher"), ("voucher",), ("vouchers",), ("con", "buono"), ("buoni",)]
LANGUAGES = {
    "inglese": "en", "english": "en", "francese": "fr", "french": "fr", "spagnolo": "es",
    "spanish": "es", "tedesco": "de", "german": "de", "arabo": "ar", "arabic": "ar",
    "cinese": "zh", "chinese": "zh", "rumeno": "ro", "romeno": "ro", "romanian": "ro",
    "ucraino": "uk", "ukrainian": "uk", "russo": "ru", "russian": "ru", "albanese": "sq",
    "albanian": "sq", "portoghese": "pt", "portuguese": "pt", "urdu": "ur", "hindi": "hi",
    "bengalese": "bn", "bengali": "bn", "filippino": "tl", "tagalog": "tl",
}  # fmt: skip
LANGUAGE_LABELS = {
    "en": "inglese", "fr": "francese", "es": "spagnolo", "de": "tedesco", "ar": "arabo",
    "zh": "cinese", "ro": "rumeno", "uk": "ucraino", "ru": "russo", "sq": "albanese",
    "pt": "portoghese", "ur": "urdu", "hi": "hindi", "bn": "bengalese", "tl": "filippino",
}  # fmt: skip
_BEFORE_LANGUAGE = [("in", "lingua"), ("lingua",), ("in",), ("che", "parla"), ("parla",),
                    ("parlano",), ("che", "parlano"), ("speaking",), ("speaks",)]  # fmt: skip
NUMBERS = {
    "un": 1, "uno": 1, "una": 1, "due": 2, "tre": 3, "quattro": 4, "cinque": 5, "sei": 6,
    "sette": 7, "otto": 8, "nove": 9, "dieci": 10, "undici": 11, "dodici": 12, "one": 1,
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12,
}  # fmt: skip
_YEARS = {"anni", "anno", "aa", "years", "year", "yo", "yrs"}
_MONTHS_OF_AGE = {"mesi", "mese", "months", "month"}
_NEWBORN = {"neonato", "neonata", "neonati", "neonate", "lattante", "newborn"}


def month_name(month: int) -> str:
    """The month's name in the active language, as a sentence writes it ("giugno", "June")."""
    name = str(dates.MONTHS[month])
    return name.lower() if (get_language() or "it").startswith("it") else name


def weekday_name(day: int) -> str:
    name = str(dates.WEEKDAYS[day])
    return name.lower() if (get_language() or "it").startswith("it") else name


def language_name(code: str) -> str:
    """A language by its own name, as the search form's language list shows it ("English")."""
    from .services.data import LANGUAGE_NAMES

    return LANGUAGE_NAMES.get(code) or LANGUAGE_LABELS.get(code, code)


@dataclass(frozen=True)
class Place:
    pk: int
    name: str
    population: int
    lat: float
    lon: float


@dataclass(frozen=True)
class Chip:
    """One understood piece, for the page: `kind` (place, age, month, weekday, free, voucher,
    language), its `label`, the search form's parameter it stands for (`param`, `value`: e.g.
    "eta", "6"; the page may move the piece there) and `query_without`: the query text without
    the piece, which is what removing the chip searches."""

    kind: str
    label: str
    param: str
    value: str
    query_without: str
    span: tuple[int, int] = (0, 0)  # where the piece stands in the typed text (characters)


@dataclass(frozen=True)
class Understood:
    text: str  # the words left to match, folded
    place: Place | None = None
    radius_km: float | None = None
    age: int | None = None
    month: int | None = None
    weekday: int | None = None
    free: bool = False
    voucher: bool = False
    language: str | None = None
    chips: tuple[Chip, ...] = field(default_factory=tuple)


def _places() -> dict[tuple[str, ...], Place]:
    from equilibri.territory.models import Comune

    places: dict[tuple[str, ...], Place] = {}
    rows = Comune.objects.values_list("pk", "name", "population", "lat", "lon")
    for pk, name, population, lat, lon in rows:
        key = tuple(_WORD.findall(fold(name)))
        if key and (key not in places or places[key].population < population):
            places[key] = Place(pk, name, population, float(lat), float(lon))
    return places


def places() -> dict[tuple[str, ...], Place]:
    """Every comune by its name's folded words (the most populous of namesakes), cached."""
    return caches["local"].get_or_set("catalogue:query-places", _places, 3600) or {}


@lru_cache(maxsize=1)
def _place_lengths() -> range:
    return range(6, 0, -1)


def _tokens(text: str) -> list[tuple[str, int, int]]:
    """(folded word, start, end in the text): a typed word may fold to several (or none)."""
    out = []
    for m in _TOKEN.finditer(text[:500]):
        for word in _WORD.findall(fold(m.group())):
            out.append((word, m.start(), m.end()))
    return out[:40]


class _Reader:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = _tokens(text)
        self.words = [t[0] for t in self.tokens]
        self.used = [False] * len(self.words)

    def prefix(self, i: int, options) -> int:
        """How many words of the longest of `options` start at i (0: none)."""
        best = 0
        for option in options:
            n = len(option)
            if n > best and tuple(self.words[i : i + n]) == option:
                best = n
        return best

    def without(self, start: int, end: int) -> str:
        a, b = self.tokens[start][1], self.tokens[end - 1][2]
        return " ".join((self.text[:a] + " " + self.text[b:]).split())


def text_without(text: str, chips: Iterable[Chip]) -> str:
    """`text` without the pieces of `chips` (chips `understand(text)` gave), spaces collapsed."""
    out, position = [], 0
    for start, end in sorted(chip.span for chip in chips):
        out.append(text[position:start])
        position = end
    out.append(text[position:])
    return " ".join(" ".join(out).split())


def understand(text: str) -> Understood:
    reader = _Reader(text)
    words = reader.words
    found: dict[str, object] = {}
    chips: list[Chip] = []
    i = 0
    while i < len(words):
        hit = (
            _language(reader, i)
            or _age(reader, i)
            or _month(reader, i)
            or _weekday(reader, i)
            or _cost(reader, i)
            or _place(reader, i)
        )
        if hit is None or hit[1] in found:
            i += 1
            continue
        end, kind, value, label, param, param_value = hit
        found[kind] = value
        span = (reader.tokens[i][1], reader.tokens[end - 1][2])
        chips.append(Chip(kind, label, param, param_value, reader.without(i, end), span))
        for k in range(i, end):
            reader.used[k] = True
        i = end
    left = " ".join(w for w, used in zip(words, reader.used, strict=True) if not used)
    place = found.get("place")
    return Understood(
        text=left,
        place=place[0] if isinstance(place, tuple) else None,
        radius_km=place[1] if isinstance(place, tuple) else None,
        age=found.get("age"),  # type: ignore[arg-type]
        month=found.get("month"),  # type: ignore[arg-type]
        weekday=found.get("weekday"),  # type: ignore[arg-type]
        free=bool(found.get("free")),
        voucher=bool(found.get("voucher")),
        language=found.get("language"),  # type: ignore[arg-type]
        chips=tuple(chips),
    )


_Hit = tuple[int, str, object, str, str, str] | None


def _language(r: _Reader, i: int) -> _Hit:
    lead = r.prefix(i, _BEFORE_LANGUAGE)
    code = LANGUAGES.get(r.words[i + lead]) if lead and i + lead < len(r.words) else None
    if code is None and r.words[i] in LANGUAGES and r.prefix(i + 1, [("speaking",)]):
        code, lead = LANGUAGES[r.words[i]], 1  # "english speaking"
    if code is None:
        return None
    label = _("Lingua: %(name)s") % {"name": language_name(code)}
    return i + lead + 1, "language", code, label, "lingua", code


def _number(word: str) -> int | None:
    if word.isdigit() and len(word) <= 3:
        return int(word)
    return NUMBERS.get(word)


# The words that say whose age it is ("per un bimbo di 5 anni", "for my son aged 7", "nido per
# 18 mesi"): part of the age piece, so they leave the text with it. Otherwise "bimbo", read as
# the concept "bambini", would become the query's heaviest word and drop every service for that
# age that never says "bambini".
_AGE_PREPOSITIONS = {"per", "for"}
_AGE_DETERMINERS = {
    "un",
    "una",
    "il",
    "la",
    "mio",
    "mia",
    "nostro",
    "nostra",
    "a",
    "an",
    "my",
    "our",
}
_AGE_PERSONS = {
    *("bimbo", "bimba", "bimbi", "bimbe", "bambino", "bambina", "bambini", "bambine"),
    *("figlio", "figlia", "figli", "figlie", "ragazzo", "ragazza", "ragazzi", "ragazze"),
    *("child", "children", "kid", "kids", "son", "daughter", "boy", "girl", "baby"),
}
_AGE_LINKS = {"di", "of", "aged"}


def _age_lead(words: list[str], i: int) -> int:
    """How many words at i say whose age follows (each part optional, in this order)."""
    j = i
    for kind in (_AGE_PREPOSITIONS, _AGE_DETERMINERS, _AGE_PERSONS):
        if j < len(words) and words[j] in kind:
            j += 1
    if j > i and words[j - 1] in _AGE_PERSONS and j < len(words) and words[j] in _AGE_LINKS:
        j += 1
    return j - i


def _age(r: _Reader, i: int) -> _Hit:
    return _age_at(r, i + _age_lead(r.words, i))


def _age_at(r: _Reader, i: int) -> _Hit:
    if i >= len(r.words):
        return None
    word = r.words[i]
    if word in _NEWBORN:
        return i + 1, "age", 0, _("Età: neonato"), "eta", "0"
    n = _number(word)
    unit = r.words[i + 1] if i + 1 < len(r.words) else ""
    if n is None or not (unit in _YEARS or unit in _MONTHS_OF_AGE):
        return None
    end = i + 2 + (1 if i + 2 < len(r.words) and r.words[i + 2] == "old" else 0)
    if unit in _MONTHS_OF_AGE:
        if n > 12 * MAX_AGE:
            return None
        label = _("Età: %(n)s mesi") % {"n": n} if n != 1 else _("Età: 1 mese")
        # The form takes months up to five years; beyond, whole years.
        param, value = ("eta_mesi", str(n)) if n <= 60 else ("eta", str(n // 12))
        return end, "age", n // 12, label, param, value
    if n > MAX_AGE:
        return None
    label = _("Età: %(n)s anni") % {"n": n} if n != 1 else _("Età: 1 anno")
    return end, "age", n, label, "eta", str(n)


def _named(r: _Reader, i: int, lead: int, names: dict[str, int]) -> tuple[int, int] | None:
    """(end, value) of a name of `names` after the `lead` words at i, or at i itself."""
    for skip in (lead, 0):
        if i + skip < len(r.words) and r.words[i + skip] in names:
            return i + skip + 1, names[r.words[i + skip]]
    return None


def _month(r: _Reader, i: int) -> _Hit:
    found = _named(r, i, r.prefix(i, _BEFORE_MONTH), MONTHS)
    if found is None:
        return None
    end, month = found
    label = _("Mese: %(name)s") % {"name": month_name(month)}
    return end, "month", month, label, "mese", str(month)


def _weekday(r: _Reader, i: int) -> _Hit:
    lead = 1 if r.words[i] in _OPEN else 0
    found = _named(r, i, lead + r.prefix(i + lead, _BEFORE_WEEKDAY), WEEKDAYS)
    if found is None:
        return None
    end, day = found
    label = _("Aperto: %(day)s") % {"day": weekday_name(day)}
    return end, "weekday", day, label, "giorno_settimana", str(day)


def _cost(r: _Reader, i: int) -> _Hit:
    n = r.prefix(i, _FREE)
    if n:
        return i + n, "free", True, _("Solo gratuiti"), "gratuito", "on"
    n = r.prefix(i, _VOUCHER)
    if n:
        return i + n, "voucher", True, _("Con voucher"), "voucher", "on"
    return None


def _place(r: _Reader, i: int) -> _Hit:
    gazetteer = places()
    words = r.words
    province_lead = r.prefix(i, _PROVINCE)
    if province_lead:
        for size in (3, 2, 1):
            named = words[i + province_lead : i + province_lead + size]
            town = PROVINCE_TOWNS.get(" ".join(named)) if len(named) == size else None
            place = gazetteer.get(tuple(_WORD.findall(fold(town or ""))))
            if town and place:
                label = _("Provincia di %(name)s · %(km)s km") % {
                    "name": town,
                    "km": f"{PROVINCE_KM:g}",
                }
                value = (place, PROVINCE_KM)
                return i + province_lead + size, "place", value, label, "comune", str(place.pk)
    strong = r.prefix(i, _STRONG)
    lead = strong or r.prefix(i, _WEAK)
    for skip in (lead, 0) if lead else (0,):
        for size in _place_lengths():
            key = tuple(words[i + skip : i + skip + size])
            if len(key) != size or key not in gazetteer:
                continue
            if not strong and size == 1 and key[0] in lexicon().not_places:
                continue
            place = gazetteer[key]
            km = WIDE_PLACE_KM if words[i : i + 2] == ["dalle", "parti"] else PLACE_KM
            label = _("Vicino a: %(name)s · %(km)s km") % {"name": place.name, "km": f"{km:g}"}
            return i + skip + size, "place", (place, km), label, "comune", str(place.pk)
    return None
