"""Reading an HSDS file safely, before anything large is built from it.

An upload is hostile until proven otherwise: a 117 KB zip can expand to gigabytes, a JSON
document can nest 200,000 levels deep or carry a number of thousands of digits, a zip member
can be a symlink or be named `../x`. Every limit here is counted on the bytes actually read
(never on the sizes an archive's headers declare) and checked while reading, so a file over a
limit is refused after reading at most one chunk past it; the JSON document's shape is checked
on its bytes before it is parsed into objects. Each limit is a setting (README, Configuration).

`read(source, limits)` gives a `Document`: the parsed JSON, or the CSV tables of a Tabular
Data Package (zip or folder) as text. A file over a limit raises `Refused` with a message for
the user.
"""

import codecs
import csv
import io
import json
import re
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _
from pydantic_core import from_json

CHUNK = 1024 * 1024
# A member this small cannot hurt however well it compresses (a CSV of one repeated row does):
# the compression ratio is judged only past it.
RATIO_FLOOR = 1024 * 1024
# The widest table of the HSDS Tabular Data Package has 25 fields: a header of thousands of
# columns would make every row a dictionary of thousands of keys.
MAX_COLUMNS = 200

DEFAULTS = {
    "HSDS_IMPORT_MAX_BYTES": 50 * 1024 * 1024,
    "HSDS_IMPORT_MAX_UNCOMPRESSED_BYTES": 200 * 1024 * 1024,
    "HSDS_IMPORT_MAX_MEMBERS": 100,
    "HSDS_IMPORT_MAX_RATIO": 100,
    "HSDS_IMPORT_MAX_DEPTH": 32,
    "HSDS_IMPORT_MAX_NUMBER_LENGTH": 100,
    "HSDS_IMPORT_MAX_OBJECTS": 2_000_000,
}


class Refused(Exception):
    """A file over a limit, or not readable: `message` is for the user, `member` names the part
    of the file (a zip member) when there is one."""

    def __init__(self, message: str, member: str = ""):
        super().__init__(message)
        self.message = message
        self.member = member


@dataclass(frozen=True)
class Limits:
    max_bytes: int  # the file as uploaded (a zip: compressed)
    max_uncompressed_bytes: int  # everything read out of it, all members together
    max_members: int  # entries of a zip
    max_ratio: int  # uncompressed / compressed, of each member and of the whole zip
    max_depth: int  # nesting of JSON objects and arrays
    max_number_length: int  # characters of one JSON number
    max_objects: int  # JSON objects and arrays, or CSV rows

    @classmethod
    def from_settings(cls) -> "Limits":
        def value(name: str) -> int:
            return int(getattr(settings, name, DEFAULTS[name]))

        return cls(
            max_bytes=value("HSDS_IMPORT_MAX_BYTES"),
            max_uncompressed_bytes=value("HSDS_IMPORT_MAX_UNCOMPRESSED_BYTES"),
            max_members=value("HSDS_IMPORT_MAX_MEMBERS"),
            max_ratio=value("HSDS_IMPORT_MAX_RATIO"),
            max_depth=value("HSDS_IMPORT_MAX_DEPTH"),
            max_number_length=value("HSDS_IMPORT_MAX_NUMBER_LENGTH"),
            max_objects=value("HSDS_IMPORT_MAX_OBJECTS"),
        )


@dataclass
class Document:
    """What a file holds: parsed JSON (`data`), or CSV tables by file name (`tables`)."""

    data: Any = None
    tables: dict[str, str] | None = None


def read(source: Any, limits: Limits) -> Document:
    """A path (JSON file, zip, folder of CSVs) or an open binary file (an upload)."""
    if isinstance(source, str | Path) and Path(source).is_dir():
        return Document(tables=_read_folder(Path(source), limits))
    if isinstance(source, str | Path):
        with open(source, "rb") as fh:
            raw = read_at_most(fh, limits.max_bytes)
    else:
        raw = read_at_most(source, limits.max_bytes)
    if raw[:4] == b"PK\x03\x04":
        return Document(tables=_read_zip(raw, limits))
    if len(raw) > limits.max_uncompressed_bytes:
        raise _too_large(limits.max_uncompressed_bytes)
    return Document(data=parse_json(raw, limits))


def read_at_most(stream: IO[bytes], limit: int) -> bytes:
    """The stream's bytes, refused as soon as they pass `limit` (whatever size was declared)."""
    buffer = io.BytesIO()
    while chunk := stream.read(CHUNK):
        if buffer.tell() + len(chunk) > limit:
            raise _too_large(limit)
        buffer.write(chunk)
    return buffer.getvalue()


def _too_large(limit: int, member: str = "") -> Refused:
    return Refused(
        _("Il file è troppo grande: si leggono al massimo %(limit)s byte.") % {"limit": limit},
        member,
    )


# --- JSON -------------------------------------------------------------------------------------

