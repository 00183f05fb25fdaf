"""The API's query parameters, each checked exactly as our OpenAPI document (`openapi.py`)
describes it: a value the document allows is taken, anything else (empty, repeated, out of
range) raises `BadParameter`, which the views answer with a 400 naming the parameter.
"""

import math
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from django.conf import settings
from django.core.cache import caches
from django.db.models import Subquery
from django.http import HttpRequest
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from equilibri.core import identifiers
from equilibri.territory.models import Comune

from ...pagecache import catalogue_version
from ...selectors import postcode_comuni
from ..openapi import LANGUAGE_PATTERN, MAX_AGE, MAX_PAGE, MAX_PER_PAGE, MAX_SEARCH

DEFAULT_PER_PAGE = 20
# modified_after is clamped into this range: any earlier date means "everything", any later one
# "nothing", and the engine's arithmetic on it can never leave Python's datetime range.
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(9000, 1, 1, tzinfo=UTC)


class BadParameter(Exception):
    def __init__(self, parameter: str, message: str):
        super().__init__(message)
        self.parameter = parameter
        self.message = message


INTEGER = re.compile(r"-?[0-9]{1,18}")
POSTCODE = re.compile(r"[0-9]{5}")
# A JSON number (what the document's "number" allows), and an RFC 3339 full-date.
NUMBER = re.compile(r"-?(0|[1-9][0-9]{0,17})(\.[0-9]{1,18})?([eE][+-]?[0-9]{1,3})?")
DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
LANGUAGE = re.compile(LANGUAGE_PATTERN.strip("^$"))


