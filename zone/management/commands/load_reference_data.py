"""Load the provinces, comuni and zone omogenee shipped in the reference data directory."""

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from zone.reference_data import load_reference_data


class Command(BaseCommand):
    help = _(
        "Carica province, comuni, zone omogenee e appartenenze note dai file CSV dei dati di "
        "riferimento. Si può rieseguire: scrive solo ciò che è cambiato."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--data-dir",
            type=Path,
            default=None,
            help=_("Cartella dei file CSV (predefinita: REFERENCE_DATA_DIR)."),
        )

    def handle(self, *args, data_dir=None, **options):
        data_dir = Path(data_dir or settings.REFERENCE_DATA_DIR)
        try:
            counts = load_reference_data(data_dir=data_dir)
        except ValidationError as error:
            for message in error.messages:
                self.stderr.write(message)
            raise CommandError(_("Dati di riferimento non caricati.")) from error

        self.stdout.write(_("Dati di riferimento da %(dir)s:") % {"dir": data_dir})
        lines = {
            "provinces": _(
                "  Province: %(created)s nuove, %(updated)s aggiornate, %(unchanged)s invariate"
            ),
            "zones": _(
                "  Zone omogenee: %(created)s nuove, %(updated)s aggiornate, "
                "%(unchanged)s invariate"
            ),
            "municipalities": _(
                "  Comuni: %(created)s nuovi, %(updated)s aggiornati, %(unchanged)s invariati"
            ),
            "memberships": _(
                "  Comuni assegnati a una zona: %(created)s nuovi, %(updated)s aggiornati, "
                "%(unchanged)s invariati"
            ),
        }
        for kind, line in lines.items():
            self.stdout.write(line % counts[kind])
        if counts["memberships"]["kept"]:
            self.stdout.write(
                _(
                    "  Comuni lasciati nella zona data dal foglio ufficiale, diversa da quella "
                    "dei dati di riferimento: %(kept)s"
                )
                % counts["memberships"]
            )
        boundaries = counts["boundaries"]
        self.stdout.write(
            _(
                "  Confini: %(read)s geometrie lette dal file, %(drawn)s comuni della Città "
                "Metropolitana sulla mappa, %(zones_updated)s zone ridisegnate"
            )
            % boundaries
        )
        if boundaries["not_drawn"]:
            self.stdout.write(
                _("  Comuni della Città Metropolitana senza confini, non disegnati: %(names)s")
                % {"names": ", ".join(boundaries["not_drawn"])}
            )
        if boundaries["missing"]:
            self.stdout.write(
                _("  Comuni senza confini nel file: %(names)s")
                % {"names": ", ".join(boundaries["missing"])}
            )
        if any(c["created"] or c["updated"] for kind, c in counts.items() if kind != "boundaries"):
            self.stdout.write(self.style.SUCCESS(_("Dati di riferimento aggiornati.")))
        else:
            message = _("Nessuna modifica: i dati erano già aggiornati.")
            self.stdout.write(self.style.SUCCESS(message))
