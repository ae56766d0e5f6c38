"""Reading a sandbox scenario: YAML -> schema check -> cross-field checks -> frozen ``Scenario``.

Every failure, whatever its kind (unreadable file, YAML syntax, schema, references, replay CSV),
becomes one ``ScenarioError`` listing every problem found with the path of the field at fault.
This is the only module of the sandbox that reads files; the model receives plain values.
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib import resources
from pathlib import Path

import yaml
from pydantic import ValidationError

from autoscaler.sandbox.profiles import (
    ConstantLoad,
    DiurnalLoad,
    LoadProfile,
    ReplayLoad,
    SpikeLoad,
    StepLoad,
)
from autoscaler.sandbox.scenario_errors import ScenarioError, describe_validation_error
from autoscaler.sandbox.scenario_file import (
    LOAD_TYPES,
    ConstantLoadFile,
    DiurnalLoadFile,
    LoadFile,
    ModelFile,
    ReplayLoadFile,
    ScenarioFile,
    SpikeLoadFile,
    StepLoadFile,
)
from autoscaler.sandbox.spec import (
    BrokerSpec,
    DcgmPodLabels,
    DeploymentSpec,
    ExporterTimestamps,
    GpuSpec,
    HpaSpec,
    Scenario,
    ServerKind,
)

__all__ = ["ScenarioError", "default_scenario", "load_scenario", "parse_scenario"]

DEFAULT_SCENARIO_RESOURCE = "default.yaml"


def load_scenario(path: Path | str) -> Scenario:
    """Read and validate the scenario at ``path``; replay CSVs are relative to its directory."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise ScenarioError(str(file), [f"cannot read file: {exc.strerror or exc}"]) from exc
    except UnicodeDecodeError as exc:
        raise ScenarioError(str(file), [f"not UTF-8 text: {exc.reason} at byte {exc.start}"]) from exc
    return parse_scenario(text, base_dir=file.parent, source=str(file))


def default_scenario() -> Scenario:
    """The built-in scenario shipped with the package (``autoscaler/sandbox/default.yaml``)."""
    text = resources.files("autoscaler.sandbox").joinpath(DEFAULT_SCENARIO_RESOURCE).read_text("utf-8")
    return parse_scenario(text, source=f"<built-in {DEFAULT_SCENARIO_RESOURCE}>")


def parse_scenario(
    document: str | Mapping[str, object], *, base_dir: Path | None = None, source: str = "<scenario>"
) -> Scenario:
    """Validate a scenario given as YAML text or as an already parsed mapping."""
    if isinstance(document, str):
        try:
            document = yaml.safe_load(document)
        except yaml.YAMLError as exc:
            raise ScenarioError(source, [f"not valid YAML: {exc}"]) from exc
    try:
        model = ScenarioFile.model_validate(document)
    except ValidationError as exc:
        raise ScenarioError(source, describe_validation_error(exc, tags=LOAD_TYPES)) from exc
    issues = _check_references(model)
    if issues:
        raise ScenarioError(source, issues)
    return _to_scenario(model, base_dir=base_dir or Path.cwd(), source=source)


def _check_references(model: ScenarioFile) -> list[str]:
    issues: list[str] = []
    known: dict[str, set[str]] = {}
    for i, namespace in enumerate(model.namespaces):
        if namespace.name in known:
            issues.append(f"namespaces[{i}].name: duplicate namespace {namespace.name!r}")
        names = known.setdefault(namespace.name, set())
        for j, deployment in enumerate(namespace.models):
            path = f"namespaces[{i}].models[{j}]"
            if deployment.name in names:
                issues.append(f"{path}.name: duplicate model {deployment.name!r} in {namespace.name!r}")
            names.add(deployment.name)
            hpa = deployment.hpa
            if hpa is not None and hpa.max_replicas < hpa.min_replicas:
                issues.append(f"{path}.hpa.maxReplicas: must be >= minReplicas ({hpa.min_replicas})")
    for k, broker in enumerate(model.brokers):
        consumer = broker.consumer
        if consumer.model not in known.get(consumer.namespace, set()):
            issues.append(
                f"brokers[{k}].consumer.model: no model {consumer.model!r} in namespace "
                f"{consumer.namespace!r}"
            )
    return issues


