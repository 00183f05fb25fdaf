"""The checks of one value of the file (a text's length, an id, a web or e-mail address, a
date, an opening time) that every part of the import plan uses, each recording its problem at
the object's row; and the official schemas' validators.
"""

import json
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, time
from functools import cache, lru_cache
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db.models import Model
from django.utils.translation import gettext as _

from equilibri.core import identifiers
from equilibri.core.text import fold

from .. import serializers as ser
from .plans import Hex, _dashed, _hex
from .read import SPEC_DIR, SRC, _path_to
from .report import ImportReport


@cache
def _max_length(model: type[Model], name: str) -> int | None:
    return getattr(model._meta.get_field(name), "max_length", None)


class FieldChecks:
    """The planner's checks of single values; what is wrong goes to the report."""

    def __init__(self, report: ImportReport, allowed_ats: Iterable[int] | None = None):
        """`allowed_ats`: the ATS whose projects and plan actions the file may name (None:
        any)."""
        self.report = report
        self.allowed_ats = None if allowed_ats is None else frozenset(allowed_ats)
        self.url = URLValidator()
        self.email = EmailValidator()
        # Web and e-mail addresses already found valid (an organisation's repeat on every one
        # of its services; Django's validators are slow): URLs, and ("@", e-mail).
        self.good: set[str | tuple[str, str]] = set()
        self.root: dict = {}  # the service being planned
        self.seen: dict[str, dict[Hex, str]] = defaultdict(dict)
        self.owner = ""

    def src(self, obj: dict) -> str:
        """Where obj came from: its SRC (CSV rows, top-level objects), else its JSON path in
        the service being planned."""
        if SRC in obj:
            return str(obj[SRC])
        root_src = str(self.root.get(SRC, "|"))
        file, _sep, root_path = root_src.partition("|")
        path = _path_to(self.root, obj, root_path)
        return root_src if path is None else f"{file}|{path}"

    def err(self, obj: dict, fld: str, message: str) -> None:
        self.report.error(self.src(obj), fld, message, str(obj.get("id", "")))

    def text(self, obj: dict, key: str, model: type[Model], model_field: str) -> str:
        value = obj.get(key)
        if value is None:
            return ""
        value = str(value).strip()
        limit = _max_length(model, model_field)
        if limit and len(value) > limit:
            self.err(
                obj,
                key,
                _("Testo troppo lungo (%(length)s caratteri, massimo %(limit)s).")
                % {"length": len(value), "limit": limit},
            )
        return value

    def uuid_of(self, obj: dict, kind: str) -> Hex | None:
        raw = obj.get("id")
        try:
            value = _hex(raw)
        except ValueError:
            self.err(obj, "id", _("L'id '%(id)s' non è un UUID.") % {"id": raw})
            return None
        owner = self.seen[kind].get(value)
        if owner == self.owner or (owner is not None and kind in {"phone", "schedule"}):
            # The same object repeated (e.g. a phone under a service and its location): the
            # first occurrence wins.
            return None
        if owner is not None:
            self.err(
                obj, "id", _("L'id %(id)s compare due volte nel file.") % {"id": _dashed(value)}
            )
            return None
        self.seen[kind][value] = self.owner
        return value

    def checked_url(self, obj: dict, key: str, model: type[Model], model_field: str) -> str:
        value = self.text(obj, key, model, model_field)
        if value and value not in self.good:
            try:
                self.url(value)
                self.good.add(value)
            except ValidationError:
                self.err(
                    obj, key, _("'%(value)s' non è un indirizzo web valido.") % {"value": value}
                )
        return value

    def checked_email(self, obj: dict, key: str, model: type[Model]) -> str:
        value = identifiers.normalise_email(self.text(obj, key, model, "email"))
        if value and ("@", value) not in self.good:
            try:
                self.email(value)
                self.good.add(("@", value))
            except ValidationError:
                self.err(
                    obj, key, _("'%(value)s' non è un indirizzo e-mail valido.") % {"value": value}
                )
        return value

    def date_of(self, obj: dict, key: str) -> date | None:
        raw = obj.get(key)
        if not raw:
            return None
        try:
            return date.fromisoformat(str(raw)[:10])
        except ValueError:
            self.err(obj, key, _("'%(value)s' non è una data AAAA-MM-GG.") % {"value": raw})
            return None

    def time_of(self, obj: dict, key: str) -> time | None:
        raw = str(obj.get(key) or "").strip()
        if not raw:
            self.err(obj, key, _("Manca l'orario (HH:MM)."))
            return None
        value = _clock(raw)
        if value is None:
            self.err(obj, key, _("'%(value)s' non è un orario HH:MM.") % {"value": raw})
        return value

    def reachable(self, ats_of: dict[int, int], value: str) -> int | None:
        """The pk written in `value` if it is one of `ats_of` (pk -> ATS) in an ATS the
        importer may import for; otherwise None, as for a missing one (outside the scope is
        the same as missing). At most 18 digits: int() of a longer string may raise."""
        if not (value.isdecimal() and len(value) <= 18):
            return None
        pk = int(value)
        allowed = self.allowed_ats
        if pk not in ats_of or (allowed is not None and ats_of[pk] not in allowed):
            return None
        return pk

    def attribute_code(self, attr: dict) -> str | None:
        term_id = str(attr.get("taxonomy_term_id") or "")
        if term_id in ser.PROFILE_TERM_BY_ID:
            return ser.PROFILE_TERM_BY_ID[term_id]
        term = attr.get("taxonomy_term")
        if isinstance(term, dict) and term.get("code") in ser.PROFILE_TERMS and not term_id:
            return str(term["code"])
        return None


@lru_cache(maxsize=4096)
def _fold(text: str) -> str:
    return fold(text)


@lru_cache(maxsize=4096)
def _clock(raw: str) -> time | None:
    # Opening hours repeat (a few hundred distinct ones in a whole catalogue).
    clock = raw.rstrip("Zz").split("+")[0]
    if clock.count("-"):
        clock = clock.split("-")[0]
    try:
        return time.fromisoformat(clock)
    except ValueError:
        return None


def _term_id(attr: dict) -> str:
    term = attr.get("taxonomy_term")
    embedded = term.get("id") if isinstance(term, dict) else None
    return str(attr.get("taxonomy_term_id") or embedded or "")


def _join(*parts: Any) -> str:
    return ", ".join(str(p).strip() for p in parts if p and str(p).strip())


def _plain(obj: Any) -> Any:
    """The object without our SRC keys (the official schemas allow extra keys, but this keeps
    error messages clean)."""
    if isinstance(obj, dict):
        return {k: _plain(v) for k, v in obj.items() if k != SRC}
    if isinstance(obj, list):
        return [_plain(v) for v in obj]
    return obj


def _walk(obj: Any, path: list) -> dict:
    """The innermost dict on the path (to report the row it came from)."""
    found = obj
    for step in path:
        try:
            obj = obj[step]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(obj, dict):
            found = obj
    return found


def _path_field(error: Any) -> str:
    names = [str(p) for p in error.instance_path if isinstance(p, str)]
    return names[-1] if names else ""


@cache
def _validator(name: str):
    schema = json.loads((SPEC_DIR / name).read_text(encoding="utf-8"))
    try:
        import jsonschema_rs

        return jsonschema_rs.validator_for(schema, validate_formats=True)
    except ImportError:  # pragma: no cover - the pure-Python fallback
        import jsonschema

        return jsonschema.Draft202012Validator(
            schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
        )
