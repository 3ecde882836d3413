"""The service provider's metadata, signed, as AgID's rules want it (Avviso SPID n. 29 v3 for a
public administration): one assertion consumer service (index 0, the default), one attribute
consuming service with the requested attributes, the organisation and the ``other`` contact
with the IPA code and ``spid:Public``. The CIE's version (for the Ministry of the Interior's
federation) asks the CIE's attributes and has an ``administrative`` contact with the IPA code
and the ISTAT code of the municipality."""

from xml.etree import ElementTree

import saml2
from django.conf import settings
from saml2 import md
from saml2.metadata import entity_descriptor, sign_entity_descriptor
from saml2.sigver import security_context
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

from patto.accounts.spid.config import (
    CIE_REQUESTED_ATTRIBUTES,
    REQUESTED_ATTRIBUTES,
    config_stamp,
    sp_config,
)

SPID_NS = "https://spid.gov.it/saml-extensions"
CIE_NS = "https://www.cartaidentita.interno.gov.it/saml-extensions"
MD_NS = "urn:oasis:names:tc:SAML:2.0:metadata"


_built: dict = {}


def build_metadata(kind: str = "spid") -> str:
    """``kind``: "spid" or "cie". Signed again only when the key, the certificate or the
    entityID change."""
    stamp = (kind, config_stamp())
    if stamp not in _built:
        if len(_built) > 3:
            _built.clear()
        _built[stamp] = _build(kind)
    return _built[stamp]


def _build(kind: str) -> str:
    cie = kind == "cie"
    conf = sp_config(with_idps=False)
    descriptor = entity_descriptor(conf)
    sp = descriptor.spsso_descriptor
    for index, acs in enumerate(sp.assertion_consumer_service):
        acs.index = str(index)
        acs.is_default = "true" if index == 0 else None
    sp.attribute_consuming_service = [
        md.AttributeConsumingService(
            index="0",
            service_name=[md.ServiceName(lang="it", text=settings.SPID_ORGANIZATION_NAME)],
            requested_attribute=[
                md.RequestedAttribute(name=name, is_required="true")
                for name in (CIE_REQUESTED_ATTRIBUTES if cie else REQUESTED_ATTRIBUTES)
            ],
        )
    ]
    descriptor.extensions = None
    namespace = CIE_NS if cie else SPID_NS
    ElementTree.register_namespace("cie" if cie else "spid", namespace)
    extensions = saml2.ExtensionElement("Extensions", namespace=MD_NS)
    extensions.children = [
        saml2.ExtensionElement("Public", namespace=namespace),
        saml2.ExtensionElement("IPACode", namespace=namespace, text=settings.SPID_IPA_CODE),
    ]
    if cie:
        extensions.children.append(
            saml2.ExtensionElement(
                "Municipality", namespace=namespace, text=settings.CIE_MUNICIPALITY
            )
        )
    contact = md.ContactPerson(
        contact_type="administrative" if cie else "other",
        email_address=[md.EmailAddress(text=settings.SPID_CONTACT_EMAIL)],
        telephone_number=[md.TelephoneNumber(text=settings.SPID_CONTACT_PHONE)],
    )
    if cie:
        contact.company = md.Company(text=settings.SPID_ORGANIZATION_NAME)
    contact.extensions = extensions
    descriptor.contact_person = [contact]
    _eid, signed = sign_entity_descriptor(
        descriptor, None, security_context(conf), sign_alg=SIG_RSA_SHA256, digest_alg=DIGEST_SHA256
    )
    return str(signed)
