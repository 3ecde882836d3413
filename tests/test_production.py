"""The portal as it runs in production: collected, hashed static files (whitenoise's manifest
storage), DEBUG off, HTTPS only. Every kind of page must render there, not only in development."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PAGES = """
from django.test import Client
c = Client()
for path in ["/", "/zone/", "/incontri/", "/dati-aperti/", "/account/login/", "/non-esiste/"]:
    print(path, c.get(path, secure=True).status_code)
"""


def test_pages_render_with_production_static_files(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "CI"}}
    env.update(
        DJANGO_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="testserver",
        STATIC_ROOT=str(tmp_path / "static"),
        DATABASE_URL=f"sqlite:///{tmp_path / 'prod.sqlite3'}",
    )

    def manage(*args):
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    manage("collectstatic", "--noinput", "-v", "0")
    manage("migrate", "--noinput", "-v", "0")
    statuses = dict(
        line.split() for line in manage("shell", "-v", "0", "-c", PAGES).split("\n") if line
    )
    assert statuses == {
        "/": "200",
        "/zone/": "200",
        "/incontri/": "200",
        "/dati-aperti/": "200",
        "/account/login/": "200",
        "/non-esiste/": "404",
    }
