"""Authentication and authorisation settings of the aggregated API server (frozen, validated).

The same settings a Go apiserver takes as ``--requestheader-*``, ``--client-ca-file`` and the
``--authentication-token-webhook-cache-ttl`` / ``--authorization-webhook-cache-*-ttl`` flags, with
the same defaults (``X-Remote-User``, ``X-Remote-Group``, ``X-Remote-Extra-``; 10 s caches;
``system:masters`` always allowed). :func:`requestheader_from_configmap` reads the published
``kube-system/extension-apiserver-authentication`` ConfigMap data, whose list values are JSON arrays
written as strings.

Paths are taken as given: this module never reads environment variables or files.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .errors import AuthConfigError

__all__ = [
    "DEFAULT_EXTRA_HEADERS_PREFIXES",
    "DEFAULT_GROUP_HEADERS",
    "DEFAULT_USERNAME_HEADERS",
    "AuthSettings",
    "RequestHeaderSettings",
    "identity_header_names",
    "requestheader_from_configmap",
]

DEFAULT_USERNAME_HEADERS = ("X-Remote-User",)
DEFAULT_GROUP_HEADERS = ("X-Remote-Group",)
DEFAULT_EXTRA_HEADERS_PREFIXES = ("X-Remote-Extra-",)


@dataclass(frozen=True)
class RequestHeaderSettings:
    """Front-proxy (requestheader) authentication: which certificates may assert identity headers.

    ``client_ca_file`` is the PEM bundle that signs the front proxy's client certificate;
    ``allowed_names`` empty means any certificate it signed is a front proxy, otherwise the
    certificate's common name must be listed. Header names compare case-insensitively.
    """

    client_ca_file: Path
    allowed_names: tuple[str, ...] = ()
    username_headers: tuple[str, ...] = DEFAULT_USERNAME_HEADERS
    group_headers: tuple[str, ...] = DEFAULT_GROUP_HEADERS
    extra_headers_prefixes: tuple[str, ...] = DEFAULT_EXTRA_HEADERS_PREFIXES
    uid_headers: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.username_headers:
            raise AuthConfigError("requestheader authentication needs at least one username header")
        for name in (*self.username_headers, *self.group_headers, *self.uid_headers):
            if not name or any(c.isspace() or c == ":" for c in name):
                raise AuthConfigError(f"invalid requestheader header name {name!r}")


@dataclass(frozen=True)
class AuthSettings:
    """Everything the request authenticator and authoriser need besides the Kubernetes API access.

    TTLs are seconds. ``token_audiences`` empty means TokenReview uses the API server's audiences.
    """

    requestheader: RequestHeaderSettings | None = None
    client_ca_file: Path | None = None
    token_cache_ttl: float = 10.0
    authorization_allowed_ttl: float = 10.0
    authorization_denied_ttl: float = 10.0
    always_allow_groups: tuple[str, ...] = ("system:masters",)
    token_audiences: tuple[str, ...] = ()
    max_cache_entries: int = 10_000

    def __post_init__(self) -> None:
        for name in ("token_cache_ttl", "authorization_allowed_ttl", "authorization_denied_ttl"):
            if getattr(self, name) < 0:
                raise AuthConfigError(f"{name} must be >= 0 seconds")
        if self.max_cache_entries < 1:
            raise AuthConfigError("max_cache_entries must be >= 1")

    def client_ca_files(self) -> tuple[Path, ...]:
        """The CA bundles the TLS layer must accept client certificates from (requestheader first)."""
        files = [] if self.requestheader is None else [self.requestheader.client_ca_file]
        if self.client_ca_file is not None and self.client_ca_file not in files:
            files.append(self.client_ca_file)
        return tuple(files)


def identity_header_names(settings: RequestHeaderSettings | None) -> tuple[frozenset[str], tuple[str, ...]]:
    """Lower-cased ``(names, prefixes)`` of every identity header (the defaults when ``None``)."""
    exact: tuple[str, ...]
    prefixes: tuple[str, ...]
    if settings is None:
        exact = (*DEFAULT_USERNAME_HEADERS, *DEFAULT_GROUP_HEADERS)
        prefixes = DEFAULT_EXTRA_HEADERS_PREFIXES
    else:
        exact = (*settings.username_headers, *settings.group_headers, *settings.uid_headers)
        prefixes = settings.extra_headers_prefixes
    return frozenset(h.lower() for h in exact), tuple(p.lower() for p in prefixes)


def _json_list(data: Mapping[str, str], key: str) -> tuple[str, ...] | None:
    raw = data.get(key)
    if raw is None or raw.strip() == "":
        return None
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise AuthConfigError(f"{key} is not a JSON array: {raw!r}") from exc
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise AuthConfigError(f"{key} must be a JSON array of strings, got {raw!r}")
    return tuple(value)


def requestheader_from_configmap(data: Mapping[str, str], *, client_ca_file: Path) -> RequestHeaderSettings:
    """Settings from ``extension-apiserver-authentication`` data; absent keys keep the defaults.

    The CA bundle itself (key ``requestheader-client-ca-file``) must already be written to
    ``client_ca_file`` by the caller: TLS needs it as a file.
    """
    usernames = _json_list(data, "requestheader-username-headers")
    groups = _json_list(data, "requestheader-group-headers")
    prefixes = _json_list(data, "requestheader-extra-headers-prefix")
    return RequestHeaderSettings(
        client_ca_file=client_ca_file,
        allowed_names=_json_list(data, "requestheader-allowed-names") or (),
        username_headers=usernames or DEFAULT_USERNAME_HEADERS,
        group_headers=DEFAULT_GROUP_HEADERS if groups is None else groups,
        extra_headers_prefixes=DEFAULT_EXTRA_HEADERS_PREFIXES if prefixes is None else prefixes,
        uid_headers=_json_list(data, "requestheader-uid-headers") or (),
    )
