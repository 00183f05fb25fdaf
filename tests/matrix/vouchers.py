
ROWS: dict = {}
