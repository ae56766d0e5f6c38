"""App wiring: settings -> Prometheus client, pod cache, catalogue, provider, apps. No I/O at import.

``create_apps`` builds the ASGI apps (metrics API with or without Kubernetes auth, and the health
app); ``run_service`` runs them with uvicorn in one event loop, with the pod cache beside them.
"""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import grpc
import uvicorn
import yaml
from fastapi import FastAPI
from prometheus_client import CollectorRegistry

from autoscaler.forecast.service import ForecastService
from dashboards import Board, BoardInputs, build_boards
from dashboards.router import create_dashboards_router
from metrics_adapter.api import create_health_app, create_metrics_api
from metrics_adapter.auth import (
    AuthSettings,
    KubeReviewClient,
    RequestAuth,
    RequestHeaderSettings,
    TokenSource,
    build_kube_http_client,
    build_request_auth,
    build_uvicorn_config,
    check_insecure_bind,
    install_kubernetes_auth,
    requestheader_from_configmap,
    resolve_serving_certificate,
)
from metrics_adapter.catalogue import Catalogue, load_config
from metrics_adapter.keda import start_scaler_server
from metrics_adapter.pods import PodLister
from metrics_adapter.pods.prometheus_source import PrometheusPodSource
from metrics_adapter.prometheus_provider import PrometheusProvider
from metrics_adapter.promql import HttpPrometheusClient, PrometheusClient
from metrics_adapter.provider import MetricsProvider
from metrics_adapter.self_metrics import AdapterMetrics
from servescale.forecast_provider import ForecastingProvider
from servescale.forecasting import build_forecast_service
from servescale.listeners import ListenError, listen_socket, listen_sockets
from servescale.settings import ServeSettings, SettingsError
from slo.evaluation import CachedStatus, SLOEvaluator
from slo.gauges import SLOGauges
from slo.router import create_slo_router
from slo.spec import load_slo_file

log = logging.getLogger(__name__)

PUBLIC_PATHS = ("/healthz", "/livez", "/readyz")
AUTH_CONFIGMAP = "/api/v1/namespaces/kube-system/configmaps/extension-apiserver-authentication"


@dataclass
class ServiceApps:
    """The ASGI apps of one service and the provider they share."""

    provider: PrometheusProvider
    metrics: AdapterMetrics
    health: FastAPI
    secure: FastAPI | None = None
    insecure: FastAPI | None = None


def create_apps(
    settings: ServeSettings,
    *,
    catalogue: Catalogue,
    client: PrometheusClient,
    pods: PodLister,
    registry: CollectorRegistry,
    request_auth: RequestAuth | None = None,
    requestheader: RequestHeaderSettings | None = None,
    boards: Sequence[Board] = (),
    forecasts: ForecastService | None = None,
) -> ServiceApps:
    """Build every app around one provider; ``request_auth`` is required for the secure port.

    The metrics apps also serve ``boards`` at ``/dashboards/v1``.
    """
    metrics = AdapterMetrics(registry)
    provider = PrometheusProvider(
        catalogue, client, pods=pods, metrics=metrics, cache_ttl=settings.cache_ttl_seconds
    )
    served: MetricsProvider = provider if forecasts is None else ForecastingProvider(provider, forecasts)

    def ready() -> tuple[bool, str]:
        return (True, "") if pods.synced else (False, "pod cache not synced yet")

    apps = ServiceApps(
        provider=provider, metrics=metrics, health=create_health_app(metrics=metrics, ready=ready)
    )
    if settings.secure_port is not None:
        if request_auth is None:
            raise SettingsError("the secure port needs Kubernetes authentication (TokenReview, SAR)")
        installer = install_kubernetes_auth(
            request_auth, public_paths=PUBLIC_PATHS, requestheader=requestheader
        )
        apps.secure = create_metrics_api(served, metrics=metrics, middleware=[installer])
    if settings.insecure_port is not None:
        check_insecure_bind(settings.insecure_bind_address)
        apps.insecure = create_metrics_api(served, metrics=metrics)
    for app in (apps.secure, apps.insecure):
        if app is not None:
            app.include_router(create_dashboards_router(boards))
    return apps


async def _requestheader(settings: ServeSettings) -> RequestHeaderSettings | None:
    """Front-proxy settings from the flags, else from kube-system/extension-apiserver-authentication."""
    if settings.requestheader_client_ca_file is not None:
        return RequestHeaderSettings(
            client_ca_file=settings.requestheader_client_ca_file,
            allowed_names=settings.requestheader_allowed_names,
        )
    if settings.kube_api is None:
        return None
    token = TokenSource(settings.kube_api).token()
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with build_kube_http_client(settings.kube_api) as http:
        response = await http.get(AUTH_CONFIGMAP, headers=headers)
    if not response.is_success:
        raise SettingsError(
            f"cannot read {AUTH_CONFIGMAP}: the Kubernetes API answered {response.status_code}"
        )
    data = response.json().get("data") or {}
    if "requestheader-client-ca-file" not in data:
        log.warning("extension-apiserver-authentication has no requestheader CA: front-proxy auth off")
        return None
    settings.cert_dir.mkdir(parents=True, exist_ok=True)
    ca_path = settings.cert_dir / "requestheader-client-ca.crt"
    ca_path.write_text(data["requestheader-client-ca-file"])
    return requestheader_from_configmap(data, client_ca_file=ca_path)


