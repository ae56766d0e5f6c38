"""The exact HPA algorithm, closed-loop and offline simulation, and the sandbox serving fleet.

Reads metric values only through protocols it owns; never imports ``slo``.
"""
