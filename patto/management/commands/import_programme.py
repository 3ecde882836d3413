"""``manage.py import_programme file.json``: create a programme from ``export_programme``'s
JSON, all or nothing."""

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from patto.programme.transfer import ProgrammeImportError, import_programme


class Command(BaseCommand):
    help = (
        "Importa un programma esportato con export_programme. Le zone, le province e i comuni "
        "devono esserci già (load_reference_data); le persone sono cercate per e-mail e create "
        "senza password se mancano. Se qualcosa non va non salva niente."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Il file JSON (- per leggerlo dallo standard input).")

    def handle(self, *args, file, **options):
        try:
            if file == "-":
                doc = json.load(sys.stdin)
            else:
                with open(file, encoding="utf-8") as f:
                    doc = json.load(f)
        except OSError as exc:
            raise CommandError(f"Non riesco a leggere {file}: {exc.strerror}.") from exc
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise CommandError(
                f"{file} non è un JSON valido: {exc}. Non è stato importato niente."
            ) from exc
        try:
            programme = import_programme(doc)
        except ProgrammeImportError as exc:
            raise CommandError(
                "Importazione rifiutata, non è stato salvato niente:\n  "
                + "\n  ".join(exc.messages)
            ) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Programma «{programme.title}» importato ({programme.versions.count()} versioni)."
            )
        )
