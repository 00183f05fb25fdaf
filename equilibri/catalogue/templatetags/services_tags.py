"""The catalogue's template tags. The opening, cost and "who may use it" lines and the search
form's fields are written in Python, not as includes: each result card shows the three lines,
and on the search page (the busiest) ten cards and eleven fields of nested includes cost more
than the full-text match itself (docs/performance.md)."""

from collections.abc import Iterable
from datetime import date
from functools import lru_cache
from html import escape as esc
from typing import Any
from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.forms import BoundField
from django.template.defaultfilters import floatformat
from django.template.loader import render_to_string
from django.urls import get_script_prefix, reverse
from django.utils import timezone, translation
from django.utils.dates import MONTHS, WEEKDAYS
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from equilibri.catalogue.opening import Opening
from equilibri.core.categories import CATEGORIES
from equilibri.core.templatetags.forms_tags import styled

register = template.Library()


@register.simple_tag
def category_shortcuts() -> SafeString:
    """The category grid: the same HTML for every request in a language, rendered once."""
    return _shortcuts_html(get_language())


@lru_cache(maxsize=8)
def _shortcuts_html(language: str) -> SafeString:
    return render_to_string("services/includes/category_shortcuts.html", {"categories": CATEGORIES})


# The lines below are built with the standard library's `html.escape` and f-strings: Django's
# `format_html` and `escape` accept lazy strings and safe strings, checks that cost more than
# the card itself on the search page. What they escape is plain text (database values and
# translations); what they insert unescaped is HTML they built.


@lru_cache(maxsize=8)
def _texts(language: str) -> dict[str, Any]:
    """The lines' words in `language`, translated once per process: Django's gettext and date
    format look up the active language at every call, which was half of a card's time."""
    with translation.override(language):
        return {
            "no_opening": _("Nessuna apertura in calendario"),
            "open_now": _("Aperto ora"),
            "until": _("fino alle %(time)s"),
            "next": _("Prossima apertura: %(day)s, ore %(time)s"),
            "free": _("Gratuito"),
            "voucher": _("Rimborsabile con voucher"),
            "amount": _("€ %(amount)s"),
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
            "hours": _("Orari"),
            "cost": _("Costo"),
            "who": _("Chi può accedere"),
            # As dateformat's "l" and "F".
            "weekdays": [str(WEEKDAYS[day]) for day in range(7)],
            "months": ["", *(str(MONTHS[month]) for month in range(1, 13))],
        }


setting_changed.connect(lambda **kwargs: _texts.cache_clear(), weak=False)


@register.simple_tag
def opening_line(opening: Opening | None) -> SafeString:
    """ "Aperto ora fino alle 18:00", "Prossima apertura: lunedì 7 luglio, ore 8:00"."""
    return mark_safe(_opening(opening, _texts(get_language())))  # noqa: S308 (escaped there)


def _opening(opening: Opening | None, t: dict[str, Any]) -> str:
    if opening is None:
        return esc(t["no_opening"])
    if opening.is_now:
        ends = timezone.localtime(opening.ends)
        until = t["until"] % {"time": f"{ends.hour:02d}:{ends.minute:02d}"}
        return f'<span class="badge bg-success">{esc(t["open_now"])}</span> {esc(until)}'
    starts = timezone.localtime(opening.starts)
    day = f"{t['weekdays'][starts.weekday()]} {starts.day} {t['months'][starts.month]}"
    return esc(t["next"] % {"day": day, "time": f"{starts.hour:02d}:{starts.minute:02d}"})


def _cost(cost: Any, t: dict[str, Any]) -> str:
    if cost.option == "free":
        text = t["free"]
    elif cost.option == "voucher":
        text = t["voucher"]
    elif cost.amount is not None:
        text = t["amount"] % {"amount": floatformat(cost.amount, 2)}
    else:
        text = t["paid"]
    return f"{text} ({cost.amount_description})" if cost.amount_description else text


@register.simple_tag
def costs_line(costs: Iterable[Any]) -> SafeString:
    """Every cost option, "; "-separated (models or card rows): "Gratuito; € 12,50 (al mese)"."""
    return mark_safe(_costs(costs, _texts(get_language())))  # noqa: S308 (escaped there)


