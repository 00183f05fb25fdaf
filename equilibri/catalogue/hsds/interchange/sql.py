"""The import's plain SQL, at the scale of a catalogue imported by the hundred thousand: rows
read by uuid in batches, and `_Table`'s INSERT / UPDATE / DELETE with Django's adapters
(COPY on PostgreSQL).
"""

import json
from collections.abc import Iterable, Iterator
from datetime import datetime
from functools import cache
from itertools import islice
from operator import itemgetter
from typing import Any

from django.db import connection
from django.db.models import Model

from .plans import Hex

WRITE_BATCH = 5000
LOOKUP_BATCH = 5000  # ids in one IN (...): well within SQLite's and PostgreSQL's limits


def _batches(items: Iterable, size: int = LOOKUP_BATCH) -> Iterator[list]:
    """Lists of `size` items; from a generator too, each batch made as it is taken."""
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch


def _rows_by_uuid(model: type[Model], uuids: list[Hex], *fields: str) -> Iterator[list]:
    """The `fields` of the rows of `model` with these uuids, in lists of at most LOOKUP_BATCH.
    PostgreSQL: one `uuid = ANY(array)` statement. An `IN` list is written into the statement
    value by value (client-side binding) and parsed so by the server: 0.8 s per 100,000 uuids
    against 0.3 s for the array, on every import, most of whose uuids are new."""
    if connection.vendor == "postgresql":
        column = (
            f"{connection.ops.quote_name(model._meta.db_table)}.{connection.ops.quote_name('uuid')}"
        )
        # The column comes from the model, the uuids are a bound parameter.
        where = f"{column} = ANY(%s::uuid[])"
        matching = model._default_manager.extra(where=[where], params=[uuids])  # noqa: S610
        yield from _batches(list(matching.values_list(*fields)))
        return
    for batch in _batches(uuids):
        rows = list(model._default_manager.filter(uuid__in=batch).values_list(*fields))
        if rows:
            yield rows


