"""Bounds and error answers shared by the JSON API's routers (`equilibri/api.py`).

Every parameter is bounded where it enters, in the type the OpenAPI document shows: ids within
the range of the database's primary keys (BigAutoField), years and pages within sane ranges,
strings short and free of NUL (which PostgreSQL refuses). Out of bounds is a 422 naming the
parameter, never a 500 from the database; every status an operation can answer is documented.
"""

from typing import Annotated, Any, TypeVar

from django.db.models import Model, QuerySet
from ninja import Field, Schema
from ninja.pagination import PageNumberPagination
from ninja.params import functions as param

# The largest primary key (BigAutoField: signed 64-bit). Larger numbers overflow the database's
# integer (SQLite raises OverflowError, PostgreSQL "out of range").
MAX_ID = 2**63 - 1
MAX_PAGE = 10_000
MAX_PAGE_SIZE = 100
MAX_TEXT = 200
# Any character but NUL.
NO_NUL = r"^[^\x00]*$"

ModelT = TypeVar("ModelT", bound=Model)

# Filters are optional: give them `= None` in the view's signature.
Id = Annotated[int, param.Path(ge=1, le=MAX_ID)]
IdFilter = Annotated[int | None, param.Query(ge=1, le=MAX_ID)]
YearFilter = Annotated[int | None, param.Query(ge=1900, le=2100)]
TextFilter = Annotated[str | None, param.Query(max_length=MAX_TEXT, pattern=NO_NUL)]


def filter_given(qs: QuerySet[ModelT], **lookups: Any) -> QuerySet[ModelT]:
    """`qs` narrowed by each of the `lookups` whose filter was given: one left out of the query
    (None) or sent empty ("") narrows nothing."""
    given = {lookup: value for lookup, value in lookups.items() if value not in (None, "")}
    return qs.filter(**given) if given else qs


class Pages(PageNumberPagination):
    """Ninja's page-number pagination with an upper bound on `page` and `page_size` (ninja's own
    has none: a huge page number overflowed the database's OFFSET)."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1, le=MAX_PAGE_SIZE)


class ErrorOut(Schema):
    detail: str


class ValidationErrorOut(Schema):
    """Ninja's answer to a parameter out of bounds: one entry per problem, with its `loc`."""

    detail: list[dict[str, Any]]


# The answers besides 200: no or a bad token (401), bad parameters (422), and for one object by
# id, missing or outside the token's user's scope (404).
LIST_ERRORS: dict[int, Any] = {401: ErrorOut, 422: ValidationErrorOut}
DETAIL_ERRORS: dict[int, Any] = {**LIST_ERRORS, 404: ErrorOut}
