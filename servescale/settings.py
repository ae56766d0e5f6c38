"""Settings of the ``servescale serve`` service: the only place that reads env vars and config paths.

Built from command-line options (and, in a cluster, the ``KUBERNETES_SERVICE_HOST``/``_PORT``
environment variables plus the service-account files). Everything downstream receives these values
and never looks at the environment itself.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path

from metrics_adapter.auth import KubeApiConfig
from metrics_adapter.promql import PrometheusConfig

IN_CLUSTER_DIR = Path("/var/run/secrets/kubernetes.io/serviceaccount")
DEFAULT_SECURE_PORT = 6443
LOG_LEVELS = ("debug", "info", "warning", "error", "critical")


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
            raise SettingsError(
                "nothing to serve: give --insecure-port PORT to serve plain HTTP on loopback, or "
                "--kube-api-url URL (or run in a cluster) for the secure port"
            )
        for option, port in (
            ("--secure-port", self.secure_port),
            ("--insecure-port", self.insecure_port),
            ("--health-port", self.health_port),
            ("--keda-port", self.keda_port),
        ):
            if port is not None and not 0 < port < 65536:
                raise SettingsError(f"{option} must be within 1..65535 (0 turns it off), got {port}")
        if not (math.isfinite(self.cache_ttl_seconds) and self.cache_ttl_seconds >= 0):
            raise SettingsError(f"--cache-ttl must be a finite number >= 0, got {self.cache_ttl_seconds}")
        if not (math.isfinite(self.slo_interval_seconds) and self.slo_interval_seconds > 0):
            raise SettingsError(
                f"--slo-interval must be a finite number > 0, got {self.slo_interval_seconds}"
            )
        if self.log_level not in LOG_LEVELS:
            raise SettingsError(f"--log-level must be one of {', '.join(LOG_LEVELS)}, got {self.log_level!r}")
        for option, path in (
            ("--config", self.config_file),
            ("--slos", self.slo_file),
            ("--kubeconfig", self.kubeconfig),
            ("--forecast-config", self.forecast_config),
        ):
            if path is not None and not path.is_file():
                raise SettingsError(f"{option}: {path} does not exist or is not a file")


def choose_secure_port(requested: int | None, *, kube_api: KubeApiConfig | None) -> int | None:
    """The secure port to serve: ``--secure-port`` as given, 6443 when unset and it can work, else None.

    The secure port authenticates and authorises every request through the Kubernetes API
    (TokenReview, SubjectAccessReview), so it works only with that API: in a cluster, or with
    ``--kube-api-url``. Without it an unset port stays off (local use is ``--insecure-port``) and
    a port asked for is refused with the flags that fix it. ``0`` turns the port off.
    """
    if requested == 0:
        return None
    if kube_api is not None:
        return DEFAULT_SECURE_PORT if requested is None else requested
    if requested is None:
        return None
    raise SettingsError(
        f"--secure-port {requested} needs the Kubernetes API for TokenReview and SubjectAccessReview: "
        "pass --kube-api-url URL (or run in a cluster), or serve locally with --insecure-port PORT "
        "and no --secure-port"
    )


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