class _Table:
    """INSERT / UPDATE of a model's rows given as {attname: value}, with Django's adapters."""

    def __init__(self, model: type[Model], now: datetime):
        ops = connection.ops
        qn = ops.quote_name
        self.model = model
        self.table = qn(model._meta.db_table)
        self.fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        self.defaults: dict[str, Any] = {}
        self.adapters: dict[str, Any] = {}
        for f in self.fields:
            kind = f.get_internal_type()
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                self.defaults[f.attname] = now
            elif f.has_default() and not callable(f.default):
                self.defaults[f.attname] = f.default
            else:
                self.defaults[f.attname] = None
            self.adapters[f.attname] = _adapter(kind, f)
        self.columns = ", ".join(qn(f.column) for f in self.fields)
        self.marks = ", ".join(["%s"] * len(self.fields))
        self.qn = qn

    def insert_new(self, rows: list[dict[str, Any]]) -> dict[Hex, int]:
        """Inserts the rows (each with its "uuid") and returns their pks by uuid. The pks are
        drawn first and written with the rows, so that nothing is looked up again afterwards
        (a hundred thousand uuids cost seconds; PostgreSQL's COPY returns nothing)."""
        if not rows:
            return {}
        pks = self._draw_pks(len(rows))
        self.insert(rows, pks)
        return {row["uuid"]: pk for row, pk in zip(rows, pks, strict=True)}

    def _draw_pks(self, count: int) -> list[int]:
        """The next `count` pks: those the column's default would give, in the same order."""
        table, column = self.model._meta.db_table, self.model._meta.pk.column
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                    [table, column, count],
                )
                return sorted(pk for (pk,) in cursor.fetchall())
            # SQLite: the import's transaction began IMMEDIATE, so it holds the database's
            # write lock and no other connection can take these ids before the commit. An
            # AUTOINCREMENT key never reuses an id (sqlite_sequence keeps the highest ever
            # given, and follows the explicit ids written here).
            cursor.execute(
                f"SELECT MAX(x) FROM (SELECT MAX({self.qn(column)}) AS x FROM {self.table}"  # noqa: S608 (names from the model)
                " UNION ALL SELECT seq FROM sqlite_sequence WHERE name = %s)",
                [table],
            )
            last = cursor.fetchone()[0] or 0
        return list(range(last + 1, last + 1 + count))

    def insert(self, rows: list[dict[str, Any]], pks: list[int] | None = None) -> None:
        """`pks`: the rows' primary keys, else the column's default."""
        columns, marks = self.columns, self.marks
        if pks is not None:
            columns = f"{self.qn(self.model._meta.pk.column)}, {columns}"
            marks = f"%s, {marks}"
        # Table and column names come from the models, quoted.
        sql = f"INSERT INTO {self.table} ({columns}) VALUES ({marks})"  # noqa: S608
        # A million rows for a large catalogue: the row's values in column order are picked in
        # C (dict merge, itemgetter); in Python only the columns that the rows give and that
        # have an adapter (the defaults, e.g. `now`, are adapted once).
        pick = itemgetter(*(f.attname for f in self.fields))
        given = set().union(*map(dict.keys, rows))
        defaults = {
            name: self.adapters[name](value) if value is not None and name not in given else value
            for name, value in self.defaults.items()
        }
        adapted = [
            (i, self.adapters[f.attname])
            for i, f in enumerate(self.fields)
            if self.adapters[f.attname] is not _identity and f.attname in given
        ]

        def values() -> Iterator[list[Any]]:
            for n, row in enumerate(rows):
                value = list(pick({**defaults, **row}))
                for i, adapt in adapted:
                    if value[i] is not None:
                        value[i] = adapt(value[i])
                if pks is not None:
                    value.insert(0, pks[n])
                yield value

        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # psycopg's executemany sends (and, with client-side binding, formats) one
                # statement per row: COPY is many times faster. Each row is made as it is
                # written, so that the server stores it while we make the next ones.
                # (psycopg's own cursor: its errors are turned into Django's by hand.)
                copy_sql = f"COPY {self.table} ({columns}) FROM STDIN"
                with connection.wrap_database_errors, cursor.copy(copy_sql) as copy:
                    for value in values():
                        copy.write_row(value)
                return
            for batch in _batches(values(), WRITE_BATCH):
                cursor.executemany(sql, batch)

    def update(self, names: list[str], rows: list[tuple[int, dict[str, Any]]]) -> None:
        by_name = {f.attname: f for f in self.fields}
        sets = ", ".join(f"{self.qn(by_name[n].column)} = %s" for n in names)
        sql = f"UPDATE {self.table} SET {sets} WHERE {self.qn('id')} = %s"  # noqa: S608
        values = [
            [*(self.adapters[n](row[n]) if row[n] is not None else None for n in names), pk]
            for pk, row in rows
        ]
        with connection.cursor() as cursor:
            for batch in _batches(values, WRITE_BATCH):
                cursor.executemany(sql, batch)

    def delete_where(self, column: str, ids: list[int], extra: str = "") -> None:
        with connection.cursor() as cursor:
            for batch in _batches(ids):
                marks = ", ".join(["%s"] * len(batch))
                sql = f"DELETE FROM {self.table} WHERE {self.qn(column)} IN ({marks}){extra}"  # noqa: S608
                cursor.execute(sql, batch)


def _adapter(kind: str, f: Any):
    # Dates, times and amounts repeat across rows (every service's `now`, opening hours): each
    # distinct value is adapted once per import. (UUIDs are Hex already: stored as they are.)
    ops = connection.ops
    if kind == "DateTimeField":
        return cache(ops.adapt_datetimefield_value)
    if kind == "DateField":
        return cache(ops.adapt_datefield_value)
    if kind == "TimeField":
        return cache(ops.adapt_timefield_value)
    if kind == "JSONField":
        return _json
    if kind == "DecimalField":
        return cache(lambda v: ops.adapt_decimalfield_value(v, f.max_digits, f.decimal_places))
    return _identity


def _json(value: Any) -> str:
    # Text, which both SQLite's JSON column and PostgreSQL's jsonb (in COPY and in UPDATE)
    # take as it is.
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _identity(value: Any) -> Any:
    return value
