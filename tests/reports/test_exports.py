import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from equilibri.reports.exporters import DATASETS, Exporter


def _csv_rows(response) -> list[list[str]]:
    body = b"".join(response) if response.streaming else response.content
    assert body.startswith("\ufeff".encode())  # BOM: Excel opens it as UTF-8
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def _xlsx_rows(response) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(response.content)).active
    return list(sheet.iter_rows(values_only=True))


def test_exporter_csv_and_xlsx_round_trip():
    exporter = Exporter(
        "prova",
        "Prova",
        ["Nome", "Importo", "Data", "Quantità"],
        lambda: [
            ['Caffè, "latte"', Decimal("1234.5"), date(2024, 3, 1), 3],
            ["=SOMMA(A1:A2)", Decimal("0"), None, None],
        ],
    )
    rows = list(csv.reader(io.StringIO(exporter.to_csv().decode("utf-8-sig"))))
    assert rows == [
        ["Nome", "Importo", "Data", "Quantità"],
        ['Caffè, "latte"', "1234.50", "2024-03-01", "3"],
        ["'=SOMMA(A1:A2)", "0.00", "", ""],  # never a formula
    ]
    sheet = load_workbook(io.BytesIO(exporter.to_xlsx())).active
    assert [c.value for c in sheet[1]] == ["Nome", "Importo", "Data", "Quantità"]
    assert sheet["A1"].font.bold
    assert sheet["B2"].value == 1234.5 and sheet["B2"].number_format == "#,##0.00"
    assert sheet["C2"].is_date and sheet["C2"].value.date() == date(2024, 3, 1)
    assert sheet["A3"].value == "'=SOMMA(A1:A2)" and sheet["A3"].data_type == "s"
    assert exporter.filename("csv").startswith("prova-") and exporter.filename("csv").endswith(
        ".csv"
    )


def test_projects_export_has_the_budget_split(mini_plan, login):
    client = login("operatore.insubria")
    url = reverse("reports:export_csv", args=["progetti"])
    response = client.get(url, {"piano": mini_plan.plan.pk})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment; filename=" in response["Content-Disposition"]
    header, *rows = _csv_rows(response)
    assert len(rows) == 2
    by_title = {row[1]: dict(zip(header, row, strict=True)) for row in rows}
    alliance = by_title["Progetto di prova alleanza"]
    assert alliance["Contributo regionale (€)"] == "40000.00"
    assert alliance["Cofinanziamento (€)"] == "10000.00"
    assert alliance["Budget totale (€)"] == "50000.00"
    assert alliance["Speso (€)"] == "10000.00"
    assert "'=Azione di sistema di prova" in by_title  # CSV injection neutralised

    xlsx = client.get(
        reverse("reports:export_xlsx", args=["progetti"]), {"piano": mini_plan.plan.pk}
    )
    assert xlsx.status_code == 200
    header, *rows = _xlsx_rows(xlsx)
    assert len(rows) == 2
    budget = header.index("Budget totale (€)")
    assert sorted(row[budget] for row in rows) == [25000, 50000]


def test_actions_indicators_and_reports_exports(mini_plan, login):
    client = login("operatore.insubria")
    query = {"piano": mini_plan.plan.pk}
    header, *rows = _xlsx_rows(client.get(reverse("reports:export_xlsx", args=["azioni"]), query))
    a1 = next(r for r in rows if r[1] == "Azione A1")
    assert a1[header.index("Comuni coperti")] == "Tradate; Varese"
    assert a1[header.index("Budget (€)")] == 30000
    header, *rows = _csv_rows(client.get(reverse("reports:export_csv", args=["indicatori"]), query))
    by_name = {r[1]: dict(zip(header, r, strict=True)) for r in rows}
    assert by_name["Caregiver raggiunti"]["Ultimo valore"] == "60.00"
    assert by_name["Caregiver raggiunti"]["di cui donne"] == "40.00"
    assert by_name["Ore di formazione"]["Raggiungimento (%)"] == "25.00"
    header, *rows = _csv_rows(client.get(reverse("reports:export_csv", args=["relazioni"]), query))
    assert len(rows) == 4
    draft = next(r for r in rows if r[2] == "2025-01-01")
    assert draft[header.index("Spese dichiarate (€)")] == "99999.00"


@pytest.mark.parametrize("dataset", list(DATASETS))
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_every_dataset_exports(login, dataset, fmt):
    response = login("regione").get(reverse(f"reports:export_{fmt}", args=[dataset]))
    assert response.status_code == 200
    rows = _csv_rows(response) if fmt == "csv" else _xlsx_rows(response)
    assert rows[0]  # the header


def test_exports_are_scoped(mini_plan, login):
    milano = login("operatore.milano")
    header, *rows = _csv_rows(milano.get(reverse("reports:export_csv", args=["progetti"])))
    assert "Progetto di prova alleanza" not in {r[1] for r in rows}
    ats = header.index("ATS")
    assert {r[ats] for r in rows} <= {"ATS Milano"}
    header, *rows = _csv_rows(milano.get(reverse("reports:export_csv", args=["organizzazioni"])))
    assert {r[header.index("ATS")] for r in rows} <= {"ATS Milano"}
    # A plan of another ATS as filter: 404, the same as missing.
    response = milano.get(
        reverse("reports:export_csv", args=["progetti"]), {"piano": mini_plan.plan.pk}
    )
    assert response.status_code == 404


def test_unknown_dataset_or_format_is_404(login):
    client = login("regione")
    assert client.get(reverse("reports:export_csv", args=["segreti"])).status_code == 404
    assert client.get("/area-riservata/cruscotto/esporta/progetti.pdf").status_code == 404
    assert client.get("/area-riservata/cruscotto/esporta/progetti.xls").status_code == 404


def test_desk_operator_exports_organisations_only(login):
    client = login("sportello.erba")
    assert client.get(reverse("reports:export_csv", args=["organizzazioni"])).status_code == 200
    assert client.get(reverse("reports:export_csv", args=["progetti"])).status_code == 403
