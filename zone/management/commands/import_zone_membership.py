"""Import the Città Metropolitana's list "Elenco Comuni per Zona omogenea" (ODS or CSV)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from zone.services import import_zone_membership
from zone.spreadsheet import MembershipImportError


class Command(BaseCommand):
    help = _(
        "Assegna i comuni della Città metropolitana di Torino alle zone omogenee secondo il foglio "
        "ufficiale «Elenco Comuni per Zona omogenea» (file .ods, o .csv separato da virgole o "
        "punti e virgola). Servono una colonna della zona («zona», «numero zona», «nome zona») e "
        "una del comune («codice istat» e/o «comune»); una colonna «fonte» è facoltativa. Se una "
        "riga è sbagliata non viene salvato niente."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help=_("Il file .ods o .csv."))
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=_("Controlla il file e mostra cosa cambierebbe, senza salvare niente."),
        )
        parser.add_argument(
            "--source",
            default="",
            help=_(
                "Indirizzo web della fonte, registrato per ogni comune senza colonna «fonte» "
                "(predefinita: la pagina della zona)."
            ),
        )

    def handle(self, *args, file, dry_run=False, source="", **options):
        try:
            result = import_zone_membership(path=file, source_url=source, dry_run=dry_run)
        except MembershipImportError as error:
            for message in error.messages:
                self.stderr.write(message)
            raise CommandError(
                _("Il file %(file)s ha %(count)s errori: nessuna modifica salvata.")
                % {"file": file, "count": len(error.messages)}
            ) from error

        verbosity = options.get("verbosity", 1)
        if result.dry_run:
            self.stdout.write(_("Prova (--dry-run): nessuna modifica salvata."))
        self.stdout.write(_("Comuni nel file: %(count)s") % {"count": result.total})
        self.stdout.write(
            _("Comuni spostati in un'altra zona: %(count)s") % {"count": len(result.moved)}
        )
        for change in result.moved:
            self.stdout.write(
                f"  {change.municipality.name}: {change.old_zone} \u2192 {change.new_zone}"
            )
        self.stdout.write(
            _("Comuni assegnati per la prima volta: %(count)s") % {"count": len(result.assigned)}
        )
        if verbosity >= 2:
            for change in result.assigned:
                self.stdout.write(f"  {change.municipality.name}: {change.new_zone}")
        self.stdout.write(
            _("Comuni già nella zona indicata: %(count)s") % {"count": result.unchanged}
        )
        if result.source_updated:
            self.stdout.write(
                _("  di cui con la fonte aggiornata: %(count)s") % {"count": result.source_updated}
            )
        if not result.dry_run:
            self.stdout.write(self.style.SUCCESS(_("Appartenenze alle zone aggiornate.")))
