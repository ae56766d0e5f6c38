"""The objects the HorizontalPodAutoscaler controller reads, as ``kubectl get -o json`` prints them.

autoscaling/v2 ``HorizontalPodAutoscaler``, the ``Scale`` subresource, pods, ``PodMetrics`` and
the custom and external metric value lists as the controller decodes them. Pydantic models only:
they check shapes and the API's ranges and keep quantities as checked text; converting them into
the values of an algorithm is the reader's business. Built on the rest of ``metrics_adapter.kube``
(``WireModel``, ``MetricIdentifier``, ``LabelSelectorWire``, quantities); imports no other
package of ours.
"""

from metrics_adapter.kube.autoscaling.fields import QuantityText, parse_go_duration
from metrics_adapter.kube.autoscaling.horizontal_pod_autoscaler import (
    BehaviorWire,
    ConditionWire,
    ContainerResourceSourceWire,
    CrossVersionObjectReferenceWire,
    ExternalSourceWire,
    HorizontalPodAutoscalerWire,
    HPASpecWire,
    HPAStatusWire,
    MetricSpecWire,
    MetricTargetWire,
    ObjectMetaWire,
    ObjectSourceWire,
    PodsSourceWire,
    ResourceSourceWire,
    ScalingPolicyWire,
    ScalingRulesWire,
)
from metrics_adapter.kube.autoscaling.metric_values import (
    DescribedObjectWire,
    ExternalMetricValueItemWire,
    ExternalMetricValueListWire,
    MetricValueItemWire,
    MetricValueListWire,
)
from metrics_adapter.kube.autoscaling.pod_metrics import (
    ContainerMetricsWire,
    PodMetricsListWire,
    PodMetricsWire,
)
from metrics_adapter.kube.autoscaling.pods import (
    ContainerWire,
    PodConditionWire,
    PodListWire,
    PodMetaWire,
    PodSpecWire,
    PodStatusWire,
    PodWire,
    ResourcesWire,
)
from metrics_adapter.kube.autoscaling.scale import ScaleSpecWire, ScaleStatusWire, ScaleWire

__all__ = [
    "BehaviorWire",
    "ConditionWire",
    "ContainerMetricsWire",
    "ContainerResourceSourceWire",
    "ContainerWire",
    "CrossVersionObjectReferenceWire",
    "DescribedObjectWire",
    "ExternalMetricValueItemWire",
    "ExternalMetricValueListWire",
    "ExternalSourceWire",
    "HPASpecWire",
    "HPAStatusWire",
    "HorizontalPodAutoscalerWire",
    "MetricSpecWire",
    "MetricTargetWire",
    "MetricValueItemWire",
    "MetricValueListWire",
    "ObjectMetaWire",
    "ObjectSourceWire",
    "PodConditionWire",
    "PodListWire",
    "PodMetaWire",
    "PodMetricsListWire",
    "PodMetricsWire",
    "PodSpecWire",
    "PodStatusWire",
    "PodWire",
    "PodsSourceWire",
    "QuantityText",
    "ResourceSourceWire",
    "ResourcesWire",
    "ScaleSpecWire",
    "ScaleStatusWire",
    "ScaleWire",
    "ScalingPolicyWire",
    "ScalingRulesWire",
    "parse_go_duration",
]
