"""Demo plans, projects and actions from the seeds (see the plans capability)."""


def load() -> None:
    pass