# Escaped backslashes and quotes go first; every quote left then opens or closes a string.
_STRING = re.compile(rb'"[^"]*"')
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_ONE_KIND = bytes.maketrans(b"{}", b"[]")


@dataclass
class _Shape:
    objects: int
    depth: int
    longest_number: int


def _shape(doc: bytes, limits: Limits) -> _Shape:
    """Objects and arrays, nesting (counted up to just past the limit) and whether a number is
    too long, from the brackets and number characters of `doc`. All of it is a few passes of
    bytes methods (C), whatever the size."""
    objects = doc.count(b"{") + doc.count(b"[")
    number = re.search(rb"[-+.0-9eE]{%d}" % (limits.max_number_length + 1), doc)
    # Each pass takes away the innermost pairs, one level of nesting; an unbalanced rest
    # (`]]][[[`, a syntax error the parser names) still counts its unclosed openings.
    brackets = doc.translate(_ONE_KIND, _NOT_BRACKETS)
    depth = 0
    while brackets and depth <= limits.max_depth:
        inner = brackets.replace(b"[]", b"")
        if len(inner) == len(brackets):
            depth += brackets.count(b"[")
            break
        depth += 1
        brackets = inner
    return _Shape(objects, depth, limits.max_number_length + 1 if number else 0)


def _without_strings(raw: bytes) -> bytes:
    return _STRING.sub(b'""', raw.replace(b"\\\\", b"").replace(b'\\"', b""))


def _over(shape: _Shape, limits: Limits) -> bool:
    return (
        shape.objects > limits.max_objects
        or shape.depth > limits.max_depth
        or shape.longest_number > limits.max_number_length
    )


def check_json(raw: bytes, limits: Limits) -> None:
    """Refuses a document over the limits of objects, depth or number length, before parsing.

    First on the raw bytes, where brackets and digits inside strings count too: an upper bound
    of the objects and of long numbers, cheap enough for a catalogue of a million services.
    Only a document that seems over a limit is measured again without its strings (slower),
    so that text like "[1]" in a description refuses nothing. Nesting hidden by brackets inside
    strings still meets the parser's own ceiling (pydantic_core stops at 200 levels, and
    whatever it refuses is measured here exactly before `json` reads it)."""
    shape = _shape(raw, limits)
    if _over(shape, limits):
        _refuse_shape(_shape(_without_strings(raw), limits), limits)


def _refuse_shape(shape: _Shape, limits: Limits) -> None:
    if shape.depth > limits.max_depth:
        raise Refused(
            _("Il file JSON è annidato troppo in profondità (più di %(limit)s livelli).")
            % {"limit": limits.max_depth}
        )
    if shape.longest_number > limits.max_number_length:
        raise Refused(
            _("Il file JSON contiene un numero di più di %(limit)s caratteri.")
            % {"limit": limits.max_number_length}
        )
    if shape.objects > limits.max_objects:
        raise Refused(
            _("Il file JSON contiene troppi oggetti ed elenchi (più di %(limit)s).")
            % {"limit": limits.max_objects}
        )


def parse_json(raw: bytes, limits: Limits) -> Any:
    """The JSON document in `raw` (UTF-8, with or without a BOM), as `json.loads` gives it,
    after `check_json`. pydantic_core's parser (Rust, installed with pydantic) reads a large
    file two to three times faster; whatever it refuses (bad JSON, bad UTF-8, a lone surrogate,
    deep nesting) is measured exactly and goes through `json`, whose result or error is the one
    used. The parsers' own messages are English: the refusal says where, in Italian."""
    check_json(raw, limits)
    try:
        return from_json(raw.removeprefix(codecs.BOM_UTF8), cache_strings="keys")
    except ValueError:
        _refuse_shape(_shape(_without_strings(raw), limits), limits)
    try:
        return json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise Refused(_("Il file non è un JSON in UTF-8 né un pacchetto zip di CSV.")) from None
    except json.JSONDecodeError as exc:
        lines = _json_lines(raw) if exc.msg == "Extra data" else None
        if lines is not None:
            return lines
        raise Refused(
            _(
                "Il file non è un JSON valido né un pacchetto zip di CSV: errore alla riga "
                "%(line)s, colonna %(column)s."
            )
            % {"line": exc.lineno, "column": exc.colno}
        ) from None
    except (ValueError, RecursionError):
        # Not reached after check_json; kept so that no document can end in a server error.
        raise Refused(_("Il file JSON supera i limiti di lettura.")) from None


def _json_lines(raw: bytes) -> list[Any] | None:
    """NDJSON (one JSON value a line) as the list of its values; None if a line is no JSON.
    The whole was measured by `check_json`: no line is deeper or longer than it."""
    try:
        text = raw.decode("utf-8-sig")
        return [json.loads(line) for line in text.splitlines() if line.strip()]
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        return None


# --- Tabular Data Package ---------------------------------------------------------------------


