"""``servescale demo``: the sandbox fleet, a real Prometheus, and a live table of what they report."""
