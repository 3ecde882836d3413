"""``manage.py load_demo``: the demo content and the demo accounts (see ``patto.demo``)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from patto.demo.builder import load_demo


class Command(BaseCommand):
    help = (
        "Carica i dati di riferimento e il contenuto dimostrativo (il Patto regionale, il Piano "
        "Sociale Metropolitano, incontri, contributi) e crea gli account dimostrativi. "
        "Si può eseguire più volte: crea solo quello che manca."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Esegui anche con DJANGO_ENV=production (crea account con password pubbliche).",
        )

    def handle(self, *args, allow_production=False, **options):
        if settings.PRODUCTION and not allow_production:
            raise CommandError(
                "load_demo crea account con password pubbliche e non va eseguito in produzione "
                "(DJANGO_ENV=production). Se è proprio quello che vuoi, ad esempio su un "
                "server dimostrativo, aggiungi --allow-production."
            )
        report = load_demo()

        if report.nothing_created:
            self.stdout.write("Nessun dato nuovo: il contenuto dimostrativo era già presente.")
        else:
            self.stdout.write(self.style.SUCCESS("Contenuto dimostrativo creato:"))
            width = max(len(name) for _label, name, _count in report.created)
            for _label, name, count in report.created:
                self.stdout.write(f"  {name:<{width}}  {count:>5}")

        self.stdout.write("")
        self.stdout.write(
            self.style.WARNING("Account dimostrativi (password pubbliche, solo per prova):")
        )
        rows = [("Ruolo", "Email", "Password")] + [
            (a.role, a.email, a.password) for a in report.accounts
        ]
        widths = [max(len(row[i]) for row in rows) for i in range(3)]
        for index, row in enumerate(rows):
            cells = (f"{cell:<{width}}" for cell, width in zip(row, widths, strict=True))
            self.stdout.write(("  " + "  ".join(cells)).rstrip())
            if index == 0:
                self.stdout.write("  " + "  ".join("-" * width for width in widths))
