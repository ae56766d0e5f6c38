"""Loading the catalogue from one YAML file (or from nothing: every preset on with its defaults).

Every problem found is collected and raised as one ``ConfigError`` whose lines name the entry and
the field, e.g. ``metrics[3] "queue_wait": value.window: invalid duration "5x"``; a metric name
defined twice is reported with both entries. Duplicate keys in a YAML mapping are refused rather
than silently overwritten. Knows YAML, the config models and the builder; nothing about requests.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError
from pydantic_core import ErrorDetails

from .catalogue import Catalogue
from .config_build import BuildContext, EntryProblem, build_metric, build_presets
from .config_models import VALUE_KINDS, ConfigModel, MetricModel
from .definition import MetricDefinition
from .errors import CatalogueError, ConfigError

__all__ = ["default_catalogue", "load_config", "parse_config"]

_VALUE_FIELDS = frozenset({"value", "numerator", "denominator"})
_VALUE_LISTS = frozenset({"terms", "alternatives"})


class _StrictLoader(yaml.SafeLoader):
    """A safe loader that refuses duplicate keys in a mapping."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
        seen.add(key)
    return dict(loader.construct_mapping(node, deep=deep))


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _path(loc: tuple[int | str, ...]) -> str:
    """``("value", "ratio", "numerator", "rate", "window")`` -> ``value.numerator.window``."""
    text = ""
    previous: int | str | None = None
    before_previous: int | str | None = None
    for part in loc:
        is_tag = part in VALUE_KINDS and (
            previous in _VALUE_FIELDS or (isinstance(previous, int) and before_previous in _VALUE_LISTS)
        )
        if not is_tag and part != "[key]":
            text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
        before_previous, previous = previous, part
    return text


def _message(error: ErrorDetails) -> str:
    kind = error["type"]
    if kind == "value_error":
        return str(error.get("ctx", {}).get("error", error["msg"]))
    if kind == "extra_forbidden":
        return "unknown field (keys are camelCase, e.g. rateWindow)"
    if kind == "union_tag_not_found":
        return "needs a kind: one of " + ", ".join(VALUE_KINDS)
    return error["msg"]


def _problems(exc: ValidationError, prefix: str = "") -> list[str]:
    problems = []
    for error in exc.errors():
        path = _path(tuple(error["loc"]))
        problems.append(f"{prefix}{path}: {_message(error)}" if path else f"{prefix}{_message(error)}")
    return problems


def _entry_name(entry: Mapping[Any, Any]) -> str:
    name = entry.get("name")
    return f" {json.dumps(name)}" if isinstance(name, str) else ""


def _metrics(model: ConfigModel, context: BuildContext, problems: list[str]) -> list[MetricDefinition]:
    definitions = []
    for index, entry in enumerate(model.metrics):
        if not isinstance(entry, Mapping):
            problems.append(f"metrics[{index}]: must be a mapping with name, value and resources")
            continue
        label = f"metrics[{index}]{_entry_name(entry)}"
        try:
            metric = MetricModel.model_validate(entry)
            definitions.append(build_metric(metric, context, origin=label))
        except ValidationError as exc:
            problems.extend(_problems(exc, f"{label}: "))
        except EntryProblem as exc:
            problems.append(f"{label}: {exc}")
    return definitions


def parse_config(data: object, *, source: str = "<config>") -> Catalogue:
    """The catalogue described by already-parsed YAML ``data`` (None means an empty file)."""
    if data is None:
        data = {}
    if not isinstance(data, Mapping):
        raise ConfigError(
            ["the configuration must be a mapping (labels, defaults, presets, metrics)"], source=source
        )
    try:
        model = ConfigModel.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_problems(exc), source=source) from None
    context = BuildContext.from_model(model)
    problems: list[str] = []
    definitions: list[MetricDefinition] = []
    try:
        definitions.extend(build_presets(model, context))
    except EntryProblem as exc:
        problems.append(str(exc))
    definitions.extend(_metrics(model, context, problems))
    if problems:
        raise ConfigError(problems, source=source)
    try:
        return Catalogue(definitions)
    except CatalogueError as exc:
        raise ConfigError([str(exc)], source=source) from None


def load_config(path: str | Path | None) -> Catalogue:
    """The catalogue of the YAML file at ``path``; every preset with its defaults when ``path`` is None.

    Raises ``ConfigError`` for an unreadable file, invalid YAML, or any invalid entry.
    """
    if path is None:
        return default_catalogue()
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError([f"cannot read the file: {exc}"], source=source) from exc
    try:
        data = yaml.load(text, Loader=_StrictLoader)
    except yaml.YAMLError as exc:
        raise ConfigError([f"invalid YAML: {exc}"], source=source) from None
    return parse_config(data, source=source)


def default_catalogue() -> Catalogue:
    """Every preset on, with its defaults: what the server serves without a configuration file."""
    return parse_config({}, source="<defaults>")
