"""Two app servers on one PostgreSQL and one Redis, as in docs/deployment.md: what one server
changes or counts, the other sees at once.

The test starts a throwaway `redis-server` (no persistence, in a temporary folder) and two
gunicorn servers on loopback ports, each with its own VAR_DIR (so nothing is shared through local
files), the same DATABASE_URL (a new database on the PostgreSQL that scripts/with-postgres.sh
provides) and the same CACHE_URL. Everything it starts is stopped at the end, whatever happens.

It needs PostgreSQL (several servers never share a SQLite file), so the SQLite pass skips it.
"""

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
import redis
import requests
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

from equilibri.core.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET

DATABASE_URL = os.environ.get("DATABASE_URL", "")
PROJECT_DIR = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))
SETTINGS = "tests.topology.server_settings"
HTTP_TIMEOUT = 30  # seconds: no request may hang the run
LOCKED_LOGIN = "Accesso temporaneamente bloccato"
LOCKED_CODE = "Troppi codici errati"

pytestmark = [
    pytest.mark.topology,
    pytest.mark.skipif(
        not DATABASE_URL.startswith(("postgres://", "postgresql://")),
        reason="two app servers need a shared PostgreSQL (scripts/with-postgres.sh)",
    ),
]

# The limits the servers run with: small, so the test reaches them in a few requests.
AXES_FAILURE_LIMIT = 4
MFA_FAILURE_LIMIT = 3
MISTAKE_REPORTS_PER_IP = 3


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


@dataclass
class Cluster:
    a: str  # base URL of app server A
    b: str  # base URL of app server B
    database_url: str
    data: dict

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        with psycopg.connect(self.database_url, autocommit=True) as conn:
            return conn.execute(sql, params).fetchall()  # type: ignore[arg-type]