def _slo_status(path: Path, client: PrometheusClient, registry: CollectorRegistry) -> CachedStatus:
    """SLO evaluation kept fresh in the service: ``/slo/v1/status`` and the ``slo_*`` gauges."""
    gauges = SLOGauges(registry)
    try:
        slos = load_slo_file(path)
    except (OSError, UnicodeDecodeError) as exc:
        raise SettingsError(f"--slos: cannot read {path}: {exc}") from exc
    evaluator = SLOEvaluator(slos, client)
    return CachedStatus(evaluator, clock=lambda: datetime.now(UTC), listeners=[gauges.update])


def _boards(catalogue: Catalogue, slo_file: Path | None) -> list[Board]:
    """The dashboards for the catalogue and SLOs the service runs with (``/dashboards/v1``)."""
    try:
        slos = [] if slo_file is None else load_slo_file(slo_file)
    except (OSError, UnicodeDecodeError) as exc:
        raise SettingsError(f"--slos: cannot read {slo_file}: {exc}") from exc
    return build_boards(BoardInputs(catalogue=catalogue, slos=slos))


Runner = Callable[[], Coroutine[Any, Any, None]]


def _pod_source(settings: ServeSettings, client: PrometheusClient) -> tuple[PodLister, Runner]:
    if settings.pods_from_prometheus:
        source = PrometheusPodSource(client, interval=settings.pod_refresh_seconds)
        return source, source.run
    from kubernetes import client as k8s_client
    from kubernetes import config as k8s_config

    from metrics_adapter.pods.kubernetes_source import KubernetesPodWatcher

    if settings.kubeconfig is not None:
        try:
            api_client = k8s_config.new_client_from_config(config_file=str(settings.kubeconfig))  # type: ignore[no-untyped-call]
        except (k8s_config.ConfigException, yaml.YAMLError, OSError, ValueError, TypeError, KeyError) as exc:
            raise SettingsError(
                f"--kubeconfig {settings.kubeconfig}: not a usable kubeconfig: {exc}"
            ) from exc
    else:
        try:
            k8s_config.load_incluster_config()  # type: ignore[no-untyped-call]
        except k8s_config.ConfigException as exc:
            raise SettingsError(
                "no pod source: run in a cluster, pass --kubeconfig, or use --pods-from-prometheus"
            ) from exc
        api_client = k8s_client.ApiClient()
    watcher = KubernetesPodWatcher(api_client)

    async def run() -> None:
        watcher.start()
        try:
            await asyncio.Event().wait()
        finally:
            watcher.stop()

    return watcher, run


def _server_configs(
    settings: ServeSettings, apps: ServiceApps, auth_settings: AuthSettings
) -> list[tuple[uvicorn.Config, str]]:
    """One uvicorn config per port to serve, with the option that sets the port."""
    configs: list[tuple[uvicorn.Config, str]] = []
    if apps.secure is not None and settings.secure_port is not None:
        cert = resolve_serving_certificate(
            cert_file=settings.tls_cert_file,
            key_file=settings.tls_private_key_file,
            cert_dir=settings.cert_dir,
            service_names=settings.service_names,
        )
        configs.append(
            (
                build_uvicorn_config(
                    apps.secure,
                    host=settings.bind_address,
                    port=settings.secure_port,
                    serving_cert=cert,
                    auth_settings=auth_settings,
                    log_level=settings.log_level,
                ),
                "--secure-port",
            )
        )
    if apps.insecure is not None and settings.insecure_port is not None:
        configs.append(
            (
                uvicorn.Config(
                    apps.insecure,
                    host=settings.insecure_bind_address,
                    port=settings.insecure_port,
                    log_level=settings.log_level,
                ),
                "--insecure-port",
            )
        )
    if settings.health_port is not None:
        configs.append(
            (
                uvicorn.Config(
                    apps.health,
                    host=settings.health_bind_address,
                    port=settings.health_port,
                    log_level="warning",
                ),
                "--health-port",
            )
        )
    return configs


@dataclass
class _Auth:
    """How the secure port authenticates: the TLS settings and, with a secure port, the request auth."""

    settings: AuthSettings
    requestheader: RequestHeaderSettings | None = None
    request_auth: RequestAuth | None = None


