"""The dashboard's datasets, rendered by the shared exporter (equilibri.core.exporters).

Each dataset is a function `(user, plan) -> Exporter` reading through the scoped selectors, so a
user exports exactly what they may see. `DATASETS` maps the slug in the URL to it.
"""

from collections.abc import Callable, Iterable
from decimal import Decimal
from operator import attrgetter
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from equilibri.core.exporters import CONTENT_TYPES, Exporter, export_response
from equilibri.network.selectors import alliances_visible_to, organisations_visible_to
from equilibri.plans.models import TerritorialPlan

from . import selectors

__all__ = ["CONTENT_TYPES", "DATASETS", "Exporter", "export_response"]

# --- Datasets --------------------------------------------------------------------------------

# A column: its header and how to read its value from a row's object (an attribute path such as
# "comune.name", or a function of the object).
Column = tuple[str, str | Callable[[Any], Any]]


def _dataset(
    name: str, title: str, columns: list[Column], objects: Callable[[], Iterable[Any]]
) -> Exporter:
    """An Exporter with a row for each of `objects()` (read again for each export) and a cell for
    each column, each header written beside the value it heads."""
    readers = [attrgetter(read) if isinstance(read, str) else read for _header, read in columns]

    def rows():
        for obj in objects():
            yield [read(obj) for read in readers]

    return Exporter(name, title, [header for header, _read in columns], rows)


def organisations(user, plan: TerritorialPlan | None) -> Exporter:
    qs = organisations_visible_to(user).order_by("name")
    columns: list[Column] = [
        (_("ID"), "pk"),
        (_("Denominazione"), "name"),
        (_("Tipologia"), lambda o: o.get_kind_display()),
        (_("Codice fiscale"), "fiscal_code"),
        (_("Partita IVA"), "vat_number"),
        (_("Comune"), "comune.name"),
        (_("Provincia"), "comune.province"),
        (_("ATS"), "comune.ats.name"),
        (_("Indirizzo"), "address"),
        (_("E-mail"), "email"),
        (_("Telefono"), "phone"),
        (_("Sito web"), "website"),
        (_("Numero di addetti"), "staff_count"),
        (_("Nella rete WHP dal"), "whp_member_since"),
    ]
    return _dataset(
        "organizzazioni", _("Organizzazioni"), columns, lambda: qs.iterator(chunk_size=500)
    )


def alliances(user, plan: TerritorialPlan | None) -> Exporter:
    qs = alliances_visible_to(user).order_by("ats__name", "name")
    columns: list[Column] = [
        (_("ID"), "pk"),
        (_("Alleanza"), "name"),
        (_("ATS"), "ats.name"),
        (_("Ente capofila"), "lead.name"),
        (_("Numero di partner"), lambda a: a.partners.count()),
    ]
    return _dataset(
        "alleanze", _("Alleanze locali"), columns, lambda: qs.select_related("ats", "lead")
    )


def plans(user, plan: TerritorialPlan | None) -> Exporter:
    qs = selectors.plans_for_export(user, plan)
    columns: list[Column] = [
        (_("ID"), "pk"),
        (_("Piano"), "title"),
        (_("ATS"), "ats.name"),
        (_("Anno di inizio"), "start_year"),
        (_("Anno di fine"), "end_year"),
        (_("Base normativa"), "legal_basis"),
        (_("Atto di approvazione"), "approval_act_number"),
        (_("Data dell'atto"), "approval_act_date"),
        (_("Contributo regionale (€)"), lambda p: getattr(p, "grants_total", None) or Decimal(0)),
        (_("Quota per le alleanze (%)"), "alliance_share"),
        (_("Cofinanziamento minimo (%)"), "min_cofinancing"),
        (_("Numero di progetti"), lambda p: getattr(p, "projects_count", 0)),
        (_("Cifre illustrative"), "illustrative_figures"),
    ]
    return _dataset("piani", _("Piani territoriali"), columns, lambda: qs)


