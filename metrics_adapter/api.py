"""The custom and external metrics API over HTTP: discovery, metric routes, ``Status`` errors.

Speaks exactly what the HPA controller, kube-aggregator and kubectl expect: JSON whatever the
``Accept`` header (client-go asks for protobuf with ``*/*``), 406 only for an aggregated-discovery
``Accept`` on ``/apis`` (the aggregator then falls back to legacy discovery), correct
``kind``/``apiVersion``, and every error as a ``Status`` whose ``code`` equals the HTTP status.
Errors from the layers below are translated here and only here. Authentication and
authorisation are a middleware added by the composition root.
"""

from __future__ import annotations

import contextlib
import gc
import importlib.metadata
import logging
import platform
import time
from collections.abc import AsyncIterator, Callable

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from metrics_adapter.kube import (
    CUSTOM_METRICS_GROUP,
    CUSTOM_METRICS_VERSIONS,
    EXTERNAL_METRICS_GROUP,
    EXTERNAL_METRICS_VERSIONS,
    KubeFormatError,
    MetricResource,
    Status,
    StatusReason,
    accepts_only_aggregated_discovery,
    build_api_group,
    build_api_group_list,
    build_custom_metrics_resource_list,
    build_external_metrics_resource_list,
    custom_metrics_document,
    external_metrics_document,
    new_bad_request,
    new_external_metric_not_found,
    new_internal_error,
    new_method_not_supported,
    new_metric_not_found,
    new_not_acceptable,
    new_service_unavailable,
    parse_custom_metric_path,
    parse_external_metric_path,
)
from metrics_adapter.kube.json_body import json_bytes
from metrics_adapter.provider import (
    BadMetricRequestError,
    MetricNotFoundError,
    MetricsProvider,
    UpstreamUnavailableError,
)
from metrics_adapter.self_metrics import AdapterMetrics

log = logging.getLogger(__name__)

_GROUPS = {CUSTOM_METRICS_GROUP: CUSTOM_METRICS_VERSIONS, EXTERNAL_METRICS_GROUP: EXTERNAL_METRICS_VERSIONS}
_JSON = "application/json"
_PLACEHOLDER = "servescale_no_metrics_configured"


def status_response(status: Status) -> JSONResponse:
    """A ``Status`` as the HTTP answer, with the HTTP code equal to ``status.code``."""
    return JSONResponse(status.to_wire(), status_code=status.code, media_type=_JSON)


def _path_not_found() -> Status:
    """What kube-apiserver answers for a path nothing serves."""
    return Status(
        message="the server could not find the requested resource", reason=StatusReason.NOT_FOUND, code=404
    )


def _status_for(exc: Exception) -> Status:
    if isinstance(exc, KubeFormatError | BadMetricRequestError):
        return new_bad_request(str(exc))
    if isinstance(exc, MetricNotFoundError):
        if exc.external:
            return new_external_metric_not_found(exc.metric)
        status = new_metric_not_found(exc.group_resource, exc.metric, name=exc.name, selector=exc.selector)
        if exc.detail:
            status = status.model_copy(update={"message": f"{status.message}: {exc.detail}"})
        return status
    if isinstance(exc, UpstreamUnavailableError):
        return new_service_unavailable(f"unable to fetch metrics: {exc}")
    return new_internal_error("unable to fetch metrics")


def _version_info() -> dict[str, str]:
    try:
        release = importlib.metadata.version("servescale")
    except importlib.metadata.PackageNotFoundError:
        release = "0.0.0"
    major, minor, *_ = [*release.split("."), "0", "0"][:3]
    return {
        "major": major,
        "minor": minor,
        "gitVersion": f"v{release}",
        "gitCommit": "",
        "gitTreeState": "",
        "buildDate": "",
        "goVersion": "",
        "compiler": "",
        "platform": f"python/{platform.python_version()}",
    }


def _raw_path(request: Request) -> str:
    raw = request.scope.get("raw_path")
    return raw.decode("latin-1") if isinstance(raw, bytes) else request.url.path


def create_metrics_api(
    provider: MetricsProvider,
    *,
    metrics: AdapterMetrics,
    middleware: list[Callable[[FastAPI], None]] | None = None,
) -> FastAPI:
    """The aggregated API server app; ``middleware`` callables install auth and the like."""
    app = FastAPI(
        docs_url=None, redoc_url=None, openapi_url=None, title="servescale metrics API", lifespan=_freeze_heap
    )
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_middleware(_Observe, metrics=metrics)
    for install in middleware or []:
        install(app)
    _add_discovery_routes(app, provider)
    _add_metric_routes(app, provider)
    _add_server_routes(app)
    return app


async def _http_error(request: Request, exc: Exception) -> Response:
    """A ``Status`` for what the router refuses: 405 for a method, 404 for any other path."""
    if isinstance(exc, StarletteHTTPException) and exc.status_code == 405:
        return status_response(new_method_not_supported(request.url.path, request.method.lower()))
    return status_response(_path_not_found())