async def _auth(settings: ServeSettings) -> _Auth:
    """TokenReview/SAR through the Kubernetes API and the front-proxy settings, for the secure port."""
    review: KubeReviewClient | None = None
    if settings.kube_api is not None:
        review = KubeReviewClient(
            build_kube_http_client(settings.kube_api), token_source=TokenSource(settings.kube_api)
        )
    if settings.secure_port is None:
        return _Auth(AuthSettings(requestheader=None, client_ca_file=settings.client_ca_file))
    if review is None:
        raise SettingsError(
            "--secure-port needs the Kubernetes API for TokenReview and SubjectAccessReview: "
            "pass --kube-api-url URL (or run in a cluster), or --secure-port 0 with --insecure-port"
        )
    requestheader = await _requestheader(settings)
    auth_settings = AuthSettings(requestheader=requestheader, client_ca_file=settings.client_ca_file)
    return _Auth(auth_settings, requestheader, build_request_auth(auth_settings, review_client=review))


def _mount_slo_status(
    settings: ServeSettings, apps: ServiceApps, client: PrometheusClient, registry: CollectorRegistry
) -> CachedStatus | None:
    """With ``--slos``: ``/slo/v1/status`` on the metrics apps, kept fresh by the returned status."""
    if settings.slo_file is None:
        return None
    slo_status = _slo_status(settings.slo_file, client, registry)
    for app in (apps.secure, apps.insecure):
        if app is not None:
            app.include_router(create_slo_router(slo_status))
    return slo_status


def _background(
    settings: ServeSettings,
    pods_task: Runner,
    forecasts: ForecastService | None,
    slo_status: CachedStatus | None,
) -> list[asyncio.Task[None]]:
    """The pod cache, the forecast refits and the SLO evaluations, each in its own task."""
    background = [asyncio.create_task(pods_task(), name="pod-cache")]
    if forecasts is not None:
        background.append(asyncio.create_task(forecasts.run(), name="forecast-refit"))
    if slo_status is not None:
        interval = settings.slo_interval_seconds
        background.append(asyncio.create_task(slo_status.run(interval=interval), name="slo-status"))
    return background


async def _start_scaler(
    settings: ServeSettings,
    apps: ServiceApps,
    forecasts: ForecastService | None,
    sockets: list[socket.socket],
) -> grpc.aio.Server | None:
    """With ``--keda-port``: the KEDA external scaler; a port it cannot bind closes ``sockets``."""
    if settings.keda_port is None:
        return None
    scaled = apps.provider if forecasts is None else ForecastingProvider(apps.provider, forecasts)
    try:
        scaler = await start_scaler_server(scaled, host=settings.keda_bind_address, port=settings.keda_port)
    except (OSError, RuntimeError) as exc:  # grpc says RuntimeError when it cannot bind
        for sock in sockets:
            sock.close()
        raise ListenError(f"--keda-port: {exc}") from exc
    log.info("KEDA external scaler on %s:%d", settings.keda_bind_address, settings.keda_port)
    return scaler


async def _serve(
    configs: list[tuple[uvicorn.Config, str]],
    sockets: list[socket.socket],
    *,
    scaler: grpc.aio.Server | None,
    background: list[asyncio.Task[None]],
) -> None:
    """Serve every port until interrupted, then stop the scaler and the background tasks."""
    servers = [uvicorn.Server(config) for config, _ in configs]
    try:
        await asyncio.gather(
            *(server.serve(sockets=[sock]) for server, sock in zip(servers, sockets, strict=True))
        )
    finally:
        if scaler is not None:
            await scaler.stop(grace=1.0)
        for task in background:
            task.cancel()
        await asyncio.gather(*background, return_exceptions=True)
        for sock in sockets:
            sock.close()


async def run_service(
    settings: ServeSettings, *, on_started: Callable[[ServiceApps], None] | None = None
) -> None:
    """Run the service until interrupted (SIGINT/SIGTERM stop every server in turn)."""
    catalogue = load_config(settings.config_file)
    registry = CollectorRegistry()
    async with HttpPrometheusClient(settings.prometheus) as client:
        pods, pods_task = _pod_source(settings, client)
        auth = await _auth(settings)
        forecasts = (
            None
            if settings.forecast_config is None
            else build_forecast_service(settings.forecast_config, catalogue=catalogue, client=client)
        )
        apps = create_apps(
            settings, catalogue=catalogue, client=client, pods=pods, registry=registry,
            request_auth=auth.request_auth, requestheader=auth.requestheader,
            boards=_boards(catalogue, settings.slo_file), forecasts=forecasts,
        )  # fmt: skip
        configs = _server_configs(settings, apps, auth.settings)
        slo_status = _mount_slo_status(settings, apps, client, registry)
        if settings.keda_port is not None:  # gRPC binds its own port later: a taken one fails here
            listen_socket(settings.keda_bind_address, settings.keda_port, option="--keda-port").close()
        sockets = listen_sockets([(config.host, config.port, option) for config, option in configs])
        source = "kube-state-metrics in Prometheus" if settings.pods_from_prometheus else "a Kubernetes watch"
        log.info("pod cache from %s; serving %s", source, ", ".join(f"{c.host}:{c.port}" for c, _ in configs))
        background = _background(settings, pods_task, forecasts, slo_status)
        scaler = await _start_scaler(settings, apps, forecasts, sockets)
        if on_started is not None:
            on_started(apps)
        await _serve(configs, sockets, scaler=scaler, background=background)
