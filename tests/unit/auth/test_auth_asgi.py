"""The KubernetesAuth middleware through an ASGI app: Status errors, user state, header hygiene."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, Request

from metrics_adapter.auth.asgi import KubernetesAuth, install_kubernetes_auth
from metrics_adapter.auth.errors import Unauthorized
from metrics_adapter.auth.kube_api import KubeReviewClient
from metrics_adapter.auth.peer import PEER_CERTIFICATE_STATE_KEY, peer_certificate_from_der
from metrics_adapter.auth.request_auth import build_request_auth
from metrics_adapter.auth.settings import AuthSettings, RequestHeaderSettings
from metrics_adapter.auth.testing_pki import CertificateAuthority, IssuedCertificate
from tests.fakes.kube_apiserver import FakeKubeApiServer, FakeUser, allow_users

METRIC = "/apis/custom.metrics.k8s.io/v1beta2/namespaces/shop/pods/*/rps"
HPA = "system:serviceaccount:kube-system:horizontal-pod-autoscaler"
PROXY_HEADERS = {
    "X-Remote-User": HPA,
    "X-Remote-Group": "system:serviceaccounts",
    "X-Remote-Extra-Scopes": "s",
}


def build_app() -> FastAPI:
    app = FastAPI()

    @app.get("/apis/{rest:path}")
    async def metric(request: Request) -> dict[str, Any]:
        user = request.state.user
        return {
            "user": user.name,
            "groups": list(user.groups),
            "method": str(request.state.auth_method),
            "headers": sorted(request.headers.keys()),
        }

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app


class WithPeerCertificate:
    """Stands in for the TLS protocol: puts the connection's certificate into the request state."""

    def __init__(self, app: Any, peer: IssuedCertificate | str | None) -> None:
        self.app, self.peer = app, peer

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            value = (
                peer_certificate_from_der(self.peer.der())
                if isinstance(self.peer, IssuedCertificate)
                else self.peer
            )
            scope = {**scope, "state": {**scope.get("state", {}), PEER_CERTIFICATE_STATE_KEY: value}}
        await self.app(scope, receive, send)


@dataclass
class Harness:
    kube: FakeKubeApiServer
    app: FastAPI
    review: KubeReviewClient

    async def get(
        self, path: str, *, peer: IssuedCertificate | str | None = None, **headers: str
    ) -> httpx.Response:
        transport = httpx.ASGITransport(app=WithPeerCertificate(self.app, peer))
        async with httpx.AsyncClient(transport=transport, base_url="https://adapter") as client:
            return await client.get(path, headers=headers)


@pytest.fixture
async def harness(
    tmp_path: Path, requestheader_ca: CertificateAuthority, client_ca: CertificateAuthority
) -> AsyncIterator[Harness]:
    kube = FakeKubeApiServer(tokens={"good": FakeUser("bob", ("devs",))}, policy=allow_users(HPA, "bob"))
    requestheader = RequestHeaderSettings(
        client_ca_file=requestheader_ca.write(tmp_path / "rh.crt"), allowed_names=("front-proxy-client",)
    )
    settings = AuthSettings(
        requestheader=requestheader, client_ca_file=client_ca.write(tmp_path / "client.crt")
    )
    async with httpx.AsyncClient(base_url="https://kube", transport=kube.mock_transport()) as http:
        review = KubeReviewClient(http)
        app = build_app()
        install = install_kubernetes_auth(
            build_request_auth(settings, review_client=review),
            public_paths=("/healthz",),
            requestheader=requestheader,
        )
        install(app)
        yield Harness(kube, app, review)


async def test_front_proxy_request_reaches_the_app_as_the_user(
    harness: Harness, requestheader_ca: CertificateAuthority
) -> None:
    proxy = requestheader_ca.issue_client("front-proxy-client")
    response = await harness.get(METRIC, peer=proxy, Authorization="Bearer good", **PROXY_HEADERS)
    assert response.status_code == 200
    body = response.json()
    assert (body["user"], body["method"]) == (HPA, "front-proxy")
    assert body["groups"] == ["system:serviceaccounts", "system:authenticated"]
    assert not [h for h in body["headers"] if h.startswith("x-remote-") or h == "authorization"]
    (sar,) = harness.kube.reviews("SubjectAccessReview")
    assert sar["spec"]["extra"] == {"scopes": ["s"]}
    assert sar["spec"]["resourceAttributes"]["name"] == "*"


