"""The ``MetricsProvider`` over Prometheus: request -> catalogue recipe -> PromQL -> client -> values.

One query per request whatever the number of pods: the catalogue groups by the object label and
the pod cache keeps only the pods that match the HPA's ``labelSelector`` (no pod-name regex, no
foreign or vanished pods). Identical queries share one TTL cache entry and one in-flight call.

What happens when there is no number to give (documented in README, tested):

* empty result, NaN/±Inf, or a sample older than the metric's ``maxStalenessSeconds``: that
  object gets no item; when no item is left the answer is 404, so the HPA holds (no scale-down);
* ``zeroWhenAbsent`` (opt-in per metric): an expected object missing from the result gets 0;
* ``fallbackValue`` (opt-in, KEDA-style): any object without a value gets the fallback, and so
  does every expected object when Prometheus cannot be reached;
* Prometheus unreachable, timing out, not ready, rate-limiting (429), cutting the answer short or
  answering something that is not its API's JSON, or the pod cache not yet synced: 503;
  a query Prometheus rejects: 500;
* a sample stamped more than ``FUTURE_TOLERANCE_SECONDS`` after the adapter's clock: no item
  (reason ``future``); warnings in an answer (a partial response): counted and logged, and the
  objects the answer lacks get no item.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from decimal import Decimal

from metrics_adapter.catalogue import (
    Catalogue,
    MetricDefinition,
    ObjectValue,
    QueryPlan,
    SelectorTranslationError,
    UnknownMetricError,
    UnsupportedResourceError,
    interpret,
    interpret_external,
    object_values_from_pods,
    plan_custom_query,
    plan_external_query,
)
from metrics_adapter.catalogue.definition import Api
from metrics_adapter.catalogue.interpret import ValueStatus
from metrics_adapter.kube import (
    ALL_OBJECTS,
    CustomMetricRequest,
    ExternalMetricRequest,
    ExternalMetricValue,
    GroupResource,
    LabelSelector,
    MetricResource,
    MetricValue,
    lookup_resource,
)
from metrics_adapter.pods import PodLister
from metrics_adapter.promql import (
    InstantVector,
    PrometheusClient,
    PrometheusError,
    PrometheusQueryError,
    PrometheusResponseError,
    PrometheusTimeoutError,
    PrometheusUnavailableError,
)
from metrics_adapter.provider import (
    BadMetricRequestError,
    MetricNotFoundError,
    ProviderError,
    UpstreamUnavailableError,
)
from metrics_adapter.self_metrics import AdapterMetrics
from metrics_adapter.ttl_cache import TtlCache

log = logging.getLogger(__name__)

PODS = GroupResource("pods")
NAMESPACES = GroupResource("namespaces")
DEPLOYMENT = "Deployment"


def _instant(when: float) -> datetime:
    return datetime.fromtimestamp(when, tz=UTC).replace(microsecond=0)


class PrometheusProvider:
    """Serves the catalogue's metrics from one Prometheus-compatible API."""

    def __init__(
        self,
        catalogue: Catalogue,
        client: PrometheusClient,
        *,
        pods: PodLister,
        metrics: AdapterMetrics,
        cache_ttl: float = 5.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._catalogue = catalogue
        self._client = client
        self._pods = pods
        self._metrics = metrics
        self._clock = clock
        self._cache: TtlCache[InstantVector] = TtlCache.fixed(cache_ttl, clock=time.monotonic)

    # discovery -----------------------------------------------------------------------------
    def custom_metric_resources(self) -> list[MetricResource]:
        return self._catalogue.custom_resources()

    def external_metric_names(self) -> list[str]:
        return self._catalogue.external_metrics()

    # querying ------------------------------------------------------------------------------
    async def _run(self, plan: QueryPlan) -> InstantVector:
        """The plan's result, through the cache.

        Raises ``PrometheusUnavailableError`` for anything worth retrying (including an answer that
        is not the API's JSON, which proxies in front of Prometheus produce when they fail) and
        ``ProviderError`` for a query Prometheus rejects or a result of the wrong type. Every failure
        and every warning Prometheus attaches is counted and logged.
        """

        promql = plan.promql  # rendered once: the cache key and the query sent

        async def load() -> InstantVector:
            started = time.perf_counter()
            try:
                answer = await self._client.query(promql)
            except PrometheusTimeoutError:
                self._metrics.query_errors.labels("timeout").inc()
                raise
            except PrometheusUnavailableError:
                self._metrics.query_errors.labels("unavailable").inc()
                raise
            except PrometheusQueryError as exc:
                self._metrics.query_errors.labels("query").inc()
                raise ProviderError(f"query failed: {exc}") from exc
            except PrometheusResponseError as exc:
                self._metrics.query_errors.labels("response").inc()
                raise PrometheusUnavailableError(
                    f"unintelligible answer: {exc}", status_code=exc.status_code, query=promql
                ) from exc
            finally:
                self._metrics.query_duration.observe(time.perf_counter() - started)
            if not isinstance(answer, InstantVector):
                self._metrics.query_errors.labels("response").inc()
                raise ProviderError(f"query failed: expected an instant vector: {promql}")
            if answer.warnings:
                self._metrics.query_warnings.inc()
                log.warning("Prometheus answered with warnings %s for %s", list(answer.warnings), promql)
            return answer

        outcome = await self._cache.get(promql, load)
        self._metrics.cache_results.labels(outcome.source).inc()
        return outcome.value

    def _definition(self, name: str, api: Api, group_resource: str) -> MetricDefinition:
        try:
            return self._catalogue.get(name, api=api)
        except UnknownMetricError as exc:
            raise MetricNotFoundError(
                name, group_resource=group_resource, external=api is Api.EXTERNAL
            ) from exc

    # custom metrics ------------------------------------------------------------------------
    async def get_custom(self, request: CustomMetricRequest) -> list[MetricValue]:
        definition, plan, from_pods = self._plan_custom(request)
        resource, namespace = request.group_resource, request.namespace
        expected, owners = self._expected(request, association_from_pods=from_pods)
        try:
            vector = await self._run(plan)
        except PrometheusUnavailableError as exc:
            return self._fallback_or_raise(definition, request, expected, exc)
        except PrometheusError as exc:
            raise ProviderError(f"query failed: {exc}") from exc

        now = self._clock()
        group_label = plan.group_labels[0]
        if plan.from_pods is not None:
            pod_values = interpret(definition, vector, group_label=group_label, now=now, expected=owners)
            values = object_values_from_pods(
                definition, pod_values, resource=resource, owners=owners, expected=expected or ()
            )
        else:
            values = interpret(definition, vector, group_label=group_label, now=now, expected=expected or ())
        if expected is not None:
            wanted = set(expected)
            values = [v for v in values if v.name in wanted]
        items = self._to_items(definition, values, request, info_namespace=namespace, now=now)
        if not items:
            raise MetricNotFoundError(
                request.metric,
                group_resource=str(resource),
                name=request.name,
                selector=request.label_selector,
                detail=_why_empty(values),
            )
        return items

    def _plan_custom(self, request: CustomMetricRequest) -> tuple[MetricDefinition, QueryPlan, bool]:
        """The metric's definition, its query plan and whether its value is aggregated from pods;
        a metric not served for the resource is ``MetricNotFoundError``, a bad selector
        ``BadMetricRequestError``."""
        resource = request.group_resource
        definition = self._definition(request.metric, Api.CUSTOM, str(resource))
        named = None if request.is_wildcard else request.name
        plan_namespace = None if resource == NAMESPACES else request.namespace
        association = definition.association(resource)
        if lookup_resource(resource) is None or association is None:
            raise MetricNotFoundError(
                request.metric,
                group_resource=str(resource),
                name=request.name,
                detail="not served for this resource",
            )
        try:
            plan = plan_custom_query(
                definition,
                resource=resource,
                namespace=plan_namespace,
                metric_selector=request.metric_selector,
                object_name=named,
            )
        except UnsupportedResourceError as exc:
            raise MetricNotFoundError(request.metric, group_resource=str(resource), detail=str(exc)) from exc
        except (SelectorTranslationError, ValueError) as exc:
            raise BadMetricRequestError(str(exc)) from exc
        return definition, plan, association.from_pods is not None

    def _expected(
        self, request: CustomMetricRequest, *, association_from_pods: bool
    ) -> tuple[list[str] | None, dict[str, str]]:
        """Objects the request is about (None: whatever the result holds) and pod -> owner names."""
        resource, namespace = request.group_resource, request.namespace
        if resource == NAMESPACES:
            return (None if request.is_wildcard else [request.name]), {}
        if resource == PODS:
            if not self._pods.synced:
                raise UpstreamUnavailableError("the pod cache has not synced yet")
            assert namespace is not None
            if request.is_wildcard:
                return [p.name for p in self._pods.select(namespace, request.object_selector)], {}
            return [request.name], {}
        if request.is_wildcard and not request.object_selector.is_empty:
            raise BadMetricRequestError(
                f"labelSelector is supported for pods only; {resource} objects are selected by name"
            )
        if not association_from_pods:
            return (None if request.is_wildcard else [request.name]), {}
        if not self._pods.synced:
            raise UpstreamUnavailableError("the pod cache has not synced yet")
        assert namespace is not None
        kind = lookup_resource(resource)
        owner_kind = kind.kind if kind is not None else DEPLOYMENT
        everything = self._pods.select(namespace, LabelSelector())
        owners = {p.name: p.workload for p in everything if p.workload_kind == owner_kind and p.workload}
        if request.is_wildcard:
            return sorted(set(owners.values())), owners
        return [request.name], {pod: owner for pod, owner in owners.items() if owner == request.name}

    def _fallback_or_raise(
        self,
        definition: MetricDefinition,
        request: CustomMetricRequest,
        expected: list[str] | None,
        exc: PrometheusUnavailableError,
    ) -> list[MetricValue]:
        fallback = definition.policy.fallback_value
        if fallback is None or not expected:
            raise UpstreamUnavailableError(str(exc)) from exc
        now = self._clock()
        values = [ObjectValue(name, fallback, None, ValueStatus.ABSENT) for name in expected]
        self._metrics.values_substituted.labels(definition.name, "fallback").inc(len(values))
        return self._to_items(
            definition, values, request, info_namespace=request.namespace, now=now, count=False
        )

    def _to_items(
        self,
        definition: MetricDefinition,
        values: Iterable[ObjectValue],
        request: CustomMetricRequest,
        *,
        info_namespace: str | None,
        now: float,
        count: bool = True,
    ) -> list[MetricValue]:
        info = lookup_resource(request.group_resource)
        assert info is not None
        window = definition.window
        window_seconds = int(window.seconds) if window is not None else None
        selector = None if request.metric_selector.is_empty else request.metric_selector
        items = []
        left_out: list[str] = []
        substituted: list[str] = []
        instants: dict[float, datetime] = {}  # the items of one answer share a few timestamps
        oldest = now
        for value in values:
            if value.value is None:
                left_out.append(value.status.value)
                continue
            if value.policy is not None:
                substituted.append(value.policy.value)
            stamp = value.timestamp if value.timestamp is not None else now
            oldest = min(oldest, stamp)
            instant = instants.get(stamp)
            if instant is None:
                instant = instants[stamp] = _instant(stamp)
            items.append(
                MetricValue(
                    described=info.reference(value.name, namespace=info_namespace),
                    metric_name=definition.name,
                    timestamp=instant,
                    value=value.value,
                    window_seconds=window_seconds,
                    selector=selector,
                )
            )
        if count:
            self._count(definition.name, left_out=left_out, substituted=substituted)
            _log_left_out(definition.name, left_out)
        if items:
            self._metrics.freshness.labels("custom").observe(max(0.0, now - oldest))
        return items

    def _count(self, metric: str, *, left_out: list[str], substituted: list[str]) -> None:
        """One counter increment per reason and answer, not per object."""
        for reason in set(left_out):
            self._metrics.values_left_out.labels(metric, reason).inc(left_out.count(reason))
        for policy in set(substituted):
            self._metrics.values_substituted.labels(metric, policy).inc(substituted.count(policy))

    # external metrics ----------------------------------------------------------------------
    async def get_external(self, request: ExternalMetricRequest) -> list[ExternalMetricValue]:
        definition = self._definition(request.metric, Api.EXTERNAL, "")
        try:
            plan = plan_external_query(
                definition, namespace=request.namespace, selector=request.metric_selector
            )
        except (SelectorTranslationError, ValueError) as exc:
            raise BadMetricRequestError(str(exc)) from exc
        window = definition.window
        window_seconds = int(window.seconds) if window is not None else None
        try:
            vector = await self._run(plan)
        except PrometheusUnavailableError as exc:
            fallback = definition.policy.fallback_value
            if fallback is None:
                raise UpstreamUnavailableError(str(exc)) from exc
            self._metrics.values_substituted.labels(definition.name, "fallback").inc()
            return [
                ExternalMetricValue(definition.name, _instant(self._clock()), fallback, {}, window_seconds)
            ]
        except PrometheusError as exc:
            raise ProviderError(f"query failed: {exc}") from exc
        now = self._clock()
        items = []
        left_out: list[str] = []
        for item in interpret_external(definition, vector, now=now):
            if item.value is None:
                self._metrics.values_left_out.labels(definition.name, item.status.value).inc()
                left_out.append(item.status.value)
                continue
            if item.policy is not None:
                self._metrics.values_substituted.labels(definition.name, item.policy.value).inc()
            stamp = item.timestamp if item.timestamp is not None else now
            self._metrics.freshness.labels("external").observe(max(0.0, now - stamp))
            items.append(
                ExternalMetricValue(
                    metric_name=definition.name,
                    timestamp=_instant(stamp),
                    value=item.value,
                    metric_labels=dict(item.labels),
                    window_seconds=window_seconds,
                )
            )
        _log_left_out(definition.name, left_out)
        if not items:
            raise MetricNotFoundError(definition.name, group_resource="", external=True)
        return items


def _log_left_out(metric: str, statuses: list[str]) -> None:
    """One line per answer that left objects out; a warning when a sample claims to be from the future."""
    if not statuses:
        return
    counts = ", ".join(f"{statuses.count(s)} {s}" for s in sorted(set(statuses)))
    level = logging.WARNING if ValueStatus.FUTURE.value in statuses else logging.INFO
    log.log(level, "%s: objects left out without a value: %s", metric, counts)


def _why_empty(values: list[ObjectValue]) -> str:
    if not values:
        return "no object matched"
    counts: dict[str, int] = {}
    for value in values:
        counts[value.status.value] = counts.get(value.status.value, 0) + 1
    return "no value: " + ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))


__all__ = ["ALL_OBJECTS", "Decimal", "PrometheusProvider"]
