"""A SAML identity provider for the browser test, on pysaml2 (its configuration, metadata and
signature), served by a thread on localhost: its page asks which test person logs in, and its
answer is a signed SPID assertion posted back to the portal by the browser (a button, as the
real providers' pages do with a script). A test's own provider, not a mock of the portal: the
portal reads it from its registry like any other."""

import base64
import datetime
import secrets
import threading
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from saml2 import BINDING_HTTP_REDIRECT, saml, samlp
from saml2.config import IdPConfig
from saml2.metadata import entity_descriptor
from saml2.s_utils import decode_base64_and_inflate, sid
from saml2.saml import NAME_FORMAT_BASIC, NAMEID_FORMAT_ENTITY, NAMEID_FORMAT_TRANSIENT
from saml2.sigver import pre_signature_part, security_context
from saml2.time_util import in_a_while, instant
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256


def _key_pair(directory: Path) -> tuple[Path, Path]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test IdP")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    key_file, cert_file = directory / "idp-key.pem", directory / "idp-cert.pem"
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key_file, cert_file


class LocalIdentityProvider:
    def __init__(self, directory: Path, people: dict[str, dict[str, str]]):
        self.people = people
        self.pending: dict[str, samlp.AuthnRequest] = {}
        self.httpd = ThreadingHTTPServer(("localhost", 0), self._handler())
        self.url = f"http://localhost:{self.httpd.server_port}"
        self.entity_id = f"{self.url}/"
        key_file, cert_file = _key_pair(directory)
        self.config = IdPConfig()
        self.config.load(
            {
                "entityid": self.entity_id,
                "xmlsec_binary": "/usr/bin/xmlsec1",
                "key_file": str(key_file),
                "cert_file": str(cert_file),
                "organization": {
                    "name": [("Gestore di prova", "it")],
                    "display_name": [("Gestore di prova", "it")],
                    "url": [(self.url, "it")],
                },
                "service": {
                    "idp": {
                        "endpoints": {
                            "single_sign_on_service": [(f"{self.url}/sso", BINDING_HTTP_REDIRECT)]
                        },
                        "name_id_format": [NAMEID_FORMAT_TRANSIENT],
                    }
                },
            }
        )
        self.security = security_context(self.config)
        self.metadata_file = directory / "test-idp.xml"
        self.metadata_file.write_text(str(entity_descriptor(self.config)), encoding="utf-8")

    def __enter__(self):
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()

    def answer(self, request: samlp.AuthnRequest, person: dict[str, str]) -> str:
        """The signed SAML response (XML) to ``request`` for ``person``."""
        acs = request.assertion_consumer_service_url
        sp = request.issuer.text
        issuer = lambda: saml.Issuer(text=self.entity_id, format=NAMEID_FORMAT_ENTITY)  # noqa: E731
        assertion = saml.Assertion(
            id=sid(),
            version="2.0",
            issue_instant=instant(),
            issuer=issuer(),
            subject=saml.Subject(
                name_id=saml.NameID(
                    format=NAMEID_FORMAT_TRANSIENT, name_qualifier=self.entity_id, text=sid()
                ),
                subject_confirmation=[
                    saml.SubjectConfirmation(
                        method=saml.SCM_BEARER,
                        subject_confirmation_data=saml.SubjectConfirmationData(
                            in_response_to=request.id,
                            recipient=acs,
                            not_on_or_after=in_a_while(minutes=5),
                        ),
                    )
                ],
            ),
            conditions=saml.Conditions(
                not_before=instant(),
                not_on_or_after=in_a_while(minutes=5),
                audience_restriction=[saml.AudienceRestriction(audience=[saml.Audience(text=sp)])],
            ),
            authn_statement=[
                saml.AuthnStatement(
                    authn_instant=instant(),
                    session_index=sid(),
                    authn_context=saml.AuthnContext(
                        authn_context_class_ref=saml.AuthnContextClassRef(
                            text="https://www.spid.gov.it/SpidL2"
                        )
                    ),
                )
            ],
            attribute_statement=[
                saml.AttributeStatement(
                    attribute=[
                        saml.Attribute(
                            name=name,
                            name_format=NAME_FORMAT_BASIC,
                            attribute_value=[saml.AttributeValue(text=value)],
                        )
                        for name, value in person.items()
                    ]
                )
            ],
        )
        assertion.signature = pre_signature_part(
            assertion.id,
            self.security.my_cert,
            1,
            sign_alg=SIG_RSA_SHA256,
            digest_alg=DIGEST_SHA256,
        )
        response = samlp.Response(
            id=sid(),
            version="2.0",
            issue_instant=instant(),
            destination=acs,
            in_response_to=request.id,
            issuer=issuer(),
            status=samlp.Status(status_code=samlp.StatusCode(value=samlp.STATUS_SUCCESS)),
            assertion=[assertion],
        )
        return self.security.sign_statement(
            str(response),
            node_name="urn:oasis:names:tc:SAML:2.0:assertion:Assertion",
            node_id=assertion.id,
        )

    def _handler(self):
        idp = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _page(self, body: str):
                data = (
                    '<!doctype html><html lang="it"><head><meta charset="utf-8">'
                    f"<title>Gestore di prova</title></head><body>{body}</body></html>"
                ).encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                if not self.path.startswith("/sso?"):
                    self.send_error(404)
                    return
                query = parse_qs(urlsplit(self.path).query)
                xml = decode_base64_and_inflate(query["SAMLRequest"][0])
                request = samlp.authn_request_from_string(xml)
                key = secrets.token_urlsafe(8)
                idp.pending[key] = (request, query.get("RelayState", [""])[0])
                choices = "".join(
                    f'<button name="person" value="{escape(name)}">{escape(name)}</button>'
                    for name in idp.people
                )
                self._page(
                    f'<h1>Gestore di prova</h1><form method="post" action="/login">'
                    f'<input type="hidden" name="key" value="{key}">{choices}</form>'
                )

            def do_POST(self):
                length = int(self.headers["Content-Length"])
                form = parse_qs(self.rfile.read(length).decode())
                request, relay_state = idp.pending.pop(form["key"][0])
                xml = idp.answer(request, idp.people[form["person"][0]])
                encoded = base64.b64encode(xml.encode()).decode()
                acs = escape(request.assertion_consumer_service_url)
                self._page(
                    f'<form method="post" action="{acs}">'
                    f'<input type="hidden" name="SAMLResponse" value="{encoded}">'
                    f'<input type="hidden" name="RelayState" value="{escape(relay_state)}">'
                    "<button>Continua</button></form>"
                )

        return Handler
