"""The portal as it runs in production: collected, hashed static files (whitenoise's manifest
storage), DEBUG off, HTTPS only. Every kind of page must render there, not only in development,
with the security headers and cookie flags of production."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

PAGES = """
from django.test import Client
c = Client()
for path in ["/", "/zone/", "/incontri/", "/dati-aperti/", "/account/login/", "/non-esiste/"]:
    print(path, c.get(path, secure=True).status_code)
"""

HEADERS = """
import json
from django.contrib.auth import get_user_model
from django.test import Client
from allauth.account.models import EmailAddress
user = get_user_model().objects.create_user("u", "u@example.org", "una-password-lunga-2018")
EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
c = Client()
page = c.get("/account/login/", secure=True)
plain = c.get("/account/login/")
login = c.post("/account/login/", {"login": "u@example.org", "password": "una-password-lunga-2018"},
               secure=True)
cookies = {name: {"secure": bool(m["secure"]), "httponly": bool(m["httponly"]),
                  "samesite": m["samesite"]} for name, m in c.cookies.items()}
print(json.dumps({"headers": dict(page.headers), "login": login.status_code, "cookies": cookies,
                  "plain": [plain.status_code, plain.get("Location")]}))
"""


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("production")
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "CI"}}
    env.update(
        DJANGO_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="testserver",
        SITE_URL="https://testserver",
        EMAIL_URL="smtp+tls://patto:secret@smtp.example.org:587",
        PORTAL_OWNER="Città Metropolitana di Torino",
        PRIVACY_CONTROLLER_CONTACT="protocollo@example.org",
        PRIVACY_DPO_CONTACT="rpd@example.org",
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
    return manage


def test_pages_render_with_production_static_files(production):
    statuses = dict(
        line.split() for line in production("shell", "-v", "0", "-c", PAGES).split("\n") if line
    )
    assert statuses == {
        "/": "200",
        "/zone/": "200",
        "/incontri/": "200",
        "/dati-aperti/": "200",
        "/account/login/": "200",
        "/non-esiste/": "404",
    }


def test_security_headers_and_cookies(production):
    result = json.loads(production("shell", "-v", "0", "-c", HEADERS).strip().splitlines()[-1])
    headers = {k.lower(): v for k, v in result["headers"].items()}
    assert headers["strict-transport-security"] == "max-age=31536000; includeSubDomains; preload"
    policy = headers["content-security-policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"
    assert headers["x-frame-options"] == "DENY"
    assert result["plain"] == [301, "https://testserver/account/login/"]  # HTTPS only
    assert result["login"] == 302
    assert set(result["cookies"]) >= {"sessionid", "csrftoken"}
    for name, flags in result["cookies"].items():
        assert flags["secure"] and flags["httponly"], (name, flags)
        assert flags["samesite"] == "Lax", (name, flags)
