"""``manage.py spid_keys``: the SPID service provider's key and certificate (AgID's profile for
public service providers, Avviso SPID n. 29 v3), written to SPID_KEY_FILE and SPID_CERT_FILE.
An existing pair is kept unless ``--force``: the certificate is in the metadata AgID holds."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from patto.accounts.spid.keys import make_certificate, write_key_pair


class Command(BaseCommand):
    help = "Crea la chiave e il certificato del fornitore di servizi SPID (profilo AgID)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="sostituisce una coppia esistente")
        parser.add_argument("--days", type=int, default=730, help="validità in giorni")

    def handle(self, *args, force: bool, days: int, **options):
        key_file, cert_file = settings.SPID_KEY_FILE, settings.SPID_CERT_FILE
        if (key_file.exists() or cert_file.exists()) and not force:
            raise CommandError(
                f"{key_file} o {cert_file} esiste già: --force per sostituirli (e ricordati "
                "di mandare ad AgID i metadati nuovi)."
            )
        key_pem, cert_pem = make_certificate(
            common_name=settings.SPID_ORGANIZATION_NAME,
            organization=settings.SPID_ORGANIZATION_NAME,
            ipa_code=settings.SPID_IPA_CODE,
            entity_id=settings.SPID_ENTITY_ID,
            locality=settings.SPID_LOCALITY,
            days=days,
        )
        write_key_pair(key_file=key_file, cert_file=cert_file, key_pem=key_pem, cert_pem=cert_pem)
        self.stdout.write(f"{key_file}\n{cert_file}")
