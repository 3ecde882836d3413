"""``manage.py spid_metadata [-o FILE]``: the SPID service provider's signed metadata (the same
the portal serves at /spid/metadata/), to check with spid-sp-test or send to AgID."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from patto.accounts.spid.metadata import build_metadata


class Command(BaseCommand):
    help = "Scrive i metadati firmati del fornitore di servizi SPID."

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", help="file in cui scriverli (se no, l'output)")

    def handle(self, *args, output: str | None, **options):
        try:
            xml = build_metadata()
        except (OSError, ValueError) as exc:
            raise CommandError(f"{exc} (manage.py spid_keys crea chiave e certificato)") from exc
        if output:
            Path(output).write_text(xml, encoding="utf-8")
        else:
            self.stdout.write(xml)