def projects(user, plan: TerritorialPlan | None) -> Exporter:
    figures = selectors.project_figures(user, plan)
    columns: list[Column] = [
        (_("ID"), "project.pk"),
        (_("Progetto"), "project.title"),
        (_("Tipo"), lambda f: f.project.get_kind_display()),
        (_("Piano"), lambda f: str(f.project.plan)),
        (_("ATS"), "project.plan.ats.name"),
        (_("Alleanza"), lambda f: f.project.alliance.name if f.project.alliance else ""),
        (_("Ente capofila"), "project.lead.name"),
        (_("Stato"), lambda f: f.project.get_state_display()),
        (_("Inizio"), "project.start_date"),
        (_("Fine"), "project.end_date"),
        (_("Contributo regionale (€)"), "project.regional_grant"),
        (_("Cofinanziamento (€)"), "project.cofinancing"),
        (_("Budget totale (€)"), "project.total_budget"),
        (_("Cofinanziamento (%)"), "project.cofinancing_share"),
        (_("Speso (€)"), "spent"),
    ]
    return _dataset("progetti", _("Progetti"), columns, lambda: figures)


def _comuni_names(action) -> list[str]:
    return sorted(c.name for c in action.comuni.all())


def actions(user, plan: TerritorialPlan | None) -> Exporter:
    qs = selectors.actions_in_scope(user, plan).prefetch_related("comuni")
    columns: list[Column] = [
        (_("ID"), "pk"),
        (_("Azione"), "title"),
        (_("Progetto"), "project.title"),
        (_("Area di intervento"), "category.name"),
        (_("Destinatari"), "target_groups"),
        (_("Budget (€)"), "budget"),
        (_("Numero di comuni"), lambda a: len(_comuni_names(a))),
        (_("Comuni coperti"), lambda a: "; ".join(_comuni_names(a))),
    ]
    return _dataset("azioni", _("Azioni"), columns, lambda: qs)


def indicators(user, plan: TerritorialPlan | None) -> Exporter:
    figures = selectors.indicator_figures(user, plan)
    columns: list[Column] = [
        (_("ID"), "indicator.pk"),
        (_("Indicatore"), "indicator.name"),
        (_("Unità"), lambda f: f.indicator.get_unit_display()),
        (_("Azione"), "indicator.action.title"),
        (_("Progetto"), "indicator.action.project.title"),
        (_("Obiettivo"), "indicator.target"),
        (_("Ultimo valore"), "value"),
        (_("di cui donne"), "women"),
        (_("di cui uomini"), "men"),
        (_("di cui altro genere"), "other_gender"),
        (_("di cui genere non indicato"), "gender_unspecified"),
        (_("Raggiungimento (%)"), "percent"),
        (_("Relazione del periodo"), lambda f: str(f.report) if f.report else ""),
    ]
    return _dataset("indicatori", _("Indicatori e obiettivi"), columns, lambda: figures)


def reports(user, plan: TerritorialPlan | None) -> Exporter:
    qs = selectors.reports_in_scope(user, plan)
    columns: list[Column] = [
        (_("ID"), "pk"),
        (_("Progetto"), "project.title"),
        (_("Periodo: dal"), "period_start"),
        (_("Periodo: al"), "period_end"),
        (_("Scadenza"), "due_date"),
        (_("Stato"), lambda r: r.get_state_display()),
        (_("Inviata il"), "submitted_at"),
        (_("Validata o rinviata il"), "reviewed_at"),
        (_("Spese dichiarate (€)"), lambda r: getattr(r, "declared", None) or Decimal(0)),
        (_("Spese ammesse (€)"), lambda r: getattr(r, "accepted", None) or Decimal(0)),
    ]
    return _dataset("relazioni-monitoraggio", _("Relazioni di monitoraggio"), columns, lambda: qs)


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
