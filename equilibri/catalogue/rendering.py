"""The search page's two per-request parts, the form and the results, and the words of the
catalogue's card lines (opening, dated periods, cost, who may use it), which the service page
shows too.

The page around the two parts is a Django template rendered once per process and language
(`core/frames.py`); the parts are the slots it joins in, rendered on every search (the busiest
page) from Jinja2 templates with autoescape (`catalogue/jinja2/catalogue/`): all the markup is
there and every value is escaped there, nothing here builds HTML. Jinja2 rather than Django
templates for these two only: ten cards in Django templates cost about three times as much as
in Jinja2, enough to matter against the search's budget (docs/performance.md, note 3).

For the same budget, the lines' words are put together here as plain text, translated once per
process and language (`_texts`): Django's gettext and date formats look up the active language
at every call. An empty form field (most of the eleven, on most searches) is the same HTML on
every request, so it is rendered once per language and choices; and a card's link is made from
one `reverse` per language, not one per card.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from functools import lru_cache
from typing import Any, NamedTuple, Protocol
from urllib.parse import urlencode

import jinja2
from django.conf import settings
from django.core.signals import setting_changed
from django.forms import BoundField, Form
from django.template.defaultfilters import floatformat
from django.template.loader import render_to_string
from django.urls import get_script_prefix, reverse
from django.utils import timezone, translation
from django.utils.dates import MONTHS, WEEKDAYS
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from equilibri.core.money import format_money
from equilibri.core.templatetags.forms_tags import styled

from .opening import Opening
from .search import SearchPage

_jinja = jinja2.Environment(
    loader=jinja2.PackageLoader("equilibri.catalogue", "jinja2"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,  # a misspelt name fails the tests, not shows as ""
    auto_reload=settings.DEBUG,  # a file check per render otherwise
)


def _render(name: str, context: dict[str, Any]) -> SafeString:
    """The Jinja2 template `name` rendered, as Django's safe string (as `render_to_string`
    gives), to be joined into the page. The template module's `__html__` is Jinja2's own
    autoescaped output; `conditional_escape` is Django's side of that protocol."""
    return conditional_escape(_jinja.get_template(name).make_module(context).__html__())


class Cost(Protocol):
    """A `CostOption` or a card's `CardCost`."""

    option: str
    amount: Any
    amount_description: str


@lru_cache(maxsize=8)
def _texts(language: str) -> dict[str, Any]:
    """The lines' words in `language`, translated once per process."""
    with translation.override(language):
        return {
            "no_opening": _("Nessuna apertura in calendario"),
            "until": _("fino alle %(time)s"),
            "next": _("Prossima apertura: %(day)s, ore %(time)s"),
            "free": _("Gratuito"),
            "voucher": _("Rimborsabile con voucher"),
            "paid": _("A pagamento"),
            "ask": _("Chiedi all'ente"),
            "ages": _("Da %(min)s a %(max)s anni"),
            "from_age": _("Da %(min)s anni"),
            "to_age": _("Fino a %(max)s anni"),
            "all_ages": _("Tutte le età"),
            "residents": _("solo residenti di"),
            "partners": _("solo dipendenti delle organizzazioni partner del progetto"),
            "period": _("Dal %(start)s al %(end)s"),
            "online": _("Online"),
            "km": _("a %(km)s km"),
            # The search page's own words.
            "open_now": _("Aperto ora"),
            "hours": _("Orari"),
            "cost": _("Costo"),
            "who": _("Chi può accedere"),
            "all": _("Tutti i servizi"),
            "check": _("Controlla la ricerca"),
            "cannot": _("Non possiamo cercare con questi filtri:"),
            "views": _("Visualizzazione"),
            "list": _("Elenco"),
            "map": _("Mappa"),
            "widen": _("Prova ad allargare la ricerca"),
            "widen_how": _(
                "Prova con meno filtri, un'altra parola o una distanza maggiore. Uno sportello "
                "conciliazione può aiutarti a trovare il servizio giusto."
            ),
            "nearest": _("Trova lo sportello più vicino"),
            "more": _("Altri filtri: età, giorno, mese, costo, lingua, ordine"),
            "chips": _("Filtri applicati"),
            "remove": _("Rimuovi filtro"),
            "save_search": _("Salva questa ricerca"),
            "did_you_mean": _("Forse cercavi"),
            "instead": _("Cerca invece"),
            "search": _("Cerca"),
            "reset": _("Azzera i filtri"),
            "required": _("obbligatorio"),
            # As dateformat's "l" and "F".
            "weekdays": [str(WEEKDAYS[day]) for day in range(7)],
            "months": ["", *(str(MONTHS[month]) for month in range(1, 13))],
        }


