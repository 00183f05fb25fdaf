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
from django.utils import numberformat
from django.utils.formats import get_format
from django.utils.functional import cached_property
from django.utils.translation import get_language
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


# --- Showing figures ----------------------------------------------------------------------------
# One way to print an amount, a percentage or a number, in the active language: Decimal (or int,
# float, numeric string) in, the language's separators out, grouping always on. Templates use the
# filters of `{% load figures %}` (`|money`, `|percent`, `|number`); Python code (e-mails built
# in code, exports meant to be read) calls these functions. Never `str(Decimal)`: a normalized
# Decimal prints as "7E+1".

MISSING = "—"


def _decimal(value) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return None
    return number if number.is_finite() else None


def _grouped(number: Decimal, places: int | None) -> str:
    """`number` with the active language's separators; `places` decimals, or (None) up to two
    with trailing zeros dropped."""
    if places is None:
        number = number.quantize(CENT, rounding=ROUND_HALF_UP)
        places = 0 if number == number.to_integral_value() else 2
        if places and number.scaleb(1) == number.scaleb(1).to_integral_value():
            places = 1
    number = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if number == 0:
        number = abs(number)  # no "-0,00"
    return numberformat.format(
        number,
        get_format("DECIMAL_SEPARATOR"),
        decimal_pos=places,
        grouping=get_format("NUMBER_GROUPING"),
        thousand_sep=get_format("THOUSAND_SEPARATOR"),
        force_grouping=True,
    )


def format_money(value, places: int = 2) -> str:
    """€ 4.000.000,00 in Italian, €4,000,000.00 in English; "—" for nothing."""
    number = _decimal(value)
    if number is None:
        return MISSING if value is None or value == "" else str(value)
    digits = _grouped(abs(number), places)
    sign = "-" if number < 0 and digits.strip("0,.") else ""
    symbol = "€" if (get_language() or "it").startswith("en") else "€ "
    return f"{sign}{symbol}{digits}"


def format_number(value, places: int | None = None) -> str:
    """4.000.000 / 50,5 in Italian, 4,000,000 / 50.5 in English: `places` decimals, or up to
    two with no trailing zeros; "—" for nothing."""
    number = _decimal(value)
    if number is None:
        return MISSING if value is None or value == "" else str(value)
    return _grouped(number, places)


def format_percent(value, places: int | None = None) -> str:
    """70% / 50,5% (50.5% in English): a number of percent, not a fraction; "—" for nothing."""
    text = format_number(value, places)
    return text if text == MISSING or _decimal(value) is None else f"{text}%"
