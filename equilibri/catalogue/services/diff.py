"""A field-by-field comparison of two versions of a service's data, for the operator who
reviews a revision."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from equilibri.core.identifiers import normalise_phone
from equilibri.territory.models import Comune

from ..models import CostOption, Phone, Schedule, Service, TaxonomyTerm
from .data import LIST_FIELDS, SCALAR_FIELDS, with_defaults


@dataclass
class DiffRow:
    label: str
    before: str
    after: str
    # For a list: whether its values are the same, whatever their order and rows' ids.
    same_values: bool | None = None

    @property
    def changed(self) -> bool:
        if self.same_values is not None:
            return not self.same_values
        return self.before != self.after


def _comparable(key: str, row: dict[str, Any]) -> dict[str, Any]:
    """A list row by its values as they will be stored (data.with_defaults), a phone number
    written in E.164 however it was typed."""
    row = with_defaults(key, {f: row.get(f) for f in LIST_FIELDS[key]})
    if key == "phones":
        row["number"] = normalise_phone(row.get("number") or "")
    if key == "contacts" and row.get("phone"):
        row["phone"] = normalise_phone(row["phone"])
    return row


def _list_row(label: str, key: str, before: list[dict], after: list[dict]) -> DiffRow:
    """A list compared as a set of values: rows re-created with equal values, or listed in
    another order, are no change."""
    b_rows = [_describe_row(key, _comparable(key, r)) for r in before]
    a_rows = [_describe_row(key, _comparable(key, r)) for r in after]
    same = sorted(b_rows) == sorted(a_rows)
    b_text = "\n".join(b_rows)
    return DiffRow(label, b_text, b_text if same else "\n".join(a_rows), same_values=same)


def _describe_row(key: str, row: dict[str, Any]) -> str:
    if key == "locations":
        comune = Comune.objects.filter(pk=row["comune"]).first() if row.get("comune") else None
        parts = [row.get("name"), row.get("address"), comune.name if comune else row.get("url")]
        if row.get("accessibility"):
            parts.append(row["accessibility"])
        return " — ".join(str(p) for p in parts if p)
    if key == "schedules":
        day = str(Schedule.Weekday(int(row["weekday"])).label)
        text = f"{day} {row.get('opens_at')}-{row.get('closes_at')}"
        if row.get("valid_from") or row.get("valid_to"):
            text += f" ({row.get('valid_from') or '…'} → {row.get('valid_to') or '…'})"
        return text
    if key == "cost_options":
        text = str(CostOption.Option(row["option"]).label)
        if row.get("amount"):
            text += f" € {row['amount']}"
        if row.get("amount_description"):
            text += f" ({row['amount_description']})"
        return text
    if key == "phones" and row.get("kind") in Phone.Kind.values:
        row = {**row, "kind": Phone.Kind(row["kind"]).label}  # "Voce", not the HSDS code "voice"
    return " — ".join(str(row.get(f)) for f in LIST_FIELDS[key] if row.get(f) not in (None, ""))


def data_diff(before: dict[str, Any], after: dict[str, Any]) -> list[DiffRow]:
    """Every field of the service, before and after, as text (changed rows flagged)."""
    rows: list[DiffRow] = []

    def label(name: str) -> str:
        return str(getattr(Service._meta.get_field(name), "verbose_name", name))

    for f in SCALAR_FIELDS:
        b, a = before.get(f), after.get(f)
        if f == "status":
            b = Service.Status(b).label if b else ""
            a = Service.Status(a).label if a else ""
        rows.append(DiffRow(label(f), "" if b is None else str(b), "" if a is None else str(a)))
    names = dict(TaxonomyTerm.objects.values_list("code", "name"))
    rows.append(
        DiffRow(
            label("terms"),
            ", ".join(names.get(c, c) for c in before.get("terms") or []),
            ", ".join(names.get(c, c) for c in after.get("terms") or []),
        )
    )
    comuni = dict(
        Comune.objects.filter(
            pk__in=[*(before.get("eligible_comuni") or []), *(after.get("eligible_comuni") or [])]
        ).values_list("pk", "name")
    )
    rows.append(
        DiffRow(
            label("eligible_comuni"),
            ", ".join(comuni.get(c, str(c)) for c in before.get("eligible_comuni") or []),
            ", ".join(comuni.get(c, str(c)) for c in after.get("eligible_comuni") or []),
        )
    )
    list_labels = {
        "locations": _("Sedi"),
        "schedules": _("Orari"),
        "closures": _("Chiusure"),
        "phones": _("Telefoni"),
        "contacts": _("Referenti"),
        "languages": _("Lingue"),
        "cost_options": _("Costi"),
    }
    for key, text in list_labels.items():
        if key == "locations":  # rows of their own: a location is more than its values
            b_rows = [_describe_row(key, r) for r in before.get(key) or []]
            a_rows = [_describe_row(key, r) for r in after.get(key) or []]
            rows.append(DiffRow(str(text), "\n".join(b_rows), "\n".join(a_rows)))
        else:
            rows.append(_list_row(str(text), key, before.get(key) or [], after.get(key) or []))
    return rows