def _costs(costs: Iterable[Any], t: dict[str, Any]) -> str:
    texts = [_cost(cost, t) for cost in costs]
    return esc("; ".join(texts) if texts else t["ask"])


@register.simple_tag
def who_line(s: Any, comuni: Iterable[Any]) -> SafeString:
    """Ages, residence, partners only, and the provider's own words (a service or a card)."""
    return mark_safe(_who(s, comuni, _texts(get_language())))  # noqa: S308 (escaped there)


def _who(s: Any, comuni: Iterable[Any], t: dict[str, Any]) -> str:
    lo, hi = s.minimum_age, s.maximum_age
    if lo is not None and hi is not None:
        parts = [t["ages"] % {"min": lo, "max": hi}]
    elif lo is not None:
        parts = [t["from_age"] % {"min": lo}]
    elif hi is not None:
        parts = [t["to_age"] % {"max": hi}]
    else:
        parts = [t["all_ages"]]
    names = [str(c) for c in comuni]
    if names:
        parts.append(f"{t['residents']} {', '.join(names)}")
    if s.eligible_project_id:
        parts.append(t["partners"])
    text = "; ".join(parts)
    if s.eligibility_description:
        text = f"{text}. {s.eligibility_description}"
    return esc(text)


def _periods(periods: Iterable[tuple[date | None, date | None]], t: dict[str, Any]) -> str:
    months = t["months"]

    def day(d: date | None) -> str:  # dateformat's "j F Y"
        return f"{d.day} {months[d.month]} {d.year}" if d else ""

    return "".join(
        "<br>" + esc(t["period"] % {"start": day(start), "end": day(end)}) for start, end in periods
    )


_field_html: dict[tuple, SafeString] = {}


@register.simple_tag
def search_field(field: BoundField) -> SafeString:
    """A search form field with its label, help text and errors (Bootstrap Italia markup),
    written in Python for the same reason as the lines above: eleven of them on every search.
    An empty field without errors is the same HTML on every request: kept per language (and
    per choices, for a select)."""
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


def _clear_field_html(**kwargs) -> None:
    _field_html.clear()


setting_changed.connect(_clear_field_html)  # labels and help texts may quote settings


def _search_field(field: BoundField) -> SafeString:
    if field.widget_type == "checkbox":
        inner = format_html(
            '<div class="form-check">{}<label for="{}">{}</label></div>',
            styled(field),
            field.id_for_label,
            field.label,
        )
    else:
        required = (
            format_html(' <span class="visually-hidden">({})</span>', _("obbligatorio"))
            if field.field.required
            else ""
        )
        inner = format_html(
            '<label for="{}" class="active">{}{}</label>{}',
            field.id_for_label,
            field.label,
            required,
            styled(field),
        )
    help_text = (
        format_html(
            '<small id="{}_helptext" class="form-text">{}</small>', field.auto_id, field.help_text
        )
        if field.help_text
        else ""
    )
    errors = format_html_join(
        "",
        '<div class="invalid-feedback d-block" id="{}_error">{}</div>',
        ((field.auto_id, error) for error in field.errors),
    )
    return format_html(
        '<div class="form-group{}">{}{}{}</div>',
        " has-error" if field.errors else "",
        inner,
        help_text,
        errors,
    )


@lru_cache(maxsize=16)
def _detail_url(language: str, script_prefix: str) -> tuple[str, str]:
    """A service page's URL around its uuid: one `reverse` per language, not one per card."""
    marker = "00000000-0000-0000-0000-000000000000"
    before, _sep, after = reverse("catalogue_public:detail", args=[marker]).partition(marker)
    return before, after