def _member_name(info: zipfile.ZipInfo) -> str:
    """The member's file name, or Refused: names that could point outside a folder (absolute,
    `..`, backslashes, drive letters) and anything but regular files and folders."""
    name = info.filename
    parts = PurePosixPath(name).parts
    if (
        "\\" in name
        or name.startswith("/")
        or ".." in parts
        or (parts and ":" in parts[0])
        or "\x00" in name
    ):
        raise Refused(
            _("L'archivio contiene un nome di file non ammesso: %(name)s.") % {"name": name},
            name,
        )
    kind = stat.S_IFMT(info.external_attr >> 16)
    if kind not in (0, stat.S_IFREG, stat.S_IFDIR):
        raise Refused(
            _(
                "L'archivio contiene %(name)s, che non è un file ordinario (un collegamento "
                "simbolico o un file speciale)."
            )
            % {"name": name},
            name,
        )
    return name


def _read_zip(raw: bytes, limits: Limits) -> dict[str, str]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except (zipfile.BadZipFile, OSError, EOFError):
        raise Refused(_("Archivio zip non leggibile o danneggiato.")) from None
    with archive:
        infos = archive.infolist()
        if len(infos) > limits.max_members:
            raise Refused(
                _("L'archivio contiene troppi file (%(count)s; massimo %(limit)s).")
                % {"count": len(infos), "limit": limits.max_members}
            )
        names = [_member_name(info) for info in infos]
        tables: dict[str, str] = {}
        total = 0
        for info, name in zip(infos, names, strict=True):
            if info.is_dir() or not name.endswith(".csv"):
                continue
            table = PurePosixPath(name).name
            if table in tables:
                raise Refused(_("L'archivio contiene due volte %(name)s.") % {"name": table}, name)
            data = io.BytesIO()
            try:
                with archive.open(info) as member:
                    while chunk := member.read(CHUNK):
                        data.write(chunk)
                        total += len(chunk)
                        _check_expansion(data.tell(), info.compress_size, name, limits)
                        _check_expansion(total, len(raw), "", limits)
            except (zipfile.BadZipFile, EOFError, OSError, NotImplementedError, RuntimeError):
                raise Refused(
                    _("Il file %(name)s dell'archivio è danneggiato o non leggibile.")
                    % {"name": name},
                    name,
                ) from None
            tables[table] = _text(data.getvalue(), table, limits)
    _check_rows(tables, limits)
    return tables


def _check_expansion(size: int, compressed: int, member: str, limits: Limits) -> None:
    """`size` bytes read so far out of `compressed` (a member's, or the whole archive's)."""
    if not member and size > limits.max_uncompressed_bytes:
        raise Refused(
            _(
                "L'archivio decompresso supera il massimo di %(limit)s byte: "
                "la lettura è stata interrotta."
            )
            % {"limit": limits.max_uncompressed_bytes}
        )
    if size > RATIO_FLOOR and size > limits.max_ratio * max(compressed, 1):
        raise Refused(
            _(
                "L'archivio è compresso in modo anomalo (più di %(ratio)s volte): "
                "la lettura è stata interrotta."
            )
            % {"ratio": limits.max_ratio},
            member,
        )


def _read_folder(folder: Path, limits: Limits) -> dict[str, str]:
    tables: dict[str, str] = {}
    total = 0
    for path in sorted(folder.glob("*.csv")):
        if not path.is_file() or path.is_symlink():
            continue
        with open(path, "rb") as fh:
            try:
                raw = read_at_most(fh, limits.max_uncompressed_bytes - total)
            except Refused:
                raise _too_large(limits.max_uncompressed_bytes, path.name) from None
        total += len(raw)
        tables[path.name] = _text(raw, path.name, limits)
    _check_rows(tables, limits)
    return tables


def _text(raw: bytes, name: str, limits: Limits) -> str:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Refused(_("I file CSV dell'archivio devono essere in UTF-8."), name) from None
    try:
        header = next(csv.reader(io.StringIO(text[: CHUNK * 4])), [])
    except csv.Error:
        raise Refused(_("Il file %(name)s non è un CSV valido.") % {"name": name}, name) from None
    if len(header) > MAX_COLUMNS:
        raise Refused(
            _("Il file %(name)s ha troppe colonne (%(count)s; massimo %(limit)s).")
            % {"name": name, "count": len(header), "limit": MAX_COLUMNS},
            name,
        )
    return text


def _check_rows(tables: dict[str, str], limits: Limits) -> None:
    """Lines are an upper bound of rows (a quoted cell may hold line breaks): counted exactly
    only when they pass the limit."""
    if sum(text.count("\n") for text in tables.values()) <= limits.max_objects:
        return
    rows = 0
    for name, text in tables.items():
        try:
            rows += sum(1 for _row in csv.reader(io.StringIO(text)))
        except csv.Error:
            raise Refused(
                _("Il file %(name)s non è un CSV valido.") % {"name": name}, name
            ) from None
        if rows > limits.max_objects:
            raise Refused(
                _("Il pacchetto contiene troppe righe (più di %(limit)s).")
                % {"limit": limits.max_objects},
                name,
            )
