"""The backup and restore procedure of the README, run for real: ``pg_dump -Fc`` of a database
holding the demo content, ``pg_restore`` into a new empty database, and every table compared row
by row (a digest of each table's rows), plus the media files copied alongside."""

import shutil
import subprocess
import uuid

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


def conninfo(dbname: str) -> dict:
    db = connection.settings_dict
    return {
        "host": db["HOST"] or "127.0.0.1",
        "port": str(db["PORT"] or 5432),
        "user": db["USER"] or "postgres",
        "password": db["PASSWORD"] or "",
        "dbname": dbname,
    }


def table_digests(dbname: str) -> dict[str, tuple[int, str]]:
    """Per table of the public schema: its row count and an MD5 of all its rows in order."""
    with psycopg.connect(**conninfo(dbname), autocommit=True) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            )
        ]
        digests = {}
        for table in tables:
            count, digest = conn.execute(
                f"SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' "
                f"ORDER BY t::text), '')) FROM \"{table}\" t"
            ).fetchone()
            digests[table] = (count, digest)
        return digests


def pg_env(dbname: str) -> dict:
    info = conninfo(dbname)
    return {
        "PGHOST": info["host"],
        "PGPORT": info["port"],
        "PGUSER": info["user"],
        "PGPASSWORD": info["password"],
        "PATH": "/usr/bin:/bin:/usr/local/bin",
    }


def test_a_dump_restored_into_an_empty_database_has_the_same_data(postgres, tmp_path, settings):
    for tool in ("pg_dump", "pg_restore"):
        if not shutil.which(tool):
            pytest.fail(f"{tool} is not installed (Debian: postgresql-client)")
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    (settings.MEDIA_ROOT / "verbali").mkdir(parents=True)
    (settings.MEDIA_ROOT / "verbali" / "verbale.pdf").write_bytes(b"%PDF-1.4 verbale\n%%EOF\n")
    source = connection.settings_dict["NAME"]
    before = table_digests(source)
    assert sum(count for count, _digest in before.values()) > 1000  # the demo is in there

    # the procedure of the README ("Backup and restore")
    dump = tmp_path / "patto.dump"
    subprocess.run(
        ["pg_dump", "-Fc", "--no-owner", "-f", str(dump), source],
        env=pg_env(source),
        check=True,
    )
    media = shutil.make_archive(str(tmp_path / "media"), "gztar", settings.MEDIA_ROOT)
    target = f"patto_restore_{uuid.uuid4().hex[:8]}"
    subprocess.run(["createdb", target], env=pg_env(source), check=True)
    try:
        subprocess.run(
            ["pg_restore", "--no-owner", "--exit-on-error", "-d", target, str(dump)],
            env=pg_env(target),
            check=True,
        )
        after = table_digests(target)
    finally:
        subprocess.run(["dropdb", "--if-exists", target], env=pg_env(source), check=True)
    restored_media = tmp_path / "restored-media"
    shutil.unpack_archive(media, restored_media)

    assert after == before
    assert (restored_media / "verbali" / "verbale.pdf").read_bytes().startswith(b"%PDF-1.4")
