"""uvicorn TLS configuration: optional client certificates from both CAs, never unverified ones."""

from __future__ import annotations

import ssl
from pathlib import Path
from typing import Any

import pytest

from metrics_adapter.auth.certs import ServingCertificate, ensure_self_signed_certificate
from metrics_adapter.auth.pki import KeyType
from metrics_adapter.auth.settings import AuthSettings, RequestHeaderSettings
from metrics_adapter.auth.testing_pki import CertificateAuthority
from metrics_adapter.auth.tls import PeerCertificateH11Protocol, build_uvicorn_config, peer_certificate_of


async def app(scope: Any, receive: Any, send: Any) -> None:
    raise AssertionError("not called")


@pytest.fixture
def serving(tmp_path: Path) -> ServingCertificate:
    return ensure_self_signed_certificate(tmp_path / "certs", key_type=KeyType.EC_P256)


def test_both_client_cas_are_trusted_and_certificates_optional(
    tmp_path: Path,
    serving: ServingCertificate,
    requestheader_ca: CertificateAuthority,
    client_ca: CertificateAuthority,
) -> None:
    settings = AuthSettings(
        requestheader=RequestHeaderSettings(client_ca_file=requestheader_ca.write(tmp_path / "rh.crt")),
        client_ca_file=client_ca.write(tmp_path / "client.crt"),
    )
    config = build_uvicorn_config(
        app, host="127.0.0.1", port=8443, serving_cert=serving, auth_settings=settings
    )
    config.load()
    assert config.ssl is not None
    assert config.ssl.verify_mode == ssl.CERT_OPTIONAL
    assert config.ssl.minimum_version == ssl.TLSVersion.TLSv1_2
    subjects: list[Any] = [ca["subject"] for ca in config.ssl.get_ca_certs()]
    trusted = {value for subject in subjects for rdn in subject for key, value in rdn if key == "commonName"}
    assert trusted == {"front-proxy-ca", "kubernetes-client-ca"}
    assert config.http_protocol_class is PeerCertificateH11Protocol
    assert config.proxy_headers is False


def test_without_client_cas_no_certificate_is_requested(serving: ServingCertificate) -> None:
    config = build_uvicorn_config(
        app, host="127.0.0.1", port=8443, serving_cert=serving, auth_settings=AuthSettings()
    )
    config.load()
    assert config.ssl is not None
    assert config.ssl.verify_mode == ssl.CERT_NONE


def test_tls_settings_cannot_be_overridden(serving: ServingCertificate) -> None:
    with pytest.raises(ValueError, match="ssl_cert_reqs"):
        build_uvicorn_config(
            app,
            host="h",
            port=1,
            serving_cert=serving,
            auth_settings=AuthSettings(),
            ssl_cert_reqs=ssl.CERT_NONE,
        )


class FakeTransport:
    def __init__(self, ssl_object: object) -> None:
        self.ssl_object = ssl_object

    def get_extra_info(self, name: str, default: object = None) -> object:
        return self.ssl_object if name == "ssl_object" else default


def test_plain_connections_have_no_peer_certificate() -> None:
    assert peer_certificate_of(FakeTransport(None)) is None  # type: ignore[arg-type]


def test_unverified_certificates_are_never_exposed(serving: ServingCertificate) -> None:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(serving.cert_file, serving.key_file)
    context.verify_mode = ssl.CERT_NONE
    ssl_object = context.wrap_bio(ssl.MemoryBIO(), ssl.MemoryBIO(), server_side=True)
    assert peer_certificate_of(FakeTransport(ssl_object)) is None  # type: ignore[arg-type]
