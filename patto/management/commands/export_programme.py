"""``manage.py export_programme <programma> [-o file.json]``: a whole programme as JSON."""

from django.core.management.base import BaseCommand, CommandError

from patto.models import Programme
from patto.programme.transfer import dumps, export_programme


class Command(BaseCommand):
    help = (
        "Esporta un programma intero in JSON (fasi, versioni con il loro contenuto, validazioni, "
        "tavoli, enti, contributi, incontri), da reimportare con import_programme."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="Lo slug del programma.")
        parser.add_argument("-o", "--output", help="Il file da scrivere (altrimenti lo schermo).")

    def handle(self, *args, slug, output=None, **options):
        programme = Programme.objects.filter(slug=slug).first()
        if programme is None:
            raise CommandError(f"Nessun programma «{slug}».")
        text = dumps(export_programme(programme))
        if output:
            with open(output, "w", encoding="utf-8") as f:
                f.write(text)
        else:
            self.stdout.write(text, ending="")
