"""Every file under ``examples/`` loads through the loader that reads it in real use, and together the
configuration examples show every section and option those loaders know.

A file is matched to its loader by path (``LOADERS``); a new example that no loader claims fails
``test_every_example_has_a_loader``. For the three configuration files (metric catalogue, alerts,
autoscaling) the YAML is walked alongside the loader's pydantic models: each field of each model
reachable from the file's root must be written somewhere in the examples (a field inherited from a
shared base model counts once, wherever it appears).
"""

from __future__ import annotations

import json
import types
import typing
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import BaseModel

from alerts.config import AlertsConfig, load_alerts_config
from autoscaler.hpa.step.document import parse_step_input
from autoscaler.sandbox import load_scenario
from autoscaler.simulation.autoscaling_config import AutoscalingConfig
from autoscaler.simulation.hpa_file import load_hpa_file
from autoscaler.simulation.hpa_manifests import build_manifests, load_autoscaling_config
from metrics_adapter.catalogue import load_config
from metrics_adapter.catalogue.config_models import ConfigModel, MetricModel
from slo.spec import load_slo_file

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
CATALOGUE = EXAMPLES / "config" / "servescale.yaml"


def _catalogue(path: Path) -> None:
    assert load_config(path).names


def _alerts(path: Path) -> None:
    config = load_alerts_config(path)
    assert config.alertmanager is not None, "the alerts example must show the alertmanager section"


def _autoscaling(path: Path) -> None:
    assert build_manifests(load_autoscaling_config(path), load_config(CATALOGUE))


def _hpa(path: Path) -> None:
    assert load_hpa_file(path)


def _step(path: Path) -> None:
    parse_step_input(json.loads(path.read_text(encoding="utf-8")))


def _scenario(path: Path) -> None:
    assert load_scenario(path).deployments


def _replay(path: Path) -> None:
    """A replay CSV is read by the scenario that names it; loading that scenario reads the CSV."""
    users = [
        scenario
        for scenario in path.parent.glob("*.yaml")
        if any(
            isinstance(model.get("load"), dict) and model["load"].get("csv") == path.name
            for namespace in _document(scenario).get("namespaces", [])
            for model in namespace.get("models", [])
        )
    ]
    assert users, f"no scenario replays {path.name}"
    for scenario in users:
        _scenario(scenario)


def _slos(path: Path) -> None:
    assert load_slo_file(path)


# (glob relative to examples/, loader); documentation (*.md) is not loaded.
LOADERS: list[tuple[str, Callable[[Path], None]]] = [
    ("config/servescale.yaml", _catalogue),
    ("config/alerts.yaml", _alerts),
    ("hpa/autoscaling.yaml", _autoscaling),
    ("hpa/*-hpa.yaml", _hpa),
    ("hpa/*-step.json", _step),
    ("scenarios/*.yaml", _scenario),
    ("scenarios/*.csv", _replay),
    ("slos/*.yaml", _slos),
]


def _example_files() -> list[Path]:
    return sorted(path for path in EXAMPLES.rglob("*") if path.is_file() and path.suffix != ".md")


def _loaders_of(path: Path) -> list[Callable[[Path], None]]:
    relative = path.relative_to(EXAMPLES)
    return [loader for pattern, loader in LOADERS if relative.match(pattern)]


def test_every_example_has_a_loader() -> None:
    files = _example_files()
    assert len(files) >= 10
    unclaimed = [str(path.relative_to(EXAMPLES)) for path in files if len(_loaders_of(path)) != 1]
    assert not unclaimed, f"no single loader for {unclaimed}: add it to LOADERS"


@pytest.mark.parametrize("path", _example_files(), ids=lambda path: str(path.relative_to(EXAMPLES)))
def test_example_loads(path: Path) -> None:
    (loader,) = _loaders_of(path)
    loader(path)


# --- every section and option of the configuration loaders appears in an example ---------------

Field = tuple[str, str]  # (model that declares the field, field name)


def _owner(model: type[BaseModel], name: str) -> str:
    """The class that declares ``name`` (a shared base model's field is one field)."""
    for klass in reversed(model.__mro__):
        if name in getattr(klass, "__annotations__", {}):
            return klass.__name__
    return model.__name__


