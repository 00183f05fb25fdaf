"""Loading the Lombardy geography from the reference CSV files (see data/README.md)."""

import csv
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction

from equilibri.core import audit
from equilibri.core.text import fold

from .models import ATS, Comune, Region

DATA_DIR = Path(__file__).resolve().parent / "data"
COMUNI_CSV = DATA_DIR / "lombardia_comuni.csv"
ATS_CSV = DATA_DIR / "lombardia_ats.csv"
LOMBARDY = {"istat_code": "03", "name": "Lombardia"}
PROVINCES = {"BG", "BS", "CO", "CR", "LC", "LO", "MB", "MI", "MN", "PV", "SO", "VA"}
ATS_COLUMNS = ["ats_code", "name", "official_name", "seat_city"]
COMUNI_COLUMNS = [
    "istat_code",
    "name",
    "province",
    "ats_code",
    "ats_name",
    "lat",
    "lon",
    "population",
]


class GeographyError(Exception):
    """A row of a geography file is malformed; nothing has been written."""


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def _read(path: Path, columns: list[str]) -> list[tuple[int, dict[str, str]]]:
    try:
        handle = path.open(encoding="utf-8", newline="")
    except OSError as exc:
        raise GeographyError(f"{path}: {exc.strerror}") from exc
    with handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames != columns:
            raise GeographyError(
                f"{path.name}, line 1: expected the columns {', '.join(columns)}; "
                f"found {', '.join(reader.fieldnames or [])}"
            )
        rows = []
        for row in reader:
            line = reader.line_num
            if None in row or any(value is None for value in row.values()):
                raise GeographyError(f"{path.name}, line {line}: wrong number of fields")
            rows.append((line, {key: value.strip() for key, value in row.items()}))
        return rows


def _decimal(value: str, low: float, high: float) -> Decimal:
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise ValueError(f"{value!r} is not a number") from None
    if not low <= number <= high:
        raise ValueError(f"{value} is outside {low}..{high}")
    return number.quantize(Decimal("0.000001"))


def parse_geography(comuni_path: Path, ats_path: Path) -> tuple[list[dict], list[dict]]:
    """Reads and checks both files completely; raises GeographyError naming the first bad line."""
    ats_rows = []
    for line, row in _read(ats_path, ATS_COLUMNS):
        if not re.fullmatch(r"ATS-[A-Z]{2,4}", row["ats_code"]) or not row["name"]:
            raise GeographyError(f"{ats_path.name}, line {line}: bad ATS code or empty name")
        ats_rows.append(row)
    ats_codes = {row["ats_code"] for row in ats_rows}

    comuni_rows = []
    seen: set[str] = set()
    for line, row in _read(comuni_path, COMUNI_COLUMNS):
        where = f"{comuni_path.name}, line {line}"
        code = row["istat_code"]
        if not re.fullmatch(r"\d{6}", code):
            raise GeographyError(f"{where}: ISTAT code {code!r} is not 6 digits")
        if code in seen:
            raise GeographyError(f"{where}: ISTAT code {code} appears twice")
        seen.add(code)
        if not row["name"]:
            raise GeographyError(f"{where}: the name is empty")
        if row["province"] not in PROVINCES:
            raise GeographyError(f"{where}: unknown province {row['province']!r}")
        if row["ats_code"] not in ats_codes:
            raise GeographyError(f"{where}: unknown ATS {row['ats_code']!r}")
        try:
            lat = _decimal(row["lat"], 44.5, 47.0)
            lon = _decimal(row["lon"], 8.3, 11.5)
        except ValueError as exc:
            raise GeographyError(f"{where}: coordinate {exc}") from None
        if not row["population"].isdigit():
            raise GeographyError(f"{where}: population {row['population']!r} is not a number")
        comuni_rows.append(
            {
                "istat_code": code,
                "name": row["name"],
                "province": row["province"],
                "ats_code": row["ats_code"],
                "lat": lat,
                "lon": lon,
                "population": int(row["population"]),
            }
        )
    return comuni_rows, ats_rows


@transaction.atomic
def geography_load(comuni_path: Path = COMUNI_CSV, ats_path: Path = ATS_CSV) -> LoadResult:
    """Creates or updates Lombardy, its ATS and comuni. Idempotent; all or nothing."""
    comuni_rows, ats_rows = parse_geography(comuni_path, ats_path)
    result = LoadResult()
    region, _ = Region.objects.update_or_create(
        istat_code=LOMBARDY["istat_code"], defaults={"name": LOMBARDY["name"]}
    )
    ats_by_code = {}
    for row in ats_rows:
        values = {
            "region": region,
            "name": row["name"],
            "official_name": row["official_name"],
            "seat_city": row["seat_city"],
        }
        ats = ATS.objects.filter(code=row["ats_code"]).first()
        if ats is None:
            ats = ATS.objects.create(code=row["ats_code"], **values)
        elif any(getattr(ats, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(ats, key, value)
            ats.save()
        ats_by_code[row["ats_code"]] = ats

    existing = {c.istat_code: c for c in Comune.objects.all()}
    to_create, to_update = [], []
    changed: set[str] = set()  # the fields of the comuni updated
    fields = ["name", "name_folded", "province", "ats_id", "lat", "lon", "population"]
    for row in comuni_rows:
        values = {
            "name": row["name"],
            "name_folded": fold(row["name"]),
            "province": row["province"],
            "ats_id": ats_by_code[row["ats_code"]].pk,
            "lat": row["lat"],
            "lon": row["lon"],
            "population": row["population"],
        }
        comune = existing.get(row["istat_code"])
        if comune is None:
            to_create.append(Comune(istat_code=row["istat_code"], **values))
        elif any(getattr(comune, key) != value for key, value in values.items()):
            for key, value in values.items():
                if getattr(comune, key) != value:
                    changed.add(key)
                    setattr(comune, key, value)
            to_update.append(comune)
        else:
            result.unchanged += 1
    # Bulk writes (eight thousand comuni), one audit entry for each kind of change.
    created = Comune.objects.bulk_create(to_create, batch_size=500)
    Comune.objects.bulk_update(to_update, fields, batch_size=500)
    audit.log_bulk(Comune, [c.pk for c in created], audit.CREATE, fields=["istat_code", *fields])
    audit.log_bulk(Comune, [c.pk for c in to_update], audit.UPDATE, fields=changed)
    result.created, result.updated = len(to_create), len(to_update)
    return result
