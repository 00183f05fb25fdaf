"""Concurrent allocations never draw more than a plan's grants: every change to a plan's grants
or to its projects' regional grants locks the plan's row first. Each thread has its own
database connection; run on SQLite and on PostgreSQL."""

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import OperationalError, close_old_connections, connection

from equilibri.network.models import Alliance, Organisation
from equilibri.plans import selectors, services
from equilibri.plans.models import Project

from .helpers import insubria_plan


def _in_parallel(calls) -> tuple[list, list[ValidationError], list[BaseException]]:
    """Runs each callable in its own thread, all released at once; returns what they returned,
    the refusals and any other error."""
    barrier = threading.Barrier(len(calls))
    done: list = []
    refused: list[ValidationError] = []
    errors: list[BaseException] = []

    def run(call) -> None:
        try:
            barrier.wait(timeout=30)
            for _attempt in range(200):
                try:
                    done.append(call())
                    break
                except OperationalError as error:
                    # The in-memory SQLite test database answers "table is locked" at once
                    # instead of waiting out the busy timeout: the transaction rolled back whole,
                    # so try again like a waiting writer (see tests/vouchers/test_race.py).
                    if connection.vendor != "sqlite" or "locked" not in str(error):
                        raise
                    time.sleep(0.01)
            else:
                raise AssertionError("never got the database")
        except ValidationError as error:
            refused.append(error)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    close_old_connections()
    return done, refused, errors


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_allocations_never_exceed_the_plan_grants(user_of):
    plan = insubria_plan()
    operator = user_of("operatore.insubria")
    alliance = Alliance.objects.get(name="Alleanza della Valcuvia")
    lead = Organisation.objects.get(name="Comune di Cuveglio")
    remaining = selectors.plan_money(plan).remaining
    assert remaining > 0

    # Two new projects, each for all that is left: one gets it, the other is told what is left.
    def create(title: str):
        return lambda: services.project_create(
            plan=plan,
            by=operator,
            kind=Project.Kind.ALLIANCE,
            title=title,
            alliance=alliance,
            lead=lead,
            regional_grant=remaining,
            cofinancing=remaining,
        )

    done, refused, errors = _in_parallel([create("Primo"), create("Secondo")])
    assert not errors, errors
    assert len(done) == 1 and len(refused) == 1
    assert refused[0].error_dict["regional_grant"][0].code == "plan_budget"
    assert selectors.plan_money(plan).remaining == 0

    # A grant cut and a project's growth at the same moment: each alone fits, together they
    # would not; whichever comes second is refused.
    winner = done[0]
    services.project_update(
        project=winner, version=winner.version, by=operator, regional_grant=remaining - 100
    )
    grant = plan.grants.get(year=2023)
    winner.refresh_from_db()

    def cut():
        return services.plan_grant_set(plan=plan, year=2023, amount=grant.amount - 100, by=operator)

    def grow():
        return services.project_update(
            project=winner, version=winner.version, by=operator, regional_grant=remaining
        )

    done, refused, errors = _in_parallel([cut, grow])
    assert not errors, errors
    assert len(done) == 1 and len(refused) == 1
    money = selectors.plan_money(plan)
    assert money.remaining >= 0
    assert money.remaining == 0  # the one that went through took the last €100
