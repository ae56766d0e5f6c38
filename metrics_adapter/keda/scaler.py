"""KEDA's external scaler protocol served from a ``MetricsProvider``: scale to zero and back.

A ScaledObject trigger (``type: external`` or ``external-push``) names, in its ``metadata``:

* ``metric``: a metric of the catalogue (or the forecast) under the name the metrics API serves;
* ``deployment``: for a custom metric, the Deployment (in the ScaledObject's namespace) whose
  Object value is read; without it the metric is read as an external metric;
* ``selector``: for an external metric, its label selector (``queue=inference-jobs``);
* ``target``: the value per replica (KEDA's HPA uses it as an AverageValue target); numbers and
  quantities (``3400m``) are both read;
* ``activationThreshold`` (default 0): the workload is active while the value is above it.

``GetMetrics`` answers the same number the metrics API answers for the same request: the Object
value, or the sum of the external series (as the HPA sums them). No value is an error
(``NOT_FOUND``; Prometheus unreachable ``UNAVAILABLE``), never a 0: KEDA then keeps the replicas it
has, or applies the ScaledObject's own ``fallback``. ``IsActive`` is ``value > activationThreshold``
and fails the same way. ``StreamIsActive`` re-reads every ``stream_interval`` seconds and pushes
the answer when it changes (first answer at once); a read that fails pushes nothing.
Messages come from ``externalscaler_pb2`` (generated from our ``externalscaler.proto``); the
service is registered with grpc's generic handlers, so no generated service code is needed.
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import grpc

from metrics_adapter.keda import externalscaler_pb2 as pb
from metrics_adapter.kube import (
    ALL_OBJECTS,
    CustomMetricRequest,
    ExternalMetricRequest,
    GroupResource,
    parse_quantity,
)
from metrics_adapter.provider import (
    BadMetricRequestError,
    MetricNotFoundError,
    MetricsProvider,
    ProviderError,
    UpstreamUnavailableError,
)

__all__ = ["SERVICE_NAME", "ExternalScalerService", "TriggerError", "TriggerMetadata", "start_scaler_server"]

SERVICE_NAME = "externalscaler.ExternalScaler"
DEPLOYMENTS = GroupResource("deployments", "apps")
log = logging.getLogger(__name__)


class TriggerError(ValueError):
    """Trigger metadata that cannot be served; answered as ``INVALID_ARGUMENT``."""


def _number(metadata: dict[str, str], key: str, default: str | None = None) -> float:
    text = metadata.get(key, default)
    if text is None:
        raise TriggerError(f"trigger metadata needs {key!r}")
    try:
        value = float(parse_quantity(text))
    except (ValueError, ArithmeticError):
        raise TriggerError(f"trigger metadata {key!r}: {text!r} is not a number or quantity") from None
    if not math.isfinite(value) or value < 0:
        raise TriggerError(f"trigger metadata {key!r} must be a finite number >= 0")
    return value


@dataclass(frozen=True)
class TriggerMetadata:
    """What a ScaledObject's trigger asks for, validated."""

    namespace: str
    metric: str
    target: float
    activation_threshold: float
    deployment: str | None = None
    selector: str | None = None

    @classmethod
    def parse(cls, ref: Any) -> TriggerMetadata:
        metadata = dict(ref.scalerMetadata)
        if not ref.namespace:
            raise TriggerError("the ScaledObject reference has no namespace")
        metric = metadata.get("metric", "")
        if not metric:
            raise TriggerError("trigger metadata needs 'metric'")
        target = _number(metadata, "target")
        if target <= 0:
            raise TriggerError("trigger metadata 'target' must be > 0")
        deployment = metadata.get("deployment") or None
        selector = metadata.get("selector") or None
        if deployment is not None and selector is not None:
            raise TriggerError("'selector' is for external metrics; a 'deployment' metric takes none")
        return cls(
            namespace=ref.namespace,
            metric=metric,
            target=target,
            activation_threshold=_number(metadata, "activationThreshold", "0"),
            deployment=deployment,
            selector=selector,
        )

    @property
    def metric_name(self) -> str:
        """The name KEDA's HPA gives the metric (KEDA prefixes it with the trigger index)."""
        return f"{self.metric}-{self.deployment}" if self.deployment else self.metric


