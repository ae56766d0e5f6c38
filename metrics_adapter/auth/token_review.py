"""Bearer token authentication through TokenReview (``authentication.k8s.io/v1``), cached.

Each distinct token costs one ``POST /apis/authentication.k8s.io/v1/tokenreviews`` per TTL
(default 10 s, like ``--authentication-token-webhook-cache-ttl``); authenticated and rejected
answers are both cached, errors are not. Cache keys are SHA-256 digests, so raw tokens are not
kept. When audiences are configured, the review must confirm one of them.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from metrics_adapter.ttl_cache import TtlCache

from .errors import AuthBackendError
from .kube_api import KubeReviewClient
from .user import UserInfo, freeze_extra

__all__ = ["TOKEN_REVIEW_PATH", "TokenReviewAuthenticator", "token_review_body"]

logger = logging.getLogger(__name__)

TOKEN_REVIEW_PATH = "/apis/authentication.k8s.io/v1/tokenreviews"


@dataclass(frozen=True)
class _Review:
    user: UserInfo | None


def token_review_body(token: str, *, audiences: Sequence[str] = ()) -> dict[str, Any]:
    spec: dict[str, Any] = {"token": token}
    if audiences:
        spec["audiences"] = list(audiences)
    return {"apiVersion": "authentication.k8s.io/v1", "kind": "TokenReview", "spec": spec}


def _strings(value: Any, what: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise AuthBackendError(f"TokenReview answer has malformed {what}")
    return value


def _user_from_status(status: dict[str, Any], audiences: Sequence[str]) -> UserInfo | None:
    if status.get("authenticated") is not True:
        if status.get("error"):
            logger.info("token rejected by TokenReview: %s", status["error"])
        return None
    if audiences and not set(_strings(status.get("audiences"), "audiences")) & set(audiences):
        logger.info("token rejected: TokenReview confirmed none of the audiences %s", list(audiences))
        return None
    user = status.get("user")
    if not isinstance(user, dict) or not isinstance(user.get("username"), str) or not user["username"]:
        raise AuthBackendError("TokenReview answer authenticated a token without a username")
    extra = user.get("extra") or {}
    if not isinstance(extra, dict):
        raise AuthBackendError("TokenReview answer has malformed extra")
    uid = user.get("uid")
    return UserInfo(
        name=user["username"],
        groups=tuple(_strings(user.get("groups"), "groups")),
        uid=uid if isinstance(uid, str) and uid else None,
        extra=freeze_extra({str(k): _strings(v, "extra") for k, v in extra.items()}),
    )


class TokenReviewAuthenticator:
    """Turns a bearer token into a user, or ``None`` when the API server rejects the token."""

    def __init__(
        self,
        client: KubeReviewClient,
        *,
        cache_ttl: float = 10.0,
        audiences: Sequence[str] = (),
        clock: Callable[[], float] = time.monotonic,
        max_entries: int = 10_000,
    ) -> None:
        self._client = client
        self._audiences = tuple(audiences)
        self._cache: TtlCache[_Review] = TtlCache.fixed(cache_ttl, clock=clock, max_entries=max_entries)

    async def authenticate_token(self, token: str) -> UserInfo | None:
        key = hashlib.sha256(token.encode()).digest()

        async def review() -> _Review:
            answer = await self._client.create(
                TOKEN_REVIEW_PATH, token_review_body(token, audiences=self._audiences)
            )
            return _Review(_user_from_status(answer["status"], self._audiences))

        return (await self._cache.get(key, review)).value.user