def _to_scenario(model: ScenarioFile, *, base_dir: Path, source: str) -> Scenario:
    deployments: list[DeploymentSpec] = []
    issues: list[str] = []
    for i, namespace in enumerate(model.namespaces):
        for j, deployment in enumerate(namespace.models):
            try:
                load = _to_profile(deployment.load, base_dir=base_dir)
            except _ReplayError as exc:
                issues.append(f"namespaces[{i}].models[{j}].load.csv: {exc}")
                continue
            deployments.append(_to_deployment(namespace.name, deployment, load))
    if issues:
        raise ScenarioError(source, issues)
    brokers = tuple(
        BrokerSpec(
            vhost=broker.vhost,
            queue=broker.queue,
            publish_rps=broker.publish_rps,
            consumer_namespace=broker.consumer.namespace,
            consumer_deployment=broker.consumer.model,
            per_pod_rps=broker.consumer.per_pod_rps,
            publish_from_seconds=broker.publish_from_seconds,
        )
        for broker in model.brokers
    )
    return Scenario(
        seed=model.seed,
        startup_delay_seconds=model.startup_delay_seconds,
        dcgm_pod_labels=DcgmPodLabels(model.dcgm_pod_labels),
        deployments=tuple(deployments),
        brokers=brokers,
        exporter_timestamps=ExporterTimestamps(model.exporter_timestamps),
    )


def _to_deployment(namespace: str, model: ModelFile, load: LoadProfile) -> DeploymentSpec:
    hpa = model.hpa
    return DeploymentSpec(
        namespace=namespace,
        name=model.name,
        server=ServerKind(model.server),
        replicas=model.replicas,
        capacity_rps=model.capacity_rps,
        base_latency_ms=model.base_latency_ms,
        gpu=GpuSpec(model=model.gpu.model, memory_mib=model.gpu.memory_mib, mig=model.gpu.mig),
        load=load,
        served_model=model.served_model or model.name,
        hpa=None
        if hpa is None
        else HpaSpec(
            min_replicas=hpa.min_replicas,
            max_replicas=hpa.max_replicas,
            metric=hpa.metric,
            target_average_value=hpa.target_average_value,
        ),
        max_queue_per_pod=model.max_queue_per_pod,
        error_rate=model.error_rate,
        latency_sigma=model.latency_sigma,
    )


def _to_profile(load: LoadFile, *, base_dir: Path) -> LoadProfile:
    match load:
        case ConstantLoadFile():
            return ConstantLoad(rps=load.rps)
        case DiurnalLoadFile():
            return DiurnalLoad(
                mean_rps=load.mean_rps, amplitude_rps=load.amplitude_rps, period_seconds=load.period_seconds
            )
        case StepLoadFile():
            return StepLoad(base_rps=load.base_rps, step_rps=load.step_rps, at_seconds=load.at_seconds)
        case SpikeLoadFile():
            return SpikeLoad(
                base_rps=load.base_rps,
                spike_rps=load.spike_rps,
                at_seconds=load.at_seconds,
                duration_seconds=load.duration_seconds,
            )
        case ReplayLoadFile():
            return _read_replay(load, base_dir=base_dir)


class _ReplayError(Exception):
    """A replay CSV that cannot be used; the caller adds the field path."""


def _read_replay(load: ReplayLoadFile, *, base_dir: Path) -> ReplayLoad:
    import pandas as pd  # heavy, and only replay scenarios need it

    path = Path(load.csv)
    if not path.is_absolute():
        path = base_dir / path
    try:
        frame = pd.read_csv(path)
    except (OSError, ValueError) as exc:
        raise _ReplayError(f"cannot read {str(path)!r}: {exc}") from exc
    for column in (load.time_column, load.column):
        if column not in frame.columns:
            raise _ReplayError(f"{str(path)!r} has no column {column!r} (columns: {list(frame.columns)})")
    times = pd.to_numeric(frame[load.time_column], errors="coerce")
    rates = pd.to_numeric(frame[load.column], errors="coerce")
    if len(frame) == 0:
        raise _ReplayError(f"{str(path)!r} has no rows")
    if times.isna().any() or rates.isna().any():
        raise _ReplayError(f"{str(path)!r} has empty or non-numeric values")
    if (rates < 0).any():
        raise _ReplayError(f"{str(path)!r}: column {load.column!r} must be >= 0")
    if not times.diff().dropna().gt(0).all():
        raise _ReplayError(f"{str(path)!r}: column {load.time_column!r} must be strictly increasing")
    return ReplayLoad(times=tuple(float(t) for t in times), rates=tuple(float(r) for r in rates))