def _models_in(annotation: Any) -> Iterator[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
        return
    for argument in typing.get_args(annotation):
        yield from _models_in(argument)


def _known(root: type[BaseModel]) -> set[Field]:
    fields: set[Field] = set()
    todo, done = [root], set()
    while todo:
        model = todo.pop()
        if model in done:
            continue
        done.add(model)
        for name, info in model.model_fields.items():
            fields.add((_owner(model, name), name))
            todo.extend(_models_in(info.annotation))
    return fields


def _key(model: type[BaseModel], name: str) -> str:
    alias = model.model_fields[name].alias
    return alias if alias is not None else name


def _pick(models: list[type[BaseModel]], value: Mapping[str, Any]) -> type[BaseModel] | None:
    """The union member ``value`` is: by its ``kind`` tag when the members have one."""
    for model in models:
        kind = model.model_fields.get("kind")
        if kind is not None and value.get("kind") in typing.get_args(kind.annotation):
            return model
    return models[0] if len(models) == 1 else None


def _descend(annotation: Any, value: Any, seen: set[Field]) -> None:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        _descend(typing.get_args(annotation)[0], value, seen)
    elif origin is list and isinstance(value, list):
        for item in value:
            _descend(typing.get_args(annotation)[0], item, seen)
    elif origin is dict and isinstance(value, Mapping):
        for item in value.values():
            _descend(typing.get_args(annotation)[1], item, seen)
    elif origin in (typing.Union, types.UnionType):
        members = typing.get_args(annotation)
        for member in members:
            if not isinstance(member, type):  # a container or annotated member, e.g. list[...] | None
                _descend(member, value, seen)
        models = [member for member in members if isinstance(member, type) and issubclass(member, BaseModel)]
        if models and isinstance(value, Mapping):
            model = _pick(models, value)
            if model is not None:
                _walk(model, value, seen)
    elif isinstance(annotation, type) and issubclass(annotation, BaseModel) and isinstance(value, Mapping):
        _walk(annotation, value, seen)


def _walk(model: type[BaseModel], data: Mapping[str, Any], seen: set[Field]) -> None:
    for name, info in model.model_fields.items():
        key = _key(model, name)
        if key in data:
            seen.add((_owner(model, name), name))
            _descend(info.annotation, data[key], seen)


def _document(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _seen_catalogue() -> set[Field]:
    seen: set[Field] = set()
    document = _document(CATALOGUE)
    _walk(ConfigModel, document, seen)
    for entry in document.get("metrics", []):
        _walk(MetricModel, entry, seen)
    return seen


def _seen(root: type[BaseModel], path: Path) -> set[Field]:
    seen: set[Field] = set()
    _walk(root, _document(path), seen)
    return seen


SECTIONS = [
    pytest.param(
        _known(ConfigModel) | _known(MetricModel),
        _seen_catalogue,
        id="catalogue",
    ),
    pytest.param(
        _known(AlertsConfig), lambda: _seen(AlertsConfig, EXAMPLES / "config" / "alerts.yaml"), id="alerts"
    ),
    pytest.param(
        _known(AutoscalingConfig),
        lambda: _seen(AutoscalingConfig, EXAMPLES / "hpa" / "autoscaling.yaml"),
        id="autoscaling",
    ),
]


@pytest.mark.parametrize(("known", "seen"), SECTIONS)
def test_examples_show_every_section_and_option(known: set[Field], seen: Callable[[], set[Field]]) -> None:
    missing = sorted(f"{model}.{name}" for model, name in known - seen())
    assert not missing, f"not shown in any example: {missing}"


def test_the_walk_notices_a_missing_section() -> None:
    """The check above can fail: drop the alertmanager section and its fields are reported."""
    document = dict(_document(EXAMPLES / "config" / "alerts.yaml"))
    del document["alertmanager"]
    seen: set[Field] = set()
    _walk(AlertsConfig, document, seen)
    missing = _known(AlertsConfig) - seen
    assert ("AlertsConfig", "alertmanager") in missing
    assert ("AlertmanagerSettings", "receivers") in missing
    assert ("EmailConfig", "smarthost") in missing
