"""The role matrix's POST pass: every URL that takes a POST, every persona, objects out of scope.

A POST that reaches a view without the scope check would change something while a GET still
answers 404 or 405, so each URL of tests/matrix/posts.py is POSTed by every persona with objects
of another ATS (organisation, desk, alliance, citizen): the expected status, and nothing changed
(the row count of every table, the latest audit log entries, work queued on commit, e-mail).
Each POST runs in a savepoint rolled back afterwards, one test per persona to keep it fast.

A URL with no POST row must not take a POST: `test_every_post_url_is_in_the_post_pass` POSTs
to it (as a persona its GET row lets in) and expects the GET's answer, the form data unread and
nothing changed; otherwise it asks for a row.
"""

from collections.abc import Callable

import pytest
from django.apps import apps
from django.core import mail
from django.core.handlers.wsgi import WSGIRequest
from django.db import connection, transaction
from django.urls import reverse

from .conftest import PERSONAS
from .matrix import all_rows
from .matrix.helpers import ALL, ANON
from .matrix.posts import ACTS_BY_DESIGN
from .matrix.posts import DATA as POST_DATA
from .matrix.posts import ROWS as POSTS
from .test_role_matrix import _project_url_names

MATRIX = all_rows()
# Sessions are the client's state, not the platform's: an anonymous POST that shows a message
# may start one. The audit log is compared without its reads of personal data (a page that shows
# them logs who read them, a POST answered like a GET too).
NOT_COMPARED = {"django_session", "auditlog_logentry"}


def _count_statement() -> str:
    tables = sorted(
        {
            model._meta.db_table
            for model in apps.get_models(include_auto_created=True)
            if model._meta.managed and not model._meta.proxy
        }
        - NOT_COMPARED
    )
    quote = connection.ops.quote_name
    # One statement for every table; the names are the models' own tables, quoted.
    return " UNION ALL ".join(
        f"SELECT '{table}', COUNT(*) FROM {quote(table)}"  # noqa: S608
        for table in tables
    )


def _state(statement: str) -> dict:
    from auditlog.models import LogEntry

    with connection.cursor() as cursor:
        cursor.execute(statement)
        counts = dict(cursor.fetchall())
    entries = LogEntry.objects.exclude(action=LogEntry.Action.ACCESS)
    return {
        "rows": counts,
        "audit": (entries.count(), list(entries.order_by("-pk").values_list("pk", "action")[:3])),
        "on_commit": len(connection.run_on_commit),
        "mail": len(mail.outbox),
    }


def _changes(before: dict, after: dict) -> str:
    changed = [t for t, n in after["rows"].items() if before["rows"].get(t) != n]
    parts = [f"rows of {changed}"] if changed else []
    parts += [key for key in ("audit", "on_commit", "mail") if before[key] != after[key]]
    return ", ".join(parts)


def _post(client, name: str, args: Callable | None, statement: str) -> tuple[int, str, str]:
    """POST in a savepoint rolled back afterwards: (status, Location, what changed)."""
    with transaction.atomic():
        url = reverse(name, args=[args()] if args else None)
        data = POST_DATA[(name, args)]() if (name, args) in POST_DATA else {}
        before = _state(statement)
        response = client.post(url, data)
        after = _state(statement)
        transaction.set_rollback(True)
    return response.status_code, response.get("Location", ""), _changes(before, after)


POST_CASES = [pytest.param(persona, id=persona) for persona in ALL]


@pytest.mark.django_db
@pytest.mark.parametrize("persona", POST_CASES)
def test_post_out_of_scope(login, persona):
    client = login(None if persona == ANON else PERSONAS[persona])
    statement = _count_statement()
    failures = []
    for (name, args), expected in POSTS.items():
        url_name = f"{name}{'-' + args.__name__ if args else ''}"
        try:
            status, location, changed = _post(client, name, args, statement)
        except Exception as error:  # a 500: the test client re-raises the view's exception
            failures.append(f"{url_name}: raised {error!r}")
            continue
        if status != expected[persona]:
            failures.append(f"{url_name}: {status}, expected {expected[persona]}")
        if status == 302 and persona == ANON and "login/" not in location:
            failures.append(f"{url_name}: redirected to {location}, expected the login")
        # The superuser's scope is everything: no object is out of it.
        if changed and persona != "superuser" and (name, args) not in ACTS_BY_DESIGN:
            failures.append(f"{url_name}: changed {changed}")
    assert not failures, f"{persona} POST:\n" + "\n".join(failures)


def test_post_rows_cover_every_persona():
    for expected in POSTS.values():
        assert set(expected) == set(ALL)


class _FormReads:
    """Records whether a request's form data (POST or FILES) was read."""

    def __init__(self, monkeypatch):
        self.read = False
        load = WSGIRequest._load_post_and_files

        def recording(request):
            self.read = True
            return load(request)

        monkeypatch.setattr(WSGIRequest, "_load_post_and_files", recording)


def _admitted(expected: dict[str, int]) -> str | None:
    """A persona the GET row lets in (the superuser first), if any."""
    for persona in ("superuser", *PERSONAS):
        if expected.get(persona) == 200:
            return persona
    return None


@pytest.mark.django_db
def test_every_post_url_is_in_the_post_pass(login, monkeypatch):
    reads = _FormReads(monkeypatch)
    statement = _count_statement()
    in_post_pass = {name for name, _args in POSTS}
    unlisted = []
    for url_name in sorted(_project_url_names() - in_post_pass):
        rows = [(args, exp) for (name, args), exp in MATRIX.items() if name == url_name]
        checked = False
        for args, expected in rows:
            persona = _admitted(expected)
            if persona is None:
                continue
            reads.read = False
            client = login(PERSONAS[persona])
            status, _location, changed = _post(client, url_name, args, statement)
            if status == 405:
                checked = True  # refuses POST
                break
            checked = status == expected[persona] and not reads.read and not changed
            if not checked:
                break
        if not checked:
            unlisted.append(url_name)
    assert not unlisted, f"add these URLs to the POST pass (tests/matrix/posts.py): {unlisted}"
