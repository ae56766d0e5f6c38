"""``servescale serve`` (the metrics API server) and ``servescale metrics explain|list``.

The commands read their options into :class:`~servescale.settings.ServeSettings` and hand them to
:func:`~servescale.app.run_service`; they know nothing of how the service is wired.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Annotated

import typer

from metrics_adapter.auth import AuthConfigError, KubeApiConfig
from metrics_adapter.catalogue import CatalogueError, explain, load_config
from metrics_adapter.kube import KubeFormatError
from servescale.app import run_service
from servescale.commands.cli_input import prometheus_config
from servescale.commands.conventions import ExitCode, fail
from servescale.commands.options import PrometheusUrlOption
from servescale.heap import fix_mmap_threshold
from servescale.listeners import ListenError
from servescale.settings import (
    ServeSettings,
    SettingsError,
    choose_secure_port,
    in_cluster_kube_api,
    read_secret_file,
)
from slo.spec import SpecError

__all__ = ["register"]

Opt = typer.Option
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"

ConfigOption = Annotated[Path | None, Opt(help="Catalogue YAML; all presets when omitted.")]
TenantOption = Annotated[str | None, Opt(help="Tenant (X-Scope-OrgID) for Mimir/Cortex.")]
PrometheusTokenOption = Annotated[Path | None, Opt(help="Bearer token file for Prometheus.")]
PrometheusTimeoutOption = Annotated[float, Opt(help="Query timeout, seconds.")]
BindAddressOption = Annotated[str, Opt(help="Address of the secure port.")]
SecurePortOption = Annotated[
    int | None,
    Opt(
        help="HTTPS port for the aggregator; it needs the Kubernetes API (in a cluster or "
        "--kube-api-url), where it defaults to 6443. 0 turns it off."
    ),
]
CertDirOption = Annotated[Path, Opt(help="Where a self-signed serving certificate is kept.")]
TlsCertOption = Annotated[Path | None, Opt(help="Serving certificate (PEM).")]
TlsKeyOption = Annotated[Path | None, Opt(help="Serving key (PEM).")]
RequestheaderCaOption = Annotated[
    Path | None, Opt(help="Front-proxy CA; read from the cluster when omitted.")
]
RequestheaderNamesOption = Annotated[
    str, Opt(help="Comma-separated front-proxy certificate CNs; empty allows any.")
]
ClientCaOption = Annotated[Path | None, Opt(help="CA of client certificates.")]
KubeApiUrlOption = Annotated[str | None, Opt(help="Kubernetes API for TokenReview/SAR.")]
KubeApiTokenOption = Annotated[Path | None, Opt(help="Token file for --kube-api-url.")]
KubeApiCaOption = Annotated[Path | None, Opt(help="CA file for --kube-api-url.")]
KubeconfigOption = Annotated[Path | None, Opt(help="kubeconfig for the pod watch.")]
InsecurePortOption = Annotated[int | None, Opt(help="Plain-HTTP metrics API, loopback only.")]
InsecureBindOption = Annotated[str, Opt(help="Address of --insecure-port.")]
HealthPortOption = Annotated[int, Opt(help="Probes and /metrics port; 0 off.")]
HealthBindOption = Annotated[
    str | None, Opt(help="Address of the health port; 0.0.0.0 in a cluster, else 127.0.0.1.")
]
PodsFromPrometheusOption = Annotated[
    bool,
    Opt(
        help="Build the pod cache from kube-state-metrics instead of a watch (always so outside "
        "a cluster without --kubeconfig)."
    ),
]
CacheTtlOption = Annotated[float, Opt(help="Seconds a query result is reused.")]
SlosFileOption = Annotated[Path | None, Opt(help="SLO specs: serve /slo/v1/status and slo_* gauges.")]
SloIntervalOption = Annotated[float, Opt(help="Seconds between SLO evaluations.")]
ForecastConfigOption = Annotated[
    Path | None, Opt(help="Autoscaling config: serve the request-rate forecast of its predictive workloads.")
]
KedaPortOption = Annotated[int, Opt(help="KEDA external scaler (gRPC) port; 0 off.")]
KedaBindOption = Annotated[str, Opt(help="Address of --keda-port.")]
LogLevelOption = Annotated[str, Opt(help="debug, info, warning, error or critical.")]
CatalogueOption = Annotated[Path | None, Opt(help="Metric catalogue YAML.")]


def serve(
    prometheus_url: PrometheusUrlOption,
    config: ConfigOption = None,
    prometheus_tenant: TenantOption = None,
    prometheus_token_file: PrometheusTokenOption = None,
    prometheus_timeout: PrometheusTimeoutOption = 10.0,
    bind_address: BindAddressOption = "0.0.0.0",
    secure_port: SecurePortOption = None,
    cert_dir: CertDirOption = Path("apiserver.local.config/certificates"),
    tls_cert_file: TlsCertOption = None,
    tls_private_key_file: TlsKeyOption = None,
    requestheader_client_ca_file: RequestheaderCaOption = None,
    requestheader_allowed_names: RequestheaderNamesOption = "",
    client_ca_file: ClientCaOption = None,
    kube_api_url: KubeApiUrlOption = None,
    kube_api_token_file: KubeApiTokenOption = None,
    kube_api_ca_file: KubeApiCaOption = None,
    kubeconfig: KubeconfigOption = None,
    insecure_port: InsecurePortOption = None,
    insecure_bind_address: InsecureBindOption = "127.0.0.1",
    health_port: HealthPortOption = 8080,
    health_bind_address: HealthBindOption = None,
    pods_from_prometheus: PodsFromPrometheusOption = False,
    cache_ttl: CacheTtlOption = 5.0,
    slos: SlosFileOption = None,
    slo_interval: SloIntervalOption = 60.0,
    forecast_config: ForecastConfigOption = None,
    keda_port: KedaPortOption = 0,
    keda_bind_address: KedaBindOption = "127.0.0.1",
    log_level: LogLevelOption = "info",
) -> None:
    """Serve custom.metrics.k8s.io and external.metrics.k8s.io from Prometheus.

    Outside a cluster and without --kube-api-url, ``--insecure-port PORT`` serves locally: no
    secure port, pods from kube-state-metrics (unless --kubeconfig) and the health port on loopback.
    """
    try:
        cluster = in_cluster_kube_api()
        kube_api = (
            KubeApiConfig(base_url=kube_api_url, token_file=kube_api_token_file, ca_file=kube_api_ca_file)
            if kube_api_url
            else cluster
        )
        settings = ServeSettings(
            prometheus=prometheus_config(
                prometheus_url,
                timeout_seconds=prometheus_timeout,
                tenant=prometheus_tenant,
                bearer_token=read_secret_file(prometheus_token_file, option="--prometheus-token-file"),
            ),
            config_file=config,
            bind_address=bind_address,
            secure_port=choose_secure_port(secure_port, kube_api=kube_api),
            cert_dir=cert_dir,
            tls_cert_file=tls_cert_file,
            tls_private_key_file=tls_private_key_file,
            requestheader_client_ca_file=requestheader_client_ca_file,
            requestheader_allowed_names=tuple(n for n in requestheader_allowed_names.split(",") if n),
            client_ca_file=client_ca_file,
            kube_api=kube_api,
            kubeconfig=kubeconfig,
            insecure_port=insecure_port or None,
            insecure_bind_address=insecure_bind_address,
            health_port=health_port or None,
            health_bind_address=health_bind_address or ("127.0.0.1" if cluster is None else "0.0.0.0"),
            pods_from_prometheus=pods_from_prometheus or (cluster is None and kubeconfig is None),
            cache_ttl_seconds=cache_ttl,
            slo_file=slos,
            slo_interval_seconds=slo_interval,
            forecast_config=forecast_config,
            keda_port=keda_port or None,
            keda_bind_address=keda_bind_address,
            log_level=log_level.lower(),
        )
    except (SettingsError, AuthConfigError) as exc:
        fail(str(exc))
    _run(settings)


def _run(settings: ServeSettings) -> None:
    """Run the service until interrupted; bad settings exit 2, a port that cannot be bound exits 1."""
    logging.basicConfig(level=settings.log_level.upper(), format=LOG_FORMAT)
    fix_mmap_threshold()
    try:
        asyncio.run(run_service(settings))
    except (SettingsError, CatalogueError, AuthConfigError, SpecError) as exc:
        fail(str(exc))
    except ListenError as exc:
        fail(str(exc), ExitCode.FAILED)
    except KeyboardInterrupt:
        pass


def explain_command(
    name: Annotated[str, typer.Argument(help="Metric name as the API serves it.")],
    namespace: Annotated[str | None, Opt(help="Namespace of the request.")] = None,
    selector: Annotated[str | None, Opt(help="Series selector of the request.")] = None,
    resource: Annotated[str | None, Opt(help="Group-resource, e.g. pods or deployments.apps.")] = None,
    object_name: Annotated[str | None, Opt("--object", help="One object's name instead of all.")] = None,
    config: CatalogueOption = None,
) -> None:
    """Print the exact PromQL a request for NAME runs, with its association and policy."""
    try:
        text = explain(
            load_config(config),
            name,
            namespace=namespace,
            selector=selector,
            resource=resource,
            object_name=object_name,
        )
    except (CatalogueError, KubeFormatError, KeyError, ValueError) as exc:
        fail(str(exc))
    typer.echo(text)


def list_command(config: CatalogueOption = None) -> None:
    """List the metrics served, with the resources each describes."""
    try:
        catalogue = load_config(config)
    except CatalogueError as exc:
        fail(str(exc))
    for definition in catalogue:
        where = ", ".join(str(r) for r in definition.resources) or "external"
        typer.echo(f"{definition.name:40s} {where}")


def register(app: typer.Typer) -> None:
    """Add ``serve`` and the ``metrics`` group (``explain``, ``list``) to ``app``."""
    app.command()(serve)
    metrics = typer.Typer(help="Inspect the metric catalogue.", no_args_is_help=True)
    app.add_typer(metrics, name="metrics")
    metrics.command("explain")(explain_command)
    metrics.command("list")(list_command)
