"""Backtest benchmark: vectorised HPA replay against the exact scalar ``reconcile``, decision by decision.

1,000 HPAs (seeded: Pods and External AverageValue metrics, legacy and behaviour normalisation with
stabilisation windows and Pods/Percent policies) replay 30 days of synthetic metric history at 15 s
steps (172,800 cycles each). The vectorised engine runs every HPA; the scalar path runs the exact
``reconcile`` cycle by cycle on a seeded random subset of HPAs over the full length (all 1,000 would
take hours on two cores), and every decision of that subset must be identical. Prints both times,
HPA-steps per second and the ratio; exits 1 on any difference.

    python bench/backtest.py [--hpas 1000] [--days 30] [--step 15] [--scalar-hpas 20] [--seed 2025]
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import UTC, datetime, timedelta

import numpy as np

from autoscaler.hpa import ControllerConfig, HorizontalPodAutoscaler
from autoscaler.hpa.spec.horizontal_pod_autoscaler import (
    Behavior,
    CrossVersionObjectReference,
    MetricSpec,
    MetricTarget,
    ScalingPolicy,
    ScalingRules,
    SelectPolicy,
)
from autoscaler.simulation import (
    ReplayGrid,
    ReplayKind,
    VectorReplay,
    compile_batch,
    milli_values,
    replay_scalar,
)

DAY = 86_400.0


def _rules(rng: np.random.Generator, *, up: bool) -> ScalingRules | None:
    if rng.random() < 0.25:
        return None
    policies = tuple(
        ScalingPolicy(
            str(rng.choice(["Pods", "Percent"])),
            int(rng.integers(1, 5)) if up else int(rng.integers(1, 3)),
            int(rng.choice([15, 30, 60, 120])),
        )
        for _ in range(int(rng.integers(1, 3)))
    )
    windows = [0, 0, 30, 60] if up else [60, 120, 300, 300]
    return ScalingRules(
        stabilization_window_seconds=int(rng.choice(windows)),
        select_policy=SelectPolicy.MIN if rng.random() < 0.2 else SelectPolicy.MAX,
        policies=policies,
    )


def make_hpas(count: int, seed: int) -> tuple[list[HorizontalPodAutoscaler], list[ReplayKind], np.ndarray]:
    rng = np.random.default_rng(seed)
    hpas, kinds, initial = [], [], []
    for index in range(count):
        kind = [ReplayKind.PODS_TOTAL, ReplayKind.PODS_AVERAGE, ReplayKind.EXTERNAL_AVERAGE][index % 3]
        low = int(rng.integers(1, 4))
        high = low + int(rng.integers(4, 40))
        behavior = None
        if rng.random() < 0.7:
            behavior = Behavior(scale_up=_rules(rng, up=True), scale_down=_rules(rng, up=False))
        target = int(rng.integers(2_000, 50_000))
        hpas.append(
            HorizontalPodAutoscaler(
                name=f"model-{index}",
                namespace="bench",
                scale_target_ref=CrossVersionObjectReference("Deployment", f"model-{index}"),
                min_replicas=low,
                max_replicas=high,
                metrics=(
                    MetricSpec(
                        type="External" if kind is ReplayKind.EXTERNAL_AVERAGE else "Pods",
                        name="load",
                        target=MetricTarget("AverageValue", average_value_milli=target),
                    ),
                ),
                behavior=behavior,
            )
        )
        kinds.append(kind)
        initial.append(low)
    return hpas, kinds, np.asarray(initial, dtype=np.int64)


def history_chunk(
    hpas: list[HorizontalPodAutoscaler],
    kinds: list[ReplayKind],
    *,
    day: int,
    steps: int,
    step: float,
    seed: int,
) -> np.ndarray:
    """Metric values (metric units) of one day, shape [steps, hpas]: diurnal, noisy, spiky, with gaps."""
    rng = np.random.default_rng([seed, day])
    n = len(hpas)
    targets = np.array([h.metrics[0].target.average_value_milli for h in hpas]) / 1000.0  # type: ignore[union-attr]
    scale = np.where([k is ReplayKind.PODS_AVERAGE for k in kinds], 1.0, 0.5 * (np.arange(n) % 20 + 2))
    phase = np.random.default_rng([seed, 0]).uniform(0, 2 * np.pi, n)
    t = (day * steps + np.arange(steps))[:, np.newaxis] * step
    level = targets * scale * (1.0 + 0.6 * np.sin(2 * np.pi * t / DAY + phase))
    noise = rng.normal(1.0, 0.1, (steps, n))
    spikes = np.where(rng.random((steps, n)) < 0.002, rng.uniform(1.5, 4.0, (steps, n)), 1.0)
    values = np.maximum(level * noise * spikes, 0.0)
    values[rng.random((steps, n)) < 0.001] = np.nan
    return values


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hpas", type=int, default=1000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--step", type=float, default=15.0, help="sync period in seconds")
    parser.add_argument("--scalar-hpas", type=int, default=20)
    parser.add_argument("--seed", type=int, default=2025)
    args = parser.parse_args()

    config = ControllerConfig()
    step = timedelta(seconds=args.step)
    per_day = int(DAY // args.step)
    total_steps = per_day * args.days
    hpas, kinds, initial = make_hpas(args.hpas, args.seed)
    subset = np.sort(
        np.random.default_rng(args.seed + 1).choice(args.hpas, size=args.scalar_hpas, replace=False)
    )
    print(
        f"{args.hpas} HPAs x {args.days} days at {args.step:g} s = {total_steps} steps each "
        f"(seed {args.seed})"
    )

    engine = VectorReplay(compile_batch(hpas, kinds, config=config), step=step, initial_replicas=initial)
    kept_values = np.empty((total_steps, subset.size), dtype=np.int64)
    kept_replicas = np.empty((total_steps, subset.size), dtype=np.int64)
    replica_steps = 0
    vector_seconds = 0.0
    for day in range(args.days):
        values = milli_values(
            history_chunk(hpas, kinds, day=day, steps=per_day, step=args.step, seed=args.seed)
        )
        started = time.perf_counter()
        replicas = engine.run(values)
        vector_seconds += time.perf_counter() - started
        rows = slice(day * per_day, (day + 1) * per_day)
        kept_values[rows] = values[:, subset]
        kept_replicas[rows] = replicas[:, subset]
        replica_steps += int(replicas.sum())
    vector_rate = args.hpas * total_steps / vector_seconds
    gpu_hours = replica_steps * args.step / 3600.0
    print(
        f"vectorised: {vector_seconds:.1f} s, {vector_rate:,.0f} HPA-steps/s ({gpu_hours:,.0f} replica-hours)"
    )

    grid = ReplayGrid(datetime(2025, 1, 1, tzinfo=UTC), step)
    started = time.perf_counter()
    differences = 0
    for column, index in enumerate(subset.tolist()):
        scalar = replay_scalar(
            hpas[index],
            kept_values[:, column],
            kind=kinds[index],
            initial_replicas=int(initial[index]),
            grid=grid,
            config=config,
        )
        differences += int(np.count_nonzero(scalar != kept_replicas[:, column]))
    scalar_seconds = time.perf_counter() - started
    scalar_rate = subset.size * total_steps / scalar_seconds
    print(
        f"scalar (exact reconcile) on a seeded random subset of {subset.size} HPAs, full length: "
        f"{scalar_seconds:.1f} s, {scalar_rate:,.0f} HPA-steps/s"
    )
    estimate_hours = args.hpas * total_steps / scalar_rate / 3600.0
    print(f"scalar over all {args.hpas} HPAs would take about {estimate_hours:.1f} h")
    print(f"speed-up vectorised / scalar: {vector_rate / scalar_rate:,.0f}x")
    compared = subset.size * total_steps
    print(f"decisions compared: {compared:,}; different: {differences}")
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
