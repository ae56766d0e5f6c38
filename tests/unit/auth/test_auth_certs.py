"""Serving certificates: given files validated, self-signed ones generated, reused or renewed."""

from __future__ import annotations

import ipaddress
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from metrics_adapter.auth.certs import (
    ensure_self_signed_certificate,
    load_serving_certificate,
    resolve_serving_certificate,
    service_dns_names,
)
from metrics_adapter.auth.errors import AuthConfigError
from metrics_adapter.auth.pki import KeyType, load_pem_certificates
from metrics_adapter.auth.testing_pki import CertificateAuthority

NOW = datetime(2026, 5, 1, 10, 0, tzinfo=UTC)
SVC = service_dns_names("servescale", "monitoring")


def sans(path: Path) -> tuple[set[str], set[str]]:
    leaf = load_pem_certificates(path)[0]
    names = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    return set(names.get_values_for_type(x509.DNSName)), {
        str(ip) for ip in names.get_values_for_type(x509.IPAddress)
    }


def test_service_dns_names() -> None:
    assert SVC == ("servescale.monitoring.svc", "servescale.monitoring.svc.cluster.local")


@pytest.mark.parametrize(
    ("key_type", "key_class"),
    [
        pytest.param(KeyType.EC_P256, ec.EllipticCurvePublicKey, id="ec"),
        pytest.param(KeyType.RSA_2048, rsa.RSAPublicKey, id="rsa"),
    ],
)
def test_self_signed_certificate_is_written_and_valid(
    tmp_path: Path, key_type: KeyType, key_class: type
) -> None:
    cert = ensure_self_signed_certificate(tmp_path / "certs", service_names=SVC, key_type=key_type, now=NOW)
    assert cert.ca_file is not None
    assert sans(cert.cert_file) == ({"localhost", *SVC}, {"127.0.0.1"})
    leaf, ca_in_chain = load_pem_certificates(cert.cert_file)
    (ca,) = load_pem_certificates(cert.ca_file)
    assert ca_in_chain == ca
    leaf.verify_directly_issued_by(ca)
    assert isinstance(leaf.public_key(), key_class)
    if key_type is KeyType.RSA_2048:
        assert leaf.public_key().key_size == 2048  # type: ignore[union-attr]
    assert stat.S_IMODE(cert.key_file.stat().st_mode) == 0o600
    assert load_serving_certificate(cert.cert_file, cert.key_file, now=NOW).cert_file == cert.cert_file


def test_good_certificate_is_reused(tmp_path: Path) -> None:
    first = ensure_self_signed_certificate(tmp_path, service_names=SVC, key_type=KeyType.EC_P256, now=NOW)
    before = first.cert_file.read_bytes()
    again = ensure_self_signed_certificate(
        tmp_path, service_names=SVC[:1], key_type=KeyType.EC_P256, now=NOW + timedelta(days=300)
    )
    assert again == first
    assert again.cert_file.read_bytes() == before


@pytest.mark.parametrize(
    ("change", "later"),
    [
        pytest.param("names", timedelta(0), id="new-service-name"),
        pytest.param("none", timedelta(days=340), id="expires-within-renew-window"),
        pytest.param("key", timedelta(0), id="key-replaced"),
        pytest.param("ca", timedelta(0), id="ca-file-missing"),
    ],
)
def test_certificate_is_regenerated(tmp_path: Path, change: str, later: timedelta) -> None:
    first = ensure_self_signed_certificate(tmp_path, service_names=SVC[:1], key_type=KeyType.EC_P256, now=NOW)
    before = first.cert_file.read_bytes()
    names = SVC[:1]
    if change == "names":
        names = ("other.monitoring.svc",)
    elif change == "key":
        first.key_file.write_bytes(CertificateAuthority.create("x").issue_client("y").der())
    elif change == "ca":
        assert first.ca_file is not None
        first.ca_file.unlink()
    again = ensure_self_signed_certificate(
        tmp_path, service_names=names, key_type=KeyType.EC_P256, now=NOW + later
    )
    assert again.cert_file.read_bytes() != before
    load_serving_certificate(again.cert_file, again.key_file, now=NOW + later)
    assert set(names) <= sans(again.cert_file)[0]


@pytest.fixture
def given_pair(tmp_path: Path) -> tuple[Path, Path]:
    ca = CertificateAuthority.create("given-ca", now=NOW)
    return ca.issue_server(dns_names=("api.example",), now=NOW).write(tmp_path, "given")


def test_given_files_are_validated(given_pair: tuple[Path, Path]) -> None:
    cert_file, key_file = given_pair
    loaded = load_serving_certificate(cert_file, key_file, now=NOW)
    assert (loaded.cert_file, loaded.key_file, loaded.ca_file) == (cert_file, key_file, None)


@pytest.mark.parametrize(
    ("defect", "match"),
    [
        pytest.param("expired", "not valid now", id="expired"),
        pytest.param("other-key", "is not the private key", id="key-mismatch"),
        pytest.param("garbage-cert", "no valid PEM certificate", id="garbage-cert"),
        pytest.param("garbage-key", "no usable", id="garbage-key"),
        pytest.param("missing", "cannot read", id="missing"),
    ],
)
def test_given_files_with_defects_are_refused(
    tmp_path: Path, given_pair: tuple[Path, Path], defect: str, match: str
) -> None:
    cert_file, key_file = given_pair
    now = NOW
    if defect == "expired":
        now = NOW + timedelta(days=2)
    elif defect == "other-key":
        _, key_file = CertificateAuthority.create("z").issue_server().write(tmp_path, "other")
    elif defect == "garbage-cert":
        cert_file.write_text("not a certificate")
    elif defect == "garbage-key":
        key_file.write_text("not a key")
    else:
        cert_file.unlink()
    with pytest.raises(AuthConfigError, match=match):
        load_serving_certificate(cert_file, key_file, now=now)


def test_resolve_prefers_given_files_and_refuses_half_a_pair(
    tmp_path: Path, given_pair: tuple[Path, Path]
) -> None:
    cert_file, key_file = given_pair
    given = resolve_serving_certificate(
        cert_file=cert_file, key_file=key_file, cert_dir=tmp_path / "d", now=NOW
    )
    assert given.cert_file == cert_file
    assert not (tmp_path / "d").exists()
    with pytest.raises(AuthConfigError, match="both"):
        resolve_serving_certificate(cert_file=cert_file, key_file=None, cert_dir=tmp_path / "d")


def test_resolve_without_files_uses_the_cert_dir(tmp_path: Path) -> None:
    cert = resolve_serving_certificate(cert_file=None, key_file=None, cert_dir=tmp_path / "d", now=NOW)
    assert cert.cert_file.parent == tmp_path / "d"
    assert ipaddress.ip_address("127.0.0.1") in {ipaddress.ip_address(ip) for ip in sans(cert.cert_file)[1]}
