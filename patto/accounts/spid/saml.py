"""The SAML exchange with an identity provider, on pysaml2 (signatures by xmlsec1): the
authentication request as SPID's technical rules want it, sent by HTTP-Redirect, and the
reading of the answer, with the checks SPID adds to SAML's (spid-sp-test's response suite)."""

import datetime
import threading
from dataclasses import dataclass

import saml2
from django.conf import settings
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT, samlp
from saml2.authn_context import requested_authn_context
from saml2.client import Saml2Client
from saml2.population import Population
from saml2.saml import NAMEID_FORMAT_ENTITY, NAMEID_FORMAT_TRANSIENT
from saml2.xmldsig import SIG_RSA_SHA256

from patto.accounts.spid.config import acs_url, config_stamp, sp_config

SPID_LEVELS = {level: f"https://www.spid.gov.it/SpidL{level}" for level in (1, 2, 3)}


class SpidError(Exception):
    """The identity provider's answer cannot be accepted."""


@dataclass(frozen=True)
class AuthnRequest:
    id: str
    location: str


@dataclass(frozen=True)
class Identity:
    fiscal_number: str
    given_name: str
    family_name: str
    email: str
    idp: str


_clients: dict = {}
_lock = threading.Lock()


def client() -> Saml2Client:
    """The service provider's pysaml2 client, made again when the registry's copy, the key or
    the certificate change (loading an RSA key takes a quarter of a second)."""
    stamp = config_stamp()
    with _lock:
        if _clients.get("stamp") != stamp:
            _clients["client"] = Saml2Client(sp_config())
            _clients["stamp"] = stamp
        saml_client = _clients["client"]
        # pysaml2 remembers in memory who logged in; the portal keeps its own sessions
        saml_client.users = Population()
        return saml_client


def known_idps() -> dict[str, str]:
    """{entityID: display name} of the identity providers in the registry."""
    saml_client = client()
    found = {}
    for entity_id in saml_client.metadata.identity_providers():
        metadata = saml_client.metadata
        name = metadata.name(entity_id, "it") or metadata.name(entity_id, "en") or entity_id
        found[entity_id] = name
    return found


def authn_request(*, idp: str, relay_state: str) -> AuthnRequest:
    """A signed request to ``idp`` (an entityID in the registry; KeyError if not there)."""
    saml_client = client()
    locations = saml_client.metadata.single_sign_on_service(idp, BINDING_HTTP_REDIRECT)
    if not locations:
        raise KeyError(idp)
    request = samlp.AuthnRequest()
    request.id = saml2.s_utils.sid()
    request.version = saml2.VERSION
    request.issue_instant = saml2.time_util.instant()
    request.destination = idp
    request.issuer = saml2.saml.Issuer(
        text=settings.SPID_ENTITY_ID,
        format=NAMEID_FORMAT_ENTITY,
        name_qualifier=settings.SPID_ENTITY_ID,
    )
    request.name_id_policy = samlp.NameIDPolicy(format=NAMEID_FORMAT_TRANSIENT)
    request.requested_authn_context = requested_authn_context(
        class_ref=SPID_LEVELS[settings.SPID_LEVEL], comparison="minimum"
    )
    # SpidL2 and SpidL3 must be asked again at every login (SPID's technical rules)
    request.force_authn = "true" if settings.SPID_LEVEL > 1 else None
    request.protocol_binding = BINDING_HTTP_POST
    request.assertion_consumer_service_url = acs_url()
    request.attribute_consuming_service_index = "0"
    http = saml_client.apply_binding(
        BINDING_HTTP_REDIRECT,
        str(request),
        locations[0]["location"],
        relay_state=relay_state,
        sign=True,
        sigalg=SIG_RSA_SHA256,
    )
    return AuthnRequest(id=request.id, location=dict(http["headers"])["Location"])


def _attribute_values(assertion) -> dict[str, str]:
    values = {}
    for statement in assertion.attribute_statement:
        for attribute in statement.attribute:
            texts = [value.text for value in attribute.attribute_value if value.text]
            if texts:
                values[attribute.name] = texts[0].strip()
    return values


def _instant(value: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))


