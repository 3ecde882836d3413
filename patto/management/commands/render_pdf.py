"""``manage.py render_pdf <programme> <number> [--force]``: render a version's PDF in this
process, for operators, through the same service as the Celery worker."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from patto.models import PlanVersion
from patto.pdf import services


class Command(BaseCommand):
    # No system checks: they load every URL module and its views (pysaml2 and its XML schemas
    # among them), a second or more of the bench's time per document; rendering needs none.
    requires_system_checks = []
    help = (
        "Genera subito, in questo processo, il PDF di una versione validata, pubblicata o "
        "archiviata e stampa il percorso del file, il numero di pagine e il tempo impiegato. "
        "Se il PDF di questo contenuto è già pronto non fa nulla, a meno di --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("programme", help="Identificativo (slug) del programma.")
        parser.add_argument("number", type=int, help="Numero della versione.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Genera di nuovo anche un PDF già pronto (il file viene sostituito solo a "
            "generazione riuscita) o in preparazione da parte di un worker.",
        )

    def handle(self, *args, programme, number, force=False, **options):
        version = (
            PlanVersion.objects.select_related("programme")
            .filter(programme__slug=programme, number=number)
            .first()
        )
        if version is None:
            raise CommandError(f"Nessuna versione {number} del programma «{programme}».")
        try:
            rendered = services.render_pdf_now(version=version, force=force)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        except Exception as exc:
            raise CommandError(f"Il PDF non è stato generato: {type(exc).__name__}: {exc}") from exc
        version.refresh_from_db()
        path = self._path(version)
        if rendered is None:
            self.stdout.write(f"Il PDF è già pronto (usa --force per rigenerarlo): {path}")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"{path}\n{rendered.pages} pagine, {len(rendered.content):,} byte, "
                f"generato in {rendered.seconds:.1f} s"
            )
        )

    @staticmethod
    def _path(version) -> str:
        try:
            return version.pdf_file.path
        except NotImplementedError:  # a storage without local paths
            return version.pdf_file.url
