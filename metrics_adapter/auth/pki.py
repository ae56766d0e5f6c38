"""X.509 building blocks: keys, CA and leaf certificates, PEM encoding and loading.

Used to make the self-signed serving certificate (:mod:`.certs`) and the test PKI
(:mod:`.testing_pki`). Keys are RSA 2048 or ECDSA P-256; signatures SHA-256. Times come from the
caller (``now``), so tests control validity. Knows nothing about TLS servers or HTTP.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from .errors import AuthConfigError

__all__ = [
    "KeyType",
    "PrivateKey",
    "SubjectAltNames",
    "build_ca_certificate",
    "build_leaf_certificate",
    "certificate_pem",
    "generate_private_key",
    "load_pem_certificates",
    "private_key_pem",
]

PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey

# Backdating tolerates clocks of peers that run slightly behind ours.
_BACKDATE = timedelta(minutes=5)


class KeyType(StrEnum):
    RSA_2048 = "rsa-2048"
    EC_P256 = "ec-p256"


def generate_private_key(key_type: KeyType) -> PrivateKey:
    if key_type is KeyType.RSA_2048:
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return ec.generate_private_key(ec.SECP256R1())


@dataclass(frozen=True)
class SubjectAltNames:
    """DNS names and IP addresses a server certificate is valid for."""

    dns_names: tuple[str, ...] = ()
    ip_addresses: tuple[str, ...] = ()

    def to_extension(self) -> x509.SubjectAlternativeName:
        names: list[x509.GeneralName] = [x509.DNSName(n) for n in self.dns_names]
        names += [x509.IPAddress(ipaddress.ip_address(ip)) for ip in self.ip_addresses]
        return x509.SubjectAlternativeName(names)


def _name(common_name: str, organizations: Iterable[str] = ()) -> x509.Name:
    attributes = [x509.NameAttribute(NameOID.ORGANIZATION_NAME, org) for org in organizations]
    if common_name:
        attributes.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name))
    return x509.Name(attributes)


def build_ca_certificate(
    key: PrivateKey, *, common_name: str, now: datetime, valid_for: timedelta
) -> x509.Certificate:
    """A self-signed CA certificate (path length 0: it signs leaves only)."""
    subject = _name(common_name)
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - _BACKDATE)
        .not_valid_after(now + valid_for)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )


def build_leaf_certificate(
    key: PrivateKey,
    *,
    issuer: x509.Certificate,
    issuer_key: PrivateKey,
    common_name: str,
    organizations: Sequence[str] = (),
    alt_names: SubjectAltNames | None = None,
    client: bool = False,
    now: datetime,
    valid_for: timedelta,
) -> x509.Certificate:
    """A certificate for ``key`` signed by ``issuer``: serverAuth, or clientAuth when ``client``."""
    usage = ExtendedKeyUsageOID.CLIENT_AUTH if client else ExtendedKeyUsageOID.SERVER_AUTH
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name, organizations))
        .issuer_name(issuer.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - _BACKDATE)
        .not_valid_after(now + valid_for)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=isinstance(key, rsa.RSAPrivateKey),
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), critical=False
        )
    )
    if alt_names is not None:
        builder = builder.add_extension(alt_names.to_extension(), critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


def certificate_pem(*certificates: x509.Certificate) -> bytes:
    return b"".join(c.public_bytes(serialization.Encoding.PEM) for c in certificates)


def private_key_pem(key: PrivateKey) -> bytes:
    """Unencrypted PKCS#8 PEM; the caller must write it with owner-only permissions."""
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def load_pem_certificates(path: Path) -> tuple[x509.Certificate, ...]:
    """Every certificate in the PEM file ``path``; :class:`AuthConfigError` if none or unreadable."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise AuthConfigError(f"cannot read certificate file {path}: {exc.strerror}") from exc
    try:
        certificates = tuple(x509.load_pem_x509_certificates(data))
    except ValueError as exc:
        raise AuthConfigError(f"{path} holds no valid PEM certificate") from exc
    return certificates
