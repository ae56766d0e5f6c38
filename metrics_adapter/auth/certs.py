"""The serving certificate of the secure port: given files, or self-signed into a cert dir.

Like Go apiservers with ``--tls-cert-file``/``--tls-private-key-file`` or, when those are not
given, ``--cert-dir``: a small CA and a serving certificate it signs are generated at start and
written to ``<cert-dir>/apiserver.crt`` (leaf then CA), ``apiserver.key`` (mode 0600) and
``apiserver-ca.crt`` (the CA alone: the APIService ``caBundle``). Subject alternative names are
``localhost``, ``127.0.0.1`` and the Service DNS names the caller passes (``<svc>.<ns>.svc``).
Files already there are reused while they parse, the key matches, every wanted name is covered
and the certificate is valid for longer than ``renew_before``; otherwise they are replaced.

Errors are :class:`AuthConfigError`, raised at start-up. Knows nothing about HTTP or uvicorn.
"""

from __future__ import annotations

import contextlib
import ipaddress
import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes, PublicKeyTypes

from .errors import AuthConfigError
from .pki import (
    KeyType,
    SubjectAltNames,
    build_ca_certificate,
    build_leaf_certificate,
    certificate_pem,
    generate_private_key,
    load_pem_certificates,
    private_key_pem,
)

__all__ = [
    "CA_FILE_NAME",
    "CERT_FILE_NAME",
    "KEY_FILE_NAME",
    "ServingCertificate",
    "ensure_self_signed_certificate",
    "load_serving_certificate",
    "resolve_serving_certificate",
    "service_dns_names",
]

logger = logging.getLogger(__name__)

CERT_FILE_NAME = "apiserver.crt"
KEY_FILE_NAME = "apiserver.key"
CA_FILE_NAME = "apiserver-ca.crt"
DEFAULT_DNS_NAMES = ("localhost",)
DEFAULT_IP_ADDRESSES = ("127.0.0.1",)


@dataclass(frozen=True)
class ServingCertificate:
    """PEM files of the serving certificate chain and its key; ``ca_file`` only when self-signed."""

    cert_file: Path
    key_file: Path
    ca_file: Path | None = None


def service_dns_names(
    service: str, namespace: str, *, cluster_domain: str = "cluster.local"
) -> tuple[str, ...]:
    """The names the kube-aggregator may dial a Service by: ``<svc>.<ns>.svc`` (+ cluster domain)."""
    return (f"{service}.{namespace}.svc", f"{service}.{namespace}.svc.{cluster_domain}")


def _utcnow(now: datetime | None) -> datetime:
    return datetime.now(UTC) if now is None else now


def _read_chain_and_key(
    cert_file: Path, key_file: Path
) -> tuple[tuple[x509.Certificate, ...], PrivateKeyTypes]:
    chain = load_pem_certificates(cert_file)
    try:
        key = serialization.load_pem_private_key(key_file.read_bytes(), password=None)
    except OSError as exc:
        raise AuthConfigError(f"cannot read key file {key_file}: {exc.strerror}") from exc
    except (ValueError, TypeError) as exc:
        raise AuthConfigError(f"{key_file} holds no usable unencrypted PEM private key") from exc
    return chain, key


def _spki(public_key: PublicKeyTypes) -> bytes:
    return public_key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def load_serving_certificate(
    cert_file: Path, key_file: Path, *, now: datetime | None = None
) -> ServingCertificate:
    """Validate given files: they parse, the key matches the first certificate, it is not expired."""
    chain, key = _read_chain_and_key(cert_file, key_file)
    leaf = chain[0]
    if _spki(leaf.public_key()) != _spki(key.public_key()):
        raise AuthConfigError(f"{key_file} is not the private key of the certificate in {cert_file}")
    moment = _utcnow(now)
    if not leaf.not_valid_before_utc <= moment < leaf.not_valid_after_utc:
        since, until = leaf.not_valid_before_utc, leaf.not_valid_after_utc
        raise AuthConfigError(
            f"serving certificate {cert_file} is not valid now (valid {since:%Y-%m-%dT%H:%M:%SZ}"
            f" to {until:%Y-%m-%dT%H:%M:%SZ})"
        )
    return ServingCertificate(cert_file=cert_file, key_file=key_file)


