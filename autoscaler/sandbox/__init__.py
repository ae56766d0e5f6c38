"""The sandbox: a simulated ML model-serving fleet that exposes what a real cluster's exporters would.

A queueing model of GPU-backed Deployments (``fleet``), advanced on a time the caller passes in, and
rendered as the Istio, dcgm-exporter, Triton/vLLM, RabbitMQ and kube-state-metrics series Prometheus
would scrape (``exposition``). The HTTP edge (``api``) and the background server (``runner``) are the
only modules that know about FastAPI and uvicorn; nothing here imports ``slo`` or the adapter's API.
"""

from autoscaler.sandbox.faults import Faults
from autoscaler.sandbox.fleet import Fleet, UnknownDeploymentError
from autoscaler.sandbox.scenario import ScenarioError, default_scenario, load_scenario, parse_scenario
from autoscaler.sandbox.spec import Scenario

__all__ = [
    "Faults",
    "Fleet",
    "Scenario",
    "ScenarioError",
    "UnknownDeploymentError",
    "default_scenario",
    "load_scenario",
    "parse_scenario",
]
