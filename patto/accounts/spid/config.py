"""pysaml2's configuration of the service provider, built from the settings."""

from pathlib import Path

from django.conf import settings
from django.urls import reverse
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.config import SPConfig
from saml2.saml import NAMEID_FORMAT_TRANSIENT
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

from patto.accounts.spid.idp_files import idp_metadata_files

SPID_PREFIX = "https://www.spid.gov.it/SpidL"
# What the portal asks of the identity provider, and only that (data minimisation): the fiscal
# number identifies the person; name, surname and e-mail fill in the account.
REQUESTED_ATTRIBUTES = ("spidCode", "name", "familyName", "fiscalNumber", "email")
# The CIE gives no e-mail address: the portal asks it after the first login.
CIE_REQUESTED_ATTRIBUTES = ("name", "familyName", "fiscalNumber")


def site_url(path: str) -> str:
    """``path`` on the entity's own address (SPID_ENTITY_ID's origin)."""
    from urllib.parse import urlsplit

    parts = urlsplit(settings.SPID_ENTITY_ID)
    return f"{parts.scheme}://{parts.netloc}{path}"


def acs_url() -> str:
    return site_url(reverse("spid:acs"))


def slo_url() -> str:
    return site_url(reverse("spid:slo"))


def config_stamp() -> tuple:
    """What the configuration is made of: changes when a file or the entityID does."""
    paths = [*idp_metadata_files(), str(settings.SPID_KEY_FILE), str(settings.SPID_CERT_FILE)]
    return (
        settings.SPID_ENTITY_ID,
        settings.SPID_IPA_CODE,
        settings.SPID_ORGANIZATION_NAME,
        settings.SPID_ORGANIZATION_URL,
        settings.SPID_CONTACT_EMAIL,
        settings.SPID_CONTACT_PHONE,
        settings.CIE_MUNICIPALITY,
        tuple(
            (path, Path(path).stat().st_mtime_ns if Path(path).exists() else 0) for path in paths
        ),
    )


def sp_config(*, with_idps: bool = True) -> SPConfig:
    config = {
        "entityid": settings.SPID_ENTITY_ID,
        "xmlsec_binary": "/usr/bin/xmlsec1",
        "key_file": str(settings.SPID_KEY_FILE),
        "cert_file": str(settings.SPID_CERT_FILE),
        "metadata": {"local": idp_metadata_files() if with_idps else []},
        "accepted_time_diff": settings.SPID_ACCEPTED_TIME_DIFF,
        "service": {
            "sp": {
                "name": settings.SPID_ORGANIZATION_NAME,
                "name_id_format": [NAMEID_FORMAT_TRANSIENT],
                "endpoints": {
                    "assertion_consumer_service": [(acs_url(), BINDING_HTTP_POST)],
                    "single_logout_service": [(slo_url(), BINDING_HTTP_POST)],
                },
                "authn_requests_signed": True,
                "logout_requests_signed": True,
                "want_assertions_signed": True,
                "want_response_signed": False,
                "only_use_keys_in_metadata": True,
                "allow_unsolicited": False,
                "signing_algorithm": SIG_RSA_SHA256,
                "digest_algorithm": DIGEST_SHA256,
            }
        },
        "organization": {
            "name": [(settings.SPID_ORGANIZATION_NAME, "it")],
            "display_name": [(settings.SPID_ORGANIZATION_NAME, "it")],
            "url": [(settings.SPID_ORGANIZATION_URL, "it")],
        },
    }
    conf = SPConfig()
    conf.load(config)
    return conf


BINDINGS = (BINDING_HTTP_REDIRECT, BINDING_HTTP_POST)
