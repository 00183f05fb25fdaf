"""docs/architecture.md against the code: its state tables name real states and real services,
reach every state of every stateful model, and agree with the code's own table where there is
one (plans.services.TRANSITIONS). A new state, a renamed service or a new model with a state
field fails here until the document says so."""

import importlib
import re
from pathlib import Path

import pytest
from django.apps import apps

from equilibri.plans import services as plan_services

DOC = Path(__file__).resolve().parents[2] / "docs" / "architecture.md"
CREATED = "—"
SECTION = re.compile(r"^### `(?P<app>\w+)\.(?P<model>\w+)\.(?P<field>\w+)`$")
CODE = re.compile(r"`([^`]+)`")
# Fields whose values are a life cycle: each needs a transition table. Other choice fields about
# state (check_state, HSDS status) are verdicts, listed in their own table.
LIFECYCLE_FIELDS = {"state", "review_state"}
VERDICT_FIELDS = {"check_state", "status"}


def _rows(lines: list[str]) -> list[list[str]]:
    """The body rows of the first table in `lines`, each as its cells."""
    rows, started = [], False
    for line in lines:
        if line.startswith("|"):
            started = True
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            if not set("".join(cells)) <= set("-: "):
                rows.append(cells)
        elif started:
            break
    return rows[1:]  # without the header


def _sections() -> dict[str, list[str]]:
    sections: dict[str, list[str]] = {}
    current = None
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            current = line
            sections[current] = []
        elif current:
            sections[current].append(line)
    return sections


def _transition_tables() -> dict[tuple[str, str, str], list[tuple[set, set, list]]]:
    tables = {}
    for heading, lines in _sections().items():
        match = SECTION.match(heading)
        if not match:
            continue
        key = (match["app"], match["model"], match["field"])
        tables[key] = [
            (set(CODE.findall(origin)), set(CODE.findall(target)), CODE.findall(service))
            for origin, target, service in _rows(lines)
        ]
    return tables


def _choices(app: str, model: str, field: str) -> set[str]:
    choices = apps.get_model(app, model)._meta.get_field(field).choices
    assert choices, f"{app}.{model}.{field} has no choices"
    return {str(value) for value, _label in choices}


def _resolve(dotted: str):
    module, name = dotted.rsplit(".", 1)
    return getattr(importlib.import_module(f"equilibri.{module}"), name)


def _state_fields(names: set[str]) -> set[tuple[str, str, str]]:
    found = set()
    for model in apps.get_models():
        if not model.__module__.startswith("equilibri."):
            continue
        if model.__name__.endswith("Event"):
            continue  # histories: they record a state, they do not have one
        for field in model._meta.concrete_fields:
            if field.name in names and field.choices:
                found.add((model._meta.app_label, model.__name__, field.name))
    return found


TABLES = _transition_tables()


def test_every_stateful_model_has_a_table():
    assert TABLES
    assert _state_fields(LIFECYCLE_FIELDS) == set(TABLES)


@pytest.mark.parametrize("key", sorted(TABLES), ids=".".join)
def test_table_matches_the_models_states_and_services(key):
    states = _choices(*key)
    rows = TABLES[key]
    assert rows, key
    reached = set()
    for origin, target, services in rows:
        assert origin, key
        assert target and services, key
        assert origin <= states | {CREATED}, (key, origin - states)
        assert target <= states, (key, target - states)
        reached |= target
        for dotted in services:
            assert callable(_resolve(dotted)), dotted
    assert any(CREATED in origin for origin, _target, _services in rows), f"{key}: no creation"
    # Every state can be reached: a state no service enters is missing from the table.
    assert reached == states, (key, states - reached)


def test_project_table_is_the_codes_table():
    documented = {
        (state_from, state_to)
        for origin, target, _services in TABLES[("plans", "Project", "state")]
        if CREATED not in origin
        for state_from in origin
        for state_to in target
    }
    assert documented == {
        (str(previous), str(target)) for target, previous in plan_services.TRANSITIONS.items()
    }


def test_verdicts_table():
    heading = next(h for h in _sections() if h == "### Verdicts and statuses")
    rows = _rows(_sections()[heading])
    documented = {}
    for field, values, setters in rows:
        (dotted,) = CODE.findall(field)
        app, model, name = dotted.split(".")
        documented[(app, model, name)] = set(CODE.findall(values))
        services = [s for s in CODE.findall(setters) if "." in s and " " not in s]
        assert services, field
        for service in services:
            assert callable(_resolve(service)), service
    assert set(documented) == _state_fields(VERDICT_FIELDS)
    for key, values in documented.items():
        assert values == _choices(*key), key
