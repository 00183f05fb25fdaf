"""Every CSV and XLSX export goes through one exporter: a text cell never becomes a formula
(OWASP: an apostrophe before =, +, -, @, tab and CR), control characters never break the file,
and numbers stay numbers, negative ones too."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from equilibri.core.exporters import XLSX_MAX_TEXT, Exporter

HOSTILE = [
    ("=HYPERLINK(\"http://evil.example\",\"clic\")", "'=HYPERLINK(\"http://evil.example\",\"clic\")"),
    ("+39 031 123456", "'+39 031 123456"),
    ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
    ("@SOMMA(1;2)", "'@SOMMA(1;2)"),
    ("\t=1+1", "'\t=1+1"),
    ("\r=1+1", "'\r=1+1"),
    ("a\x00b\x0bc\x1fd", "abcd"),  # control characters a worksheet may not hold
    ("\x01=1+1", "'=1+1"),  # dropping a control character must not uncover a formula
    ("Caffè, \"latte\"; ok", "Caffè, \"latte\"; ok"),
]  # fmt: skip


def _exporter(rows, headers=("Testo", "Importo", "Quantità", "Data")):
    return Exporter("prova", "Prova", list(headers), lambda: rows)


def _csv(exporter) -> list[list[str]]:
    return list(csv.reader(io.StringIO(exporter.to_csv().decode("utf-8-sig"), newline="")))


def _sheet(exporter):
    return load_workbook(io.BytesIO(exporter.to_xlsx())).active


@pytest.mark.parametrize(("value", "written"), HOSTILE)
def test_a_hostile_text_cell_is_text_in_csv_and_xlsx(value, written):
    exporter = _exporter([[value, Decimal("-12.5"), -3, date(2026, 1, 2)]])
    assert _csv(exporter)[1] == [written, "-12.50", "-3", "2026-01-02"]
    sheet = _sheet(exporter)
    # XML reads a CR back as LF: what matters is the apostrophe in front.
    assert sheet["A2"].value == written.replace("\r", "\n") and sheet["A2"].data_type == "s"
    # Real numbers are not mangled: a negative amount is a number, not text.
    assert sheet["B2"].value == -12.5 and sheet["B2"].data_type == "n"
    assert sheet["C2"].value == -3 and sheet["C2"].data_type == "n"


def test_hostile_headers_and_overlong_text():
    exporter = _exporter([["x" * 40000, None, None, None]], headers=("=1+1", "@a", "b", "c"))
    assert _csv(exporter)[0] == ["'=1+1", "'@a", "b", "c"]
    sheet = _sheet(exporter)
    assert [c.value for c in sheet[1]] == ["'=1+1", "'@a", "b", "c"]
    assert all(c.data_type == "s" for c in sheet[1])
    assert len(sheet["A2"].value) == XLSX_MAX_TEXT


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_organisation_with_a_hostile_name_exports(login, fmt):
    from equilibri.network.models import Organisation

    organisation = Organisation.objects.order_by("pk").first()
    assert organisation is not None
    Organisation.objects.filter(pk=organisation.pk).update(
        name="=cmd|'/C calc'!A0\x0b", address="-1+1", website="@SOMMA(1;2)"
    )
    response = login("regione").get(reverse(f"reports:export_{fmt}", args=["organizzazioni"]))
    assert response.status_code == 200
    if fmt == "csv":
        header, *rows = list(
            csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline=""))
        )
    else:
        header, *rows = [
            list(row)
            for row in load_workbook(io.BytesIO(response.content)).active.iter_rows(
                values_only=True
            )
        ]
    row = next(r for r in rows if str(r[0]) == str(organisation.pk))
    assert row[header.index("Denominazione")] == "'=cmd|'/C calc'!A0"
    assert row[header.index("Indirizzo")] == "'-1+1"
    assert row[header.index("Sito web")] == "'@SOMMA(1;2)"
