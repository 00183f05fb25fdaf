"""Demo committees, meetings, evaluations and monitoring reports."""


def load() -> None:
    pass