class ExternalScalerService:
    """The four RPCs over ``provider``."""

    def __init__(self, provider: MetricsProvider, *, stream_interval: float = 5.0) -> None:
        self.provider = provider
        self.stream_interval = stream_interval

    async def read_value(self, trigger: TriggerMetadata) -> Decimal:
        """The metric's value as the metrics API answers it; raises ``ProviderError``."""
        if trigger.deployment is not None:
            request = CustomMetricRequest(
                version="v1beta2",
                group_resource=DEPLOYMENTS,
                namespace=trigger.namespace,
                name=trigger.deployment,
                metric=trigger.metric,
            )
            values = await self.provider.get_custom(request)
            matching = [v.value for v in values if v.described.name != ALL_OBJECTS]
            if not matching:
                raise MetricNotFoundError(
                    trigger.metric, group_resource=str(DEPLOYMENTS), name=trigger.deployment
                )
            return matching[0]
        external = ExternalMetricRequest(
            namespace=trigger.namespace, metric=trigger.metric, label_selector=trigger.selector
        )
        items = await self.provider.get_external(external)
        return sum((item.value for item in items), Decimal(0))

    async def _value(self, trigger: TriggerMetadata, context: grpc.aio.ServicerContext[Any, Any]) -> Decimal:
        try:
            return await self.read_value(trigger)
        except MetricNotFoundError as exc:
            await context.abort(grpc.StatusCode.NOT_FOUND, f"no value: {exc}")
        except UpstreamUnavailableError as exc:
            await context.abort(grpc.StatusCode.UNAVAILABLE, str(exc))
        except BadMetricRequestError as exc:
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, str(exc))
        except ProviderError as exc:
            await context.abort(grpc.StatusCode.INTERNAL, str(exc))
        raise AssertionError("unreachable")

    @staticmethod
    async def _trigger(ref: Any, context: grpc.aio.ServicerContext[Any, Any]) -> TriggerMetadata:
        try:
            return TriggerMetadata.parse(ref)
        except TriggerError as exc:
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, str(exc))
        raise AssertionError("unreachable")

    async def is_active(self, ref: Any, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
        trigger = await self._trigger(ref, context)
        value = await self._value(trigger, context)
        return pb.IsActiveResponse(result=float(value) > trigger.activation_threshold)

    async def stream_is_active(
        self, ref: Any, context: grpc.aio.ServicerContext[Any, Any]
    ) -> AsyncIterator[Any]:
        trigger = await self._trigger(ref, context)
        last: bool | None = None
        while True:
            try:
                active = float(await self.read_value(trigger)) > trigger.activation_threshold
            except ProviderError as exc:
                log.info("StreamIsActive %s/%s: no value: %s", ref.namespace, ref.name, exc)
            else:
                if active != last:
                    last = active
                    yield pb.IsActiveResponse(result=active)
            await asyncio.sleep(self.stream_interval)

    async def get_metric_spec(self, ref: Any, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
        trigger = await self._trigger(ref, context)
        spec = pb.MetricSpec(
            metricName=trigger.metric_name,
            targetSize=max(1, math.ceil(trigger.target)),
            targetSizeFloat=trigger.target,
        )
        return pb.GetMetricSpecResponse(metricSpecs=[spec])

    async def get_metrics(self, request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
        trigger = await self._trigger(request.scaledObjectRef, context)
        value = await self._value(trigger, context)
        return pb.GetMetricsResponse(
            metricValues=[
                pb.MetricValue(
                    metricName=request.metricName or trigger.metric_name,
                    metricValue=math.ceil(value),
                    metricValueFloat=float(value),
                )
            ]
        )

    def handler(self) -> grpc.GenericRpcHandler:
        """The generic handler registering the four RPCs under ``externalscaler.ExternalScaler``."""

        def unary(
            method: Callable[..., Any], request_type: Any, response_type: Any
        ) -> grpc.RpcMethodHandler[Any, Any]:
            return grpc.unary_unary_rpc_method_handler(
                method,
                request_deserializer=request_type.FromString,
                response_serializer=response_type.SerializeToString,
            )

        return grpc.method_handlers_generic_handler(
            SERVICE_NAME,
            {
                "IsActive": unary(self.is_active, pb.ScaledObjectRef, pb.IsActiveResponse),
                "StreamIsActive": grpc.unary_stream_rpc_method_handler(
                    self.stream_is_active,
                    request_deserializer=pb.ScaledObjectRef.FromString,
                    response_serializer=pb.IsActiveResponse.SerializeToString,
                ),
                "GetMetricSpec": unary(self.get_metric_spec, pb.ScaledObjectRef, pb.GetMetricSpecResponse),
                "GetMetrics": unary(self.get_metrics, pb.GetMetricsRequest, pb.GetMetricsResponse),
            },
        )


async def start_scaler_server(
    provider: MetricsProvider, *, host: str, port: int, stream_interval: float = 5.0
) -> grpc.aio.Server:
    """A started gRPC server (plaintext) serving the scaler on ``host:port``; stop it with ``stop``."""
    server = grpc.aio.server()
    server.add_generic_rpc_handlers(
        (ExternalScalerService(provider, stream_interval=stream_interval).handler(),)
    )
    if server.add_insecure_port(f"{host}:{port}") == 0:
        raise OSError(f"cannot listen on {host}:{port} for the KEDA external scaler")
    await server.start()
    return server