def stop(process: subprocess.Popen) -> None:
    """Stops a process this test started, with its children (gunicorn's workers)."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def wait_until(check, what: str, log: Path | None = None, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except (OSError, requests.RequestException, redis.RedisError):
            pass
        time.sleep(0.2)
    tail = log.read_text(errors="replace")[-3000:] if log and log.exists() else ""
    pytest.fail(f"{what} did not start within {timeout} s\n{tail}")


@contextlib.contextmanager
def start_cluster() -> Iterator[Cluster]:
    if shutil.which("redis-server") is None:
        pytest.fail("redis-server is missing: run scripts/system-deps.sh (make test does)")
    tmp = Path(tempfile.mkdtemp(prefix="equilibri-topology-"))
    processes: list[subprocess.Popen] = []
    name = f"equilibri_topology_{uuid.uuid4().hex[:12]}"
    database_url = with_database(DATABASE_URL, name)
    with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')  # type: ignore[arg-type]
    try:
        redis_port = free_port()
        redis_log = tmp / "redis.log"
        processes.append(
            subprocess.Popen(
                [
                    *("redis-server", "--bind", "127.0.0.1", "--port", str(redis_port)),
                    *("--save", "", "--appendonly", "no", "--dir", str(tmp)),
                ],
                stdout=redis_log.open("wb"),
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )
        cache_url = f"redis://127.0.0.1:{redis_port}/0"
        wait_until(lambda: redis.Redis.from_url(cache_url).ping(), "redis-server", redis_log)

        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": SETTINGS,
            "DATABASE_URL": database_url,
            "CACHE_URL": cache_url,
            # Both servers sign sessions and links with the same key, as production must.
            "SECRET_KEY": "topology-test-" + uuid.uuid4().hex,
            "EMAIL_URL": "console:",
            "AXES_FAILURE_LIMIT": str(AXES_FAILURE_LIMIT),
            "MFA_FAILURE_LIMIT": str(MFA_FAILURE_LIMIT),
            "RATE_LIMIT_MISTAKE_REPORT": f"{MISTAKE_REPORTS_PER_IP}/h/ip",
            # Every racing booking comes from 127.0.0.1: only the seat may decide the race.
            "DESK_PENDING_PER_IP": "100",
            "PYTHONPATH": str(PROJECT_DIR),
        }
        prepare_log = tmp / "prepare.log"
        prepared = subprocess.run(
            [PYTHON, "-m", "tests.topology.prepare"],
            env={**env, "DEMO": "1", "VAR_DIR": str(tmp / "prepare")},
            cwd=PROJECT_DIR,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        prepare_log.write_text(prepared.stdout + prepared.stderr)
        assert prepared.returncode == 0, prepared.stderr[-3000:]
        data = json.loads(prepared.stdout.strip().splitlines()[-1])

        bases = []
        for server in ("a", "b"):
            port = free_port()
            log = tmp / f"server-{server}.log"
            processes.append(
                subprocess.Popen(
                    [
                        *(GUNICORN, "equilibri.wsgi", "--bind", f"127.0.0.1:{port}"),
                        *("--workers", "2", "--worker-class", "gthread", "--threads", "4"),
                        *("--timeout", "60", "--graceful-timeout", "2", "--log-level", "warning"),
                    ],
                    env={**env, "VAR_DIR": str(tmp / f"var-{server}")},
                    cwd=PROJECT_DIR,
                    stdout=log.open("wb"),
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )
            base = f"http://127.0.0.1:{port}"
            wait_until(
                lambda base=base: requests.get(f"{base}/healthz", timeout=5).status_code == 200,
                f"app server {server.upper()}",
                log,
            )
            bases.append(base)
        yield Cluster(a=bases[0], b=bases[1], database_url=database_url, data=data)
    finally:
        for process in reversed(processes):
            stop(process)
        with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # type: ignore[arg-type]
        shutil.rmtree(tmp, ignore_errors=True)


def csrf(session: requests.Session, base: str, path: str = "/account/login/") -> str:
    """The CSRF token a form on `path` would carry (Django accepts the cookie's secret)."""
    response = session.get(base + path, timeout=HTTP_TIMEOUT)
    assert response.status_code == 200, path
    return session.cookies["csrftoken"]


def post(session: requests.Session, base: str, path: str, data: dict, *, token_from: str = ""):
    token = csrf(session, base, token_from or path)
    return session.post(
        base + path,
        data={**data, "csrfmiddlewaretoken": token},
        allow_redirects=False,
        timeout=HTTP_TIMEOUT,
    )


def email_of(local_part: str) -> str:
    return f"{local_part}@demo.equilibri.it"


def right_code() -> str:
    # The code must still be current when the server checks it: not in a window's last seconds.
    left = 30 - time.time() % 30
    if left < 5:
        time.sleep(left + 0.1)
    return format_hotp_value(hotp_value(DEMO_TOTP_SECRET, int(time.time()) // 30))


def wrong_code() -> str:
    return format_hotp_value((int(right_code()) + 1) % 1_000_000)


def past_the_password(base: str, persona: str) -> requests.Session:
    session = requests.Session()
    response = post(
        session, base, "/account/login/", {"login": email_of(persona), "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302, response.text[-2000:]
    assert response.headers["Location"] == "/account/2fa/authenticate/"
    return session


def enter_code(session: requests.Session, base: str, code: str) -> requests.Response:
    return post(session, base, "/account/2fa/authenticate/", {"code": code})


def catalogue_change_through_one_is_served_by_the_other(cluster: Cluster) -> None:
    service = cluster.data["hidden"]
    search = f"/servizi/?q={service['name']}"
    link = f"/servizi/{service['uuid']}/"

    def anonymous_search(base: str) -> requests.Response:
        # One public host name for both, as the proxy passes it (the cache key holds the host).
        response = requests.get(base + search, headers={"Host": "127.0.0.1"}, timeout=HTTP_TIMEOUT)
        assert response.status_code == 200
        return response

    assert link in anonymous_search(cluster.b).text
    # The answer is in the shared page cache: the other server serves it from there too.
    again = anonymous_search(cluster.a)
    assert again.headers["X-Cache"] == "HIT"
    assert link in again.text

    # The ATS operator takes the service off the catalogue through server A...
    operator = past_the_password(cluster.a, "operatore.insubria")
    assert enter_code(operator, cluster.a, right_code()).status_code == 302
    moderate = f"/area-riservata/servizi/{service['pk']}/modera/"
    response = post(
        operator, cluster.a, moderate, {"decision": "hide", "note": "Servizio sospeso."}
    )
    assert response.status_code == 302, response.text[-2000:]

    # ...and server B stops showing it at once: the page cache key holds the catalogue version.
    after = anonymous_search(cluster.b)
    assert after.headers["X-Cache"] == "MISS"
    assert link not in after.text
    assert requests.get(cluster.b + link, timeout=HTTP_TIMEOUT).status_code == 404


def login_lockout_is_shared(cluster: Cluster) -> None:
    login = {"login": email_of("cittadina"), "password": "sbagliata"}
    # Axes counts in the database: failures on A and on B add up.
    for i in range(AXES_FAILURE_LIMIT - 1):
        base = cluster.a if i % 2 == 0 else cluster.b
        response = post(requests.Session(), base, "/account/login/", login)
        assert response.status_code == 200, response.text[-3000:]
        assert LOCKED_LOGIN not in response.text
    # The failure that reaches the limit locks the login...
    response = post(requests.Session(), cluster.b, "/account/login/", login)
    assert response.status_code == 429
    assert LOCKED_LOGIN in response.text
    # ...on both servers, even for the right password.
    response = post(
        requests.Session(), cluster.a, "/account/login/", {**login, "password": DEMO_PASSWORD}
    )
    assert response.status_code == 429
    assert LOCKED_LOGIN in response.text


def second_factor_count_is_shared(cluster: Cluster) -> None:
    # The second factor's count lives in the default cache, Redis: codes tried on A and on B add up.
    on_a = past_the_password(cluster.a, "operatore.milano")
    for _ in range(MFA_FAILURE_LIMIT - 1):
        response = enter_code(on_a, cluster.a, wrong_code())
        assert response.status_code == 200 and LOCKED_CODE not in response.text
    on_b = past_the_password(cluster.b, "operatore.milano")
    response = enter_code(on_b, cluster.b, wrong_code())
    assert response.status_code == 200 and LOCKED_CODE not in response.text
    # The limit is reached across the two servers: the right code is refused on either.
    for session, base in ((on_b, cluster.b), (on_a, cluster.a)):
        response = enter_code(session, base, right_code())
        assert response.status_code == 200
        assert LOCKED_CODE in response.text
        home = session.get(base + "/area-riservata/", allow_redirects=False, timeout=HTTP_TIMEOUT)
        assert home.status_code == 302  # to the login: not signed in


def rate_limit_is_shared(cluster: Cluster) -> None:
    service = cluster.data["reported"]
    page = f"/servizi/{service['uuid']}/"
    report = {"message": "Il numero di telefono è cambiato.", "email": ""}
    count = (
        "SELECT count(*) FROM services_mistakereport r JOIN services_service s "
        "ON s.id = r.service_id WHERE s.uuid = %s"
    )
    # The demo data may hold reports of its own on this service: count what the posts add.
    [(before,)] = cluster.query(count, (service["uuid"],))
    for i in range(MISTAKE_REPORTS_PER_IP):
        base = cluster.a if i % 2 == 0 else cluster.b
        response = post(requests.Session(), base, page + "segnala-errore/", report, token_from=page)
        assert response.status_code == 302, response.text[-2000:]
    for base in (cluster.a, cluster.b):
        response = post(requests.Session(), base, page + "segnala-errore/", report, token_from=page)
        assert response.status_code == 429
        assert "Retry-After" in response.headers
    assert cluster.query(count, (service["uuid"],)) == [(before + MISTAKE_REPORTS_PER_IP,)]


def race_for_the_last_seat_has_one_winner(
    cluster: Cluster,
) -> None:
    slot, desk = cluster.data["slot"], cluster.data["desk"]
    path = f"/sportelli/{desk}/prenota/"
    racers = 6
    barrier = threading.Barrier(racers, timeout=HTTP_TIMEOUT)
    results: list[requests.Response | BaseException] = [None] * racers  # type: ignore[list-item]

    def book(i: int) -> None:
        base = cluster.a if i % 2 == 0 else cluster.b
        session = requests.Session()
        try:
            token = csrf(session, base, f"{path}?slot={slot}")
            form = {
                "slot": slot,
                "name": f"Persona {i}",
                "email": f"gara{i}@equilibri-prova.it",
                "phone": "",
                "need": "",
                "topic": "Congedo parentale",
                "privacy": "on",
                "csrfmiddlewaretoken": token,
            }
            barrier.wait()
            results[i] = session.post(
                base + path, data=form, allow_redirects=False, timeout=HTTP_TIMEOUT
            )
        except BaseException as error:  # reported below, with the others' answers
            results[i] = error

    threads = [threading.Thread(target=book, args=(i,)) for i in range(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=2 * HTTP_TIMEOUT)
    answers = [r if isinstance(r, BaseException) else r.status_code for r in results]
    assert all(isinstance(r, requests.Response) for r in results), answers
    won = [r for r in results if isinstance(r, requests.Response) and r.status_code == 302]
    lost = [r for r in results if isinstance(r, requests.Response) and r.status_code != 302]
    assert len(won) == 1, answers
    # The others get the form again with a clear message, never an error page.
    for response in lost:
        assert response.status_code == 200, answers
        assert "non è più disponibile" in response.text or "appena stato occupato" in response.text
    assert cluster.query("SELECT booked = capacity FROM desks_slot WHERE id = %s", (slot,)) == [
        (True,)
    ]
    assert cluster.query(
        "SELECT count(*) FROM desks_appointment WHERE slot_id = %s AND email LIKE 'gara%%'",
        (slot,),
    ) == [(1,)]


def test_two_app_servers_share_what_they_must():
    """One test, so that the servers start once even when xdist spreads tests over workers
    (its --dist loadgroup does not group them with this pytest)."""
    with start_cluster() as cluster:
        catalogue_change_through_one_is_served_by_the_other(cluster)
        login_lockout_is_shared(cluster)
        second_factor_count_is_shared(cluster)
        rate_limit_is_shared(cluster)
        race_for_the_last_seat_has_one_winner(cluster)
