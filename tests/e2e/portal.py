"""A real portal process for end-to-end tests and screenshots: a fresh database (SQLite file, or
a new PostgreSQL database when DATABASE_URL points at PostgreSQL), migrated and loaded with the
demo content, served by Django's server on a free port of the loopback interface."""

import contextlib
import email
import email.message
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def _database(workdir: Path):
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        import psycopg

        base, _, _name = url.rpartition("/")
        name = f"patto_e2e_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        try:
            yield f"{base}/{name}"
        finally:
            with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        yield f"sqlite:///{workdir / 'e2e.sqlite3'}"


class Portal(str):
    """The portal's base URL (a ``str``), with ``manage(*args)`` to run a management command
    against the portal's own database and ``mails()`` to read the e-mails it has sent."""

    env: dict
    mail_dir: Path

    def mails(self, to: str | None = None) -> list[email.message.Message]:
        """The e-mails sent so far (by the portal or its worker), oldest first; only those to
        ``to`` when given. Django's file backend writes one file per connection, messages
        separated by a line of dashes."""
        messages = []
        for log in sorted(self.mail_dir.glob("*.log"), key=lambda p: p.stat().st_mtime):
            for chunk in log.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
                if chunk.strip():
                    messages.append(email.message_from_bytes(chunk.strip(b"\n")))
        if to is not None:
            messages = [m for m in messages if to in m["To"]]
        return messages

    def wait_for_mails(self, to: str, subject: str = "", *, count=1, timeout=60):
        """The e-mails to ``to`` whose subject holds ``subject`` (a regular expression), once
        there are ``count`` of them: the worker sends them from the outbox a moment after the
        page has answered."""
        import re
        import time
        from email.header import decode_header, make_header

        def matching():
            return [
                m
                for m in self.mails(to=to)
                if re.search(subject, str(make_header(decode_header(m["Subject"]))))
            ]

        deadline = time.monotonic() + timeout
        while len(found := matching()) < count:
            assert time.monotonic() < deadline, (
                f"{len(found)} e-mails «{subject}» to {to} after {timeout} s, {count} expected"
            )
            time.sleep(0.3)
        return found

    def manage(self, *args, timeout=300) -> str:
        result = subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if result.returncode:
            raise RuntimeError(f"manage.py {args[0]} failed:\n{result.stdout}\n{result.stderr}")
        return result.stdout


@contextlib.contextmanager
def _celery_worker(env: dict, workdir: Path):
    """With REDIS_URL set, a real Celery worker serves the portal's background tasks (on a Redis
    database of its own, so other test runs' queues do not mix with it)."""
    if not env.get("REDIS_URL"):
        yield
        return
    log = open(workdir / "worker.log", "w")  # noqa: SIM115 - closed below
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "patto",
            "worker",
            "--pool=solo",
            "--loglevel=info",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        yield
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()
        log.close()


# Each portal's queue and page cache in a Redis database of its own. The suite's process gw<k>
# uses REDIS_URL's database k, and what it starts the database k + 8 (tests/conftest.py): the
# first portal of a process takes that one; a second portal running at the same time (a journey
# that starts its own) takes one that no process of this run uses. Two portals on one database
# would take each other's tasks and serve each other's cached pages.
_portals_running: list[int] = []


@contextlib.contextmanager
def _redis_database(redis_url: str):
    """Yield the address of this portal's Redis database, emptied first and last."""
    import redis

    base, _, db = redis_url.rstrip("/").rpartition("/")
    own = int(db or 0)
    first = own - int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
    processes = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    used = {(first + i + shift) % 16 for i in range(processes) for shift in (0, 8)}
    spare = [n for n in range(16) if n not in used]
    candidates = [(own + 8) % 16, *spare]
    number = next(n for n in candidates if n not in _portals_running)
    _portals_running.append(number)
    client = redis.Redis.from_url(f"{base}/{number}")
    client.flushdb()  # no queue left by an earlier run
    try:
        yield f"{base}/{number}"
    finally:
        client.flushdb()
        _portals_running.remove(number)


@contextlib.contextmanager
def running_portal(workdir: Path, extra_env: dict | None = None):
    """Yield the base URL (a ``Portal``) of a portal serving the demo content."""
    with _database(workdir) as database_url, contextlib.ExitStack() as stack:
        env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE"}}
        env.update(
            DATABASE_URL=database_url,
            MEDIA_ROOT=str(workdir / "media"),
            EMAIL_URL=f"filemail:///{workdir / 'mail'}",  # absolute: four slashes
            PYTHONUNBUFFERED="1",
            **(extra_env or {}),
        )
        if env.get("REDIS_URL"):
            env["REDIS_URL"] = stack.enter_context(_redis_database(env["REDIS_URL"]))
            env["CELERY_TASK_ALWAYS_EAGER"] = "false"
        manage = [sys.executable, str(ROOT / "manage.py")]
        for args in (["migrate", "--noinput", "-v", "0"], ["load_demo"]):
            subprocess.run(manage + args, env=env, check=True, capture_output=True, timeout=600)
        port = _free_port()
        env["SITE_URL"] = f"http://127.0.0.1:{port}"  # the links in the e-mails
        stack.enter_context(_celery_worker(env, workdir))
        log = open(workdir / "server.log", "w")  # noqa: SIM115 - closed below
        server = subprocess.Popen(
            [*manage, "runserver", f"127.0.0.1:{port}", "--noreload"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        base_url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    urllib.request.urlopen(f"{base_url}/healthz", timeout=2)
                    break
                except OSError:
                    if server.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError(
                            "the portal did not start:\n" + (workdir / "server.log").read_text()
                        ) from None
                    time.sleep(0.3)
            portal = Portal(base_url)
            portal.env = env
            portal.mail_dir = workdir / "mail"
            yield portal
        finally:  # then the worker stops and the Redis database is let go (the stack)
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
            log.close()


# The demo's people (README, "Demo accounts") by the names of the roles in tests/people.py;
# their passwords are those of patto/demo/data/accounts.toml.
DEMO_PEOPLE = {
    "registered": "cittadino@demo.patto.localhost",
    "spokesperson": "portavoce.zona1@demo.patto.localhost",
    "staff": "redazione@demo.patto.localhost",
}


def log_in_as(page, base_url: str, role: str) -> None:
    """Sign the browser ``page`` in on the portal at ``base_url`` as the demo's person of
    ``role`` (one of ``DEMO_PEOPLE``: the spokesperson is zone 1's)."""
    from patto.demo.content import DEMO_ACCOUNTS

    email = DEMO_PEOPLE[role]
    password = next(a.password for a in DEMO_ACCOUNTS if a.email == email)
    log_in(page, base_url, email, password)


def log_in(page, base_url: str, email: str, password: str) -> None:
    """Sign ``page``'s browser in through the login form, as a person would."""
    page.goto(f"{base_url}/account/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.locator("form:has(input[name=login]) [type=submit]").click()
    assert "/account/login/" not in page.url, f"{email} could not log in"


def log_out(page) -> None:
    """Sign ``page``'s browser out (its cookies gone, as after closing a private window)."""
    page.context.clear_cookies()


def approve_in_queue(page, base_url: str, title: str) -> None:
    """As the redazione (already signed in), publish the contribution ``title`` from the
    moderation queue: its page, then *Approva*."""
    page.goto(f"{base_url}/redazione/moderazione/")
    page.locator("#pending-contributions").locator("..").get_by_role("link", name=title).click()
    page.wait_for_load_state()
    page.get_by_role("button", name=re.compile("^Approva")).click()
    page.wait_for_load_state()
