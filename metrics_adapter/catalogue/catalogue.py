"""``Catalogue``: the configured metrics by name, and what discovery lists.

Discovery comes from configuration only, never from Prometheus (listing every series is what
made prometheus-adapter slow and its metrics appear and disappear), and is never empty: a
catalogue needs at least one custom metric, since kubectl and helm fail on an empty resource list.
Knows definitions and the discovery tuple of the kube package; nothing about files or queries.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from metrics_adapter.kube import MetricResource

from .definition import Api, MetricDefinition
from .errors import CatalogueError, UnknownMetricError

__all__ = ["Catalogue"]


class Catalogue:
    """An immutable set of metric definitions with unique names.

    Raises ``CatalogueError`` for a duplicate name (naming both origins) or when no custom metric
    is defined.
    """

    def __init__(self, definitions: Iterable[MetricDefinition]) -> None:
        by_name: dict[str, MetricDefinition] = {}
        for definition in definitions:
            earlier = by_name.get(definition.name)
            if earlier is not None:
                raise CatalogueError(
                    f"metric name {definition.name!r} is defined twice: "
                    f"by {earlier.origin or 'an earlier entry'} and by {definition.origin or 'a later entry'}"
                )
            by_name[definition.name] = definition
        if not any(definition.api is Api.CUSTOM for definition in by_name.values()):
            raise CatalogueError(
                "no custom metric is defined: enable a preset or define one "
                "(custom metrics discovery must never be empty)"
            )
        self._by_name = dict(sorted(by_name.items()))

    def get(self, name: str, *, api: Api | None = None) -> MetricDefinition:
        """The definition named ``name``; with ``api``, only a metric of that API.

        Raises ``UnknownMetricError`` (a ``KeyError``) otherwise.
        """
        definition = self._by_name.get(name)
        if definition is None or (api is not None and definition.api is not api):
            raise UnknownMetricError(name, api=None if api is None else api.value)
        return definition

    def __contains__(self, name: object) -> bool:
        return name in self._by_name

    def __iter__(self) -> Iterator[MetricDefinition]:
        return iter(self._by_name.values())

    def __len__(self) -> int:
        return len(self._by_name)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self._by_name)

    def custom_resources(self) -> list[MetricResource]:
        """``(group-resource, metric, namespaced)`` for every custom metric and resource; never empty."""
        return sorted(
            (
                MetricResource(association.resource, definition.name, association.namespaced)
                for definition in self
                if definition.api is Api.CUSTOM
                for association in definition.associations
            ),
            key=lambda entry: (str(entry.group_resource), entry.metric),
        )

    def external_metrics(self) -> list[str]:
        """Names of the external metrics, sorted; empty when none is configured."""
        return [definition.name for definition in self if definition.api is Api.EXTERNAL]
