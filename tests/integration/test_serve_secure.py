"""``servescale serve`` on its secure port, end to end: a real process, real TLS, real Prometheus.

The sandbox fleet is scraped by a real Prometheus; ``servescale serve`` runs as a subprocess with
a self-signed serving certificate, a requestheader (front-proxy) CA and a fake kube-apiserver on
loopback answering TokenReview and SubjectAccessReview. Clients are plain ``httpx`` clients that
trust the generated ``apiserver-ca.crt``, with or without client certificates and tokens.
"""

from __future__ import annotations

import os
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from autoscaler.sandbox.runner import SandboxServer
from metrics_adapter.auth.testing_pki import CertificateAuthority, IssuedCertificate
from servescale.stack.ports import free_port
from servescale.stack.prometheus import PrometheusServer, ScrapeTarget
from tests.fakes.kube_apiserver import FakeKubeApiServer, FakeUser, allow_users
from tests.integration.conftest import fast_scenario

pytestmark = pytest.mark.integration

HPA = "system:serviceaccount:kube-system:horizontal-pod-autoscaler"
AGGREGATOR = "system:kube-aggregator"
FRONT_PROXY_CN = "front-proxy-client"
ADAPTER_TOKEN = "adapter-service-account-token"
METRIC = "/apis/custom.metrics.k8s.io/v1beta2/namespaces/ml/pods/*/istio_requests_per_second"
METRIC_URL = f"{METRIC}?labelSelector=app%3Dllama"
START_TIMEOUT = 30.0


@dataclass(frozen=True)
class SecureAdapter:
    """A running ``servescale serve`` with its PKI and the fake kube-apiserver behind it."""

    base_url: str
    health_url: str
    server_ca: Path
    requestheader_ca: CertificateAuthority
    unknown_ca: CertificateAuthority
    kube: FakeKubeApiServer
    workdir: Path
    log: Path

    def client(self, cert: IssuedCertificate | None = None) -> httpx.Client:
        context = ssl.create_default_context(cafile=str(self.server_ca))
        if cert is not None:
            cert_file, key_file = cert.write(self.workdir / "clients", f"client-{id(cert)}")
            context.load_cert_chain(str(cert_file), str(key_file))
        return httpx.Client(base_url=self.base_url, verify=context, timeout=10)

    def sars(self, user: str | None = None) -> list[dict[str, Any]]:
        reviews = self.kube.reviews("SubjectAccessReview")
        return reviews if user is None else [r for r in reviews if r["spec"].get("user") == user]

    def log_tail(self) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-30:])


def serve_args(prometheus_url: str, *extra: str) -> list[str]:
    return [sys.executable, "-m", "servescale", "serve", f"--prometheus-url={prometheus_url}", *extra]


def wait_until_serving(process: subprocess.Popen[bytes], *, health_url: str, secure_port: int) -> None:
    """Block until ``/readyz`` says ready and the secure port accepts connections."""
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"servescale serve exited with {process.returncode}")
        try:
            ready = httpx.get(f"{health_url}/readyz", timeout=1).status_code == 200
        except httpx.HTTPError:
            ready = False
        if ready:
            try:
                socket.create_connection(("127.0.0.1", secure_port), timeout=1).close()
                return
            except OSError:
                pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"servescale serve not ready after {START_TIMEOUT:.0f} s")
        time.sleep(0.2)


@contextmanager
def running_secure_adapter(prometheus_url: str, workdir: Path) -> Iterator[SecureAdapter]:
    requestheader_ca = CertificateAuthority.create("front-proxy-ca")
    unknown_ca = CertificateAuthority.create("unknown-ca")
    kube = FakeKubeApiServer(
        tokens={"good-token": FakeUser("bob", ("devs",))},
        policy=allow_users(HPA, "bob"),
        client_token=ADAPTER_TOKEN,
    )
    token_file = workdir / "kube-token"
    token_file.write_text(f"{ADAPTER_TOKEN}\n")
    cert_dir = workdir / "cert-dir"
    secure_port, health_port = free_port(), free_port()
    log = workdir / "serve.log"
    with kube.serve() as kube_url, open(log, "wb") as out:
        args = serve_args(
            prometheus_url,
            f"--secure-port={secure_port}",
            "--bind-address=127.0.0.1",
            f"--cert-dir={cert_dir}",
            f"--requestheader-client-ca-file={requestheader_ca.write(workdir / 'requestheader-ca.crt')}",
            f"--requestheader-allowed-names={FRONT_PROXY_CN}",
            f"--kube-api-url={kube_url}",
            f"--kube-api-token-file={token_file}",
            f"--health-port={health_port}",
            "--health-bind-address=127.0.0.1",
            "--pods-from-prometheus",
            "--log-level=warning",
        )
        process = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, env={**os.environ})
        adapter = SecureAdapter(
            base_url=f"https://127.0.0.1:{secure_port}",
            health_url=f"http://127.0.0.1:{health_port}",
            server_ca=cert_dir / "apiserver-ca.crt",
            requestheader_ca=requestheader_ca,
            unknown_ca=unknown_ca,
            kube=kube,
            workdir=workdir,
            log=log,
        )
        try:
            try:
                wait_until_serving(process, health_url=adapter.health_url, secure_port=secure_port)
            except RuntimeError as exc:
                raise RuntimeError(f"{exc}\n{adapter.log_tail()}") from exc
            yield adapter
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture(scope="module")
def prometheus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrometheusServer]:
    workdir = tmp_path_factory.mktemp("prometheus")
    with (
        SandboxServer(fast_scenario()) as sandbox,
        PrometheusServer(targets=[ScrapeTarget("sandbox", sandbox.address)], workdir=workdir) as server,
    ):
        server.wait_for_targets_up()
        yield server