async def test_denied_request_is_a_forbidden_status(
    harness: Harness, client_ca: CertificateAuthority
) -> None:
    response = await harness.get(METRIC, peer=client_ca.issue_client("eve", organizations=("interns",)))
    assert response.status_code == 403
    assert response.headers["content-type"] == "application/json"
    status = response.json()
    assert {k: status[k] for k in ("kind", "apiVersion", "status", "reason", "code")} == {
        "kind": "Status",
        "apiVersion": "v1",
        "status": "Failure",
        "reason": "Forbidden",
        "code": 403,
    }
    assert status["message"].startswith('pods.custom.metrics.k8s.io "*" is forbidden: User "eve" cannot get')


@pytest.mark.parametrize(
    ("peer", "headers"),
    [
        pytest.param(None, {}, id="nothing"),
        pytest.param(None, PROXY_HEADERS, id="identity-headers-without-proxy-cert"),
        pytest.param("forged", PROXY_HEADERS, id="state-value-of-wrong-type"),
        pytest.param(None, {"Authorization": "Bearer bad"}, id="bad-token"),
    ],
)
async def test_unauthenticated_requests_get_401_status(
    harness: Harness, peer: str | None, headers: dict[str, str]
) -> None:
    response = await harness.get(METRIC, peer=peer, **headers)
    assert response.status_code == 401
    assert response.json()["reason"] == "Unauthorized"
    assert harness.kube.reviews("SubjectAccessReview") == []


async def test_token_user_wins_over_identity_headers(harness: Harness) -> None:
    response = await harness.get(METRIC, Authorization="Bearer good", **PROXY_HEADERS)
    assert response.status_code == 200
    assert (response.json()["user"], response.json()["method"]) == ("bob", "bearer-token")


async def test_discovery_is_a_non_resource_review(harness: Harness) -> None:
    response = await harness.get("/apis/custom.metrics.k8s.io/v1beta2", Authorization="Bearer good")
    assert response.status_code == 200
    (sar,) = harness.kube.reviews("SubjectAccessReview")
    assert sar["spec"]["nonResourceAttributes"] == {
        "path": "/apis/custom.metrics.k8s.io/v1beta2",
        "verb": "get",
    }


async def test_public_paths_skip_authentication(harness: Harness) -> None:
    response = await harness.get("/healthz")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})
    assert harness.kube.requests == []


class RefuseAll:
    async def check(self, credentials: object, *, method: str, path: str, query_string: str = "") -> Any:
        raise Unauthorized()


@pytest.mark.parametrize(
    ("path", "public"),
    [
        pytest.param("/healthz", True, id="exact"),
        pytest.param("/debug/pprof", True, id="prefix"),
        pytest.param("/healthz/../apis/x", False, id="dot-dot-after-exact"),
        pytest.param("/debug/../apis/x", False, id="dot-dot-after-prefix"),
        pytest.param("/./healthz", False, id="dot"),
        pytest.param("/healthzz", False, id="longer-name"),
    ],
)
async def test_public_paths_are_exact_or_prefixes_without_dot_segments(path: str, public: bool) -> None:
    reached: list[str] = []
    sent: list[dict[str, Any]] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        reached.append(scope["path"])

    async def send(message: Any) -> None:
        sent.append(message)

    middleware = KubernetesAuth(app, auth=RefuseAll(), public_paths=("/healthz", "/debug/*"))
    scope = {"type": "http", "method": "GET", "path": path, "query_string": b"", "headers": []}
    await middleware(scope, None, send)  # type: ignore[arg-type]
    assert reached == ([path] if public else [])
    assert [m["status"] for m in sent if m["type"] == "http.response.start"] == ([] if public else [401])


async def test_unreachable_backend_is_503_status(harness: Harness) -> None:
    harness.kube.fail_with = 503
    response = await harness.get(METRIC, Authorization="Bearer good")
    assert response.status_code == 503
    assert response.json()["reason"] == "ServiceUnavailable"