def read_response(*, saml_response: str, request_id: str) -> Identity:
    """The person ``saml_response`` (base64, HTTP-POST) identifies, answering ``request_id``;
    SpidError if anything is wrong with it."""
    saml_client = client()
    try:
        response = saml_client.parse_authn_request_response(
            saml_response, BINDING_HTTP_POST, outstanding={request_id: "/"}
        )
    except Exception as exc:  # pysaml2 raises a score of unrelated exception types
        raise SpidError(f"{type(exc).__name__}: {exc}") from exc
    if response is None:
        raise SpidError("no response")
    _check_spid_rules(response, request_id=request_id)
    assertion = response.assertion
    values = _attribute_values(assertion)
    fiscal_number = values.get("fiscalNumber", "")
    if fiscal_number.upper().startswith("TINIT-"):
        fiscal_number = fiscal_number[6:]
    fiscal_number = fiscal_number.upper()
    if not (len(fiscal_number) == 16 and fiscal_number.isalnum()):
        raise SpidError("fiscalNumber missing or not an Italian fiscal number")
    return Identity(
        fiscal_number=fiscal_number,
        given_name=values.get("name", ""),
        family_name=values.get("familyName", ""),
        email=values.get("email", ""),
        idp=response.issuer(),
    )


def _check_spid_rules(response, *, request_id: str) -> None:
    """What SPID's technical rules ask beyond pysaml2's own checks."""
    xml = response.response
    if xml.in_response_to != request_id:
        raise SpidError("InResponseTo")
    if xml.destination != acs_url():
        raise SpidError("Destination")
    if xml.issuer is None or (xml.issuer.format and xml.issuer.format != NAMEID_FORMAT_ENTITY):
        raise SpidError("Response Issuer")
    if not xml.issue_instant or xml.version != "2.0":
        raise SpidError("Response IssueInstant or Version")
    now = datetime.datetime.now(datetime.UTC)
    allowed = datetime.timedelta(seconds=settings.SPID_ACCEPTED_TIME_DIFF)
    if abs(now - _instant(xml.issue_instant)) > allowed:
        raise SpidError("Response IssueInstant out of time")
    if len(xml.assertion) != 1:
        raise SpidError("one Assertion")
    assertion = xml.assertion[0]
    if assertion.version != "2.0" or not assertion.issue_instant or not assertion.id:
        raise SpidError("Assertion Version, ID or IssueInstant")
    if abs(now - _instant(assertion.issue_instant)) > allowed:
        raise SpidError("Assertion IssueInstant out of time")
    if assertion.issuer is None or assertion.issuer.format != NAMEID_FORMAT_ENTITY:
        raise SpidError("Assertion Issuer Format")
    if assertion.issuer.text != response.issuer():
        raise SpidError("Assertion Issuer")
    name_id = assertion.subject.name_id if assertion.subject else None
    if (
        name_id is None
        or not name_id.text
        or name_id.format != NAMEID_FORMAT_TRANSIENT
        or not name_id.name_qualifier
    ):
        raise SpidError("NameID")
    confirmations = assertion.subject.subject_confirmation
    if not confirmations:
        raise SpidError("SubjectConfirmation")
    for confirmation in confirmations:
        data = confirmation.subject_confirmation_data
        if (
            confirmation.method != "urn:oasis:names:tc:SAML:2.0:cm:bearer"
            or data is None
            or data.in_response_to != request_id
            or data.recipient != acs_url()
            or not data.not_on_or_after
        ):
            raise SpidError("SubjectConfirmationData")
    conditions = assertion.conditions
    if (
        conditions is None
        or not conditions.not_before
        or not conditions.not_on_or_after
        or not conditions.audience_restriction
    ):
        raise SpidError("Conditions")
    for restriction in conditions.audience_restriction:
        audiences = [audience.text for audience in restriction.audience or []]
        if settings.SPID_ENTITY_ID not in audiences:
            raise SpidError("Audience")
    if not assertion.authn_statement:
        raise SpidError("AuthnStatement")
    for statement in assertion.authn_statement:
        context = statement.authn_context
        ref = (
            context.authn_context_class_ref.text.strip()
            if context and context.authn_context_class_ref and context.authn_context_class_ref.text
            else ""
        )
        levels = {url: level for level, url in SPID_LEVELS.items()}
        if ref not in levels or levels[ref] < settings.SPID_LEVEL:
            raise SpidError("AuthnContextClassRef")
    if not assertion.attribute_statement or not any(
        statement.attribute for statement in assertion.attribute_statement
    ):
        raise SpidError("AttributeStatement")
