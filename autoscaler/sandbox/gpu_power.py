"""Board power and temperature of a whole GPU as dcgm-exporter reports them, from its utilisation.

Power rises linearly from idle to the board's power limit with utilisation; the limits are the
published TDPs of the SXM/PCIe boards a name contains (``A100`` 400 W, ``H100`` 700 W, ...; 300 W
for a model not listed), idle at 15 % of it. Temperature rises from 32 °C idle by 40 °C at full
load (steady state: the sandbox keeps no thermal lag). MIG instances report neither.
"""

from __future__ import annotations

__all__ = ["IDLE_SHARE", "power_limit_watts", "power_watts", "temperature_celsius"]

_POWER_LIMITS = (
    ("H100", 700.0),
    ("A100", 400.0),
    ("L40S", 350.0),
    ("A10", 150.0),
    ("L4", 72.0),
    ("T4", 70.0),
)
DEFAULT_POWER_LIMIT_WATTS = 300.0
IDLE_SHARE = 0.15
IDLE_CELSIUS = 32.0
FULL_LOAD_RISE_CELSIUS = 40.0


def power_limit_watts(model_name: str) -> float:
    """The board power limit of the first listed GPU name contained in ``model_name``."""
    upper = model_name.upper()
    return next((watts for key, watts in _POWER_LIMITS if key in upper), DEFAULT_POWER_LIMIT_WATTS)


def power_watts(model_name: str, util_percent: float) -> float:
    """``DCGM_FI_DEV_POWER_USAGE`` (W) at ``util_percent`` (0..100)."""
    limit = power_limit_watts(model_name)
    busy = min(max(util_percent / 100.0, 0.0), 1.0)
    return limit * (IDLE_SHARE + (1.0 - IDLE_SHARE) * busy)


def temperature_celsius(util_percent: float) -> float:
    """``DCGM_FI_DEV_GPU_TEMP`` (°C) at ``util_percent`` (0..100)."""
    busy = min(max(util_percent / 100.0, 0.0), 1.0)
    return IDLE_CELSIUS + FULL_LOAD_RISE_CELSIUS * busy
