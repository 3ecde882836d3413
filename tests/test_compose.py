"""docker-compose.yml as issue 21 asks of a deployment (Docker is not on the test machines, so
the file is read, and its portal environment started through Django's checks): only the
reverse proxy is published, and it limits request bodies; the page cache is a Redis of its own
with a memory limit and LRU eviction, the broker's Redis evicts nothing; the portal trusts
exactly one proxy, builds links from SITE_URL and sends e-mail through a real server."""

from pathlib import Path

import yaml

from tests.test_settings import manage

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]


def default(value: str) -> str:
    """``${NAME:-default}`` → ``default``; ``${NAME:?message}`` → a stand-in value."""
    if value.startswith("${") and ":-" in value:
        return value[value.index(":-") + 2 : -1]
    if value.startswith("${") and ":?" in value:
        return "a-long-random-secret-for-the-check-only-" + "x" * 30
    return value


def app_environment() -> dict:
    env = {k: default(str(v)) for k, v in SERVICES["web"]["environment"].items()}
    return env


def test_only_the_proxy_is_published():
    published = {name for name, service in SERVICES.items() if service.get("ports")}
    # Mailpit's web page is published on the loopback only, for a trial
    assert published == {"proxy", "mailpit"}
    assert all(port.startswith("127.0.0.1:") for port in SERVICES["mailpit"]["ports"])
    assert "ports" not in SERVICES["web"]


def test_the_proxy_limits_request_bodies():
    caddyfile = (ROOT / "deploy" / "Caddyfile").read_text()
    assert "max_size {$MAX_BODY_BYTES:11000000}" in caddyfile  # what it does: tests/test_proxy.py
    assert "reverse_proxy {$UPSTREAM:web:8000}" in caddyfile
    assert any("Caddyfile" in volume for volume in SERVICES["proxy"]["volumes"])


def test_the_page_cache_is_bounded_and_apart_from_the_broker():
    pages = " ".join(SERVICES["pages"]["command"])
    broker = " ".join(SERVICES["redis"]["command"])
    assert "--maxmemory 256mb" in pages and "--maxmemory-policy allkeys-lru" in pages
    assert "--maxmemory-policy noeviction" in broker
    env = app_environment()
    assert env["PAGE_CACHE_URL"] == "redis://pages:6379/0"
    assert env["REDIS_URL"] == "redis://redis:6379/0"


def test_the_portal_environment_passes_the_production_checks():
    env = app_environment()
    env.pop("DATABASE_URL")  # the check needs no database; the compose one is not reachable
    assert env["TRUSTED_PROXY_COUNT"] == "1"
    assert env["SITE_URL"] == "http://localhost:8000"
    assert env["EMAIL_URL"].startswith("smtp://")
    result = manage("check", "--deploy", **env)
    assert result.returncode == 0, result.stderr


def test_the_image_builds_its_static_files_with_the_production_settings(tmp_path):
    """The Dockerfile's collectstatic runs with DJANGO_ENV=production, so it must give every
    value production requires (a new required setting once broke the image's build)."""
    dockerfile = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    run = next(
        line
        for line in dockerfile.splitlines()
        if line.startswith("RUN") and "collectstatic" in line
    )
    words = run.removeprefix("RUN ").split()
    env = dict(word.split("=", 1) for word in words[: words.index("python")])
    assert env["DJANGO_ENV"] == "production"
    result = manage(
        "collectstatic", "--noinput", "--dry-run", "-v", "0", **env, STATIC_ROOT=str(tmp_path)
    )
    assert result.returncode == 0, result.stderr
