"""Names of the two API groups this adapter serves and their versions, preferred first.

custom.metrics.k8s.io is served in v1beta2 (preferred) and v1beta1, because an APIService may
register either and the HPA then speaks that version; external.metrics.k8s.io exists only as
v1beta1. Knows nothing else.
"""

from __future__ import annotations

__all__ = [
    "CUSTOM_METRICS_GROUP",
    "CUSTOM_METRICS_VERSIONS",
    "EXTERNAL_METRICS_GROUP",
    "EXTERNAL_METRICS_VERSIONS",
    "versions_of",
]

CUSTOM_METRICS_GROUP = "custom.metrics.k8s.io"
EXTERNAL_METRICS_GROUP = "external.metrics.k8s.io"
CUSTOM_METRICS_VERSIONS: tuple[str, ...] = ("v1beta2", "v1beta1")
EXTERNAL_METRICS_VERSIONS: tuple[str, ...] = ("v1beta1",)

_VERSIONS = {
    CUSTOM_METRICS_GROUP: CUSTOM_METRICS_VERSIONS,
    EXTERNAL_METRICS_GROUP: EXTERNAL_METRICS_VERSIONS,
}


def versions_of(group: str) -> tuple[str, ...]:
    """The served versions of ``group``, preferred first; empty for a group we do not serve."""
    return _VERSIONS.get(group, ())
