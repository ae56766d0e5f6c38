"""Errors of the metric catalogue: unknown metrics, unsupported requests, invalid recipes and config.

Each class says what the HTTP edge should answer: ``UnknownMetricError`` and
``UnsupportedResourceError`` are 404s, ``SelectorTranslationError`` is a 400, ``RecipeError`` and
``ConfigError`` are startup failures (the server refuses to start). This module knows nothing
about HTTP, PromQL or YAML.
"""

from __future__ import annotations

__all__ = [
    "CatalogueError",
    "ConfigError",
    "RecipeError",
    "SelectorTranslationError",
    "UnknownMetricError",
    "UnsupportedResourceError",
]


class CatalogueError(Exception):
    """Base class of every error raised by the catalogue."""


class UnknownMetricError(CatalogueError, KeyError):
    """No metric of that name is configured (404). A ``KeyError``, so ``except KeyError`` works."""

    def __init__(self, name: str, *, api: str | None = None) -> None:
        self.name = name
        self.api = api
        where = f" {api} metric" if api else " metric"
        super().__init__(f"no{where} named {name!r} is configured")

    def __str__(self) -> str:
        # KeyError would render its argument with repr(); keep the message readable.
        return str(self.args[0])


class UnsupportedResourceError(CatalogueError, LookupError):
    """The metric exists but is not served for the requested group-resource (404)."""

    def __init__(self, metric: str, resource: str, *, served: tuple[str, ...] = ()) -> None:
        self.metric = metric
        self.resource = resource
        self.served = served
        listed = ", ".join(served) if served else "none"
        super().__init__(f"metric {metric!r} is not served for {resource} (served for: {listed})")


class SelectorTranslationError(CatalogueError, ValueError):
    """A metric label selector cannot be expressed as PromQL matchers (400).

    Raised for the ``gt``/``lt`` operators, for keys that are not Prometheus label names (such as
    ``app.kubernetes.io/name``), and for labels an external metric does not let callers select.
    """


class RecipeError(CatalogueError, ValueError):
    """A metric definition is inconsistent (a programming or configuration mistake)."""


class ConfigError(CatalogueError, ValueError):
    """The configuration file is invalid; ``problems`` holds one line per problem.

    Each line names the entry and the field, e.g.
    ``metrics[3] "queue_wait": value.window: invalid duration "5x"``.
    """

    def __init__(self, problems: list[str] | tuple[str, ...], *, source: str = "<config>") -> None:
        self.problems = tuple(problems)
        self.source = source
        super().__init__("\n".join(f"{source}: {problem}" for problem in self.problems))
