"""Exports of every list, in one place: an `Exporter` is a title, column headers and a row
generator; it renders CSV (UTF-8 with BOM, comma-separated, quoted where needed) and XLSX
(openpyxl: bold header, money as numbers with two decimals, dates as dates).

Each dataset is a function `(user, plan) -> Exporter` reading through the scoped selectors, so a
user exports exactly what they may see. `DATASETS` maps the slug in the URL to it.
"""

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from equilibri.network.selectors import alliances_visible_to, organisations_visible_to
from equilibri.plans.models import TerritorialPlan

from . import selectors

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# A text cell starting with one of these is a formula to a spreadsheet (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
TWO_PLACES = Decimal("0.01")


def _safe_text(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) else value


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
        writer.writerow([str(h) for h in self.headers])
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
        return _safe_text(str(value))

    def to_xlsx(self) -> bytes:
        from openpyxl import Workbook
        from openpyxl.styles import Font
        from openpyxl.utils import get_column_letter

        workbook = Workbook()
        sheet = workbook.active
        assert sheet is not None
        sheet.title = slugify(self.title)[:31] or "export"
        sheet.append([str(h) for h in self.headers])
        for cell in sheet[1]:
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
                    cell.value = _safe_text(str(value))
                    cell.data_type = "s"  # never a formula
                if column <= len(widths):
                    widths[column - 1] = max(widths[column - 1], min(len(str(value or "")), 60))
        for column, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(column)].width = width + 2
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()

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


# --- Datasets --------------------------------------------------------------------------------


def organisations(user, plan: TerritorialPlan | None) -> Exporter:
    qs = organisations_visible_to(user).order_by("name")
    headers = [
        _("ID"),
        _("Denominazione"),
        _("Tipologia"),
        _("Codice fiscale"),
        _("Partita IVA"),
        _("Comune"),
        _("Provincia"),
        _("ATS"),
        _("Indirizzo"),
        _("E-mail"),
        _("Telefono"),
        _("Sito web"),
        _("Numero di addetti"),
        _("Nella rete WHP dal"),
    ]

    def rows():
        for o in qs.iterator(chunk_size=500):
            yield [
                o.pk,
                o.name,
                o.get_kind_display(),
                o.fiscal_code,
                o.vat_number,
                o.comune.name,
                o.comune.province,
                o.comune.ats.name,
                o.address,
                o.email,
                o.phone,
                o.website,
                o.staff_count,
                o.whp_member_since,
            ]

    return Exporter("organizzazioni", _("Organizzazioni"), headers, rows)


def alliances(user, plan: TerritorialPlan | None) -> Exporter:
    qs = alliances_visible_to(user).order_by("ats__name", "name")
    headers = [_("ID"), _("Alleanza"), _("ATS"), _("Ente capofila"), _("Numero di partner")]

    def rows():
        for a in qs.select_related("ats", "lead"):
            yield [a.pk, a.name, a.ats.name, a.lead.name, a.partners.count()]

    return Exporter("alleanze", _("Alleanze locali"), headers, rows)


def plans(user, plan: TerritorialPlan | None) -> Exporter:
    qs = selectors.plans_for_export(user, plan)
    headers = [
        _("ID"),
        _("Piano"),
        _("ATS"),
        _("Anno di inizio"),
        _("Anno di fine"),
        _("Base normativa"),
        _("Atto di approvazione"),
        _("Data dell'atto"),
        _("Contributo regionale (€)"),
        _("Quota per le alleanze (%)"),
        _("Cofinanziamento minimo (%)"),
        _("Numero di progetti"),
        _("Cifre illustrative"),
    ]

    def rows():
        for p in qs:
            yield [
                p.pk,
                p.title,
                p.ats.name,
                p.start_year,
                p.end_year,
                p.legal_basis,
                p.approval_act_number,
                p.approval_act_date,
                getattr(p, "grants_total", None) or Decimal(0),
                p.alliance_share,
                p.min_cofinancing,
                getattr(p, "projects_count", 0),
                p.illustrative_figures,
            ]

    return Exporter("piani", _("Piani territoriali"), headers, rows)


