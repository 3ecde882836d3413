"""``manage.py spid_idps``: copy the identity providers' metadata from SPID_IDP_METADATA now (the
Celery task ``patto.accounts.spid.refresh_idps`` does it every SPID_IDP_REFRESH_HOURS)."""

from django.core.management.base import BaseCommand, CommandError

from patto.accounts.spid.idps import refresh
from patto.accounts.spid.registry import identity_providers


class Command(BaseCommand):
    help = "Aggiorna l'elenco dei gestori di identità SPID e CIE da SPID_IDP_METADATA."

    def handle(self, *args, **options):
        written = refresh()
        if not written:
            raise CommandError("Nessuna fonte di SPID_IDP_METADATA è stata letta: vedi il log.")
        for provider in identity_providers():
            self.stdout.write(f"{provider.entity_id}\t{provider.name}")