@pytest.fixture(scope="module")
def adapter(
    prometheus: PrometheusServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SecureAdapter]:
    with running_secure_adapter(prometheus.url, tmp_path_factory.mktemp("secure")) as running:
        yield running


@pytest.fixture(scope="module")
def front_proxy(adapter: SecureAdapter) -> IssuedCertificate:
    return adapter.requestheader_ca.issue_client(FRONT_PROXY_CN)


@pytest.fixture(scope="module")
def hpa_answer(adapter: SecureAdapter, front_proxy: IssuedCertificate) -> httpx.Response:
    """The HPA's request through the front proxy, retried while Prometheus has no rate yet (404)."""
    deadline = time.monotonic() + START_TIMEOUT
    with adapter.client(front_proxy) as client:
        while True:
            response = client.get(
                METRIC_URL, headers={"X-Remote-User": HPA, "X-Remote-Group": "system:serviceaccounts"}
            )
            if response.status_code != 404 or time.monotonic() > deadline:
                return response
            time.sleep(0.5)


def assert_status(response: httpx.Response, code: int, reason: str) -> dict[str, Any]:
    assert response.status_code == code, response.text
    body: dict[str, Any] = response.json()
    assert (body["kind"], body["apiVersion"], body["status"], body["code"], body["reason"]) == (
        "Status",
        "v1",
        "Failure",
        code,
        reason,
    )
    return body


def test_a_no_certificate_no_token_gets_401_status(adapter: SecureAdapter) -> None:
    with adapter.client() as client:
        assert_status(client.get(METRIC_URL), 401, "Unauthorized")


def test_b_front_proxy_hpa_allowed_by_sar_gets_metric_values(
    adapter: SecureAdapter, hpa_answer: httpx.Response
) -> None:
    assert hpa_answer.status_code == 200, f"{hpa_answer.text}\n{adapter.log_tail()}"
    body = hpa_answer.json()
    assert (body["kind"], body["apiVersion"]) == ("MetricValueList", "custom.metrics.k8s.io/v1beta2")
    assert body["items"], "the llama pods serve requests"
    for item in body["items"]:
        assert item["describedObject"]["kind"] == "Pod"
        assert item["describedObject"]["namespace"] == "ml"
        assert item["describedObject"]["name"].startswith("llama")
        assert item["metric"]["name"] == "istio_requests_per_second"
    reviews = adapter.sars(HPA)
    assert reviews, "the HPA's request was authorised by a SubjectAccessReview"
    assert reviews[0]["spec"]["groups"] == ["system:serviceaccounts", "system:authenticated"]
    assert all(r.authorization == f"Bearer {ADAPTER_TOKEN}" for r in adapter.kube.requests), (
        "every review is sent with the token from --kube-api-token-file"
    )


def test_c_front_proxy_user_denied_by_sar_gets_403_with_resource_attributes(
    adapter: SecureAdapter, front_proxy: IssuedCertificate
) -> None:
    with adapter.client(front_proxy) as client:
        response = client.get(METRIC_URL, headers={"X-Remote-User": "eve"})
    status = assert_status(response, 403, "Forbidden")
    assert 'User "eve" cannot get resource "pods/istio_requests_per_second"' in status["message"]
    reviews = adapter.sars("eve")
    assert len(reviews) == 1
    assert reviews[0]["spec"]["resourceAttributes"] == {
        "group": "custom.metrics.k8s.io",
        "version": "v1beta2",
        "resource": "pods",
        "subresource": "istio_requests_per_second",
        "name": "*",
        "namespace": "ml",
        "verb": "get",
    }


