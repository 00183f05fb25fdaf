"""The HSDS objects an import was given, served back as given.

An imported service keeps its HSDS object whole (`Service.hsds_source`: ids, required documents,
funding, programs, service areas, RFC 5545 schedule fields, fractional ages ...); our columns
are what the search and the pages read. The API and the export serve the object as given, with
the columns an operator has since changed in the catalogue (name, description, status ...)
written over it: what the catalogue says wins where it says something else.
"""

from typing import Any

from equilibri.core import identifiers

# The service's own columns, each read from the HSDS field of the same name.
MODELLED = (
    "name",
    "alternate_name",
    "description",
    "status",
    "url",
    "email",
    "application_process",
    "fees_description",
    "eligibility_description",
    "wait_time",
    "minimum_age",
    "maximum_age",
)
AGES = frozenset({"minimum_age", "maximum_age"})
# The one-line texts, stripped (the planner's `text`); descriptions are kept as written.
STRIPPED = frozenset({"name", "alternate_name", "url", "wait_time"})


def age(value: Any) -> int | None:
    """An HSDS age (a number of years, 0.25 for three months) as our whole years: the search
    reads the column, the HSDS object keeps the number as given."""
    if value is None or value == "":
        return None
    try:
        years = int(float(value))
    except (TypeError, ValueError):
        return None
    return max(0, min(years, 32767))


def column_of(source: dict[str, Any], name: str) -> Any:
    """What an import writes in the column `name` from the HSDS object (see the planner)."""
    if name in AGES:
        return age(source.get(name))
    if name == "fees_description":
        return str(source.get("fees_description") or source.get("fees") or "")
    text = str(source.get(name) or "")
    if name == "email":
        return identifiers.normalise_email(text.strip())
    return text.strip() if name in STRIPPED else text


def as_given(service: Any, ours: dict[str, Any]) -> dict[str, Any]:
    """The HSDS object of `service` (`ours` is our serialisation of it): the one it was
    imported with, the columns changed since written over it; `ours` when it was not
    imported."""
    source = getattr(service, "hsds_source", None)
    if not isinstance(source, dict):
        return ours
    changed = [name for name in MODELLED if column_of(source, name) != _column(service, name)]
    if not changed:
        return source
    out = dict(source)
    for name in changed:
        if ours.get(name) in (None, ""):
            out.pop(name, None)
        else:
            out[name] = ours[name]
    out["last_modified"] = ours.get("last_modified")
    return out


def _column(service: Any, name: str) -> Any:
    value = getattr(service, name)
    return value if name in AGES else (value or "")
