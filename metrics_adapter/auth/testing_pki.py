"""A throw-away PKI for tests and the local demo: CAs, client and server certificates.

NOT for production: keys are unencrypted and kept in memory, validity defaults to one day. Tests
use it to mint a requestheader CA and front-proxy certificates (``CN=front-proxy-client``), a
client CA and user certificates (CN = user, O = groups), and server certificates for fake
servers; :meth:`IssuedCertificate.write` puts PEM files where TLS libraries want them. ECDSA P-256
keys by default, because they are fast to generate.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from .pki import (
    KeyType,
    PrivateKey,
    SubjectAltNames,
    build_ca_certificate,
    build_leaf_certificate,
    certificate_pem,
    generate_private_key,
    private_key_pem,
)

__all__ = ["CertificateAuthority", "IssuedCertificate"]

_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class IssuedCertificate:
    certificate: x509.Certificate
    key: PrivateKey

    def der(self) -> bytes:
        """The certificate in DER, as a TLS server sees a client's certificate."""
        return self.certificate.public_bytes(serialization.Encoding.DER)

    def write(self, directory: Path, name: str) -> tuple[Path, Path]:
        """Write ``<name>.crt`` and ``<name>.key`` (0600) into ``directory``; return both paths."""
        directory.mkdir(parents=True, exist_ok=True)
        cert_file, key_file = directory / f"{name}.crt", directory / f"{name}.key"
        cert_file.write_bytes(certificate_pem(self.certificate))
        key_file.touch(mode=0o600)
        key_file.write_bytes(private_key_pem(self.key))
        return cert_file, key_file


@dataclass(frozen=True)
class CertificateAuthority:
    certificate: x509.Certificate
    key: PrivateKey

    @classmethod
    def create(
        cls,
        common_name: str,
        *,
        key_type: KeyType = KeyType.EC_P256,
        now: datetime | None = None,
        valid_for: timedelta = _ONE_DAY,
    ) -> CertificateAuthority:
        key = generate_private_key(key_type)
        moment = datetime.now(UTC) if now is None else now
        return cls(build_ca_certificate(key, common_name=common_name, now=moment, valid_for=valid_for), key)

    def write(self, path: Path) -> Path:
        """Write the CA certificate (the bundle clients and servers trust) to ``path``."""
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(certificate_pem(self.certificate))
        return path

    def issue_client(
        self,
        common_name: str,
        *,
        organizations: Sequence[str] = (),
        now: datetime | None = None,
        valid_for: timedelta = _ONE_DAY,
    ) -> IssuedCertificate:
        """A clientAuth certificate: CN is the user name, each O a group."""
        key = generate_private_key(KeyType.EC_P256)
        moment = datetime.now(UTC) if now is None else now
        certificate = build_leaf_certificate(
            key,
            issuer=self.certificate,
            issuer_key=self.key,
            common_name=common_name,
            organizations=organizations,
            client=True,
            now=moment,
            valid_for=valid_for,
        )
        return IssuedCertificate(certificate, key)

    def issue_server(
        self,
        *,
        dns_names: Sequence[str] = ("localhost",),
        ip_addresses: Sequence[str] = ("127.0.0.1",),
        now: datetime | None = None,
        valid_for: timedelta = _ONE_DAY,
    ) -> IssuedCertificate:
        """A serverAuth certificate for the given names and addresses."""
        key = generate_private_key(KeyType.EC_P256)
        moment = datetime.now(UTC) if now is None else now
        certificate = build_leaf_certificate(
            key,
            issuer=self.certificate,
            issuer_key=self.key,
            common_name=dns_names[0] if dns_names else ip_addresses[0],
            alt_names=SubjectAltNames(dns_names=tuple(dns_names), ip_addresses=tuple(ip_addresses)),
            now=moment,
            valid_for=valid_for,
        )
        return IssuedCertificate(certificate, key)
