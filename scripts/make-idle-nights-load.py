"""Writes examples/scenarios/gpu-nights.csv: the week of gpu-week.csv with no traffic from 01:00 to 06:00.

Same three weeks (two of history, then the simulated week) and the same spikes; every sample whose
time of day falls in [01:00, 06:00) is 0 requests/s, as for an internal model nobody calls at night.
The scale-to-zero policy has something to save there, and its first requests each morning wait for
a cold start.

    python scripts/make-idle-nights-load.py
"""

from __future__ import annotations

import csv
from pathlib import Path

SCENARIOS = Path(__file__).resolve().parent.parent / "examples" / "scenarios"
SOURCE = SCENARIOS / "gpu-week.csv"
OUT = SCENARIOS / "gpu-nights.csv"
IDLE_FROM_HOUR, IDLE_TO_HOUR = 1.0, 6.0


def main() -> None:
    with SOURCE.open(newline="") as source:
        rows = list(csv.reader(source))
    header, samples = rows[0], rows[1:]
    with OUT.open("w", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        for t_text, rps_text in samples:
            hour = (int(t_text) % 86_400) / 3600.0
            idle = IDLE_FROM_HOUR <= hour < IDLE_TO_HOUR
            writer.writerow([t_text, "0.000" if idle else rps_text])
    print(f"wrote {OUT} ({len(samples)} samples)")


if __name__ == "__main__":
    main()
