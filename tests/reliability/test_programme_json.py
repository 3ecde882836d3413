"""A whole programme exported as JSON and imported into an empty database: exporting it again
gives the identical document, and the imported versions' content still matches their
fingerprints. A malformed document is refused with a message and nothing is stored."""

import json
import subprocess
import sys
import uuid
from io import StringIO

import psycopg
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from patto.demo.builder import load_demo
from patto.models import Programme
from patto.programme.transfer import ProgrammeImportError, export_programme, import_programme
from tests.people import login_as
from tests.security.test_idor import snapshot

pytestmark = pytest.mark.postgres

CHECK = """
from matrice.snapshots import compute_fingerprint
from patto.models import PlanVersion
frozen = PlanVersion.objects.exclude(status="draft")
print(frozen.count(), sum(compute_fingerprint(v) == v.fingerprint for v in frozen))
"""


@pytest.fixture
def fresh_database(postgres):
    """An empty database of its own, migrated, with the reference data."""
    db = connection.settings_dict
    name = f"patto_import_{uuid.uuid4().hex[:8]}"
    info = {"host": db["HOST"] or "127.0.0.1", "port": db["PORT"] or 5432, "user": db["USER"]}
    with psycopg.connect(**info, dbname="postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = f"postgres://{db['USER']}@{info['host']}:{info['port']}/{name}"
    try:
        manage(url, "migrate", "--noinput", "-v", "0")
        manage(url, "load_reference_data")
        yield url
    finally:
        with psycopg.connect(**info, dbname="postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def manage(database_url, *args, check=True):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={"DATABASE_URL": database_url, "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"},
        capture_output=True,
        text=True,
        timeout=600,
        check=check,
    )


@pytest.mark.django_db(transaction=True)
def test_export_import_export_gives_the_same_document(fresh_database, tmp_path):
    load_demo()
    slugs = list(Programme.objects.order_by("slug").values_list("slug", flat=True))
    assert len(slugs) >= 2
    seen = set()
    for slug in slugs:
        exported = tmp_path / f"{slug}.json"
        call_command("export_programme", slug, output=str(exported))
        doc = json.loads(exported.read_text())
        seen.update(
            k for k in ("versions", "tables", "meetings", "contributions", "followers") if doc[k]
        )
        seen.update("validations" for v in doc["versions"] if v["validations"])
        seen.update("registrations" for m in doc["meetings"] if m["registrations"])
        seen.update("comments" for c in doc["contributions"] if c["comments"])

        result = manage(fresh_database, "import_programme", str(exported))
        assert "importato" in result.stdout
        again = manage(fresh_database, "export_programme", slug).stdout
        assert json.loads(again) == doc
        assert again == exported.read_text()  # byte for byte

    assert seen == {
        "versions",
        "tables",
        "meetings",
        "registrations",
        "contributions",
        "comments",
        "validations",
        "followers",
    }
    # spot checks in the new database: every frozen version's content gives its fingerprint
    output = manage(fresh_database, "shell", "-v", "0", "-c", CHECK).stdout
    frozen, matching = map(int, output.strip().splitlines()[-1].split())
    assert frozen >= 2 and matching == frozen
    # importing the same programme twice is refused, and changes nothing
    refused = manage(fresh_database, "import_programme", str(exported), check=False)
    assert refused.returncode != 0 and "Esiste già un programma" in refused.stderr


@pytest.mark.django_db
def test_a_malformed_document_is_refused_and_nothing_is_stored(tmp_path):
    load_demo()
    programme = Programme.objects.get(slug="piano-sociale-metropolitano")
    good = export_programme(programme)
    good["programme"]["slug"] = "copia"  # so that only the damage stops it
    for meeting in good["meetings"]:  # a meeting's calendar uid is unique on a portal
        meeting["uid"] = str(uuid.uuid4())
    before = snapshot()

    broken_json = tmp_path / "rotto.json"
    broken_json.write_text('{"format": "patto-programme", "versions": [')
    with pytest.raises(CommandError, match="non è un JSON valido"):
        call_command("import_programme", str(broken_json), stdout=StringIO())

    last_action = good["versions"][-1]["actions"][-1]
    cases = {
        "not a programme": ([1, 2, 3], "Non è l'esportazione"),
        "another format": ({**good, "format_version": 99}, "Versione del formato"),
        "no versions": ({k: v for k, v in good.items() if k != "versions"}, "versions"),
        # deep inside, after the programme, tables, meetings and versions were written
        "unknown zone": (_with(good, last_action, zones=["99"]), "riferimento non trovato"),
        "title too long": (_with(good, last_action, title="x" * 5000), "title"),
        "impossible date": (_with(good, last_action, start_date="2019-02-30"), "start_date"),
        "bad led_to": (
            {**good, "contributions": [{**good["contributions"][0], "led_to": [[99, "x"]]}]},
            "led_to",
        ),
    }
    same_uids = {**good, "meetings": [{**m, "uid": m["uid"]} for m in good["meetings"]]}
    original = export_programme(programme)
    same_uids["meetings"][0]["uid"] = original["meetings"][0]["uid"]
    cases["a copy keeping the meetings' calendar uids"] = (
        same_uids,
        "è già nel programma «piano-sociale-metropolitano» di questo portale",
    )
    for name, (doc, message) in cases.items():
        with pytest.raises(ProgrammeImportError) as refused:
            import_programme(doc)
        assert message in " ".join(refused.value.messages), name
        assert snapshot() == before, f"{name}: something was stored"


def _with(doc, row, **changes):
    """A deep copy of ``doc`` where the dict ``row`` (found by identity) has ``changes``."""

    def copy(value):
        if value is row:
            return {**row, **changes}
        if isinstance(value, dict):
            return {k: copy(v) for k, v in value.items()}
        if isinstance(value, list):
            return [copy(v) for v in value]
        return value

    return copy(doc)


@pytest.mark.django_db
def test_the_redazione_downloads_the_programme_as_json(client):
    from django.urls import reverse

    load_demo()
    programme = Programme.objects.get(slug="piano-sociale-metropolitano")
    url = reverse("redazione:programme_export", args=[programme.slug])
    login_as(client, "registered")
    assert client.get(url).status_code == 403
    login_as(client, "staff")
    page = client.get(reverse("redazione:programme", args=[programme.slug]))
    assert url in page.content.decode()
    response = client.get(url)
    assert (
        response["Content-Disposition"] == 'attachment; filename="piano-sociale-metropolitano.json"'
    )
    assert json.loads(response.content) == export_programme(programme)