setting_changed.connect(lambda **kwargs: _texts.cache_clear(), weak=False)


def _opening(opening: Opening | None, t: dict[str, Any]) -> str:
    """ "fino alle 18:00" (after the "open now" badge), "Prossima apertura: lunedì 7 luglio, ore
    8:00", or that none is known."""
    if opening is None:
        return t["no_opening"]
    if opening.is_now:
        ends = timezone.localtime(opening.ends)
        return t["until"] % {"time": f"{ends.hour:02d}:{ends.minute:02d}"}
    starts = timezone.localtime(opening.starts)
    day = f"{t['weekdays'][starts.weekday()]} {starts.day} {t['months'][starts.month]}"
    return t["next"] % {"day": day, "time": f"{starts.hour:02d}:{starts.minute:02d}"}


def _periods(periods: Iterable[tuple[datetime.date | None, datetime.date | None]], t) -> list[str]:
    """ "Dal 15 giugno 2027 al 28 agosto 2027", one per dated period."""
    months = t["months"]

    def day(d: datetime.date | None) -> str:  # dateformat's "j F Y"
        return f"{d.day} {months[d.month]} {d.year}" if d else ""

    return [t["period"] % {"start": day(start), "end": day(end)} for start, end in periods]


def _cost(cost: Cost, t: dict[str, Any]) -> str:
    if cost.option == "free":
        text = t["free"]
    elif cost.option == "voucher":
        text = t["voucher"]
    elif cost.amount is not None:
        text = format_money(cost.amount)
    else:
        text = t["paid"]
    return f"{text} ({cost.amount_description})" if cost.amount_description else text


def _costs(costs: Iterable[Cost], t: dict[str, Any]) -> str:
    """Every cost option, "; "-separated: "Gratuito; € 12,50 (al mese)"."""
    texts = [_cost(cost, t) for cost in costs]
    return "; ".join(texts) if texts else t["ask"]


def _who(service: Any, comuni: Iterable[Any], t: dict[str, Any]) -> str:
    """Ages, residence, partners only, and the provider's own words (a service or a card)."""
    lo, hi = service.minimum_age, service.maximum_age
    if lo is not None and hi is not None:
        parts = [t["ages"] % {"min": lo, "max": hi}]
    elif lo is not None:
        parts = [t["from_age"] % {"min": lo}]
    elif hi is not None:
        parts = [t["to_age"] % {"max": hi}]
    else:
        parts = [t["all_ages"]]
    names = [str(comune) for comune in comuni]
    if names:
        parts.append(f"{t['residents']} {', '.join(names)}")
    if service.eligible_project_id:
        parts.append(t["partners"])
    text = "; ".join(parts)
    if service.eligibility_description:
        text = f"{text}. {service.eligibility_description}"
    return text


def service_lines(
    service: Any, comuni: Iterable[Any], costs: Iterable[Cost], opening: Opening | None
) -> dict[str, Any]:
    """The lines the service page shows in brief, in the active language, as plain text for
    its template (`services/includes/opening.html` shows the opening)."""
    t = _texts(get_language())
    return {
        "open_now": opening is not None and opening.is_now,
        "opening": _opening(opening, t),
        "costs": _costs(costs, t),
        "who": _who(service, comuni, t),
    }


