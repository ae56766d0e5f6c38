"""Metrics reading and replica proposals: the reader interface, the pods a metric counts, the
usage ratio per metric source with its tolerance, and the largest proposal of one cycle. Knows
nothing of behavior, stabilization or JSON."""
