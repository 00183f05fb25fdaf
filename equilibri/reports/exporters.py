"""The dashboard's datasets, rendered by the shared exporter (equilibri.core.exporters).

Each dataset is a function `(user, plan) -> Exporter` reading through the scoped selectors, so a
user exports exactly what they may see. `DATASETS` maps the slug in the URL to it.
"""

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from equilibri.core.exporters import CONTENT_TYPES, Exporter, export_response
from equilibri.network.selectors import alliances_visible_to, organisations_visible_to
from equilibri.plans.models import TerritorialPlan

from . import selectors

__all__ = ["CONTENT_TYPES", "DATASETS", "Exporter", "export_response"]

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