@dataclass
class Params:
    page: int
    per_page: int
    ndjson: bool
    search: str
    full: bool
    minimal: bool
    full_service: bool

    @classmethod
    def parse(cls, request: HttpRequest) -> "Params":
        fmt = _raw(request, "format")
        if fmt not in {None, "json", "ndjson"}:
            raise BadParameter("format", "Il parametro format accetta solo 'json' o 'ndjson'.")
        return cls(
            page=_int(request, "page", 1, 1, MAX_PAGE),
            per_page=_int(request, "per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE),
            ndjson=fmt == "ndjson",
            search=_text(request, "search", MAX_SEARCH),
            full=_bool(request, "full"),
            minimal=_bool(request, "minimal"),
            full_service=_bool(request, "full_service"),
        )


def _raw(request: HttpRequest, name: str) -> str | None:
    """The parameter's value (None when absent). Given twice it is ambiguous, so refused."""
    values = request.GET.getlist(name)
    if len(values) > 1:
        raise BadParameter(name, f"Il parametro {name} va indicato una sola volta.")
    return values[0] if values else None


def _given(request: HttpRequest, name: str) -> str | None:
    """A typed parameter's value: absent is None, present it may not be empty."""
    raw = _raw(request, name)
    if raw == "":
        raise BadParameter(name, f"Il parametro {name} è vuoto: indicane un valore o toglilo.")
    return raw


def _text(request: HttpRequest, name: str, max_length: int) -> str:
    value = _raw(request, name) or ""
    if "\x00" in value:
        raise BadParameter(name, f"Il parametro {name} contiene caratteri non ammessi.")
    if len(value) > max_length:
        raise BadParameter(name, f"Il parametro {name} supera i {max_length} caratteri.")
    return value.strip()


def _int(request: HttpRequest, name: str, default: int, low: int, high: int) -> int:
    raw = _given(request, name)
    if raw is None:
        return default
    # ASCII digits only (int() also takes other scripts' digits, "_" and spaces), and no more
    # of them than any bound needs.
    if not INTEGER.fullmatch(raw):
        raise BadParameter(name, f"Il parametro {name} deve essere un numero intero.")
    value = int(raw)
    if not low <= value <= high:
        raise BadParameter(name, f"Il parametro {name} deve essere tra {low} e {high}.")
    return value


def _bool(request: HttpRequest, name: str) -> bool:
    raw = _given(request, name)
    if raw is None or raw == "false":
        return False
    if raw == "true":
        return True
    raise BadParameter(name, f"Il parametro {name} accetta solo 'true' o 'false'.")


def _uuid(request: HttpRequest, name: str) -> uuid.UUID | None:
    raw = _given(request, name)
    if raw is None:
        return None
    value = _path_uuid(raw)
    if value is None:
        raise BadParameter(name, f"Il parametro {name} deve essere un identificativo UUID.")
    return value


def _modified_after(request: HttpRequest) -> datetime | None:
    raw = _given(request, "modified_after")
    if raw is None:
        return None
    if "\x00" in raw or len(raw) > 40:
        raw = ""  # refused below
    value: datetime | None
    try:
        value = parse_datetime(raw.replace(" ", "+"))
        if value is None:
            day = parse_date(raw)
            value = datetime.combine(day, time.min) if day else None
    except ValueError:
        value = None
    if value is None:
        raise BadParameter(
            "modified_after",
            "Il parametro modified_after deve essere una data o data e ora ISO 8601 "
            "(es. 2026-01-31 o 2026-01-31T10:00:00Z).",
        )
    # Clamped on the calendar date, before any time zone arithmetic could overflow (0001-01-01
    # in Rome is before datetime.min in UTC).
    if value.year < EARLIEST.year:
        return EARLIEST
    if value.year >= LATEST.year:
        return LATEST
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    # In UTC: PostgreSQL refuses offsets beyond ±15:59, which ISO 8601 allows up to ±23:59.
    return value.astimezone(UTC)


def _path_uuid(value: str) -> uuid.UUID | None:
    """The UUID written canonically (uuid.UUID also takes braces, "urn:uuid:" and no dashes)."""
    try:
        found = uuid.UUID(value)
    except ValueError:
        return None
    return found if str(found) == value.lower() else None


def comune_for_postcode(postcode: str) -> Comune | None:
    """The comune of a CAP known to the catalogue (the one most of its locations are in),
    cached under the catalogue version: any change of a location gives a new key."""
    key = f"services:postcode:{catalogue_version()}:{postcode}"
    local = caches["local"]
    found = local.get(key)
    if found is None:
        found = _comune_for_postcode(postcode) or False  # False: known to have none
        local.set(key, found, 300)
    return found or None


def _comune_for_postcode(postcode: str) -> Comune | None:
    most = postcode_comuni().filter(postal_code=postcode).values("comune_id")[:1]
    return Comune.objects.filter(pk=Subquery(most)).first()


@dataclass
class Proximity:
    comune: Comune | None  # None: a CAP none of the catalogue's locations has, so no result
    radius_km: float | None


def _proximity(request: HttpRequest) -> Proximity | None:
    """postcode (a CAP) and proximity (metres from its comune). proximity is checked even alone,
    but without a postcode it has no centre, so it filters nothing (as a postcode alone)."""
    postcode = _given(request, "postcode")
    raw = _given(request, "proximity")
    radius_km = None
    if raw is not None:
        try:
            metres = float(raw) if len(raw) <= 30 else math.nan
        except ValueError:
            metres = math.nan
        max_metres = settings.MAX_SEARCH_RADIUS_KM * 1000
        if not math.isfinite(metres) or metres <= 0 or metres > max_metres:
            raise BadParameter(
                "proximity",
                f"Il parametro proximity è una distanza in metri, più di 0 e al massimo "
                f"{max_metres}.",
            )
        radius_km = metres / 1000
    if postcode is None:
        return None
    # Normalised like every identifier at the boundary (full-width digits, spaces).
    postcode = identifiers.normalise_postcode(postcode)
    if not POSTCODE.fullmatch(postcode):
        raise BadParameter("postcode", "Il parametro postcode deve essere un CAP di 5 cifre.")
    return Proximity(comune_for_postcode(postcode), radius_km)


@dataclass(frozen=True)
class Conditions:
    """Who and when a service is for, as the public search's filters: `age` in years (decimals
    allowed: 0.75 is nine months; compared in whole years, as the catalogue keeps its services'
    ages), open on a date, free, paid with a voucher, in a language (ISO 639-1 code)."""

    age: float | None = None
    open_on: date | None = None
    free: bool = False
    voucher: bool = False
    language: str | None = None

    def any(self) -> bool:
        return bool(
            self.age is not None or self.open_on or self.free or self.voucher or self.language
        )


def conditions(request: HttpRequest) -> Conditions:
    return Conditions(
        age=_age(request),
        open_on=_date(request, "open_on"),
        free=_bool(request, "free"),
        voucher=_bool(request, "voucher"),
        language=_language(request),
    )


def _age(request: HttpRequest) -> float | None:
    raw = _given(request, "age")
    if raw is None:
        return None
    value = float(raw) if NUMBER.fullmatch(raw) else math.nan
    if not math.isfinite(value) or not 0 <= value <= MAX_AGE:
        raise BadParameter(
            "age",
            f"Il parametro age è un'età in anni, da 0 a {MAX_AGE}, anche con decimali "
            "(0.5 sono sei mesi).",
        )
    return value


def _date(request: HttpRequest, name: str) -> date | None:
    raw = _given(request, name)
    if raw is None:
        return None
    try:
        if DATE.fullmatch(raw):
            return date.fromisoformat(raw)  # ValueError for a day the calendar has not
    except ValueError:
        pass
    raise BadParameter(
        name, f"Il parametro {name} deve essere una data esistente AAAA-MM-GG (es. 2027-06-15)."
    )


def _language(request: HttpRequest) -> str | None:
    raw = _given(request, "language")
    if raw is None:
        return None
    if not LANGUAGE.fullmatch(raw):
        raise BadParameter(
            "language",
            "Il parametro language è il codice ISO 639 della lingua, in minuscolo (es. en).",
        )
    return raw
