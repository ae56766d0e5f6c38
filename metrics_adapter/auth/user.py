"""Who made a request: :class:`UserInfo` and how it was proved (:class:`AuthMethod`).

``UserInfo`` mirrors Kubernetes' ``user.Info`` (name, uid, groups, extra) as it travels in
TokenReview answers and SubjectAccessReview requests. It is hashable so authorisation decisions
can be cached per user; ``extra`` is therefore a sorted tuple of ``(key, values)`` pairs.
Knows nothing about HTTP, TLS or the Kubernetes API.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

__all__ = ["AUTHENTICATED_GROUP", "AuthMethod", "Authentication", "UserInfo", "freeze_extra"]

AUTHENTICATED_GROUP = "system:authenticated"
"""Added to every authenticated user, as Kubernetes' delegating authenticator does."""


class AuthMethod(StrEnum):
    FRONT_PROXY = "front-proxy"
    CLIENT_CERTIFICATE = "client-certificate"
    BEARER_TOKEN = "bearer-token"


def freeze_extra(extra: Mapping[str, Iterable[str]]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """``extra`` as a sorted, hashable tuple of ``(key, values)``; keys with no values are dropped."""
    frozen = ((key, tuple(values)) for key, values in extra.items())
    return tuple(sorted((key, values) for key, values in frozen if values))


@dataclass(frozen=True)
class UserInfo:
    """A Kubernetes user: ``name`` plus ``groups`` in the order they were given."""

    name: str
    groups: tuple[str, ...] = ()
    uid: str | None = None
    extra: tuple[tuple[str, tuple[str, ...]], ...] = field(default=())

    def extra_dict(self) -> dict[str, list[str]]:
        """``extra`` in the wire shape of TokenReview and SubjectAccessReview (``{key: [values]}``)."""
        return {key: list(values) for key, values in self.extra}

    def with_authenticated_group(self) -> UserInfo:
        """This user with ``system:authenticated`` appended unless already present."""
        if AUTHENTICATED_GROUP in self.groups:
            return self
        return UserInfo(self.name, (*self.groups, AUTHENTICATED_GROUP), uid=self.uid, extra=self.extra)


@dataclass(frozen=True)
class Authentication:
    """The outcome of authenticating one request."""

    user: UserInfo
    method: AuthMethod
