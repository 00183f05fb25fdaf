"""Money: a Decimal of euros in Python, a whole number of cents in the database.

Why integers in the database: SQLite has no decimal type. A DecimalField there has NUMERIC
affinity and keeps 0.10 as the float 0.1, so every comparison, sum and conditional UPDATE made in
SQL is float arithmetic: a budget of 0.30 with three approvals of 0.10 let only two through
(0.1 + 0.1 <= 0.3 - 0.1 is false in floats). Integers are exact on both databases, so the same
field stores cents as `bigint` on SQLite and PostgreSQL alike: one behaviour, one way.

Expressions: a money column only combines with another money column (`+`, `-`) and the result is
money again. A bare Decimal in an expression (`F("budget") - amount`) is refused by Django
("cannot infer type") instead of being compared as euros against cents: wrap it in
`money_value(amount)`. Anything that sets an `output_field` over money columns (Coalesce,
Subquery) sets `MoneyField()`.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import forms
from django.core import exceptions
from django.core.validators import DecimalValidator, MinValueValidator
from django.db import migrations, models
from django.db.models.expressions import (  # type: ignore[attr-defined]  # not in the stubs
    Combinable,
    Value,
    register_combinable_fields,
)
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

CENT = Decimal("0.01")


def to_cents(value: Decimal) -> int:
    """Whole cents of an amount in euros; more than two decimals round half up, as PostgreSQL's
    numeric(…, 2) did before (forms and model validation refuse them anyway)."""
    return int(value.quantize(CENT, rounding=ROUND_HALF_UP).scaleb(2))


def from_cents(value) -> Decimal:
    # int from both databases for a column or a sum (numeric, i.e. Decimal, for a sum on
    # PostgreSQL); an average may have decimals of a cent: rounded like any amount.
    cents = value if isinstance(value, int | Decimal) else Decimal(str(value))
    return Decimal(cents).scaleb(-2).quantize(CENT, rounding=ROUND_HALF_UP)


class MoneyField(models.Field):
    """Euros with cents, never negative: `Decimal` in Python and in forms, `bigint` cents in SQL."""

    empty_strings_allowed = False
    description = _("Importo in euro")
    default_error_messages = {"invalid": _("«%(value)s» non è un importo in euro.")}
    decimal_places = 2

    def __init__(self, verbose_name=None, name=None, max_digits: int = 12, **kwargs):
        self.max_digits = max_digits
        super().__init__(verbose_name, name, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.max_digits != 12:
            kwargs["max_digits"] = self.max_digits
        return name, path, args, kwargs

    def get_internal_type(self) -> str:
        # The column type only (bigint on both databases): Django's decimal handling (SQLite's
        # CAST AS NUMERIC, its float converter) must not apply to cents.
        return "BigIntegerField"

    @cached_property
    def validators(self):
        return [
            *super().validators,
            MinValueValidator(Decimal("0")),
            DecimalValidator(self.max_digits, self.decimal_places),
        ]

    def to_python(self, value):
        if value is None or (isinstance(value, Decimal) and value.is_finite()):
            return value
        try:
            amount = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
        except (InvalidOperation, TypeError, ValueError):
            amount = None
        if amount is None or not amount.is_finite():
            raise exceptions.ValidationError(
                self.error_messages["invalid"], code="invalid", params={"value": value}
            )
        return amount

    def get_prep_value(self, value):
        return self.to_python(super().get_prep_value(value))

    def get_db_prep_value(self, value, connection, prepared=False):
        # Lookups pass prepared=True with the value already a Decimal of euros: cents either way.
        if not prepared:
            value = self.get_prep_value(value)
        return None if value is None else to_cents(self.to_python(value))

    def from_db_value(self, value, expression, connection):
        return None if value is None else from_cents(value)

    def formfield(self, form_class=None, choices_form_class=None, **kwargs):
        return super().formfield(
            form_class=form_class or forms.DecimalField,
            choices_form_class=choices_form_class,
            **{"max_digits": self.max_digits, "decimal_places": self.decimal_places, **kwargs},
        )


for _connector in (Combinable.ADD, Combinable.SUB):
    register_combinable_fields(MoneyField, _connector, MoneyField, MoneyField)


def money_value(amount: Decimal) -> Value:
    """An amount as an SQL value of cents, to combine with money columns."""
    return Value(amount, output_field=MoneyField())


class AlterFieldToCents(migrations.AlterField):
    """AlterField from a DecimalField of euros to a MoneyField, converting what is stored exactly:
    the database rounds each value times 100 (on SQLite a float within a rounding error of the
    whole cents, so ROUND gives them exactly). A table with a CHECK between two money columns
    converts the larger side first (budget before reserved), so every step keeps it true."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        self._convert(app_label, schema_editor, from_state, to_state, to_cents=True)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        self._convert(app_label, schema_editor, from_state, to_state, to_cents=False)

    def _convert(self, app_label, schema_editor, from_state, to_state, *, to_cents):
        from_model = from_state.apps.get_model(app_label, self.model_name)
        to_model = to_state.apps.get_model(app_label, self.model_name)
        if not self.allow_migrate_model(schema_editor.connection.alias, to_model):
            return
        old = from_model._meta.get_field(self.name)
        new = to_model._meta.get_field(self.name)
        qn = schema_editor.quote_name
        table, column = qn(to_model._meta.db_table), qn(new.column)
        if schema_editor.connection.vendor == "postgresql":
            if to_cents:
                using = f"round({column} * 100)::bigint"
            else:
                using = f"({column} / 100.0)::{new.db_type(schema_editor.connection)}"
            schema_editor.execute(
                f"ALTER TABLE {table} ALTER COLUMN {column} "
                f"TYPE {new.db_type(schema_editor.connection)} USING {using}"
            )
        elif to_cents:
            # NUMERIC affinity keeps ROUND's 1234.0 as the integer 1234; the column then
            # becomes an integer one (SQLite rebuilds the table).
            schema_editor.execute(f"UPDATE {table} SET {column} = ROUND({column} * 100)")  # noqa: S608
            schema_editor.alter_field(from_model, old, new)
        else:
            schema_editor.alter_field(from_model, old, new)
            schema_editor.execute(f"UPDATE {table} SET {column} = {column} / 100.0")  # noqa: S608

    def describe(self) -> str:
        return f"Convert {self.model_name}.{self.name} to whole cents"
