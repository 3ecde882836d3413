"""The settings read the environment in one place: the embedded default needs nothing, the
production mode refuses to start without its secrets and passes Django's deployment checks."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def manage(*args, **env):
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "CI"}}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def production_env(**overrides):
    env = {
        "DJANGO_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "patto.example.org",
        "SITE_URL": "https://patto.example.org",
        "EMAIL_URL": "smtp+tls://patto:secret@smtp.example.org:587",
        "PORTAL_OWNER": "Città Metropolitana di Torino",
        "PRIVACY_CONTROLLER_CONTACT": "protocollo@example.org",
        "PRIVACY_DPO_CONTACT": "rpd@example.org",
    }
    env.update(overrides)
    return {k: v for k, v in env.items() if v is not None}


def test_the_embedded_default_needs_no_configuration():
    result = manage(
        "shell",
        "-v",
        "0",
        "-c",
        (
            "from django.conf import settings as s; "
            "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.DEBUG, "
            "s.EMAIL_BACKEND)"
        ),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        "True",
        "True",
        "django.core.mail.backends.console.EmailBackend",
    ]


@pytest.mark.parametrize(
    ("given", "bound"), [({}, "False"), ({"DATABASE_SERVER_SIDE_BINDING": "true"}, "True")]
)
def test_postgresql_binds_parameters_on_the_server_unless_told_not_to(given, bound):
    """Server-side binding (prepared statements) on PostgreSQL when asked for (off by default:
    patto/settings.py says why); SQLite has no such option."""
    read = "from django.conf import settings as s; print(s.DATABASES['default'].get('OPTIONS'))"
    result = manage(
        "shell",
        "-v",
        "0",
        "-c",
        read,
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/patto",
        **given,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"{{'server_side_binding': {bound}}}"
    sqlite = manage("shell", "-v", "0", "-c", read, **given)
    assert "server_side_binding" not in sqlite.stdout


def test_database_and_redis_urls_switch_to_the_real_services():
    result = manage(
        "shell",
        "-v",
        "0",
        "-c",
        "from django.conf import settings as s; print(s.DATABASES['default']['ENGINE'], "
        "s.CELERY_TASK_ALWAYS_EAGER, s.CELERY_BROKER_URL, s.CACHES['default']['BACKEND'])",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/patto",
        REDIS_URL="redis://127.0.0.1:6379/0",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "False",
        "redis://127.0.0.1:6379/0",
        "patto.cache.backends.ResilientRedisCache",
    ]


@pytest.mark.parametrize(
    "missing",
    [
        "SECRET_KEY",
        "ALLOWED_HOSTS",
        "PORTAL_OWNER",
        "PRIVACY_CONTROLLER_CONTACT",
        "PRIVACY_DPO_CONTACT",
    ],
)
def test_production_refuses_to_start_without_its_secrets(missing):
    result = manage("check", **production_env(**{missing: None}))
    assert result.returncode != 0
    assert f"{missing} must be set when DJANGO_ENV=production" in result.stderr


def test_production_refuses_debug():
    result = manage("check", **production_env(DEBUG="true"))
    assert result.returncode != 0
    assert "DEBUG cannot be on" in result.stderr


def test_production_passes_the_deployment_checks_without_warnings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_secrets_can_come_from_files(tmp_path):
    key_file = tmp_path / "secret_key"
    key_file.write_text(secrets.token_urlsafe(50))
    env = production_env(SECRET_KEY=None, SECRET_KEY_FILE=str(key_file))
    result = manage(
        "shell",
        "-v",
        "0",
        "-c",
        "from django.conf import settings; print(len(settings.SECRET_KEY))",
        **env,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(len(key_file.read_text()))


# Production defaults (issue 21, finding 11): no start with settings that lose e-mails or trust
# what a client may forge.


@pytest.mark.parametrize("email_url", [None, "consolemail://", "dummymail://"])
def test_production_refuses_an_email_backend_that_sends_nothing(email_url):
    result = manage("check", **production_env(EMAIL_URL=email_url))
    assert result.returncode != 0
    assert "EMAIL_URL must name a mail server" in result.stderr


def test_production_refuses_to_start_without_site_url():
    result = manage("check", **production_env(SITE_URL=None))
    assert result.returncode != 0
    assert "SITE_URL must be set when DJANGO_ENV=production" in result.stderr


def test_production_keeps_the_page_cache_apart_from_the_broker():
    redis = "redis://redis:6379/0"
    for page_cache in (None, redis):
        result = manage("check", **production_env(REDIS_URL=redis, PAGE_CACHE_URL=page_cache))
        assert result.returncode != 0
        assert "PAGE_CACHE_URL must name a Redis other than REDIS_URL" in result.stderr
    result = manage(
        "check", **production_env(REDIS_URL=redis, PAGE_CACHE_URL="redis://cache:6379/0")
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(("proxies", "trusted"), [(None, "None"), ("0", "None"), ("1", "True")])
def test_x_forwarded_proto_is_trusted_only_behind_a_configured_proxy(proxies, trusted):
    result = manage(
        "shell",
        "-v",
        "0",
        "-c",
        "from django.conf import settings as s; "
        "print(s.SECURE_PROXY_SSL_HEADER and s.SECURE_PROXY_SSL_HEADER[0] == "
        "'HTTP_X_FORWARDED_PROTO')",
        **production_env(TRUSTED_PROXY_COUNT=proxies),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-1] == trusted


SPID_REQUIRED = [
    "SPID_ENTITY_ID",
    "SPID_IPA_CODE",
    "SPID_ORGANIZATION_NAME",
    "SPID_ORGANIZATION_URL",
    "SPID_CONTACT_EMAIL",
    "SPID_IDP_METADATA",
]


def test_spid_settings_are_required_in_production_only_once_spid_is_on(tmp_path):
    """Off (the default), production starts without them (the test above); on, it names the
    first one missing, and starts once they are all given and ``spid_keys`` made the keys."""
    result = manage("check", **production_env(SPID_ENABLED="true"))
    assert result.returncode != 0
    assert "SPID_ENTITY_ID must be set when DJANGO_ENV=production" in result.stderr
    given = {
        "SPID_ENTITY_ID": "https://patto.example.org/spid/metadata/",
        "SPID_IPA_CODE": "cmto",
        "SPID_ORGANIZATION_NAME": "Città Metropolitana di Torino",
        "SPID_ORGANIZATION_URL": "https://www.cittametropolitana.torino.it/",
        "SPID_CONTACT_EMAIL": "spid@example.org",
        "SPID_IDP_METADATA": "https://registry.spid.gov.it/metadata/idp/spid-entities-idps.xml",
    }
    assert set(given) == set(SPID_REQUIRED)
    keys = {"SPID_KEY_FILE": str(tmp_path / "key.pem"), "SPID_CERT_FILE": str(tmp_path / "c.pem")}
    assert manage("spid_keys", **keys).returncode == 0
    assert oct((tmp_path / "key.pem").stat().st_mode & 0o777) == "0o600"
    result = manage("check", **production_env(SPID_ENABLED="true", **given, **keys))
    assert result.returncode == 0, result.stderr


def test_the_password_is_not_taken_from_citizens_while_spid_is_off():
    result = manage("check", PASSWORD_LOGIN_FOR_CITIZENS="false")
    assert result.returncode != 0
    assert "PASSWORD_LOGIN_FOR_CITIZENS=false needs SPID_ENABLED=true" in result.stderr


def test_a_start_with_spid_on_and_no_key_says_what_to_run(tmp_path):
    result = manage(
        "check",
        SPID_ENABLED="true",
        SPID_KEY_FILE=str(tmp_path / "none.pem"),
        SPID_CERT_FILE=str(tmp_path / "none.crt"),
    )
    assert result.returncode != 0
    assert "SPID_KEY_FILE" in result.stderr and "manage.py spid_keys" in result.stderr


def test_an_upgrade_never_serves_the_pages_an_earlier_release_kept(tmp_path):
    """The fragments of frozen versions are kept for good: the page cache's keys start with the
    release, so what an earlier release's templates rendered is not served after an upgrade."""
    from patto.settings import code_release

    template = tmp_path / "templates" / "matrice" / "matrix.html"
    template.parent.mkdir(parents=True)
    template.write_text("<table>")
    (tmp_path / "patto").mkdir()
    (tmp_path / "patto" / "views.py").write_text("pass\n")
    before = code_release(tmp_path)
    assert code_release(tmp_path) == before  # the same code: the same keys, every process
    template.write_text("<table class='new'>")
    assert code_release(tmp_path) != before

    shell = "from django.conf import settings; print(settings.CACHES['pages']['KEY_PREFIX'])"
    named = manage("shell", "-c", shell, REDIS_URL="redis://127.0.0.1:6379/0", RELEASE="2026.12")
    assert named.stdout.strip().splitlines()[-1] == "patto-pages-2026.12", named.stderr


def test_a_change_saved_by_a_process_of_another_release_reaches_the_pages(redis_url):
    """The content generation is the data's, not the code's: a management command or a worker
    that computed another release (a file edited since the web process started) bumps the
    generation the web process reads. It used to bump one under its own release, and the
    public pages kept showing what they showed before the change."""
    read = "from patto.cache.pages import generation; print(generation())"
    bump = "from patto.cache.pages import content_changed; content_changed()"

    def run(shell, release):
        result = manage("shell", "-c", shell, REDIS_URL=redis_url, RELEASE=release)
        assert result.returncode == 0, result.stderr
        return result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""

    before = run(read, "web-1")
    run(bump, "worker-2")
    after = run(read, "web-1")
    assert after != before
    assert run(read, "worker-2") == after
    # the pages themselves stay each release's own
    key = "from django.core.cache import caches; print(caches['pages'].make_key('page:x'))"
    assert run(key, "web-1") != run(key, "worker-2")
