"""A fake kube-apiserver answering TokenReview and SubjectAccessReview, for auth tests.

Requests are validated like the real API does for these two kinds (``apiVersion``, ``kind``,
``spec``; a token for TokenReview; a user or groups and exactly one of ``resourceAttributes`` /
``nonResourceAttributes`` for SubjectAccessReview) and answered ``201`` with the review and its
``status``, or with a ``Status`` error. Tokens map to :class:`FakeUser`s; the SAR decision comes
from a policy function given the ``spec``. Every request is recorded in ``requests``.

Three ways to use it: :meth:`FakeKubeApiServer.mock_transport` (``httpx.MockTransport``, for
unit tests), :attr:`FakeKubeApiServer.app` (FastAPI), and :meth:`FakeKubeApiServer.serve`, a
real uvicorn server on a free loopback port in a background thread, optionally over TLS.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

__all__ = [
    "FakeKubeApiServer",
    "FakeUser",
    "RecordedRequest",
    "SarPolicy",
    "allow_users",
    "deny_all",
    "serve_app",
    "wait_until_started",
]

TOKEN_REVIEWS = "/apis/authentication.k8s.io/v1/tokenreviews"
SUBJECT_ACCESS_REVIEWS = "/apis/authorization.k8s.io/v1/subjectaccessreviews"

SarPolicy = Callable[[dict[str, Any]], bool | tuple[bool, str]]
"""Given a SubjectAccessReview ``spec``: allowed, or (allowed, reason)."""


def deny_all(spec: dict[str, Any]) -> bool:
    return False


def allow_users(*names: str) -> SarPolicy:
    """A policy allowing everything to the named users and nothing to anybody else."""

    def policy(spec: dict[str, Any]) -> tuple[bool, str]:
        if spec.get("user") in names:
            return True, "allowed by the test policy"
        return False, "not in the test policy"

    return policy


@dataclass(frozen=True)
class FakeUser:
    name: str
    groups: tuple[str, ...] = ()
    uid: str | None = None
    extra: Mapping[str, list[str]] = field(default_factory=dict)
    audiences: tuple[str, ...] | None = None  # None: valid for whatever audiences are asked for


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    authorization: str | None
    body: Any


def _status(code: int, reason: str, message: str) -> tuple[int, dict[str, Any]]:
    return code, {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": message,
        "reason": reason,
        "code": code,
    }


class FakeKubeApiServer:
    def __init__(
        self,
        *,
        tokens: Mapping[str, FakeUser] | None = None,
        policy: SarPolicy = deny_all,
        client_token: str | None = None,
    ) -> None:
        self.tokens = dict(tokens or {})
        self.policy = policy
        self.client_token = client_token
        self.fail_with: int | None = None
        self.requests: list[RecordedRequest] = []
        self.app = self._build_app()

    def reviews(self, kind: str) -> list[dict[str, Any]]:
        """Bodies of the recorded requests of one kind (``TokenReview``, ``SubjectAccessReview``)."""
        return [r.body for r in self.requests if isinstance(r.body, dict) and r.body.get("kind") == kind]

    def handle(
        self, method: str, path: str, *, authorization: str | None, body: bytes
    ) -> tuple[int, dict[str, Any]]:
        try:
            parsed: Any = json.loads(body) if body else None
        except ValueError:
            parsed = body
        self.requests.append(RecordedRequest(method, path, authorization, parsed))
        if self.client_token is not None and authorization != f"Bearer {self.client_token}":
            return _status(401, "Unauthorized", "Unauthorized")
        if self.fail_with is not None:
            return _status(self.fail_with, "InternalError", "the fake was told to fail")
        if path not in (TOKEN_REVIEWS, SUBJECT_ACCESS_REVIEWS):
            return _status(404, "NotFound", "the server could not find the requested resource")
        if method != "POST":
            return _status(405, "MethodNotAllowed", f"{method} is not supported")
        expected = (
            ("authentication.k8s.io/v1", "TokenReview")
            if path == TOKEN_REVIEWS
            else ("authorization.k8s.io/v1", "SubjectAccessReview")
        )
        if not isinstance(parsed, dict) or (parsed.get("apiVersion"), parsed.get("kind")) != expected:
            return _status(400, "BadRequest", f"expected a {expected[1]} of {expected[0]}")
        spec = parsed.get("spec")
        if not isinstance(spec, dict):
            return _status(400, "BadRequest", "spec is required")
        if path == TOKEN_REVIEWS:
            return self._token_review(parsed, spec)
        return self._subject_access_review(parsed, spec)

    def _token_review(self, review: dict[str, Any], spec: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        token = spec.get("token")
        if not isinstance(token, str) or not token:
            return _status(422, "Invalid", "spec.token: Required value")
        user = self.tokens.get(token)
        wanted = spec.get("audiences") or []
        audiences = (
            wanted if user is None or user.audiences is None else [a for a in wanted if a in user.audiences]
        )
        if user is None or (wanted and not audiences):
            status: dict[str, Any] = {"authenticated": False, "user": {}, "error": "invalid bearer token"}
        else:
            wire_user: dict[str, Any] = {"username": user.name, "groups": list(user.groups)}
            if user.uid:
                wire_user["uid"] = user.uid
            if user.extra:
                wire_user["extra"] = dict(user.extra)
            status = {"authenticated": True, "user": wire_user, "audiences": audiences}
        return 201, {**review, "metadata": {"creationTimestamp": None}, "status": status}

    def _subject_access_review(
        self, review: dict[str, Any], spec: dict[str, Any]
    ) -> tuple[int, dict[str, Any]]:
        if not spec.get("user") and not spec.get("groups"):
            return _status(422, "Invalid", "spec.user: at least one of user or group must be set")
        has_resource, has_non_resource = "resourceAttributes" in spec, "nonResourceAttributes" in spec
        if has_resource == has_non_resource:
            return _status(
                422, "Invalid", "exactly one of resourceAttributes or nonResourceAttributes must be specified"
            )
        decision = self.policy(spec)
        allowed, reason = decision if isinstance(decision, tuple) else (decision, "")
        status: dict[str, Any] = {"allowed": allowed}
        if reason:
            status["reason"] = reason
        return 201, {**review, "metadata": {"creationTimestamp": None}, "status": status}

    def mock_transport(self) -> httpx.MockTransport:
        def handler(request: httpx.Request) -> httpx.Response:
            code, body = self.handle(
                request.method,
                request.url.path,
                authorization=request.headers.get("authorization"),
                body=request.content,
            )
            return httpx.Response(code, json=body)

        return httpx.MockTransport(handler)

    def _build_app(self) -> FastAPI:
        app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)

        @app.api_route("/{path:path}", methods=["GET", "POST", "PUT", "DELETE"])
        async def any_path(request: Request) -> JSONResponse:
            code, body = self.handle(
                request.method,
                request.url.path,
                authorization=request.headers.get("authorization"),
                body=await request.body(),
            )
            return JSONResponse(body, status_code=code)

        return app

    def serve(
        self, *, cert_file: Path | None = None, key_file: Path | None = None
    ) -> AbstractContextManager[str]:
        """Run on ``127.0.0.1:<free port>`` in a thread; yields the base URL (https with a cert)."""
        return serve_app(self.app, cert_file=cert_file, key_file=key_file)


@contextmanager
def serve_app(app: FastAPI, *, cert_file: Path | None = None, key_file: Path | None = None) -> Iterator[str]:
    """Run ``app`` with uvicorn on ``127.0.0.1:<free port>`` in a thread; yields the base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    tls: dict[str, Any] = {}
    if cert_file is not None:
        tls = {"ssl_certfile": str(cert_file), "ssl_keyfile": str(key_file)}
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off", **tls))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        wait_until_started(server, thread)
        yield f"{'https' if cert_file else 'http'}://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def wait_until_started(server: uvicorn.Server, thread: threading.Thread, *, timeout: float = 10.0) -> None:
    """Block until a uvicorn server running in ``thread`` accepts connections."""
    deadline = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("the server thread exited before it started")
        if time.monotonic() > deadline:
            raise TimeoutError("the server did not start in time")
        time.sleep(0.01)
