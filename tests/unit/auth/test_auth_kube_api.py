"""Kubernetes API access: config, in-cluster files, token rotation, error mapping of reviews."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from metrics_adapter.auth.errors import AuthBackendError, AuthBackendUnavailable, AuthConfigError
from metrics_adapter.auth.kube_api import KubeApiConfig, KubeReviewClient, TokenSource, build_kube_http_client
from metrics_adapter.auth.testing_pki import CertificateAuthority

REVIEW = {"apiVersion": "authorization.k8s.io/v1", "kind": "SubjectAccessReview", "spec": {"user": "u"}}


class ManualClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def service_account(tmp_path: Path, client_ca: CertificateAuthority) -> tuple[Path, Path]:
    token, ca = tmp_path / "token", tmp_path / "ca.crt"
    token.write_text("sa-token-1\n")
    client_ca.write(ca)
    return token, ca


@pytest.mark.parametrize(
    ("host", "port", "url"),
    [
        pytest.param("10.96.0.1", "443", "https://10.96.0.1:443", id="ipv4"),
        pytest.param("fd00::1", 443, "https://[fd00::1]:443", id="ipv6-bracketed"),
        pytest.param("kubernetes.default.svc", "6443", "https://kubernetes.default.svc:6443", id="dns"),
    ],
)
def test_in_cluster_config(service_account: tuple[Path, Path], host: str, port: str | int, url: str) -> None:
    token, ca = service_account
    config = KubeApiConfig.from_in_cluster(host=host, port=port, token_file=token, ca_file=ca)
    assert (config.base_url, config.ca_file, config.token_file, config.token) == (url, ca, token, None)
    assert "sa-token" not in repr(config)


@pytest.mark.parametrize(
    ("host", "missing", "empty_token", "match"),
    [
        pytest.param("", None, False, "KUBERNETES_SERVICE_HOST", id="no-host"),
        pytest.param("10.0.0.1", "token", False, "does not exist", id="no-token-file"),
        pytest.param("10.0.0.1", "ca.crt", False, "does not exist", id="no-ca-file"),
        pytest.param("10.0.0.1", None, True, "empty", id="empty-token"),
    ],
)
def test_in_cluster_config_errors(
    service_account: tuple[Path, Path], host: str, missing: str | None, empty_token: bool, match: str
) -> None:
    token, ca = service_account
    if missing is not None:
        (token.parent / missing).unlink()
    if empty_token:
        token.write_text("  \n")
    with pytest.raises(AuthConfigError, match=match):
        KubeApiConfig.from_in_cluster(host=host, port=443, token_file=token, ca_file=ca)


@pytest.mark.parametrize(
    "kwargs",
    [
        pytest.param({"base_url": "kube:443"}, id="no-scheme"),
        pytest.param({"base_url": "https://k", "token": "t", "token_file": Path("/t")}, id="two-tokens"),
    ],
)
def test_config_validation(kwargs: dict[str, Any]) -> None:
    with pytest.raises(AuthConfigError):
        KubeApiConfig(**kwargs)


def test_token_file_is_reread_every_minute(tmp_path: Path) -> None:
    path = tmp_path / "token"
    path.write_text("one")
    clock = ManualClock()
    source = TokenSource(KubeApiConfig("https://k", token_file=path), clock=clock)
    assert source.token() == "one"
    path.write_text("two")
    clock.now = 59.0
    assert source.token() == "one"
    clock.now = 60.0
    assert source.token() == "two"
    path.unlink()
    clock.now = 200.0
    assert source.token() == "two"  # a transient read failure keeps the last good token


async def _create(handler: Any, token: str | None = "sa") -> dict[str, Any]:
    source = TokenSource(KubeApiConfig("https://k", token=token))
    async with httpx.AsyncClient(base_url="https://k", transport=httpx.MockTransport(handler)) as http:
        return await KubeReviewClient(http, token_source=source).create("/review", dict(REVIEW))


async def test_review_is_posted_with_the_bearer_token() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(201, json={**REVIEW})

    answer = await _create(handler)
    assert answer["status"] == {}  # an omitted all-default status reads as empty
    assert seen[0].method == "POST"
    assert seen[0].headers["authorization"] == "Bearer sa"


def _raise_connect_error(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("connection refused", request=request)


@pytest.mark.parametrize(
    ("handler", "error"),
    [
        pytest.param(_raise_connect_error, AuthBackendUnavailable, id="unreachable"),
        pytest.param(lambda r: httpx.Response(502, text="bad gateway"), AuthBackendUnavailable, id="502"),
        pytest.param(lambda r: httpx.Response(429), AuthBackendUnavailable, id="429"),
        pytest.param(lambda r: httpx.Response(401), AuthBackendError, id="401-our-token"),
        pytest.param(lambda r: httpx.Response(201, text="<html>"), AuthBackendError, id="not-json"),
        pytest.param(
            lambda r: httpx.Response(201, json={"kind": "Status"}), AuthBackendError, id="wrong-kind"
        ),
        pytest.param(
            lambda r: httpx.Response(201, json={**REVIEW, "status": "yes"}), AuthBackendError, id="bad-status"
        ),
    ],
)
async def test_review_failures(handler: Any, error: type[Exception]) -> None:
    with pytest.raises(error):
        await _create(handler)


async def test_http_client_uses_the_configured_base_url(
    tmp_path: Path, client_ca: CertificateAuthority
) -> None:
    config = KubeApiConfig(
        "https://10.96.0.1:6443", ca_file=client_ca.write(tmp_path / "ca.crt"), timeout_seconds=3
    )
    async with build_kube_http_client(config) as http:
        assert str(http.base_url) == "https://10.96.0.1:6443"
        assert http.timeout.read == 3
