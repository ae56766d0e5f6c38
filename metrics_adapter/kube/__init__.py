"""Kubernetes wire formats of the custom and external metrics APIs.

Quantities, label selectors, ``Status`` errors, ``MetricValueList`` (v1beta1, v1beta2),
``ExternalMetricValueList``, discovery documents, group-resources and request paths. Pydantic
models define and read each wire shape, frozen dataclasses hold values; one writer per document
(plain dicts for the metric value lists, the server's hot path). The subpackage ``autoscaling``
holds the objects the HPA controller reads (HorizontalPodAutoscaler, Scale, pods, PodMetrics,
metric value lists). Imports no other package of ours.
"""

from metrics_adapter.kube.api_groups import (
    CUSTOM_METRICS_GROUP,
    CUSTOM_METRICS_VERSIONS,
    EXTERNAL_METRICS_GROUP,
    EXTERNAL_METRICS_VERSIONS,
)
from metrics_adapter.kube.custom_metrics import (
    MetricIdentifier,
    MetricValueListV1Beta1,
    MetricValueListV1Beta2,
    MetricValueV1Beta1,
    MetricValueV1Beta2,
    custom_metrics_document,
)
from metrics_adapter.kube.discovery import (
    APIGroup,
    APIGroupList,
    APIResource,
    APIResourceList,
    MetricResource,
    accepts_only_aggregated_discovery,
    build_api_group,
    build_api_group_list,
    build_custom_metrics_resource_list,
    build_external_metrics_resource_list,
)
from metrics_adapter.kube.errors import (
    GroupResourceError,
    KubeFormatError,
    QuantityError,
    RequestPathError,
    SelectorError,
)
from metrics_adapter.kube.external_metrics import (
    ExternalMetricValueList,
    ExternalMetricValueWire,
    external_metrics_document,
)
from metrics_adapter.kube.quantity import approximate_float, format_quantity, milli_value, parse_quantity
from metrics_adapter.kube.request_paths import (
    ALL_OBJECTS,
    CustomMetricRequest,
    ExternalMetricRequest,
    parse_custom_metric_path,
    parse_external_metric_path,
)
from metrics_adapter.kube.resources import (
    KNOWN_RESOURCES,
    GroupResource,
    ResourceInfo,
    lookup_resource,
    parse_group_resource,
)
from metrics_adapter.kube.selector import METAV1_OPERATORS, LabelSelector, Operator, Requirement, go_string
from metrics_adapter.kube.selector_parser import parse_selector
from metrics_adapter.kube.status import (
    Status,
    StatusReason,
    new_bad_request,
    new_external_metric_not_found,
    new_forbidden,
    new_internal_error,
    new_method_not_supported,
    new_metric_not_found,
    new_not_acceptable,
    new_not_found,
    new_service_unavailable,
    new_timeout,
    new_unauthorized,
)
from metrics_adapter.kube.timestamps import format_time, parse_time
from metrics_adapter.kube.values import ExternalMetricValue, MetricValue, ObjectReference
from metrics_adapter.kube.wire import (
    LabelSelectorWire,
    WireModel,
    label_selector_from_wire,
    label_selector_to_wire,
)

__all__ = [
    "ALL_OBJECTS",
    "CUSTOM_METRICS_GROUP",
    "CUSTOM_METRICS_VERSIONS",
    "EXTERNAL_METRICS_GROUP",
    "EXTERNAL_METRICS_VERSIONS",
    "KNOWN_RESOURCES",
    "METAV1_OPERATORS",
    "APIGroup",
    "APIGroupList",
    "APIResource",
    "APIResourceList",
    "CustomMetricRequest",
    "ExternalMetricRequest",
    "ExternalMetricValue",
    "ExternalMetricValueList",
    "ExternalMetricValueWire",
    "GroupResource",
    "GroupResourceError",
    "KubeFormatError",
    "LabelSelector",
    "LabelSelectorWire",
    "MetricIdentifier",
    "MetricResource",
    "MetricValue",
    "MetricValueListV1Beta1",
    "MetricValueListV1Beta2",
    "MetricValueV1Beta1",
    "MetricValueV1Beta2",
    "ObjectReference",
    "Operator",
    "QuantityError",
    "RequestPathError",
    "Requirement",
    "ResourceInfo",
    "SelectorError",
    "Status",
    "StatusReason",
    "WireModel",
    "accepts_only_aggregated_discovery",
    "approximate_float",
    "build_api_group",
    "build_api_group_list",
    "build_custom_metrics_resource_list",
    "build_external_metrics_resource_list",
    "custom_metrics_document",
    "external_metrics_document",
    "format_quantity",
    "format_time",
    "go_string",
    "label_selector_from_wire",
    "label_selector_to_wire",
    "lookup_resource",
    "milli_value",
    "new_bad_request",
    "new_external_metric_not_found",
    "new_forbidden",
    "new_internal_error",
    "new_method_not_supported",
    "new_metric_not_found",
    "new_not_acceptable",
    "new_not_found",
    "new_service_unavailable",
    "new_timeout",
    "new_unauthorized",
    "parse_custom_metric_path",
    "parse_external_metric_path",
    "parse_group_resource",
    "parse_quantity",
    "parse_selector",
    "parse_time",
]
