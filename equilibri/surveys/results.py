"""The results of a campaign: counts and distributions by comune, organisation size and sector,
gender and age band of the children, with small-cell suppression.

Suppression (`suppress`): no published figure counts fewer than THRESHOLD respondents (zero is
shown: it counts nobody), and no figure can be worked out from the others. A table's rows and
columns are "lines" whose cells add up to their total (a single choice by comune: the comune's
options add up to its respondents); where a line hides exactly one of its figures, or hides cells
adding up to fewer than THRESHOLD beside a shown total, the smallest other non-zero cell of the
line is hidden too (the total when none is left), until no line gives anything away. Lines that
do not add up (a multiple choice, the age bands of the children: one respondent counts in several)
have only the primary rule, except their totals' own line.

The figures are counted in the database (GROUP BY over the indexed response and answer rows),
never by loading responses."""

from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from equilibri.network.models import SizeClass
from equilibri.territory.models import Comune

from . import definition as qdef
from .models import Answer, Campaign, QuestionnaireVersion, Response
from .sectors import sector_label

THRESHOLD = 5
BREAKDOWNS = {
    "comune": gettext_lazy("Comune"),
    "size": gettext_lazy("Dimensione dell'organizzazione"),
    "sector": gettext_lazy("Settore dell'organizzazione"),
    "gender": gettext_lazy("Genere"),
    "child_age": gettext_lazy("Età dei figli"),
}
NOT_GIVEN = "__none__"


def suppress(
    values: dict[Hashable, int],
    lines: Iterable[tuple[Hashable, list[Hashable]]],
    threshold: int = THRESHOLD,
) -> set[Hashable]:
    """The keys of `values` to hide. `lines`: (total, cells) whose cells add up to the total."""
    lines = [(total, list(cells)) for total, cells in lines]
    hidden = {key for key, value in values.items() if 0 < value < threshold}
    changed = True
    while changed:
        changed = False
        for total, cells in lines:
            hidden_cells = [c for c in cells if c in hidden]
            unknown = len(hidden_cells) + (total in hidden)
            if unknown == 0:
                continue
            derivable = unknown == 1
            small_sum = total not in hidden and 0 < sum(values[c] for c in hidden_cells) < threshold
            if not (derivable or small_sum):
                continue
            candidates = sorted(
                (values[c], str(c), c) for c in cells if c not in hidden and values[c] > 0
            )
            if candidates:
                hidden.add(candidates[0][2])
                changed = True
            elif total not in hidden and values.get(total, 0) > 0:
                hidden.add(total)
                changed = True
    return hidden


@dataclass
class Table:
    """A suppressed table: `rows` of (label, [cells], total); a cell is an int or None."""

    title: str
    columns: list[str]
    rows: list[tuple[str, list[int | None], int | None]]
    total_label: str = ""
    totals: list[int | None] = field(default_factory=list)
    grand_total: int | None = None
    key: str = ""
    note: str = ""

    @property
    def column_totals(self) -> list[tuple[str, int | None]]:
        return list(zip(self.columns, self.totals, strict=False))

    @property
    def suppressed_any(self) -> bool:
        cells = [c for _l, row, t in self.rows for c in (*row, t)] + [
            *self.totals,
            self.grand_total,
        ]
        return any(c is None for c in cells)

    def chart(self) -> dict:
        """Chart.js data of the totals (display only: the table beside it holds the figures)."""
        if len(self.columns) == 1:
            labels = [label for label, _cells, _t in self.rows]
            data = [cells[0] for _l, cells, _t in self.rows]
        else:
            labels, data = list(self.columns), list(self.totals)
        return {"labels": labels, "datasets": [{"label": _("Risposte"), "data": data}]}


def submitted(
    campaign: Campaign, version: QuestionnaireVersion | None = None
) -> QuerySet[Response]:
    qs = Response.objects.filter(campaign=campaign, state=Response.State.SUBMITTED)
    return qs if version is None else qs.filter(version=version)


# --- Breakdowns ---------------------------------------------------------------------------


