"""Real TLS: uvicorn with our config, a protected app, front-proxy/client certs, tokens, SAR.

One uvicorn server on a free loopback port serves a tiny FastAPI app behind ``KubernetesAuth``;
the fake kube-apiserver runs over TLS in another thread and answers TokenReview and
SubjectAccessReview. Clients are plain ``httpx`` clients with or without certificates.
"""

from __future__ import annotations

import socket
import ssl
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI, Request

from metrics_adapter.auth import (
    AuthSettings,
    KeyType,
    KubeApiConfig,
    KubeReviewClient,
    RequestHeaderSettings,
    TokenSource,
    build_kube_http_client,
    build_request_auth,
    build_uvicorn_config,
    ensure_self_signed_certificate,
    install_kubernetes_auth,
)
from metrics_adapter.auth.testing_pki import CertificateAuthority, IssuedCertificate
from tests.fakes.kube_apiserver import FakeKubeApiServer, FakeUser, allow_users, wait_until_started

HPA = "system:serviceaccount:kube-system:horizontal-pod-autoscaler"
METRIC = "/apis/custom.metrics.k8s.io/v1beta2/namespaces/shop/pods/%2A/rps?labelSelector=app%3Dcheckout"
ADAPTER_SA_TOKEN = "adapter-service-account-token"


@dataclass(frozen=True)
class Cluster:
    base_url: str
    server_ca: Path
    requestheader_ca: CertificateAuthority
    client_ca: CertificateAuthority
    unknown_ca: CertificateAuthority
    kube: FakeKubeApiServer
    workdir: Path

    def client(self, cert: IssuedCertificate | None = None) -> httpx.Client:
        context = ssl.create_default_context(cafile=str(self.server_ca))
        if cert is not None:
            cert_file, key_file = cert.write(self.workdir, f"client-{id(cert)}")
            context.load_cert_chain(str(cert_file), str(key_file))
        return httpx.Client(base_url=self.base_url, verify=context, timeout=5)

    def sars(self) -> list[dict[str, Any]]:
        return self.kube.reviews("SubjectAccessReview")


def protected_app(review: KubeReviewClient, http: httpx.AsyncClient, settings: AuthSettings) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with http:
            yield

    app = FastAPI(lifespan=lifespan)

    @app.get("/apis/{rest:path}")
    async def metric(request: Request) -> dict[str, Any]:
        peer = request.state.peer_certificate
        return {
            "user": request.state.user.name,
            "method": str(request.state.auth_method),
            "peer": None if peer is None else peer.common_name,
            "path": request.url.path,
        }

    install = install_kubernetes_auth(
        build_request_auth(settings, review_client=review), requestheader=settings.requestheader
    )
    install(app)
    return app


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    workdir = tmp_path_factory.mktemp("tls")
    requestheader_ca = CertificateAuthority.create("front-proxy-ca")
    client_ca = CertificateAuthority.create("kubernetes-ca")
    unknown_ca = CertificateAuthority.create("unknown-ca")
    kube_ca = CertificateAuthority.create("kube-apiserver-ca")
    kube = FakeKubeApiServer(
        tokens={"good-token": FakeUser("bob", ("devs",)), "intern-token": FakeUser("intern")},
        policy=allow_users(HPA, "bob"),
        client_token=ADAPTER_SA_TOKEN,
    )
    kube_cert, kube_key = kube_ca.issue_server().write(workdir, "kube-apiserver")
    serving = ensure_self_signed_certificate(workdir / "cert-dir", key_type=KeyType.EC_P256)
    assert serving.ca_file is not None
    settings = AuthSettings(
        requestheader=RequestHeaderSettings(
            client_ca_file=requestheader_ca.write(workdir / "requestheader-ca.crt"),
            allowed_names=("front-proxy-client",),
        ),
        client_ca_file=client_ca.write(workdir / "client-ca.crt"),
    )
    with kube.serve(cert_file=kube_cert, key_file=kube_key) as kube_url:
        api = KubeApiConfig(
            base_url=kube_url, ca_file=kube_ca.write(workdir / "kube-ca.crt"), token=ADAPTER_SA_TOKEN
        )
        http = build_kube_http_client(api)
        app = protected_app(KubeReviewClient(http, token_source=TokenSource(api)), http, settings)
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        config = build_uvicorn_config(
            app,
            host="127.0.0.1",
            port=port,
            serving_cert=serving,
            auth_settings=settings,
            log_level="warning",
            access_log=False,
        )
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
        thread.start()
        try:
            wait_until_started(server, thread)
            yield Cluster(
                base_url=f"https://127.0.0.1:{port}",
                server_ca=serving.ca_file,
                requestheader_ca=requestheader_ca,
                client_ca=client_ca,
                unknown_ca=unknown_ca,
                kube=kube,
                workdir=workdir,
            )
        finally:
            server.should_exit = True
            thread.join(timeout=10)
            sock.close()


@pytest.fixture
def front_proxy(cluster: Cluster) -> IssuedCertificate:
    return cluster.requestheader_ca.issue_client("front-proxy-client")


