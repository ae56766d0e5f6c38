"""Settings of the ``servescale serve`` service: the only place that reads env vars and config paths.

Built from command-line options (and, in a cluster, the ``KUBERNETES_SERVICE_HOST``/``_PORT``
environment variables plus the service-account files). Everything downstream receives these values
and never looks at the environment itself.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from metrics_adapter.auth import KubeApiConfig
from metrics_adapter.promql import PrometheusConfig

IN_CLUSTER_DIR = Path("/var/run/secrets/kubernetes.io/serviceaccount")


class SettingsError(ValueError):
    """A setting is missing, contradictory or unusable; the message names the option."""


@dataclass(frozen=True)
class ServeSettings:
    """What the service needs to run. Ports set to None are not served."""

    prometheus: PrometheusConfig
    config_file: Path | None = None
    bind_address: str = "0.0.0.0"
    secure_port: int | None = 6443
    cert_dir: Path = Path("apiserver.local.config/certificates")
    tls_cert_file: Path | None = None
    tls_private_key_file: Path | None = None
    service_names: tuple[str, ...] = ()
    requestheader_client_ca_file: Path | None = None
    requestheader_allowed_names: tuple[str, ...] = ()
    client_ca_file: Path | None = None
    kube_api: KubeApiConfig | None = None
    kubeconfig: Path | None = None
    insecure_port: int | None = None
    insecure_bind_address: str = "127.0.0.1"
    health_port: int | None = 8080
    health_bind_address: str = "0.0.0.0"
    pods_from_prometheus: bool = False
    pod_refresh_seconds: float = 15.0
    cache_ttl_seconds: float = 5.0
    slo_file: Path | None = None
    slo_interval_seconds: float = 60.0
    forecast_config: Path | None = None
    keda_port: int | None = None
    keda_bind_address: str = "127.0.0.1"
    log_level: str = "info"

    def __post_init__(self) -> None:
        if self.secure_port is None and self.insecure_port is None:
            raise SettingsError("nothing to serve: give --secure-port or --insecure-port")
        if self.cache_ttl_seconds < 0:
            raise SettingsError("--cache-ttl must be >= 0")
        if self.config_file is not None and not self.config_file.is_file():
            raise SettingsError(f"--config: {self.config_file} does not exist")
        if self.slo_file is not None and not self.slo_file.is_file():
            raise SettingsError(f"--slos: {self.slo_file} does not exist")
        if self.forecast_config is not None and not self.forecast_config.is_file():
            raise SettingsError(f"--forecast-config: {self.forecast_config} does not exist")


def in_cluster_kube_api() -> KubeApiConfig | None:
    """The in-cluster Kubernetes API when running in a pod, else None."""
    host = os.environ.get("KUBERNETES_SERVICE_HOST")
    port = os.environ.get("KUBERNETES_SERVICE_PORT")
    if not host or not port or not (IN_CLUSTER_DIR / "token").is_file():
        return None
    return KubeApiConfig.from_in_cluster(
        host=host, port=port, token_file=IN_CLUSTER_DIR / "token", ca_file=IN_CLUSTER_DIR / "ca.crt"
    )


def read_secret_file(path: Path | None, *, option: str) -> str | None:
    """The stripped content of a token file named by ``option``."""
    if path is None:
        return None
    try:
        return path.read_text().strip()
    except OSError as exc:
        raise SettingsError(f"{option}: cannot read {path}: {exc.strerror}") from exc
