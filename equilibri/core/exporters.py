"""Every list export in one shape: an `Exporter` is a file name, a title, column headers and a
row generator; it renders CSV (UTF-8 with BOM, comma-separated, quoted where needed, no formula
injection) and XLSX (openpyxl: bold header, money as numbers with two decimals, dates as dates).
Each app builds its exporters from its scoped selectors, so a user exports what they may see."""

import csv
import io
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# A text cell starting with one of these is a formula to a spreadsheet (CSV injection); OWASP's
# rule is to prefix it with an apostrophe, shown as text by every spreadsheet.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Control characters a worksheet may not hold (openpyxl refuses them, Excel calls the file
# corrupt): dropped from every text cell, so typed text never breaks an export.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
XLSX_MAX_TEXT = 32767  # Excel's longest cell
TWO_PLACES = Decimal("0.01")


def safe_text(value: Any) -> str:
    """Any value written as text into a CSV or XLSX cell: without control characters and never
    read as a formula. Numbers, money and dates are not text: they keep their own types."""
    text = _CONTROL.sub("", str(value))
    return "'" + text if text.startswith(_FORMULA_START) else text


def _money(value: Decimal) -> Decimal:
    return value.quantize(TWO_PLACES)


@dataclass
class Exporter:
    name: str  # the file's base name
    title: str
    headers: Sequence[str]
    rows: Callable[[], Iterable[Sequence[Any]]]

    def filename(self, fmt: str) -> str:
        stem = slugify(self.name) or "export"
        return f"{stem}-{timezone.localdate():%Y-%m-%d}.{fmt}"

    def to_csv(self) -> bytes:
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=",", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
        writer.writerow([safe_text(h) for h in self.headers])
        for row in self.rows():
            writer.writerow([self._csv_cell(value) for value in row])
        return ("\ufeff" + buffer.getvalue()).encode("utf-8")

    @staticmethod
    def _csv_cell(value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, bool):
            return _("sì") if value else _("no")
        if isinstance(value, Decimal):
            return f"{_money(value)}"
        if isinstance(value, datetime):
            return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, int | float):
            return str(value)
        return safe_text(value)

    def to_xlsx(self) -> bytes:
        from openpyxl import Workbook
        from openpyxl.styles import Font
        from openpyxl.utils import get_column_letter

        workbook = Workbook()
        sheet = workbook.active
        assert sheet is not None
        sheet.title = slugify(self.title)[:31] or "export"
        for column, header in enumerate(self.headers, start=1):
            cell = sheet.cell(row=1, column=column)
            self._xlsx_text(cell, header)
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        widths = [len(str(h)) for h in self.headers]
        for row_number, row in enumerate(self.rows(), start=2):
            for column, value in enumerate(row, start=1):
                cell = sheet.cell(row=row_number, column=column)
                if isinstance(value, Decimal):
                    cell.value = _money(value)
                    cell.number_format = "#,##0.00"
                elif isinstance(value, datetime):
                    cell.value = timezone.localtime(value).replace(tzinfo=None)
                    cell.number_format = "DD/MM/YYYY HH:MM"
                elif isinstance(value, date):
                    cell.value = value
                    cell.number_format = "DD/MM/YYYY"
                elif isinstance(value, bool):
                    cell.value = _("sì") if value else _("no")
                elif value is None or isinstance(value, int | float):
                    cell.value = value
                else:
                    self._xlsx_text(cell, value)
                if column <= len(widths):
                    widths[column - 1] = max(widths[column - 1], min(len(str(value or "")), 60))
        for column, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(column)].width = width + 2
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()

    @staticmethod
    def _xlsx_text(cell, value: Any) -> None:
        cell.value = safe_text(value)[:XLSX_MAX_TEXT]
        cell.data_type = "s"  # a string, never a formula, whatever it starts with

    def render(self, fmt: str) -> bytes:
        if fmt == "csv":
            return self.to_csv()
        if fmt == "xlsx":
            return self.to_xlsx()
        raise ValueError(fmt)


def export_response(request: HttpRequest, exporter: Exporter, fmt: str) -> HttpResponse:
    """The file as a download; an unknown format is a 404."""
    if fmt not in CONTENT_TYPES:
        raise Http404
    response = HttpResponse(exporter.render(fmt), content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{exporter.filename(fmt)}"'
    response["Cache-Control"] = "private, no-store"
    return response