@register.simple_tag
def result_card(row: dict) -> SafeString:
    """One search result (views.search's row: the card, its hit, opening and dated periods)."""
    s, hit = row["service"], row["hit"]
    language = get_language()
    t = _texts(language)
    terms = "".join(f' <span class="badge bg-primary">{esc(term)}</span>' for term in s.terms)
    place = ""
    loc = hit.location
    if loc is not None:
        if loc.kind == "virtual":
            where = esc(t["online"])
        else:
            where = esc(loc.address + (f" — {loc.comune_name}" if loc.comune_name else ""))
        distance = (
            f" · <strong>{esc(t['km'] % {'km': floatformat(hit.distance_km, 1)})}</strong>"
            if hit.distance_km is not None
            else ""
        )
        place = f'<p class="card-text mb-1">{where}{distance}</p>'
    before, after = _detail_url(language, get_script_prefix())
    return mark_safe(  # noqa: S308 (every value escaped above or here)
        '<li class="card-wrapper mb-3"><div class="card card-bg"><div class="card-body">'
        f'<h3 class="card-title h5"><a href="{esc(before)}{s.uuid}{esc(after)}">'
        f"{esc(s.name)}</a></h3>"
        f'<p class="card-text mb-1">{esc(s.organisation_name)}{terms}</p>{place}'
        '<dl class="row small mb-0">'
        f'<dt class="col-sm-4">{esc(t["hours"])}</dt>'
        f'<dd class="col-sm-8">{_opening(row["opening"], t)}{_periods(row["periods"], t)}</dd>'
        f'<dt class="col-sm-4">{esc(t["cost"])}</dt>'
        f'<dd class="col-sm-8">{_costs(s.costs, t)}</dd>'
        f'<dt class="col-sm-4">{esc(t["who"])}</dt>'
        f'<dd class="col-sm-8">{_who(s, s.eligible_comuni, t)}</dd>'
        "</dl></div></div></li>"
    )


# --- the search page's form and results ---------------------------------------------------
# Written here rather than as templates: rendered on every search (the busiest page), their
# template nodes, tags and lookups cost about as much as the ten cards they hold (0.2 ms a
# search, docs/performance.md note 3). Same markup as the templates they replaced.

# The form's fields, in the order of the page: (field, column class), the first four always in
# view, the others in "Altri filtri".
_MAIN_FIELDS = (
    ("q", "col-md-7"),
    ("categoria", "col-md-5"),
    ("comune", "col-md-7"),
    ("raggio", "col-md-5"),
)
_MORE_FIELDS = (
    ("eta", "col-md-6"),
    ("giorno", "col-md-6"),
    ("lingua", "col-md-6"),
    ("ordina", "col-md-6"),
    ("aperto_ora", "col-md-4"),
    ("gratuito", "col-md-4"),
    ("voucher", "col-md-4"),
)


@lru_cache(maxsize=8)
def _page_texts(language: str, script_prefix: str) -> dict[str, str]:
    """The search page's fixed words and URLs in `language`, once per process. The words are
    inserted as they are, as `{% translate %}` does with a template's own strings (they are the
    project's translations, not data); the URLs escaped, as `{% url %}` does."""
    with translation.override(language):
        words = {
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
            "more": _("Altri filtri: età, giorno, costo, lingua, ordine"),
            "search": _("Cerca"),
            "reset": _("Azzera i filtri"),
        }
        words = {key: str(value) for key, value in words.items()}
        words["search_url"] = esc(reverse("catalogue_public:search"))
        words["nearest_url"] = esc(reverse("desks_public:nearest"))
    return words


def _found(total: int) -> str:
    return ngettext("%(total)s servizio trovato", "%(total)s servizi trovati", total) % {
        "total": total
    }


