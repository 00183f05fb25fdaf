"""What the schemathesis runs over our two APIs share: every check schemathesis has (the CLI's
`--checks all`), bounded and reproducible examples, and the WSGI app called in-process."""

import pytest
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import CHECKS, load_all_checks

load_all_checks()
# Every built-in check, stateless and stateful alike (those that need a stateful run skip).
ALL_CHECKS = list(CHECKS.get_all())

# Enough examples per operation to meet the coverage phase's edge values and a sample of random
# ones in about a minute per API; derandomized (same examples every run, nothing to replay) and
# with no example database written into the tree.
SETTINGS = settings(
    max_examples=100,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture
def keep_connection():
    """Like Django's test client: the WSGI app must not close the test's database connection
    at the end of each request (PostgreSQL would lose the test transaction)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)