def _add_discovery_routes(app: FastAPI, provider: MetricsProvider) -> None:
    """``/apis``, ``/apis/<group>`` and ``/apis/<group>/<version>``: legacy discovery."""

    @app.get("/apis")
    async def api_groups(request: Request) -> Response:
        request.scope["servescale.route"] = "discovery"
        if accepts_only_aggregated_discovery(request.headers.get("accept")):
            return status_response(new_not_acceptable([_JSON]))
        return JSONResponse(build_api_group_list().to_wire())

    @app.get("/apis/{group}")
    async def api_group(group: str, request: Request) -> Response:
        request.scope["servescale.route"] = "discovery"
        if group not in _GROUPS:
            return status_response(_path_not_found())
        return JSONResponse(build_api_group(group).to_wire())

    @app.get("/apis/{group}/{version}")
    async def api_resources(group: str, version: str, request: Request) -> Response:
        request.scope["servescale.route"] = "discovery"
        if version not in _GROUPS.get(group, ()):
            return status_response(_path_not_found())
        # An empty resource list breaks kubectl, helm and Flux discovery: list a placeholder then.
        if group == CUSTOM_METRICS_GROUP:
            resources = provider.custom_metric_resources() or [MetricResource("pods", _PLACEHOLDER, True)]
            document = build_custom_metrics_resource_list(version, resources)
        else:
            document = build_external_metrics_resource_list(
                provider.external_metric_names() or [_PLACEHOLDER]
            )
        return JSONResponse(document.to_wire())


def _add_metric_routes(app: FastAPI, provider: MetricsProvider) -> None:
    """The custom and external metric value lists, the routes the HPA controller reads."""

    @app.get("/apis/" + CUSTOM_METRICS_GROUP + "/{version}/{rest:path}")
    async def custom_metric(version: str, rest: str, request: Request) -> Response:
        request.scope["servescale.route"] = "custom"
        if version not in CUSTOM_METRICS_VERSIONS:
            return status_response(_path_not_found())
        try:
            parsed = parse_custom_metric_path(
                _raw_path(request),
                label_selector=request.query_params.get("labelSelector"),
                metric_label_selector=request.query_params.get("metricLabelSelector"),
            )
            request.scope["servescale.metric"] = parsed.metric
            values = await provider.get_custom(parsed)
        except Exception as exc:
            return _error_response(exc)
        return Response(json_bytes(custom_metrics_document(values, version=parsed.version)), media_type=_JSON)

    @app.get("/apis/" + EXTERNAL_METRICS_GROUP + "/{version}/{rest:path}")
    async def external_metric(version: str, rest: str, request: Request) -> Response:
        request.scope["servescale.route"] = "external"
        if version not in EXTERNAL_METRICS_VERSIONS:
            return status_response(_path_not_found())
        try:
            parsed = parse_external_metric_path(
                _raw_path(request), label_selector=request.query_params.get("labelSelector")
            )
            request.scope["servescale.metric"] = parsed.metric
            values = await provider.get_external(parsed)
        except Exception as exc:
            return _error_response(exc)
        return Response(json_bytes(external_metrics_document(values)), media_type=_JSON)


def _add_server_routes(app: FastAPI) -> None:
    """What discovery clients and the aggregator ask an apiserver besides the groups."""

    @app.get("/version")
    async def server_version(request: Request) -> Response:
        # Go apiservers serve /version; clients such as the kubernetes Python client read it first.
        request.scope["servescale.route"] = "discovery"
        return JSONResponse(_version_info())

    @app.get("/api")
    async def core_versions(request: Request) -> Response:
        # No core group is served here: an empty APIVersions lets discovery clients move on to /apis.
        request.scope["servescale.route"] = "discovery"
        return JSONResponse({"kind": "APIVersions", "versions": [], "serverAddressByClientCIDRs": []})

    @app.get("/openapi/{version}")
    async def openapi(version: str) -> Response:
        # The aggregator tolerates 404 here ("assuming the server won't provide any spec").
        return status_response(_path_not_found())


@contextlib.asynccontextmanager
async def _freeze_heap(app: FastAPI) -> AsyncIterator[None]:
    """Move everything alive at start-up out of the cyclic garbage collector's sight.

    A 500-pod answer allocates thousands of short-lived containers, so collections run several
    times per request; without this each older-generation pass walks every module, class and
    client object of the process (about 2 ms per request). What start-up built lives until exit.
    """
    gc.collect()
    gc.freeze()
    yield


class _Observe:
    """Counts and times every request by route kind, metric and code (a plain ASGI middleware:
    Starlette's ``BaseHTTPMiddleware`` costs more per request than serialising 500 items)."""

    def __init__(self, app: ASGIApp, *, metrics: AdapterMetrics) -> None:
        self._app = app
        self._metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        started = time.perf_counter()
        code = 500

        async def observed_send(message: Message) -> None:
            nonlocal code
            if message["type"] == "http.response.start":
                code = message["status"]
            await send(message)

        try:
            await self._app(scope, receive, observed_send)
        finally:
            route = str(scope.get("servescale.route", "other"))
            metric = str(scope.get("servescale.metric", ""))
            self._metrics.requests.labels(route, metric, str(code)).inc()
            self._metrics.request_duration.labels(route, metric).observe(time.perf_counter() - started)


def _error_response(exc: Exception) -> JSONResponse:
    status = _status_for(exc)
    if status.code >= 500:
        log.error("metrics request failed: %s", exc, exc_info=exc)
    return status_response(status)


def create_health_app(*, metrics: AdapterMetrics, ready: Callable[[], tuple[bool, str]]) -> FastAPI:
    """Probes and the adapter's own ``/metrics``, for the plain-HTTP port (no client certificates).

    ``ready`` says whether answers can be trusted yet (e.g. the pod cache has synced) and why not.
    """
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None, title="servescale health")

    @app.get("/healthz")
    @app.get("/livez")
    async def live() -> Response:
        return Response("ok", media_type="text/plain")

    @app.get("/readyz")
    async def readyz() -> Response:
        ok, why = ready()
        return Response("ok" if ok else why, status_code=200 if ok else 503, media_type="text/plain")

    @app.get("/metrics")
    async def own_metrics() -> Response:
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    return app
