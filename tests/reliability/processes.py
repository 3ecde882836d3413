"""Real processes for the fault tests: a private Redis on a free port (stopped and started by
the test, so the shared one never goes down under other tests), a Celery worker and Celery beat
against the test database, and a private PostgreSQL cluster."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import redis
from django.conf import settings

from patto.celery import app as celery_app
from tests.pdf.test_worker import Worker, _drop_broker_connections, database_url


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(predicate, *, timeout: float, message: str, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    pytest.fail(message)


@dataclass
class PrivateRedis:
    """A redis-server of the test's own, without persistence: stopping it loses every queued
    message, as a crashed broker would."""

    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def answers(self) -> bool:
        try:
            return redis.Redis(port=self.port, socket_connect_timeout=0.5).ping()
        except redis.RedisError:
            return False

    def start(self) -> None:
        if not shutil.which("redis-server"):
            pytest.fail("redis-server is not installed")
        self.process = subprocess.Popen(
            [
                *("redis-server", "--port", str(self.port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(self.answers, timeout=20, message="the private Redis did not start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)
        assert not self.answers()


@contextmanager
def private_redis():
    server = PrivateRedis()
    server.start()
    try:
        yield server
    finally:
        if server.process and server.process.poll() is None:
            server.process.kill()
            server.process.wait()


@contextmanager
def broker(url: str):
    """This process enqueues on ``url`` (not eagerly) for the duration."""
    saved = {key: celery_app.conf[key] for key in ("broker_url", "task_always_eager")}
    celery_app.conf.update(broker_url=url, task_always_eager=False)
    _drop_broker_connections()
    try:
        yield
    finally:
        celery_app.conf.update(saved)
        _drop_broker_connections()


def _celery_env(broker_url: str, media_root, **extra) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.pdf.worker_settings",
        "DATABASE_URL": database_url(),
        "REDIS_URL": broker_url,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "MEDIA_ROOT": str(media_root),
        "PYTHONPATH": str(settings.BASE_DIR),
        **extra,
    }


def start_worker(broker_url: str, tmp_path: Path, *, name="worker", **extra_env) -> Worker:
    """``celery worker --pool=solo`` on ``broker_url``, ready to take messages."""
    log = tmp_path / f"{name}.log"
    fail_file = tmp_path / f"{name}-fail-next-render"
    env = _celery_env(
        broker_url, settings.MEDIA_ROOT, PATTO_PDF_FAIL_FILE=str(fail_file), **extra_env
    )
    command = [
        *(sys.executable, "-m", "celery", "-A", "patto", "worker", "--pool=solo"),
        *("--loglevel=INFO", "--without-gossip", "--without-mingle", "--without-heartbeat"),
        *("--hostname", f"{name}-{uuid.uuid4().hex[:8]}@%h"),
    ]
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, cwd=settings.BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    worker = Worker(process=process, log=log, fail_file=fail_file, broker=broker_url)
    deadline = time.monotonic() + 90
    while " ready." not in log.read_text(errors="replace"):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"the Celery worker did not start:\n{worker.log_tail()}")
        time.sleep(0.3)
    return worker


def start_beat(broker_url: str, tmp_path: Path, **extra_env) -> subprocess.Popen:
    log = tmp_path / "beat.log"
    env = _celery_env(broker_url, settings.MEDIA_ROOT, **extra_env)
    command = [
        *(sys.executable, "-m", "celery", "-A", "patto", "beat", "--loglevel=INFO"),
        *("--schedule", str(tmp_path / "beat-schedule")),
    ]
    with log.open("wb") as out:
        return subprocess.Popen(
            command, cwd=settings.BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT
        )


def stop(process: subprocess.Popen, *, sig=signal.SIGTERM, timeout: float = 30) -> None:
    if process.poll() is not None:
        return
    process.send_signal(sig)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