@lru_cache(maxsize=16)
def _urls(language: str, script_prefix: str) -> dict[str, str]:
    """The search page's URLs in `language`: one `reverse` each per process, not per request
    (nor per card: a service page's URL is `detail` before and after its uuid)."""
    with translation.override(language):
        marker = "00000000-0000-0000-0000-000000000000"
        before, _marker, after = reverse("catalogue_public:detail", args=[marker]).partition(marker)
        return {
            "search": reverse("catalogue_public:search"),
            "nearest": reverse("desks_public:nearest"),
            "save_search": reverse("citizens_public:search_save"),
            "detail_before": before,
            "detail_after": after,
        }


setting_changed.connect(lambda **kwargs: _urls.cache_clear(), weak=False)


class CardView(NamedTuple):
    """What a result card shows, as plain text (attributes: the template reads them directly;
    a dict's keys Jinja2 looks up only after an attribute lookup has failed)."""

    url: str
    name: str
    organisation: str
    terms: list[str]
    has_place: bool
    place: str
    distance: str
    open_now: bool
    opening: str
    periods: list[str]
    costs: str
    who: str


def _cards(rows: list[dict], t: dict[str, Any], urls: dict[str, str]) -> list[CardView]:
    """What each result card shows (rows as `public_views.search` makes them: the card, its
    hit, opening and dated periods)."""
    cards = []
    for row in rows:
        card, hit, opening = row["service"], row["hit"], row["opening"]
        place = distance = ""
        location = hit.location
        if location is not None:
            if location.kind == "virtual":
                place = t["online"]
            elif location.comune_name:
                place = f"{location.address} — {location.comune_name}"
            else:
                place = location.address
            if hit.distance_km is not None:
                distance = t["km"] % {"km": floatformat(hit.distance_km, 1)}
        cards.append(
            CardView(
                url=f"{urls['detail_before']}{card.uuid}{urls['detail_after']}",
                name=card.name,
                organisation=card.organisation_name,
                terms=card.terms,
                has_place=location is not None,
                place=place,
                distance=distance,
                open_now=opening is not None and opening.is_now,
                opening=_opening(opening, t),
                periods=_periods(row["periods"], t),
                costs=_costs(card.costs, t),
                who=_who(card, card.eligible_comuni, t),
            )
        )
    return cards


def search_results(
    form: Form,
    page: SearchPage | None,
    rows: list[dict],
    view_mode: str,
    params: dict[str, Any],
    markers: list[dict],
    chips: Iterable[Any] = (),
) -> SafeString:
    """The results part of the search page (the part that HTMX swaps): heading, the form's
    errors or the list/map tabs, the cards and the pagination, or the "widen your search"
    note. `params`: the search's own parameters (no page, no view), for the tabs' and the
    pagination's links; `markers`: the map's, in the map view; `chips`: the filters the
    search applies, each with its removal link (`search_chips.ChipLink`)."""
    language = get_language()
    t = _texts(language)
    if not form.is_bound:  # no parameters: everything
        title = t["all"]
    elif form.errors:
        title = t["check"]
    else:
        assert page is not None
        title = ngettext("%(total)s servizio trovato", "%(total)s servizi trovati", page.total) % {
            "total": page.total
        }
    list_query = urlencode(params)
    map_query = urlencode({**params, "vista": "mappa"})
    context: dict[str, Any] = {
        "form": form,
        "title": title,
        "result_page": page,
        "cards": [],
        "view_mode": view_mode,
        "list_query": list_query,
        "map_query": map_query,
        "map_html": "",
        "pagination_html": "",
        "words": t,
        "urls": _urls(language, get_script_prefix()),
        "chips": list(chips),
        "suggestion": None,
    }
    if page is not None and page.suggestion and not form.errors:
        # "Forse cercavi <corrected>" (the corrected results are the ones shown) and "Cerca
        # invece <as typed>", the same search without correction.
        rest = {k: v for k, v in params.items() if k not in {"q", "testo_esatto"}}
        if view_mode == "mappa":
            rest["vista"] = "mappa"
        context["suggestion"] = {
            "corrected": page.suggestion,
            "corrected_query": urlencode({"q": page.suggestion, **rest}),
            "typed": params.get("q", ""),
            "typed_query": urlencode({"q": params.get("q", ""), **rest, "testo_esatto": "1"}),
        }
    if page is not None and not form.errors:
        context["cards"] = _cards(rows, t, context["urls"])
        if view_mode == "mappa":
            # The map and the pagination are the platform's shared Django includes.
            context["map_html"] = render_to_string(
                "services/includes/map.html",
                {
                    "markers": markers,
                    "map_tile_url": settings.MAP_TILE_URL,
                    "map_attribution": settings.MAP_TILE_ATTRIBUTION,
                    "map_id": "results-map",
                    "marker_id": "results-map-data",
                },
            )
        if rows:
            context["pagination_html"] = render_to_string(
                "includes/pagination.html",
                {"page": page, "query_string": map_query if view_mode == "mappa" else list_query},
            )
    return _render("catalogue/search_results.html", context)


