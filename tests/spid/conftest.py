"""SPID switched on for a test: a key pair made by ``manage.py spid_keys`` (once per module),
and the identity providers' registry copied by the refresh task from metadata written here.
The identity provider is spid-sp-test's (its IdP metadata and, for the answers, its key): the
tool is installed apart from the portal's virtualenv (.ci/run; it pins old libraries)."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.conftest import _missing

ROOT = Path(__file__).resolve().parents[2]
TEST_IDP = "https://localhost:8443"


def spid_sp_test_binary() -> str | None:
    candidates = [
        os.environ.get("SPID_SP_TEST", ""),
        str(ROOT / ".venv-spid-sp-test" / "bin" / "spid_sp_test"),
        shutil.which("spid_sp_test") or "",
    ]
    return next((path for path in candidates if path and Path(path).is_file()), None)


@pytest.fixture(scope="session")
def spid_sp_test():
    binary = spid_sp_test_binary()
    if binary is None:
        _missing("spid-sp-test is not installed (.ci/run installs it in .venv-spid-sp-test)")
    if shutil.which("xmlsec1") is None:
        _missing("xmlsec1 is not installed (apt-get install xmlsec1)")
    return binary


@pytest.fixture(scope="session")
def spid_files(tmp_path_factory, spid_sp_test):
    """Key, certificate and the test identity provider's metadata."""
    directory = tmp_path_factory.mktemp("spid")
    idp = subprocess.run(
        [spid_sp_test, "--idp-metadata"], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    (directory / "idp.xml").write_text(idp, encoding="utf-8")
    return directory


@pytest.fixture
def spid(settings, spid_files):
    """SPID on, for the entity at ``settings.SPID_ENTITY_ID`` (change it before use for a live
    server: see ``spid_live``)."""
    settings.SPID_ENABLED = True
    settings.SPID_KEY_FILE = spid_files / "key.pem"
    settings.SPID_CERT_FILE = spid_files / "cert.pem"
    settings.SPID_IDP_METADATA = [str(spid_files / "idp.xml")]
    settings.SPID_IDP_CACHE_DIR = spid_files / "idps"
    if not settings.SPID_KEY_FILE.exists():
        call_command("spid_keys", stdout=open(os.devnull, "w"))  # noqa: SIM115
    from patto.accounts.spid.idps import refresh

    refresh()
    return settings


@pytest.fixture
def spid_live(spid, live_server):
    spid.SPID_ENTITY_ID = f"{live_server.url}/spid/metadata/"
    spid.SITE_URL = live_server.url
    return live_server