def _covers(leaf: x509.Certificate, dns_names: Sequence[str], ips: Sequence[str]) -> bool:
    try:
        sans = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return False
    have_dns = set(sans.get_values_for_type(x509.DNSName))
    have_ips = set(sans.get_values_for_type(x509.IPAddress))
    return set(dns_names) <= have_dns and {ipaddress.ip_address(ip) for ip in ips} <= have_ips


def _reusable(
    paths: ServingCertificate, sans: SubjectAltNames, *, now: datetime, renew_before: timedelta
) -> bool:
    ca_file = paths.ca_file
    if ca_file is None or not all(p.is_file() for p in (paths.cert_file, paths.key_file, ca_file)):
        return False
    try:
        load_serving_certificate(paths.cert_file, paths.key_file, now=now)
        leaf = load_pem_certificates(paths.cert_file)[0]
        ca = load_pem_certificates(ca_file)[0]
        leaf.verify_directly_issued_by(ca)
    except Exception as exc:  # any defect means: generate a new one
        logger.info("regenerating the serving certificate in %s: %s", paths.cert_file.parent, exc)
        return False
    if now + renew_before >= leaf.not_valid_after_utc:
        logger.info("regenerating the serving certificate in %s: it expires soon", paths.cert_file.parent)
        return False
    return _covers(leaf, sans.dns_names, sans.ip_addresses)


def _write(path: Path, data: bytes, *, mode: int) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.replace(tmp, path)


def ensure_self_signed_certificate(
    cert_dir: Path,
    *,
    service_names: Sequence[str] = (),
    key_type: KeyType = KeyType.RSA_2048,
    now: datetime | None = None,
    valid_for: timedelta = timedelta(days=365),
    renew_before: timedelta = timedelta(days=30),
) -> ServingCertificate:
    """A serving certificate in ``cert_dir``, reused if still good, else generated and written."""
    moment = _utcnow(now)
    ca_file = cert_dir / CA_FILE_NAME
    paths = ServingCertificate(cert_dir / CERT_FILE_NAME, cert_dir / KEY_FILE_NAME, ca_file)
    sans = SubjectAltNames(dns_names=(*DEFAULT_DNS_NAMES, *service_names), ip_addresses=DEFAULT_IP_ADDRESSES)
    if _reusable(paths, sans, now=moment, renew_before=renew_before):
        return paths
    try:
        cert_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        ca_key = generate_private_key(key_type)
        ca = build_ca_certificate(
            ca_key, common_name=f"localhost-ca@{int(moment.timestamp())}", now=moment, valid_for=valid_for
        )
        key = generate_private_key(key_type)
        leaf = build_leaf_certificate(
            key,
            issuer=ca,
            issuer_key=ca_key,
            common_name=f"localhost@{int(moment.timestamp())}",
            alt_names=sans,
            now=moment,
            valid_for=valid_for,
        )
        _write(paths.key_file, private_key_pem(key), mode=0o600)
        _write(paths.cert_file, certificate_pem(leaf, ca), mode=0o644)
        _write(ca_file, certificate_pem(ca), mode=0o644)
    except OSError as exc:
        raise AuthConfigError(f"cannot write a serving certificate to {cert_dir}: {exc.strerror}") from exc
    logger.info(
        "generated a self-signed serving certificate in %s for %s", cert_dir, ", ".join(sans.dns_names)
    )
    return paths


def resolve_serving_certificate(
    *,
    cert_file: Path | None,
    key_file: Path | None,
    cert_dir: Path,
    service_names: Sequence[str] = (),
    now: datetime | None = None,
) -> ServingCertificate:
    """The given pair if both files are given, else a self-signed certificate in ``cert_dir``."""
    if (cert_file is None) != (key_file is None):
        raise AuthConfigError("give both the TLS certificate file and its key file, or neither")
    if cert_file is not None and key_file is not None:
        return load_serving_certificate(cert_file, key_file, now=now)
    return ensure_self_signed_certificate(cert_dir, service_names=service_names, now=now)
