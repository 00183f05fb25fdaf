"""The catalogue's template tags. The opening, cost and "who may use it" lines and the search
form's fields are written in Python, not as includes: each result card shows the three lines,
and on the search page (the busiest) ten cards and eleven fields of nested includes cost more
than the full-text match itself (docs/performance.md)."""

from collections.abc import Iterable
from datetime import date
from functools import lru_cache
from typing import Any

from django import template
from django.forms import BoundField
from django.template.defaultfilters import floatformat
from django.template.loader import render_to_string
from django.utils import dateformat, timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from equilibri.core.templatetags.forms_tags import styled
from equilibri.services.categories import CATEGORIES
from equilibri.services.opening import Opening

register = template.Library()


@register.simple_tag
def category_shortcuts() -> SafeString:
    """The category grid: the same HTML for every request in a language, rendered once."""
    return _shortcuts_html(get_language())


@lru_cache(maxsize=8)
def _shortcuts_html(language: str) -> SafeString:
    return render_to_string("services/includes/category_shortcuts.html", {"categories": CATEGORIES})


@register.simple_tag
def opening_line(opening: Opening | None) -> SafeString:
    """ "Aperto ora fino alle 18:00", "Prossima apertura: lunedì 7 luglio, ore 8:00"."""
    if opening is None:
        return format_html("{}", _("Nessuna apertura in calendario"))
    if opening.is_now:
        ends = dateformat.time_format(timezone.localtime(opening.ends), "H:i")
        return format_html(
            '<span class="badge bg-success">{}</span> {}',
            _("Aperto ora"),
            _("fino alle %(time)s") % {"time": ends},
        )
    starts = timezone.localtime(opening.starts)
    return format_html(
        "{}",
        _("Prossima apertura: %(day)s, ore %(time)s")
        % {
            "day": dateformat.format(starts, "l j F"),
            "time": dateformat.time_format(starts, "H:i"),
        },
    )


def _cost(cost: Any) -> str:
    if cost.option == "free":
        text = _("Gratuito")
    elif cost.option == "voucher":
        text = _("Rimborsabile con voucher")
    elif cost.amount is not None:
        text = _("€ %(amount)s") % {"amount": floatformat(cost.amount, 2)}
    else:
        text = _("A pagamento")
    return f"{text} ({cost.amount_description})" if cost.amount_description else text


@register.simple_tag
def costs_line(costs: Iterable[Any]) -> SafeString:
    """Every cost option, "; "-separated (models or card rows): "Gratuito; € 12,50 (al mese)"."""
    texts = [_cost(cost) for cost in costs]
    return format_html("{}", "; ".join(texts) if texts else _("Chiedi all'ente"))


@register.simple_tag
def who_line(s: Any, comuni: Iterable[Any]) -> SafeString:
    """Ages, residence, partners only, and the provider's own words (a service or a card)."""
    lo, hi = s.minimum_age, s.maximum_age
    if lo is not None and hi is not None:
        parts = [_("Da %(min)s a %(max)s anni") % {"min": lo, "max": hi}]
    elif lo is not None:
        parts = [_("Da %(min)s anni") % {"min": lo}]
    elif hi is not None:
        parts = [_("Fino a %(max)s anni") % {"max": hi}]
    else:
        parts = [_("Tutte le età")]
    names = [str(c) for c in comuni]
    if names:
        parts.append(f"{_('solo residenti di')} {', '.join(names)}")
    if s.eligible_project_id:
        parts.append(_("solo dipendenti delle organizzazioni partner del progetto"))
    text = "; ".join(parts)
    if s.eligibility_description:
        text = f"{text}. {s.eligibility_description}"
    return format_html("{}", text)


def periods_lines(periods: Iterable[tuple[date | None, date | None]]) -> SafeString:
    """ "<br>Dal 15 giugno 2026 al 31 agosto 2026" for each dated period (start, end)."""
    return format_html_join(
        "",
        "<br>{}",
        (
            (
                _("Dal %(start)s al %(end)s")
                % {
                    "start": dateformat.format(start, "j F Y") if start else "",
                    "end": dateformat.format(end, "j F Y") if end else "",
                },
            )
            for start, end in periods
        ),
    )


@register.simple_tag
def search_field(field: BoundField) -> SafeString:
    """A search form field with its label, help text and errors (Bootstrap Italia markup),
    written in Python for the same reason as the lines above: eleven of them on every search."""
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


@register.simple_tag
def result_card(row: dict) -> SafeString:
    """One search result (views.search's row: the card, its hit, opening and dated periods)."""
    s, hit = row["service"], row["hit"]
    terms = format_html_join(
        "", ' <span class="badge bg-primary">{}</span>', ((t,) for t in s.terms)
    )
    place: SafeString | str = ""
    loc = hit.location
    if loc is not None:
        if loc.kind == "virtual":
            where: SafeString | str = _("Online")
        else:
            where = format_html(
                "{}{}", loc.address, f" — {loc.comune_name}" if loc.comune_name else ""
            )
        distance = (
            format_html(
                " · <strong>{}</strong>",
                _("a %(km)s km") % {"km": floatformat(hit.distance_km, 1)},
            )
            if hit.distance_km is not None
            else ""
        )
        place = format_html('<p class="card-text mb-1">{}{}</p>', where, distance)
    return format_html(
        '<li class="card-wrapper mb-3"><div class="card card-bg"><div class="card-body">'
        '<h3 class="card-title h5"><a href="{}">{}</a></h3>'
        '<p class="card-text mb-1">{}{}</p>{}'
        '<dl class="row small mb-0">'
        '<dt class="col-sm-4">{}</dt><dd class="col-sm-8">{}{}</dd>'
        '<dt class="col-sm-4">{}</dt><dd class="col-sm-8">{}</dd>'
        '<dt class="col-sm-4">{}</dt><dd class="col-sm-8">{}</dd>'
        "</dl></div></div></li>",
        s.get_absolute_url(),
        s.name,
        s.organisation_name,
        terms,
        place,
        _("Orari"),
        opening_line(row["opening"]),
        periods_lines(row["periods"]),
        _("Costo"),
        costs_line(s.costs),
        _("Chi può accedere"),
        who_line(s, s.eligible_comuni),
    )
