"""PostgreSQL restarted while the portal serves (issue 8). The test runs a PostgreSQL cluster of
its own (``initdb`` in a temporary directory, on a free port, as the ``postgres`` user), so the
shared server never goes down under other tests, and serves the portal from it with gunicorn
(production-like: DEBUG off, persistent connections with ``CONN_MAX_AGE=60`` and
``CONN_HEALTH_CHECKS``). Readers and a writer keep sending requests while the cluster stops and
starts again: requests that meet the outage get the 500 page (no traceback), nothing is half
written, and the following requests succeed without restarting the portal."""

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

from tests.reliability.processes import free_port, stop, wait_until

PG_BIN = Path("/usr/lib/postgresql/15/bin")
ERROR_PAGE = "Errore del server"

SETUP = """
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.sessions.backends.db import SessionStore
from patto.models import REDAZIONE_GROUP
from tests.factories import PlanVersionFactory, ProgrammeFactory
programme = ProgrammeFactory(slug="piano", title="Piano di prova")
PlanVersionFactory(programme=programme, number=1)
user = get_user_model().objects.create_user("staff", "staff@example.org", "x" * 20)
user.groups.add(Group.objects.get_or_create(name=REDAZIONE_GROUP)[0])
session = SessionStore()
session["_auth_user_id"] = str(user.pk)
session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
session["_auth_user_hash"] = user.get_session_auth_hash()
session.create()
print(session.session_key)
"""

CHECK = """
from matrice.models import Policy
bad = []
policies = list(Policy.objects.all())
for p in policies:
    records = list(p.history.all())
    if len(records) != 1 or records[0].title != p.title or p.description != p.title.replace(
        "Titolo", "Descrizione"
    ):
        bad.append(p.code)
orphans = Policy.history.exclude(id__in=[p.pk for p in policies]).count()
print(len(policies), len(bad), orphans)
"""


def as_postgres(*args, **kwargs):
    return subprocess.run(["runuser", "-u", "postgres", "--", *args], check=True, **kwargs)


class Cluster:
    def __init__(self):
        self.dir = Path(tempfile.mkdtemp(prefix="patto-pg-"))
        shutil.chown(self.dir, "postgres", "postgres")
        self.data = self.dir / "data"
        self.port = free_port()
        as_postgres(
            str(PG_BIN / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres",
            capture_output=True,
        )  # fmt: skip

    def ctl(self, *args):
        as_postgres(
            str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.dir / "log"), "-w",
            "-o", f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1", *args,
            capture_output=True,
        )  # fmt: skip

    @property
    def url(self):
        return f"postgres://postgres@127.0.0.1:{self.port}/patto"

    def remove(self):
        with contextlib.suppress(subprocess.CalledProcessError):
            self.ctl("stop", "-m", "immediate")
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture
def cluster(postgres):
    if not (PG_BIN / "initdb").exists() or not shutil.which("runuser"):
        pytest.fail("PostgreSQL 15 server binaries and runuser are needed for this test")
    c = Cluster()
    c.ctl("start")
    as_postgres(str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(c.port), "patto")
    yield c
    c.remove()


def portal_env(cluster: Cluster, media: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "CI"}}
    env.update(
        DATABASE_URL=cluster.url,
        DEBUG="false",
        CONN_MAX_AGE="60",
        MEDIA_ROOT=str(media),
        PYTHONPATH=str(settings.BASE_DIR),
        DJANGO_SETTINGS_MODULE="patto.settings",
    )
    return env


def manage(env, *args):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    ).stdout