def _group_labels(kind: str, keys: Iterable[str], version: QuestionnaireVersion) -> dict[str, str]:
    keys = list(keys)
    none = _("Non indicato")
    if kind == "comune":
        names = dict(
            Comune.objects.filter(pk__in=[k for k in keys if k != NOT_GIVEN]).values_list(
                "pk", "name"
            )
        )
        return {k: names.get(int(k), none) if k != NOT_GIVEN else none for k in keys}
    if kind == "size":
        labels = dict(SizeClass.choices)
        return {
            k: str(labels.get(k, none)) if k != NOT_GIVEN else _("Nessuna organizzazione")
            for k in keys
        }
    if kind == "sector":
        return {k: sector_label(k) if k != NOT_GIVEN else _("Nessuna organizzazione") for k in keys}
    question = version.parsed.dimension("gender" if kind == "gender" else "child_age_band")
    return {k: question.option_label(k) if question and k != NOT_GIVEN else none for k in keys}


RESPONSE_FIELD = {
    "comune": "comune_id",
    "size": "organisation_size",
    "sector": "organisation_sector",
    "gender": "gender",
}


def _norm(value) -> str:
    return NOT_GIVEN if value in (None, "") else str(value)


def group_counts(
    responses: QuerySet[Response], kind: str, version: QuestionnaireVersion
) -> dict[str, int]:
    """Respondents by group of the breakdown (child_age: by band, one respondent in several)."""
    if kind == "child_age":
        question = version.parsed.dimension("child_age_band")
        if question is None:
            return {}
        rows = (
            Answer.objects.filter(response__in=responses, question=question.key)
            .values("option")
            .annotate(n=Count("response", distinct=True))
        )
        found = {row["option"]: row["n"] for row in rows}
        return {key: found.get(key, 0) for key, _label in question.choices()}
    name = RESPONSE_FIELD[kind]
    rows = responses.values(name).annotate(n=Count("pk")).order_by()
    return {_norm(row[name]): row["n"] for row in rows}


def breakdown_table(
    responses: QuerySet[Response], kind: str, version: QuestionnaireVersion
) -> Table:
    counts = group_counts(responses, kind, version)
    labels = _group_labels(kind, counts, version)
    order = sorted(counts, key=lambda k: (k == NOT_GIVEN, str(labels[k]).lower()))
    if kind == "child_age":
        order = list(counts)  # the bands' own order
    total = responses.count()
    values: dict = {("g", k): counts[k] for k in order}
    values["total"] = total
    additive = kind != "child_age"
    hidden = suppress(values, [("total", [("g", k) for k in order])] if additive else [])
    shown = lambda key: None if key in hidden else values[key]  # noqa: E731
    return Table(
        title=str(BREAKDOWNS[kind]),
        columns=[_("Rispondenti")],
        rows=[(labels[k], [shown(("g", k))], None) for k in order],
        total_label=_("Totale rispondenti"),
        totals=[shown("total")],
        grand_total=None,
        key=f"breakdown-{kind}",
        note="" if additive else _("Chi ha figli in più fasce d'età è contato in ciascuna."),
    )


# --- Questions ------------------------------------------------------------------------------


def _option_counts(responses, question_key: str, row: str | None, by: str | None, version) -> dict:
    """{(group, option): respondents}; group "" without a breakdown."""
    answers = Answer.objects.filter(response__in=responses, question=question_key)
    if row is not None:
        answers = answers.filter(row=row)
    if by is None:
        rows = answers.values("option").annotate(n=Count("response", distinct=True))
        return {("", r["option"]): r["n"] for r in rows}
    if by == "child_age":
        question = version.parsed.dimension("child_age_band")
        counts: dict = {}
        for band, _label in question.choices() if question else []:
            in_band = Answer.objects.filter(
                response__in=responses, question=question.key, option=band
            ).values("response_id")
            for r in (
                answers.filter(response_id__in=in_band)
                .values("option")
                .annotate(n=Count("response", distinct=True))
            ):
                counts[(band, r["option"])] = r["n"]
        return counts
    name = "response__" + RESPONSE_FIELD[by]
    rows = answers.values(name, "option").annotate(n=Count("response", distinct=True)).order_by()
    return {(_norm(r[name]), r["option"]): r["n"] for r in rows}


def _respondents(
    responses, question_key: str, row: str | None, by: str | None, version
) -> dict[str, int]:
    """{group: respondents who answered the question (row)}; group "" without a breakdown."""
    answered = Answer.objects.filter(response__in=responses, question=question_key)
    if row is not None:
        answered = answered.filter(row=row)
    ids = answered.values("response_id")
    subset = responses.filter(pk__in=ids)
    if by is None:
        return {"": subset.count()}
    return group_counts(subset, by, version)


