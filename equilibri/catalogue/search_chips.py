"""The search page's chips: every filter the search applies beyond its words, each with the
address of the same search without it, so that it can be removed with a plain link (no
JavaScript); and the search form's values with the pieces the search understood in the text
moved into their fields, so that they can be seen and changed there.

A chip comes either from the text (`query.Chip`: "vicino a Lecco" in "doposcuola vicino a
Lecco"; removing it searches the text without those words) or from a field of the form (the
comune chosen in "Vicino a"; removing it empties that field).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .forms import DEFAULT_RADIUS_KM, MAX_AGE_MONTHS
from .query import language_name, month_name, text_without, understand, weekday_name
from .search import SearchPage

# What removing a field's chip empties: the comune takes its radius and the distance order
# (which needs a comune) with it.
_REMOVES = {"comune": ("comune", "raggio", "ordina")}


@dataclass(frozen=True)
class ChipLink:
    label: str
    query: str  # the query string of the search without this chip ("" for no parameter)


def page_chips(
    data: Mapping[str, Any],
    page: SearchPage,
    params: Mapping[str, Any],
    category_names: Mapping[str, str],
) -> list[ChipLink]:
    """The chips of a valid search: those understood in the text, then the form's fields.
    `data`: the form's cleaned data; `params`: the search's parameters (no page number)."""
    chips = []
    for chip in page.chips:
        rest = {k: v for k, v in params.items() if k != "q"}
        if chip.query_without:
            rest = {"q": chip.query_without, **rest}
        chips.append(ChipLink(chip.label, urlencode(rest)))
    for name, label in _field_labels(data, category_names):
        removed = _REMOVES.get(name, (name,))
        chips.append(
            ChipLink(label, urlencode({k: v for k, v in params.items() if k not in removed}))
        )
    return chips


def _exact(value: Decimal | float | int) -> Decimal:
    """The value with as few decimals as it has: 20.0 -> 20, 7.50 -> 7.5."""
    value = Decimal(str(value))
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def _number(value: Decimal | float | int) -> str:
    """For people: 7.5 -> "7,5" in Italian, 20.0 -> "20"."""
    return number_format(_exact(value))


def _plain(value: Decimal | float | int) -> str:
    """For a form field (a number input): 7.5 -> "7.5", 20.0 -> "20"."""
    return format(_exact(value), "f")


def _field_labels(
    data: Mapping[str, Any], category_names: Mapping[str, str]
) -> list[tuple[str, str]]:
    """(field, chip label) of each filter set in the form's fields, in the form's order."""
    out = []
    if data.get("categoria"):
        name = category_names.get(data["categoria"], data["categoria"]).lstrip("— ")
        out.append(("categoria", _("Categoria: %(name)s") % {"name": name}))
    comune = data.get("comune")
    if comune is not None:
        km = _number(data.get("raggio") or DEFAULT_RADIUS_KM)
        label = _("Vicino a: %(name)s · %(km)s km") % {"name": comune.name, "km": km}
        out.append(("comune", label))
    if data.get("eta") is not None:
        years = data["eta"]
        label = ngettext("Età: %(n)s anno", "Età: %(n)s anni", 1 if years == 1 else 2)
        out.append(("eta", label % {"n": _number(years)}))
    if data.get("eta_mesi") is not None:
        months = data["eta_mesi"]
        label = ngettext("Età: %(n)s mese", "Età: %(n)s mesi", months)
        out.append(("eta_mesi", label % {"n": months}))
    day = data.get("giorno")
    if isinstance(day, datetime.date):
        text = f"{day.day} {month_name(day.month)} {day.year}"
        out.append(("giorno", _("Aperto il %(date)s") % {"date": text}))
    if data.get("mese") is not None:
        out.append(("mese", _("Mese: %(name)s") % {"name": month_name(data["mese"])}))
    if data.get("giorno_settimana") is not None:
        day_name = weekday_name(data["giorno_settimana"])
        out.append(("giorno_settimana", _("Aperto: %(day)s") % {"day": day_name}))
    if data.get("aperto_ora"):
        out.append(("aperto_ora", _("Aperto adesso")))
    if data.get("gratuito"):
        out.append(("gratuito", _("Solo gratuiti")))
    if data.get("voucher"):
        out.append(("voucher", _("Con voucher")))
    if data.get("lingua"):
        out.append(("lingua", _("Lingua: %(name)s") % {"name": language_name(data["lingua"])}))
    return out


def form_values(params: Mapping[str, Any], page: SearchPage) -> dict[str, Any] | None:
    """The form's values with the pieces the search understood in the text moved into their
    fields and out of the text ("doposcuola vicino a Lecco" becomes "doposcuola" and the
    comune Lecco at 20 km): sent again, the form runs the same search, and each piece is a
    field the citizen can change or empty. None when nothing was understood."""
    if not page.chips:
        return None
    values = dict(params)
    text = str(params.get("q", ""))
    understood = understand(text)
    applied = {chip.kind for chip in page.chips}
    values["q"] = text_without(text, (c for c in understood.chips if c.kind in applied))
    for chip in page.chips:
        if chip.kind == "place" and understood.place is not None:
            values["comune"] = _comune_text(understood.place.pk, understood.place.name)
            values["raggio"] = _plain(understood.radius_km or DEFAULT_RADIUS_KM)
        elif chip.param == "eta_mesi" and int(chip.value) > MAX_AGE_MONTHS:
            values["eta"] = str(int(chip.value) // 12)
        else:
            values[chip.param] = chip.value
    return values


def _comune_text(pk: int, name: str) -> str:
    """What the comune field takes for this comune: its name, or "Name (PR)" for a name that
    several comuni share."""
    from equilibri.territory.models import Comune
    from equilibri.territory.selectors import comune_lookup

    if len(comune_lookup(name)) == 1:
        return name
    comune = Comune.objects.filter(pk=pk).first()
    return str(comune) if comune is not None else name