def test_a_front_proxy_user_allowed_by_sar_gets_200(cluster: Cluster, front_proxy: IssuedCertificate) -> None:
    before = len(cluster.sars())
    with cluster.client(front_proxy) as client:
        for _ in range(2):  # the same kept-alive connection keeps its certificate
            response = client.get(
                METRIC, headers={"X-Remote-User": HPA, "X-Remote-Group": "system:serviceaccounts"}
            )
            assert response.status_code == 200, response.text
            assert response.json() == {
                "user": HPA,
                "method": "front-proxy",
                "peer": "front-proxy-client",
                "path": "/apis/custom.metrics.k8s.io/v1beta2/namespaces/shop/pods/*/rps",
            }
    new = cluster.sars()[before:]
    assert len(new) == 1  # the second request was answered from the cache
    assert new[0]["spec"]["user"] == HPA
    assert new[0]["spec"]["groups"] == ["system:serviceaccounts", "system:authenticated"]
    assert new[0]["spec"]["resourceAttributes"] == {
        "namespace": "shop",
        "verb": "get",
        "group": "custom.metrics.k8s.io",
        "version": "v1beta2",
        "resource": "pods",
        "subresource": "rps",
        "name": "*",
    }


def test_b_front_proxy_user_denied_by_sar_gets_403_status(
    cluster: Cluster, front_proxy: IssuedCertificate
) -> None:
    with cluster.client(front_proxy) as client:
        response = client.get(METRIC, headers={"X-Remote-User": "eve"})
    assert response.status_code == 403
    status = response.json()
    assert (status["kind"], status["apiVersion"], status["status"], status["reason"], status["code"]) == (
        "Status",
        "v1",
        "Failure",
        "Forbidden",
        403,
    )
    assert 'User "eve" cannot get resource "pods/rps"' in status["message"]


def test_c_no_certificate_no_token_gets_401(cluster: Cluster) -> None:
    with cluster.client() as client:
        response = client.get(METRIC)
    assert response.status_code == 401
    assert response.json()["reason"] == "Unauthorized"


@pytest.mark.parametrize(
    ("token", "code", "user"),
    [pytest.param("good-token", 200, "bob", id="valid"), pytest.param("stolen", 401, None, id="invalid")],
)
def test_d_bearer_tokens(cluster: Cluster, token: str, code: int, user: str | None) -> None:
    with cluster.client() as client:
        response = client.get(METRIC, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == code
    if user is not None:
        assert (response.json()["user"], response.json()["method"], response.json()["peer"]) == (
            user,
            "bearer-token",
            None,
        )


def tls12_handshake(cluster: Cluster, cert: IssuedCertificate) -> str:
    """Complete a TLS 1.2 handshake (where the client learns the outcome) and return the version."""
    cert_file, key_file = cert.write(cluster.workdir, f"raw-{id(cert)}")
    context = ssl.create_default_context(cafile=str(cluster.server_ca))
    context.maximum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(str(cert_file), str(key_file))
    host, port = cluster.base_url.removeprefix("https://").split(":")
    with (
        socket.create_connection((host, int(port)), timeout=5) as raw,
        context.wrap_socket(raw, server_hostname=host) as tls,
    ):
        return str(tls.version())


def test_e_certificate_from_an_unknown_ca_fails_the_handshake(
    cluster: Cluster, front_proxy: IssuedCertificate
) -> None:
    before = len(cluster.kube.requests)
    stranger = cluster.unknown_ca.issue_client("front-proxy-client")
    assert tls12_handshake(cluster, front_proxy) == "TLSv1.2"
    with pytest.raises(ssl.SSLError):
        tls12_handshake(cluster, stranger)
    with cluster.client(stranger) as client, pytest.raises(httpx.TransportError):
        client.get(METRIC, headers={"X-Remote-User": HPA})
    assert len(cluster.kube.requests) == before


def test_f_requestheader_certificate_with_unlisted_name_gets_401(cluster: Cluster) -> None:
    impostor = cluster.requestheader_ca.issue_client("not-the-aggregator")
    with cluster.client(impostor) as client:
        response = client.get(METRIC, headers={"X-Remote-User": HPA})
    assert response.status_code == 401


@pytest.mark.parametrize(
    ("authorization", "code", "user"),
    [
        pytest.param({"Authorization": "Bearer good-token"}, 200, "bob", id="token-user-wins"),
        pytest.param({"Authorization": "Bearer intern-token"}, 403, None, id="forged-masters-group-ignored"),
        pytest.param({}, 401, None, id="headers-alone-401"),
    ],
)
def test_g_identity_headers_without_front_proxy_certificate_are_ignored(
    cluster: Cluster, authorization: dict[str, str], code: int, user: str | None
) -> None:
    with cluster.client() as client:
        response = client.get(
            METRIC, headers={"X-Remote-User": HPA, "X-Remote-Group": "system:masters", **authorization}
        )
    assert response.status_code == code
    if user is not None:
        assert response.json()["user"] == user


def test_client_ca_certificate_authenticates_as_its_common_name(cluster: Cluster) -> None:
    with cluster.client(cluster.client_ca.issue_client("bob", organizations=("devs",))) as client:
        response = client.get(METRIC, headers={"X-Remote-User": HPA})
    assert response.status_code == 200
    assert (response.json()["user"], response.json()["method"]) == ("bob", "client-certificate")