def question_table(
    responses: QuerySet[Response],
    version: QuestionnaireVersion,
    question: qdef.Question,
    *,
    by: str | None = None,
    row: qdef.Option | None = None,
) -> Table:
    """Options (columns) by group of the breakdown (rows), respondents who answered each group
    as the row total, and a last row of totals; suppressed."""
    options = question.choices()
    row_key = row.key if row is not None else None
    counts = _option_counts(responses, question.key, row_key, by, version)
    respondents = _respondents(responses, question.key, row_key, by, version)
    groups = list(respondents) if by is not None else [""]
    if by == "child_age":
        groups = [g for g in respondents]  # bands in their order
    labels = _group_labels(by, groups, version) if by else {"": _("Tutti")}
    if by not in (None, "child_age"):
        groups.sort(key=lambda k: (k == NOT_GIVEN, str(labels[k]).lower()))
    additive_options = question.type in ("single", "scale", "grid")
    additive_groups = by != "child_age"
    values: dict[Hashable, int] = {}
    for g in groups:
        values[("t", g)] = respondents.get(g, 0)
        for o, _label in options:
            values[(g, o)] = counts.get((g, o), 0)
    overall = _option_counts(responses, question.key, row_key, None, version)
    for o, _label in options:
        values[("o", o)] = overall.get(("", o), 0)
    values["all"] = _respondents(responses, question.key, row_key, None, version)[""]
    lines: list[tuple[Hashable, list[Hashable]]] = []
    if additive_options:
        lines += [(("t", g), [(g, o) for o, _l in options]) for g in groups]
        lines.append(("all", [("o", o) for o, _l in options]))
    if additive_groups and by is not None:
        lines += [(("o", o), [(g, o) for g in groups]) for o, _l in options]
        lines.append(("all", [("t", g) for g in groups]))
    hidden = suppress(values, lines)
    shown = lambda key: None if key in hidden else values[key]  # noqa: E731
    title = question.text if row is None else f"{question.text} – {row.text}"
    table_rows = []
    if by is not None:
        table_rows = [
            (labels[g], [shown((g, o)) for o, _l in options], shown(("t", g))) for g in groups
        ]
    return Table(
        title=title,
        columns=[label for _o, label in options],
        rows=table_rows,
        total_label=_("Totale"),
        totals=[shown(("o", o)) for o, _l in options],
        grand_total=shown("all"),
        key=f"q-{question.key}{'-' + row.key if row else ''}",
        note=""
        if additive_options
        else _("Si potevano scegliere più risposte: le colonne non si sommano."),
    )


def number_summary(responses, question: qdef.Question) -> dict:
    """How many answered and the median, only from THRESHOLD answers up (the numbers are
    never None here: number__isnull=False)."""
    values: list[Decimal] = sorted(
        Answer.objects.filter(  # type: ignore[arg-type]
            response__in=responses, question=question.key, number__isnull=False
        ).values_list("number", flat=True)
    )
    n = len(values)
    if n < THRESHOLD:
        return {"title": question.text, "count": None if n else 0, "median": None}
    middle = n // 2
    median = values[middle] if n % 2 else (values[middle - 1] + values[middle]) / Decimal(2)
    return {"title": question.text, "count": n, "median": median}


def question_tables(
    responses: QuerySet[Response], version: QuestionnaireVersion, by: str | None
) -> list[Table | dict]:
    out: list[Table | dict] = []
    for question in version.parsed.questions():
        if question.type in ("single", "multiple", "scale"):
            out.append(question_table(responses, version, question, by=by))
        elif question.type == "grid":
            out.extend(
                question_table(responses, version, question, by=by, row=r) for r in question.rows
            )
        elif question.type == "number":
            out.append(number_summary(responses, question))
    return out


def free_texts(
    responses: QuerySet[Response], version: QuestionnaireVersion
) -> list[tuple[str, list[str]]]:
    """Each free-text question with its answers, in alphabetical order (never in the order they
    came, which could tie them to a day or a channel)."""
    out = []
    for question in version.parsed.questions():
        if question.type != "text":
            continue
        texts = list(
            Answer.objects.filter(response__in=responses, question=question.key)
            .exclude(text="")
            .order_by("text")
            .values_list("text", flat=True)
        )
        out.append((question.text, texts))
    return out
