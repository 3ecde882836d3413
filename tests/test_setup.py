"""The set-up a new user runs: migrate, reference data and demo content, on SQLite (the
embedded default) and on PostgreSQL, twice (idempotent), then the home page shows both
programmes. Each run is a separate process on a fresh database, as on a new machine."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent

COUNTS = (
    "import json; from django.apps import apps; "
    "print(json.dumps({m._meta.label: m._default_manager.count() for m in apps.get_models()}))"
)
# after the second load, in the same process as its counts (one start of Django less)
HOME = (
    "; from django.test import Client; r = Client().get('/'); "
    "print(r.status_code); print(r.content.decode())"
)


def run(env, *args):
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, f"{args}: {result.stdout}\n{result.stderr}"
    return result.stdout


def set_up_twice(database_url):
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "CI"}}
    env["DATABASE_URL"] = database_url
    run(env, "migrate", "--noinput")
    run(env, "load_demo")
    import json

    first = json.loads(run(env, "shell", "-v", "0", "-c", COUNTS))
    run(env, "load_demo")
    counts, _, home = run(env, "shell", "-v", "0", "-c", COUNTS + HOME).partition("\n")
    return first, json.loads(counts), home


def check(first, second, home):
    assert first == second, "a second load_demo changed the data"
    assert first["zone.Province"] == 8
    assert first["zone.Municipality"] == 1181
    assert first["zone.Zone"] == 11
    assert first["patto.Programme"] == 2
    assert first["matrice.Action"] > 0
    status, _, body = home.partition("\n")
    assert status == "200"
    assert "Patto di sviluppo di comunità solidali" in body
    assert "Piano Sociale Metropolitano" in body


def test_demo_content_loads_on_sqlite(tmp_path):
    check(*set_up_twice(f"sqlite:///{tmp_path / 'fresh.sqlite3'}"))


@pytest.mark.usefixtures("postgres")
def test_demo_content_loads_on_postgresql():
    db = settings.DATABASES["default"]
    name = f"patto_setup_{uuid.uuid4().hex[:8]}"
    admin_url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}"
    import psycopg

    with psycopg.connect(f"{admin_url}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        check(*set_up_twice(f"{admin_url}/{name}"))
    finally:
        with psycopg.connect(f"{admin_url}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