@pytest.mark.parametrize(
    ("token", "code"),
    [pytest.param("good-token", 200, id="valid"), pytest.param("stolen-token", 401, id="invalid")],
)
def test_d_bearer_tokens_are_checked_by_token_review(
    adapter: SecureAdapter, hpa_answer: httpx.Response, token: str, code: int
) -> None:
    with adapter.client() as client:
        response = client.get(METRIC_URL, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == code, response.text
    if code == 200:
        assert response.json()["kind"] == "MetricValueList"
        assert adapter.sars("bob"), "the token's user was authorised by a SubjectAccessReview"
    else:
        assert_status(response, 401, "Unauthorized")
    reviewed = [r["spec"]["token"] for r in adapter.kube.reviews("TokenReview")]
    assert token in reviewed


def tls12_handshake(adapter: SecureAdapter, cert: IssuedCertificate) -> str:
    """Complete a TLS 1.2 handshake (where the client learns the outcome); return the version."""
    cert_file, key_file = cert.write(adapter.workdir / "clients", f"raw-{id(cert)}")
    context = ssl.create_default_context(cafile=str(adapter.server_ca))
    context.maximum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(str(cert_file), str(key_file))
    port = int(adapter.base_url.rsplit(":", 1)[1])
    with (
        socket.create_connection(("127.0.0.1", port), timeout=5) as raw,
        context.wrap_socket(raw, server_hostname="127.0.0.1") as tls,
    ):
        return str(tls.version())


def test_e_certificate_from_an_unrelated_ca_fails_the_handshake(
    adapter: SecureAdapter, front_proxy: IssuedCertificate
) -> None:
    before = len(adapter.kube.requests)
    stranger = adapter.unknown_ca.issue_client(FRONT_PROXY_CN)
    assert tls12_handshake(adapter, front_proxy) == "TLSv1.2"
    with pytest.raises(ssl.SSLError):
        tls12_handshake(adapter, stranger)
    with adapter.client(stranger) as client, pytest.raises(httpx.TransportError):
        client.get(METRIC_URL, headers={"X-Remote-User": HPA})
    assert len(adapter.kube.requests) == before


def test_f_requestheader_certificate_with_unlisted_name_gets_401(adapter: SecureAdapter) -> None:
    impostor = adapter.requestheader_ca.issue_client("not-the-aggregator")
    before = len(adapter.sars())
    with adapter.client(impostor) as client:
        response = client.get(METRIC_URL, headers={"X-Remote-User": HPA})
    assert_status(response, 401, "Unauthorized")
    assert len(adapter.sars()) == before


@pytest.mark.parametrize(
    "path", [pytest.param(METRIC_URL, id="metric"), pytest.param("/apis", id="discovery")]
)
def test_g_identity_headers_without_front_proxy_certificate_are_ignored(
    adapter: SecureAdapter, path: str
) -> None:
    before = len(adapter.sars())
    with adapter.client() as client:
        response = client.get(path, headers={"X-Remote-User": AGGREGATOR, "X-Remote-Group": "system:masters"})
    assert_status(response, 401, "Unauthorized")
    assert len(adapter.sars()) == before


def test_h_discovery_as_system_masters_needs_no_sar(
    adapter: SecureAdapter, front_proxy: IssuedCertificate
) -> None:
    before = len(adapter.sars())
    with adapter.client(front_proxy) as client:
        masters = client.get(
            "/apis", headers={"X-Remote-User": AGGREGATOR, "X-Remote-Group": "system:masters"}
        )
        assert masters.status_code == 200, masters.text
        assert len(adapter.sars()) == before, "system:masters is allowed without a SubjectAccessReview"
        plain = client.get("/apis", headers={"X-Remote-User": "dave"})
    body = masters.json()
    assert body["kind"] == "APIGroupList"
    assert [g["name"] for g in body["groups"]] == ["custom.metrics.k8s.io", "external.metrics.k8s.io"]
    assert_status(plain, 403, "Forbidden")
    reviews = adapter.sars("dave")
    assert len(reviews) == 1
    assert reviews[0]["spec"]["nonResourceAttributes"] == {"path": "/apis", "verb": "get"}


@pytest.mark.parametrize("path", ["/healthz", "/livez", "/readyz"])
def test_i_probes_on_the_health_port_need_no_certificate(adapter: SecureAdapter, path: str) -> None:
    response = httpx.get(f"{adapter.health_url}{path}", timeout=5)
    assert (response.status_code, response.text) == (200, "ok")


def test_j_insecure_port_on_all_interfaces_is_refused(prometheus: PrometheusServer) -> None:
    port = free_port()
    result = subprocess.run(
        serve_args(
            prometheus.url,
            f"--insecure-port={port}",
            "--insecure-bind-address=0.0.0.0",
            "--secure-port=0",
            "--health-port=0",
            "--pods-from-prometheus",
        ),
        capture_output=True,
        text=True,
        timeout=30,
        env={**os.environ},
        check=False,
    )
    assert result.returncode == 2, result.stderr
    assert "0.0.0.0" in result.stderr
    loopback = ("localhost", "127.0.0.0/8", "::1")
    assert all(name in result.stderr for name in loopback), f"the message names loopback: {result.stderr}"
