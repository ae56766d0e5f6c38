"""Front-proxy (requestheader) authentication: identity headers, trusted only from the proxy.

The kube-aggregator proxies each request with its client certificate (signed by the
requestheader CA, common name e.g. ``front-proxy-client``) and headers ``X-Remote-User``, one
``X-Remote-Group`` per group, ``X-Remote-Extra-<key>`` (key URL-escaped) and, when enabled,
``X-Remote-Uid``. Those headers mean something only when the certificate was issued by the
requestheader CA and, if ``allowed_names`` is set, its common name is listed; from anyone else
they are ignored. Username: the first non-empty value over the username headers; groups: every
non-empty value of every group header, in order; extra keys are lower-cased, then unescaped.

Pure decision logic over a parsed certificate and decoded headers; knows nothing about HTTP.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import unquote

from .peer import CaBundle, PeerCertificate
from .settings import RequestHeaderSettings
from .user import UserInfo

__all__ = ["FrontProxyAuthenticator", "FrontProxyOutcome", "FrontProxyResult", "Headers"]

Headers = Sequence[tuple[str, str]]
"""Request headers as ``(lower-cased name, value)`` pairs, repeated names kept in order."""


class FrontProxyOutcome(StrEnum):
    NOT_FRONT_PROXY = "not-front-proxy"  # no certificate, or not issued by the requestheader CA
    NAME_NOT_ALLOWED = "name-not-allowed"  # requestheader CA, but the common name is not allowed
    NO_USERNAME = "no-username"  # a genuine front proxy that sent no username header
    AUTHENTICATED = "authenticated"


@dataclass(frozen=True)
class FrontProxyResult:
    outcome: FrontProxyOutcome
    user: UserInfo | None = None


def _values(headers: Headers, names: Sequence[str]) -> list[str]:
    wanted = [n.lower() for n in names]
    found: list[str] = []
    for name in wanted:
        found += [value.strip() for key, value in headers if key == name and value.strip()]
    return found


class FrontProxyAuthenticator:
    """Decides whether a request comes from the front proxy and, if so, whom it speaks for."""

    def __init__(self, ca: CaBundle, settings: RequestHeaderSettings) -> None:
        self._ca = ca
        self._settings = settings

    def authenticate(self, peer: PeerCertificate | None, headers: Headers) -> FrontProxyResult:
        if peer is None or not self._ca.issued(peer):
            return FrontProxyResult(FrontProxyOutcome.NOT_FRONT_PROXY)
        allowed = self._settings.allowed_names
        if allowed and peer.common_name not in allowed:
            return FrontProxyResult(FrontProxyOutcome.NAME_NOT_ALLOWED)
        usernames = _values(headers, self._settings.username_headers)
        if not usernames:
            return FrontProxyResult(FrontProxyOutcome.NO_USERNAME)
        uids = _values(headers, self._settings.uid_headers)
        user = UserInfo(
            name=usernames[0],
            groups=tuple(_values(headers, self._settings.group_headers)),
            uid=uids[0] if uids else None,
            extra=self._extra(headers),
        )
        return FrontProxyResult(FrontProxyOutcome.AUTHENTICATED, user)

    def _extra(self, headers: Headers) -> tuple[tuple[str, tuple[str, ...]], ...]:
        prefixes = [p.lower() for p in self._settings.extra_headers_prefixes]
        extra: dict[str, list[str]] = {}
        for name, value in headers:
            prefix = next((p for p in prefixes if name.startswith(p) and len(name) > len(p)), None)
            if prefix is None or not value.strip():
                continue
            extra.setdefault(unquote(name[len(prefix) :]), []).append(value.strip())
        return tuple(sorted((key, tuple(values)) for key, values in extra.items()))
