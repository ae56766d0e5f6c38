"""Which ports ``servescale serve`` serves: the secure port only where the Kubernetes API is."""

from __future__ import annotations

from pathlib import Path

import pytest

from metrics_adapter.auth import KubeApiConfig
from metrics_adapter.promql import PrometheusConfig
from servescale.settings import ServeSettings, SettingsError, choose_secure_port

KUBE_API = KubeApiConfig(base_url="https://127.0.0.1:6444")


@pytest.mark.parametrize(
    ("requested", "kube_api", "expected"),
    [
        pytest.param(None, KUBE_API, 6443, id="default-on-with-kube-api"),
        pytest.param(None, None, None, id="default-off-without-kube-api"),
        pytest.param(7443, KUBE_API, 7443, id="given-with-kube-api"),
        pytest.param(0, KUBE_API, None, id="zero-turns-it-off"),
        pytest.param(0, None, None, id="zero-without-kube-api"),
    ],
)
def test_secure_port_is_on_only_where_it_can_authenticate(
    requested: int | None, kube_api: KubeApiConfig | None, expected: int | None
) -> None:
    assert choose_secure_port(requested, kube_api=kube_api) == expected


def test_secure_port_asked_for_without_kube_api_names_the_flags_that_fix_it() -> None:
    with pytest.raises(SettingsError) as refused:
        choose_secure_port(6443, kube_api=None)
    message = str(refused.value)
    assert message.startswith("--secure-port 6443 needs the Kubernetes API")
    assert "--kube-api-url" in message
    assert "--insecure-port" in message


PROMETHEUS = PrometheusConfig(base_url="http://127.0.0.1:9090")


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        pytest.param({"insecure_port": None}, "--insecure-port PORT", id="nothing-to-serve"),
        pytest.param({"health_port": 0}, "--health-port", id="health-port-zero"),
        pytest.param({"insecure_port": 65536}, "--insecure-port", id="port-range"),
        pytest.param({"cache_ttl_seconds": float("nan")}, "--cache-ttl", id="cache-ttl-nan"),
        pytest.param({"slo_interval_seconds": 0.0}, "--slo-interval", id="slo-interval"),
        pytest.param({"log_level": "loud"}, "--log-level", id="log-level"),
        pytest.param({"kubeconfig": Path("/nonexistent/kubeconfig")}, "--kubeconfig", id="kubeconfig"),
    ],
)
def test_settings_name_the_option_at_fault(changes: dict[str, object], named: str) -> None:
    fields: dict[str, object] = {"prometheus": PROMETHEUS, "secure_port": None, "insecure_port": 8443}
    with pytest.raises(SettingsError, match=named):
        ServeSettings(**{**fields, **changes})  # type: ignore[arg-type]
