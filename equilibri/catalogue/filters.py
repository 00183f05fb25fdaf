"""The search's filters other than text and distance (category, age, dates, cost, language,
organisation, changes), as WHERE conditions on the service `s` of `search.raw_search_sql`, and
the taxonomy's terms they and the search form read."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, NamedTuple

from django.core.cache import caches
from django.db import connection
from django.utils import timezone

from .models import TaxonomyTerm

if TYPE_CHECKING:
    from .search import SearchQuery


class Term(NamedTuple):
    pk: int
    uuid: str
    code: str
    name: str
    parent_id: int | None


def taxonomy_terms() -> tuple[Term, ...]:
    """Every taxonomy term as plain values, in the taxonomy's order, cached for five minutes: the
    search's categories, the search form's choices and the HSDS API's term filter read it on
    every request, and the taxonomy changes only with a migration or an import."""
    return caches["local"].get_or_set("services:taxonomy-terms", _taxonomy_terms, 300) or ()


def _taxonomy_terms() -> tuple[Term, ...]:
    rows = TaxonomyTerm.objects.order_by("position", "name").values_list(
        "pk", "uuid", "code", "name", "parent_id"
    )
    return tuple(Term(pk, str(uuid), code, name, parent) for pk, uuid, code, name, parent in rows)


def category_term_ids(code: str) -> list[int]:
    """The term and its descendants."""
    terms = taxonomy_terms()
    ids = [t.pk for t in terms if t.code == code]
    frontier = ids
    for _ in range(3):  # the taxonomy has two levels; a bound, should a parent loop ever exist
        if not frontier:
            break
        frontier = [t.pk for t in terms if t.parent_id in frontier]
        ids = ids + frontier
    return ids


def where_filters(
    query: SearchQuery, where: list[str], where_params: list
) -> tuple[list[str], list]:
    """Every filter but text and distance, as WHERE conditions on the service `s`."""
    ops = connection.ops
    if query.organisation_id is not None:
        where.append("s.organisation_id = %s")
        where_params.append(int(query.organisation_id))
    if query.modified_after is not None:
        where.append("s.last_modified > %s")
        where_params.append(ops.adapt_datetimefield_value(query.modified_after))
    if query.age is not None:
        where.append(
            "(s.minimum_age IS NULL OR s.minimum_age <= %s)"
            " AND (s.maximum_age IS NULL OR s.maximum_age >= %s)"
        )
        where_params += [int(query.age), int(query.age)]
    if query.category:
        term_ids = category_term_ids(query.category) or [-1]
        where.append(
            "EXISTS (SELECT 1 FROM services_service_terms st WHERE st.service_id = s.id"  # noqa: S608 (constant SQL, values bound)
            f" AND st.taxonomyterm_id IN ({', '.join(['%s'] * len(term_ids))}))"
        )
        where_params += term_ids
    if query.free_only:
        where.append(
            "EXISTS (SELECT 1 FROM services_costoption co WHERE co.service_id = s.id"
            " AND co.option = %s)"
        )
        where_params.append("free")
    if query.voucher:
        where.append(
            "EXISTS (SELECT 1 FROM services_costoption co WHERE co.service_id = s.id"
            " AND co.option = %s)"
        )
        where_params.append("voucher")
    if query.language:
        where.append(
            "EXISTS (SELECT 1 FROM services_language lg WHERE lg.service_id = s.id"
            " AND lg.code = %s)"
        )
        where_params.append(str(query.language).lower()[:3])
    day: date | None = None
    at_time = None
    if query.open_now:
        now = timezone.localtime()
        day, at_time = now.date(), now.time().replace(microsecond=0)
    elif query.open_on is not None:
        day = query.open_on
    if day is not None:
        d = ops.adapt_datefield_value(day)
        time_sql = ""
        time_params: list = []
        if at_time is not None:
            t = ops.adapt_timefield_value(at_time)
            time_sql = " AND sc.opens_at <= %s AND sc.closes_at > %s"
            time_params = [t, t]
        where.append(
            "EXISTS (SELECT 1 FROM services_schedule sc WHERE sc.service_id = s.id"  # noqa: S608 (constant SQL, values bound)
            " AND sc.weekday = %s AND (sc.valid_from IS NULL OR sc.valid_from <= %s)"
            f" AND (sc.valid_to IS NULL OR sc.valid_to >= %s){time_sql})"
            " AND NOT EXISTS (SELECT 1 FROM services_closure cl WHERE cl.service_id = s.id"
            " AND cl.location_id IS NULL AND cl.date_from <= %s AND cl.date_to >= %s)"
        )
        where_params += [day.weekday(), d, d, *time_params, d, d]
    today = timezone.localdate()
    if query.month is not None and 1 <= int(query.month) <= 12:
        # The next such month (this one included): open at some time in it.
        month = int(query.month)
        year = today.year if month >= today.month else today.year + 1
        first = date(year, month, 1)
        last = date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
        where.append(
            "EXISTS (SELECT 1 FROM services_schedule sc WHERE sc.service_id = s.id"
            " AND (sc.valid_from IS NULL OR sc.valid_from <= %s)"
            " AND (sc.valid_to IS NULL OR sc.valid_to >= %s))"
        )
        where_params += [ops.adapt_datefield_value(last), ops.adapt_datefield_value(first)]
    if query.weekday is not None and 0 <= int(query.weekday) <= 6:
        where.append(
            "EXISTS (SELECT 1 FROM services_schedule sc WHERE sc.service_id = s.id"
            " AND sc.weekday = %s AND (sc.valid_to IS NULL OR sc.valid_to >= %s))"
        )
        where_params += [int(query.weekday), ops.adapt_datefield_value(today)]
    return where, where_params
