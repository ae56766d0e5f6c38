"""Writes docs/dashboards/*.png: each board drawn from a live sandbox stack by `dashboards preview`.

Starts the stack the dashboard integration test reads (servescale.demo.boards_stack: the sandbox of
examples/scenarios/dashboards.yaml and the metrics adapter, scraped every second by a real Prometheus
with the rules of examples/slos/sandbox.yaml), lets it run --seconds (default 240: most of llama's
five-minute load cycle and resnet's step), then runs

    servescale dashboards preview --prometheus-url <its Prometheus> --out docs/dashboards \\
        --slos examples/slos/sandbox.yaml --gpu-price A100=2.9 --from <stack start> --rate-interval 15s

    .venv/bin/python scripts/make-dashboard-previews.py [--seconds 240] [--out docs/dashboards]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from autoscaler.sandbox import load_scenario
from servescale.demo.boards_stack import running_boards_stack
from slo.spec import load_slos

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "examples" / "scenarios" / "dashboards.yaml"
SLOS = ROOT / "examples" / "slos" / "sandbox.yaml"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=240)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "dashboards")
    args = parser.parse_args()
    slos = load_slos(SLOS.read_text(encoding="utf-8"))
    with (
        tempfile.TemporaryDirectory() as workdir,
        running_boards_stack(load_scenario(SCENARIO), slos, workdir=Path(workdir)) as stack,
    ):
        started = int(time.time())
        print(f"stack up, Prometheus at {stack.prometheus.url}; waiting {args.seconds} s", flush=True)
        time.sleep(args.seconds)
        command = [
            sys.executable, "-m", "servescale", "dashboards", "preview",
            f"--prometheus-url={stack.prometheus.url}", f"--out={args.out}",
            f"--slos={SLOS}", "--gpu-price=A100=2.9", f"--from={started}", "--rate-interval=15s",
        ]  # fmt: skip
        return subprocess.run(command, check=False).returncode


if __name__ == "__main__":
    raise SystemExit(main())
