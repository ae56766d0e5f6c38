"""Object values computed from the values of the pods each object owns (``fromPods`` associations).

Used where no label carries the object (DCGM or vLLM metrics per Deployment): the provider runs
the per-pod query of the namespace, reads it with ``interpret``, and passes the pods' owners from
its pod cache. Rules:

* only pods with a usable value contribute; the object's value is their sum/avg/max/min;
* its timestamp is the oldest contributing timestamp (the value is no fresher than that);
* an object none of whose pods has a usable value is reported with that status (``absent`` if
  the pods disagree or it has no pods) and then gets the metric's policy like any object;
* ``policy`` is kept only when every contributing pod value was itself substituted.

Knows ``ObjectValue`` and definitions; nothing about pods beyond the name -> owner mapping.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal

from metrics_adapter.kube import GroupResource

from .definition import MetricDefinition
from .errors import UnsupportedResourceError
from .interpret import AppliedPolicy, ObjectValue, ValueStatus
from .recipes import Aggregation

__all__ = ["aggregate_values", "object_values_from_pods"]


def aggregate_values(values: list[Decimal], aggregation: Aggregation) -> Decimal:
    """``sum``/``avg``/``max``/``min`` of a non-empty list."""
    match aggregation:
        case Aggregation.SUM:
            return sum(values, Decimal(0))
        case Aggregation.AVG:
            return sum(values, Decimal(0)) / len(values)
        case Aggregation.MAX:
            return max(values)
        case Aggregation.MIN:
            return min(values)


def _combine(name: str, pods: list[ObjectValue], aggregation: Aggregation) -> ObjectValue:
    usable = [pod for pod in pods if pod.value is not None]
    if usable:
        numbers = [pod.value for pod in usable if pod.value is not None]
        times = [pod.timestamp for pod in usable if pod.timestamp is not None]
        policies = {pod.policy for pod in usable}
        policy: AppliedPolicy | None = policies.pop() if len(policies) == 1 else None
        return ObjectValue(
            name, aggregate_values(numbers, aggregation), min(times, default=None), ValueStatus.OK, policy
        )
    statuses = {pod.status for pod in pods}
    status = statuses.pop() if len(statuses) == 1 else ValueStatus.ABSENT
    return ObjectValue(name, None, None, status)


def _with_policy(value: ObjectValue, definition: MetricDefinition) -> ObjectValue:
    if value.value is not None:
        return value
    policy = definition.policy
    if policy.fallback_value is not None:
        return ObjectValue(value.name, policy.fallback_value, None, value.status, AppliedPolicy.FALLBACK)
    if policy.zero_when_absent and value.status is ValueStatus.ABSENT:
        return ObjectValue(value.name, Decimal(0), None, value.status, AppliedPolicy.ZERO_WHEN_ABSENT)
    return value


def object_values_from_pods(
    definition: MetricDefinition,
    pod_values: Iterable[ObjectValue],
    *,
    resource: GroupResource,
    owners: Mapping[str, str],
    expected: Iterable[str] = (),
) -> list[ObjectValue]:
    """Values of the objects of ``resource`` owning the pods, sorted by object name.

    ``owners`` maps pod name -> owning object name; pods not in it are ignored. ``expected``
    names objects to report even if they own no pod (they are ``absent``). Raises
    ``UnsupportedResourceError`` if ``resource`` is not a ``fromPods`` association of the metric.
    """
    association = definition.association(resource)
    if association is None or association.from_pods is None:
        served = tuple(str(r) for r in definition.resources)
        raise UnsupportedResourceError(definition.name, f"{resource} (from pods)", served=served)
    by_object: dict[str, list[ObjectValue]] = {name: [] for name in expected}
    for pod in pod_values:
        owner = owners.get(pod.name)
        if owner is not None:
            by_object.setdefault(owner, []).append(pod)
    return [
        _with_policy(_combine(name, pods, association.from_pods), definition)
        for name, pods in sorted(by_object.items())
    ]