def search_results(
    form: Any, page: Any, rows: list[dict], view_mode: str, params: dict[str, Any], markers: list
) -> SafeString:
    """The results part of the search page (the part that HTMX swaps): heading, the form's
    errors or the list/map tabs, the cards and the pagination, or the "widen your search"
    note. `params`: the search's own parameters (no page, no view), for the tabs' and the
    pagination's links; `markers`: the map's, in the map view."""
    t = _page_texts(get_language(), get_script_prefix())
    map_params = {**params, "vista": "mappa"}
    if not form.is_bound:  # no parameters: everything
        title = t["all"]
    elif form.errors:
        title = t["check"]
    else:
        title = _found(page.total)
    html = [
        '<section id="search-results" aria-labelledby="results-title" class="mt-4">\n'
        f'  <h2 id="results-title" aria-live="polite">{title}</h2>\n  '
    ]
    if form.errors:
        errors = [
            f"<li>{esc(str(field.label))}: {esc(str(error))}</li>"
            for field in form
            for error in field.errors
        ]
        errors += [f"<li>{esc(str(error))}</li>" for error in form.non_field_errors()]
        html.append(
            '\n  <div class="alert alert-warning" role="alert">\n'
            f'    <p class="mb-1">{t["cannot"]}</p>\n'
            f'    <ul class="mb-0">{"".join(errors)}</ul>\n'
            "  </div>\n  "
        )
    elif page is not None:
        current = ' active" aria-current="page'
        html.append(
            f'\n  <ul class="nav nav-tabs mb-3" aria-label="{t["views"]}">\n'
            '    <li class="nav-item"><a class="nav-link'
            f'{current if view_mode == "lista" else ""}" href="?{esc(urlencode(params))}">'
            f"{t['list']}</a></li>\n"
            '    <li class="nav-item"><a class="nav-link'
            f'{current if view_mode == "mappa" else ""}" href="?{esc(urlencode(map_params))}">'
            f"{t['map']}</a></li>\n"
            "  </ul>\n  "
        )
        if view_mode == "mappa":
            html.append(
                render_to_string(
                    "services/includes/map.html",
                    {
                        "markers": markers,
                        "map_tile_url": settings.MAP_TILE_URL,
                        "map_attribution": settings.MAP_TILE_ATTRIBUTION,
                        "map_id": "results-map",
                        "marker_id": "results-map-data",
                    },
                )
            )
        html.append("\n  ")
        if rows:
            html.append('\n  <ul class="list-unstyled">\n    ')
            html.extend(result_card(row) for row in rows)
            html.append("\n  </ul>\n  ")
            html.append(
                render_to_string(
                    "includes/pagination.html",
                    {
                        "page": page,
                        "query_string": urlencode(map_params if view_mode == "mappa" else params),
                    },
                )
            )
            html.append("\n  ")
        else:
            html.append(
                '\n  <div class="callout note">'
                f'<div class="callout-title">{t["widen"]}</div>\n'
                f"    <p>{t['widen_how']}</p>\n"
                f'    <p><a href="{t["nearest_url"]}">{t["nearest"]}</a></p></div>\n  '
            )
        html.append("\n  ")
    html.append("\n</section>\n")
    return mark_safe("".join(html))  # noqa: S308 (every value escaped above or in its part)


def search_form(form: Any, view_mode: str) -> SafeString:
    """The search form: its fields (`search_field`), "Altri filtri" open when one of them is
    set or the form has an error, the buttons."""
    t = _page_texts(get_language(), get_script_prefix())
    more_open = bool(form.errors) or any(form[name].value() for name, _css in _MORE_FIELDS)
    url = t["search_url"]
    html = [
        f'<form action="{url}" method="get" role="search" class="mb-4" novalidate\n'
        f'      hx-get="{url}" hx-target="#search-results" hx-select="#search-results" '
        'hx-swap="outerHTML" hx-push-url="true" hx-disinherit="*">\n  '
    ]
    non_field = form.non_field_errors()
    if non_field:
        paragraphs = "".join(f'<p class="mb-0">{esc(str(error))}</p>' for error in non_field)
        html.append(f'<div class="alert alert-danger" role="alert">{paragraphs}</div>')
    html.append('\n  <div class="row">\n')
    html.extend(
        f'    <div class="{css}">{search_field(form[name])}</div>\n' for name, css in _MAIN_FIELDS
    )
    html.append(
        f'  </div>\n  <details class="mb-3"{" open" if more_open else ""}>\n'
        f'    <summary class="mb-3">{t["more"]}</summary>\n'
        '    <div class="row">\n'
    )
    html.extend(
        f'      <div class="{css}">{search_field(form[name])}</div>\n' for name, css in _MORE_FIELDS
    )
    html.append("    </div>\n  </details>\n  ")
    if view_mode == "mappa":
        html.append('<input type="hidden" name="vista" value="mappa">')
    html.append(
        f'\n  <button type="submit" class="btn btn-primary">{t["search"]}</button>\n'
        f'  <a class="btn btn-outline-primary ms-2" href="{url}">{t["reset"]}</a>\n'
        "</form>\n"
    )
    return mark_safe("".join(html))  # noqa: S308 (every value escaped above or in its part)


setting_changed.connect(lambda **kwargs: _page_texts.cache_clear(), weak=False)
