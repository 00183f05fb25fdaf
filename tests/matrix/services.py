from .helpers import public

ROWS: dict = {}
ROWS[("services:search", None)] = public()
