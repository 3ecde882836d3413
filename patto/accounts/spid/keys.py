"""The service provider's key and self-signed certificate, in the profile AgID prescribes for
public service providers (Avviso SPID n. 29 v3, checked by spid-compliant-certificates, which
spid-sp-test runs on the metadata): RSA 3072, SHA-256, a subject with the public
administration's IPA code (``organizationIdentifier`` ``PA:IT-<code>``), the entityID as ``uri``,
key usage digitalSignature and nonRepudiation (critical), the AgID policies."""

import datetime
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID, ObjectIdentifier

OID_ORGANIZATION_IDENTIFIER = ObjectIdentifier("2.5.4.97")
OID_URI = ObjectIdentifier("2.5.4.83")
POLICY_AGID_CERT = ObjectIdentifier("1.3.76.16.6")
POLICY_SPID_PUBLIC_SP = ObjectIdentifier("1.3.76.16.4.2.1")


def make_certificate(
    *,
    common_name: str,
    organization: str,
    ipa_code: str,
    entity_id: str,
    locality: str,
    days: int = 730,
) -> tuple[bytes, bytes]:
    """A new key and its certificate, both PEM."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            x509.NameAttribute(OID_URI, entity_id),
            x509.NameAttribute(OID_ORGANIZATION_IDENTIFIER, f"PA:IT-{ipa_code}"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization),
            x509.NameAttribute(NameOID.LOCALITY_NAME, locality),
            x509.NameAttribute(NameOID.COUNTRY_NAME, "IT"),
        ]
    )
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=False)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.CertificatePolicies(
                [
                    x509.PolicyInformation(POLICY_AGID_CERT, ["agIDcert"]),
                    x509.PolicyInformation(POLICY_SPID_PUBLIC_SP, ["cert_SP_Pub"]),
                ]
            ),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return key_pem, certificate.public_bytes(serialization.Encoding.PEM)


def write_key_pair(*, key_file: Path, cert_file: Path, key_pem: bytes, cert_pem: bytes) -> None:
    """Write both files; the key readable by its owner only."""
    for path in (key_file, cert_file):
        path.parent.mkdir(parents=True, exist_ok=True)
    key_file.touch(mode=0o600, exist_ok=True)
    key_file.chmod(0o600)
    key_file.write_bytes(key_pem)
    cert_file.write_bytes(cert_pem)