class Traffic:
    """Readers of public pages and one writer of new policies, as fast as they go."""

    def __init__(self, base: str, session_key: str):
        self.base, self.session_key = base, session_key
        self.results: list[tuple[str, int, str]] = []
        self.created: list[str] = []
        self.running = True
        self.lock = threading.Lock()

    def request(self, kind, path, data=None):
        cookie = f"sessionid={self.session_key}; csrftoken={'c' * 32}"
        body = urllib.parse.urlencode(data).encode() if data else None
        request = urllib.request.Request(
            self.base + path,
            data=body,
            headers={"Cookie": cookie, "X-CSRFToken": "c" * 32, "Referer": self.base + "/"},
        )
        opener = urllib.request.build_opener(NoRedirect)
        try:
            with opener.open(request, timeout=20) as response:
                status, text = response.status, response.read().decode()
        except urllib.error.HTTPError as exc:
            status, text = exc.code, exc.read().decode(errors="replace")
        with self.lock:
            self.results.append((kind, status, text))
        return status

    def read(self):
        while self.running:
            self.request("read", "/")
            self.request("read", "/programmi/piano/")

    def write(self):
        n = 0
        while self.running:
            n += 1
            data = {"code": f"P{n}", "title": f"Titolo {n}", "description": f"Descrizione {n}"}
            if self.request("write", "/redazione/programmi/piano/bozza/politiche/nuova/", data) in (
                302,
            ):
                self.created.append(f"P{n}")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_a_postgresql_restart_fails_requests_cleanly_and_the_portal_recovers(cluster, tmp_path):
    env = portal_env(cluster, tmp_path / "media")
    manage(env, "migrate", "--noinput", "-v", "0")
    session_key = manage(env, "shell", "-v", "0", "-c", SETUP).strip().splitlines()[-1]
    port = free_port()
    log = open(tmp_path / "gunicorn.log", "wb")  # noqa: SIM115 - closed below
    gunicorn = subprocess.Popen(
        [
            *(sys.executable, "-m", "gunicorn", "patto.wsgi:application"),
            *("--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "4"),
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    traffic = Traffic(base, session_key)
    try:
        wait_until(lambda: _answers(base), timeout=60, message="gunicorn did not start")
        assert traffic.request("write", "/redazione/programmi/piano/bozza/politiche/nuova/", {
            "code": "P0", "title": "Titolo 0", "description": "Descrizione 0"}) == 302  # fmt: skip
        threads = [threading.Thread(target=traffic.read) for _ in range(2)]
        threads.append(threading.Thread(target=traffic.write))
        for t in threads:
            t.start()
        time.sleep(2)
        cluster.ctl("stop", "-m", "fast")  # connections in use are cut
        time.sleep(2)
        cluster.ctl("start")
        outage_end = len(traffic.results)
        time.sleep(3)
        traffic.running = False
        for t in threads:
            t.join(timeout=30)
        after = [traffic.request("read", "/") for _ in range(5)]
        after.append(traffic.request("write", "/redazione/programmi/piano/bozza/politiche/nuova/", {
            "code": "Z1", "title": "Titolo Z1", "description": "Descrizione Z1"}))  # fmt: skip
    finally:
        traffic.running = False
        stop(gunicorn)
        log.close()

    statuses = [status for _kind, status, _text in traffic.results]
    failed = [(kind, status, text) for kind, status, text in traffic.results if status >= 500]
    assert failed, "no request met the outage"
    for _kind, status, text in failed:
        assert status == 500, status
        assert ERROR_PAGE in text and "Traceback" not in text
    assert set(statuses) <= {200, 302, 500}
    # served again by the same gunicorn, without a restart
    assert after == [200] * 5 + [302]
    assert all(s in (200, 302) for _k, s, _t in traffic.results[outage_end + 40 :])
    # nothing half written: each policy with its history record and its own description
    count, bad, orphans = map(int, manage(env, "shell", "-v", "0", "-c", CHECK).split())
    assert bad == 0 and orphans == 0
    assert count >= len(traffic.created) + 2  # P0 and Z1, and every write answered 302
    assert gunicorn.returncode is not None
    assert "Booting worker" in (tmp_path / "gunicorn.log").read_text()
    assert (tmp_path / "gunicorn.log").read_text().count("Booting worker") == 1


def _answers(base):
    try:
        urllib.request.urlopen(base + "/healthz", timeout=2)
        return True
    except (OSError, urllib.error.URLError):
        return False