# --- the search form ----------------------------------------------------------------------

# The form's fields, in the order of the page: (field, column class), the first four always in
# view, the others in "Altri filtri".
MAIN_FIELDS = (
    ("q", "col-md-7"),
    ("categoria", "col-md-5"),
    ("comune", "col-md-7"),
    ("raggio", "col-md-5"),
)
MORE_FIELDS = (
    ("eta", "col-md-6"),
    ("eta_mesi", "col-md-6"),
    ("giorno", "col-md-6"),
    ("mese", "col-md-6"),
    ("giorno_settimana", "col-md-6"),
    ("lingua", "col-md-6"),
    ("ordina", "col-md-6"),
    ("aperto_ora", "col-md-4"),
    ("gratuito", "col-md-4"),
    ("voucher", "col-md-4"),
)

_field_html: dict[tuple, SafeString] = {}


def search_field(field: BoundField) -> SafeString:
    """A search form field with its label, help text and errors. An empty field without errors
    is the same HTML on every request: kept per language (and per choices, for a select)."""
    key = None
    if not field.errors and field.value() in (None, "", False):
        choices = getattr(field.field, "choices", None)
        key = (
            get_language(),
            type(field.form),
            field.name,
            field.auto_id,
            tuple(choices) if choices is not None else None,
        )
        cached = _field_html.get(key)
        if cached is not None:
            return cached
    html = _search_field(field)
    if key is not None:
        if len(_field_html) > 1000:  # a new taxonomy makes new keys: never grow without bound
            _field_html.clear()
        _field_html[key] = html
    return html


def _search_field(field: BoundField) -> SafeString:
    return _render(
        "catalogue/search_field.html",
        {"field": field, "widget": styled(field), "words": _texts(get_language())},
    )


def _clear_field_html(**kwargs: Any) -> None:
    _field_html.clear()


setting_changed.connect(_clear_field_html)  # labels and help texts may quote settings


def search_form(form: Form, view_mode: str, out_of_band: bool = False) -> SafeString:
    """The search form: its fields, "Altri filtri" open when one of them is set or the form has
    an error, the buttons. `out_of_band`: to replace the page's form in an HTMX answer (when
    the pieces understood in the text move into the fields)."""
    language = get_language()
    return _render(
        "catalogue/search_form.html",
        {
            "out_of_band": out_of_band,
            "non_field_errors": form.non_field_errors(),
            "main_fields": [(css, search_field(form[name])) for name, css in MAIN_FIELDS],
            "more_fields": [(css, search_field(form[name])) for name, css in MORE_FIELDS],
            "more_filters_open": bool(form.errors)
            or any(form[name].value() for name, _css in MORE_FIELDS),
            "view_mode": view_mode,
            "words": _texts(language),
            "urls": _urls(language, get_script_prefix()),
        },
    )
