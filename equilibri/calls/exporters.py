"""Exports of a call: applications, scores and ranking as CSV or XLSX, with the platform's
exporter (equilibri.core.exporters: CSV with BOM and formula-injection guard, XLSX with money as
numbers)."""

from collections.abc import Callable
from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from equilibri.core.exporters import Exporter
from equilibri.core.exporters import export_response as respond

from .models import Application, Call, CriterionScore


def _exporter(name: str, title: str, headers: list, rows: Callable):
    return Exporter(name, title, headers, rows)


def export_response(exporter, fmt: str) -> HttpResponse:
    return respond(None, exporter, fmt)  # type: ignore[arg-type]


def applications(call: Call):
    qs = call.applications.select_related("lead__comune").prefetch_related(
        "budget_lines", "partners__organisation"
    )
    headers = [
        _("ID domanda"),
        _("Ente proponente"),
        _("Titolo del progetto"),
        _("Stato"),
        _("Inviata il"),
        _("Partner confermati"),
        _("Costo totale (€)"),
        _("Contributo richiesto (€)"),
        _("Cofinanziamento (€)"),
        _("Contributo concesso (€)"),
        _("Contributo rideterminato (€)"),
    ]

    def rows():
        for a in qs:
            yield [
                a.public_id,
                a.proposer,
                a.title,
                a.get_state_display(),
                a.submitted_at,
                "; ".join(p.organisation.name for p in a.partners.all() if p.state == "confirmed"),
                a.total_cost,
                a.requested_grant,
                a.cofinancing,
                a.granted,
                a.final_grant,
            ]

    return _exporter(f"domande-bando-{call.pk}", _("Domande"), headers, rows)


def scores(call: Call):
    qs = (
        CriterionScore.objects.filter(sheet__application__call=call)
        .select_related("sheet__application__lead", "sheet__evaluator", "criterion")
        .order_by("sheet__application__public_id", "sheet__evaluator_id", "criterion__order")
    )
    headers = [
        _("ID domanda"),
        _("Ente proponente"),
        _("Valutatore"),
        _("Criterio"),
        _("Punteggio"),
        _("Punteggio massimo"),
    ]

    def rows():
        for s in qs:
            yield [
                s.sheet.application.public_id,
                s.sheet.application.proposer,
                s.sheet.evaluator.get_full_name() or s.sheet.evaluator.email,
                s.criterion.name,
                s.value,
                s.criterion.max_score,
            ]

    return _exporter(f"punteggi-bando-{call.pk}", _("Punteggi"), headers, rows)


def ranking(call: Call):
    qs = call.applications.filter(rank__isnull=False).select_related("lead").order_by("rank")
    headers = [
        _("Posizione"),
        _("ID domanda"),
        _("Ente proponente"),
        _("Titolo del progetto"),
        _("Punteggio"),
        _("Esclusa per"),
        _("Contributo richiesto (€)"),
        _("Contributo concesso (€)"),
        _("Esito"),
    ]

    def rows():
        for a in qs:
            yield [
                a.rank,
                a.public_id,
                a.proposer,
                a.title,
                a.score,
                a.excluded_reason,
                a.requested_grant,
                a.granted,
                a.get_state_display(),
            ]

    return _exporter(f"graduatoria-bando-{call.pk}", _("Graduatoria"), headers, rows)


# slug (the "dati" query parameter) → (label, dataset)
DATASETS: dict[str, tuple[Any, Callable[[Call], Any]]] = {
    "domande": (gettext_lazy("Domande"), applications),
    "punteggi": (gettext_lazy("Punteggi"), scores),
    "graduatoria": (gettext_lazy("Graduatoria"), ranking),
}

__all__ = ["DATASETS", "Application", "export_response"]
