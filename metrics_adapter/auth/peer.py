"""The TLS client certificate of a connection, and CA bundles that may have issued it.

The TLS layer has already verified the certificate chains to one of the configured client CA
bundles (signature, validity, possession of the key); what it cannot say on Python 3.11 is *which*
bundle. :meth:`CaBundle.issued` answers that by checking the certificate is directly signed by
one of the bundle's certificates (issuer name and signature), which is how Kubernetes' front
proxy and client CAs sign their leaves. Certificates issued through intermediates are not
recognised as issued by the bundle.

:data:`PEER_CERTIFICATE_STATE_KEY` is the name under which the server puts a connection's
:class:`PeerCertificate` (or ``None``) into the ASGI scope's ``state``. Knows nothing about HTTP.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.x509.oid import NameOID

from .pki import load_pem_certificates

__all__ = ["PEER_CERTIFICATE_STATE_KEY", "CaBundle", "PeerCertificate", "peer_certificate_from_der"]

PEER_CERTIFICATE_STATE_KEY = "peer_certificate"


@dataclass(frozen=True)
class PeerCertificate:
    """A verified client certificate: subject common name, organisations (groups) and issuer."""

    common_name: str | None
    organizations: tuple[str, ...]
    issuer: str
    certificate: x509.Certificate = field(repr=False, compare=False)


def _attribute_values(name: x509.Name, oid: x509.ObjectIdentifier) -> list[str]:
    return [str(attr.value) for attr in name.get_attributes_for_oid(oid)]


def peer_certificate_from_der(der: bytes) -> PeerCertificate:
    """Parse a DER certificate as handed out by ``SSLObject.getpeercert(binary_form=True)``."""
    certificate = x509.load_der_x509_certificate(der)
    common_names = _attribute_values(certificate.subject, NameOID.COMMON_NAME)
    return PeerCertificate(
        common_name=common_names[0] if common_names else None,
        organizations=tuple(_attribute_values(certificate.subject, NameOID.ORGANIZATION_NAME)),
        issuer=certificate.issuer.rfc4514_string(),
        certificate=certificate,
    )


class CaBundle:
    """The CA certificates of one PEM bundle (requestheader CA or client CA)."""

    def __init__(self, certificates: tuple[x509.Certificate, ...], *, source: str) -> None:
        self._certificates = certificates
        self.source = source

    @classmethod
    def from_file(cls, path: Path) -> CaBundle:
        return cls(load_pem_certificates(path), source=str(path))

    def issued(self, peer: PeerCertificate) -> bool:
        """Whether one of this bundle's certificates directly signed ``peer``."""
        for ca in self._certificates:
            if ca.subject != peer.certificate.issuer:
                continue
            try:
                peer.certificate.verify_directly_issued_by(ca)
            except (ValueError, TypeError, InvalidSignature):
                continue
            return True
        return False
