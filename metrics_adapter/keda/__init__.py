"""A KEDA External Scaler (gRPC) over the same provider as the metrics API.

``ExternalScalerService`` answers KEDA's ``IsActive``, ``StreamIsActive``, ``GetMetricSpec`` and
``GetMetrics`` from a ``MetricsProvider``; ``start_scaler_server`` serves it on a gRPC port.
"""

from metrics_adapter.keda.scaler import (
    SERVICE_NAME,
    ExternalScalerService,
    TriggerError,
    TriggerMetadata,
    start_scaler_server,
)

__all__ = ["SERVICE_NAME", "ExternalScalerService", "TriggerError", "TriggerMetadata", "start_scaler_server"]
