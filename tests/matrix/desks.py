from .helpers import public

ROWS: dict = {}
ROWS[("desks:nearest", None)] = public()
