"""Settings: requestheader ConfigMap parsing, validation, the insecure-port bind guard."""

from __future__ import annotations

from pathlib import Path

import pytest

from metrics_adapter.auth.bind import check_insecure_bind
from metrics_adapter.auth.errors import AuthConfigError, Forbidden, Unauthorized, status_body
from metrics_adapter.auth.settings import (
    AuthSettings,
    RequestHeaderSettings,
    identity_header_names,
    requestheader_from_configmap,
)

CA = Path("/etc/servescale/requestheader-ca.crt")


def test_configmap_lists_are_json_arrays() -> None:
    data = {
        "requestheader-client-ca-file": "-----BEGIN CERTIFICATE-----...",
        "requestheader-allowed-names": '["front-proxy-client"]',
        "requestheader-username-headers": '["X-Remote-User"]',
        "requestheader-group-headers": '["X-Remote-Group"]',
        "requestheader-extra-headers-prefix": '["X-Remote-Extra-"]',
        "requestheader-uid-headers": '["X-Remote-Uid"]',
    }
    assert requestheader_from_configmap(data, client_ca_file=CA) == RequestHeaderSettings(
        client_ca_file=CA, allowed_names=("front-proxy-client",), uid_headers=("X-Remote-Uid",)
    )


def test_configmap_without_lists_keeps_the_defaults() -> None:
    settings = requestheader_from_configmap({"requestheader-allowed-names": ""}, client_ca_file=CA)
    assert settings == RequestHeaderSettings(client_ca_file=CA)
    assert (settings.username_headers, settings.group_headers, settings.extra_headers_prefixes) == (
        ("X-Remote-User",),
        ("X-Remote-Group",),
        ("X-Remote-Extra-",),
    )


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("front-proxy-client", id="not-json"),
        pytest.param('{"a": 1}', id="not-a-list"),
        pytest.param("[1]", id="not-strings"),
    ],
)
def test_configmap_malformed_lists_are_refused(value: str) -> None:
    with pytest.raises(AuthConfigError, match="requestheader-allowed-names"):
        requestheader_from_configmap({"requestheader-allowed-names": value}, client_ca_file=CA)


@pytest.mark.parametrize(
    "kwargs",
    [
        pytest.param({"username_headers": ()}, id="no-username-header"),
        pytest.param({"group_headers": ("X Group",)}, id="space-in-name"),
        pytest.param({"uid_headers": ("",)}, id="empty-name"),
    ],
)
def test_requestheader_settings_validation(kwargs: dict[str, tuple[str, ...]]) -> None:
    with pytest.raises(AuthConfigError):
        RequestHeaderSettings(client_ca_file=CA, **kwargs)


@pytest.mark.parametrize(
    "kwargs",
    [
        pytest.param({"token_cache_ttl": -1}, id="negative-ttl"),
        pytest.param({"max_cache_entries": 0}, id="no-cache-room"),
    ],
)
def test_auth_settings_validation(kwargs: dict[str, float]) -> None:
    with pytest.raises(AuthConfigError):
        AuthSettings(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("requestheader", "client_ca", "files"),
    [
        pytest.param(None, None, (), id="none"),
        pytest.param(CA, None, (CA,), id="requestheader-only"),
        pytest.param(None, Path("/c.crt"), (Path("/c.crt"),), id="client-only"),
        pytest.param(CA, Path("/c.crt"), (CA, Path("/c.crt")), id="both-requestheader-first"),
        pytest.param(CA, CA, (CA,), id="same-file-once"),
    ],
)
def test_client_ca_files(requestheader: Path | None, client_ca: Path | None, files: tuple[Path, ...]) -> None:
    rh = None if requestheader is None else RequestHeaderSettings(client_ca_file=requestheader)
    assert AuthSettings(requestheader=rh, client_ca_file=client_ca).client_ca_files() == files


def test_identity_header_names_are_lower_cased() -> None:
    custom = RequestHeaderSettings(client_ca_file=CA, username_headers=("X-User",), uid_headers=("X-Uid",))
    assert identity_header_names(custom) == (
        frozenset({"x-user", "x-remote-group", "x-uid"}),
        ("x-remote-extra-",),
    )
    assert identity_header_names(None) == (
        frozenset({"x-remote-user", "x-remote-group"}),
        ("x-remote-extra-",),
    )


@pytest.mark.parametrize(
    "host",
    [
        pytest.param("127.0.0.1", id="ipv4-loopback"),
        pytest.param("127.1.2.3", id="loopback-net"),
        pytest.param("::1", id="ipv6-loopback"),
        pytest.param("[::1]", id="bracketed"),
        pytest.param("localhost", id="localhost"),
        pytest.param("LocalHost", id="localhost-any-case"),
    ],
)
def test_insecure_bind_accepts_loopback(host: str) -> None:
    check_insecure_bind(host)


@pytest.mark.parametrize(
    "host",
    [
        pytest.param("0.0.0.0", id="all-ipv4"),
        pytest.param("::", id="all-ipv6"),
        pytest.param("", id="empty"),
        pytest.param("10.0.0.5", id="pod-ip"),
        pytest.param("localhost.example.com", id="looks-local"),
        pytest.param("my-pod", id="hostname"),
        pytest.param("128.0.0.1", id="just-outside"),
    ],
)
def test_insecure_bind_refuses_everything_else(host: str) -> None:
    with pytest.raises(AuthConfigError, match="insecure port"):
        check_insecure_bind(host)


@pytest.mark.parametrize(
    ("error", "code", "reason", "message"),
    [
        pytest.param(Unauthorized(), 401, "Unauthorized", "Unauthorized", id="401"),
        pytest.param(
            Forbidden('forbidden: User "x" cannot get path "/apis"'),
            403,
            "Forbidden",
            'forbidden: User "x" cannot get path "/apis"',
            id="403",
        ),
    ],
)
def test_status_body(error: Unauthorized | Forbidden, code: int, reason: str, message: str) -> None:
    assert status_body(error) == {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": message,
        "reason": reason,
        "code": code,
    }