def projects(user, plan: TerritorialPlan | None) -> Exporter:
    figures = selectors.project_figures(user, plan)
    headers = [
        _("ID"),
        _("Progetto"),
        _("Tipo"),
        _("Piano"),
        _("ATS"),
        _("Alleanza"),
        _("Ente capofila"),
        _("Stato"),
        _("Inizio"),
        _("Fine"),
        _("Contributo regionale (€)"),
        _("Cofinanziamento (€)"),
        _("Budget totale (€)"),
        _("Cofinanziamento (%)"),
        _("Speso (€)"),
    ]

    def rows():
        for f in figures:
            p = f.project
            yield [
                p.pk,
                p.title,
                p.get_kind_display(),
                str(p.plan),
                p.plan.ats.name,
                p.alliance.name if p.alliance else "",
                p.lead.name,
                p.get_state_display(),
                p.start_date,
                p.end_date,
                p.regional_grant,
                p.cofinancing,
                p.total_budget,
                p.cofinancing_share,
                f.spent,
            ]

    return Exporter("progetti", _("Progetti"), headers, rows)


def actions(user, plan: TerritorialPlan | None) -> Exporter:
    qs = selectors.actions_in_scope(user, plan).prefetch_related("comuni")
    headers = [
        _("ID"),
        _("Azione"),
        _("Progetto"),
        _("Area di intervento"),
        _("Destinatari"),
        _("Budget (€)"),
        _("Numero di comuni"),
        _("Comuni coperti"),
    ]

    def rows():
        for a in qs:
            names = sorted(c.name for c in a.comuni.all())
            yield [
                a.pk,
                a.title,
                a.project.title,
                a.category.name,
                a.target_groups,
                a.budget,
                len(names),
                "; ".join(names),
            ]

    return Exporter("azioni", _("Azioni"), headers, rows)


def indicators(user, plan: TerritorialPlan | None) -> Exporter:
    figures = selectors.indicator_figures(user, plan)
    headers = [
        _("ID"),
        _("Indicatore"),
        _("Unità"),
        _("Azione"),
        _("Progetto"),
        _("Obiettivo"),
        _("Ultimo valore"),
        _("di cui donne"),
        _("di cui uomini"),
        _("Raggiungimento (%)"),
        _("Relazione del periodo"),
    ]

    def rows():
        for f in figures:
            i = f.indicator
            yield [
                i.pk,
                i.name,
                i.get_unit_display(),
                i.action.title,
                i.action.project.title,
                i.target,
                f.value,
                f.women,
                f.men,
                f.percent,
                str(f.report) if f.report else "",
            ]

    return Exporter("indicatori", _("Indicatori e obiettivi"), headers, rows)


def reports(user, plan: TerritorialPlan | None) -> Exporter:
    qs = selectors.reports_in_scope(user, plan)
    headers = [
        _("ID"),
        _("Progetto"),
        _("Periodo: dal"),
        _("Periodo: al"),
        _("Scadenza"),
        _("Stato"),
        _("Inviata il"),
        _("Validata o rinviata il"),
        _("Spese dichiarate (€)"),
        _("Spese ammesse (€)"),
    ]

    def rows():
        for r in qs:
            yield [
                r.pk,
                r.project.title,
                r.period_start,
                r.period_end,
                r.due_date,
                r.get_state_display(),
                r.submitted_at,
                r.reviewed_at,
                getattr(r, "declared", None) or Decimal(0),
                getattr(r, "accepted", None) or Decimal(0),
            ]

    return Exporter("relazioni-monitoraggio", _("Relazioni di monitoraggio"), headers, rows)


Dataset = Callable[[Any, TerritorialPlan | None], Exporter]
# slug in the URL → (label, dataset, whether plan readers only).
DATASETS: dict[str, tuple[Any, Dataset, bool]] = {
    "organizzazioni": (gettext_lazy("Organizzazioni"), organisations, False),
    "alleanze": (gettext_lazy("Alleanze locali"), alliances, True),
    "piani": (gettext_lazy("Piani territoriali"), plans, True),
    "progetti": (gettext_lazy("Progetti e budget"), projects, True),
    "azioni": (gettext_lazy("Azioni e comuni coperti"), actions, True),
    "indicatori": (gettext_lazy("Indicatori e obiettivi"), indicators, True),
    "relazioni": (gettext_lazy("Relazioni di monitoraggio"), reports, True),
}
