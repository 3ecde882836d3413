"""The English translation is complete: every message of the Italian interface has its English
in the catalogue, none is a fuzzy guess, and the compiled catalogue the server reads is the one
built from it. (`make messages` brings new messages into the catalogue.)"""

import shutil
import subprocess

import pytest
from django.conf import settings

from tests.conftest import _missing

CATALOGUE = settings.BASE_DIR / "locale" / "en" / "LC_MESSAGES" / "django.po"


@pytest.fixture
def msgfmt():
    path = shutil.which("msgfmt")
    if path is None:
        _missing("GNU gettext's msgfmt is not installed")
    return path


def test_every_message_has_its_english_and_none_is_fuzzy(msgfmt, tmp_path):
    result = subprocess.run(
        [msgfmt, "--check", "--statistics", "-o", str(tmp_path / "django.mo"), str(CATALOGUE)],
        capture_output=True,
        text=True,
        check=False,
        env={"LC_ALL": "C"},
    )
    assert result.returncode == 0, result.stderr
    # «1234 translated messages.», with «, N fuzzy translations, M untranslated messages.» if any
    assert "fuzzy" not in result.stderr and "untranslated" not in result.stderr, result.stderr


def test_the_compiled_catalogue_is_built_from_the_current_one(msgfmt, tmp_path):
    built = tmp_path / "django.mo"
    subprocess.run([msgfmt, "-o", str(built), str(CATALOGUE)], check=True)
    assert built.read_bytes() == CATALOGUE.with_suffix(".mo").read_bytes(), (
        "locale/en/LC_MESSAGES/django.mo is stale: run `make messages`"
    )
