"""The labels an imported ratio SLO keeps: ``RatioSLI.per_label`` from OpenSLO and Sloth metadata.

Neither format has a field for it, so each carries it where its own validators accept free text and
where nothing else reads it:

- OpenSLO: the annotation :data:`OPENSLO_GROUP_BY` (``servescale.dev/group-by: "namespace,pod"``) on
  the SLO's ``metadata.annotations`` or on its SLI's (inline ``indicator.metadata`` or the ``SLI``
  document); the SLO's wins, so one shared SLI can serve SLOs grouped differently.
- Sloth: the label :data:`SLOTH_GROUP_BY` (``servescale_group_by: "namespace,pod"``) in the service's
  or the SLO's ``labels`` (the SLO's wins, as for every Sloth label). It is taken out of the labels
  the rules carry: the grouping labels themselves already tell the series apart.

The value is a comma-separated list of Prometheus label names; an empty value means no grouping.
Only good/bad/total (events) SLIs can be grouped: a raw ratio or a threshold has no counts to sum.
"""

from __future__ import annotations

import dataclasses
import re

from .errors import FieldError
from .sli import SLI, RatioSLI

__all__ = ["OPENSLO_GROUP_BY", "SLOTH_GROUP_BY", "apply_group_by", "parse_group_by"]

OPENSLO_GROUP_BY = "servescale.dev/group-by"
SLOTH_GROUP_BY = "servescale_group_by"
_LABEL_NAME = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")


def parse_group_by(field: str, text: str) -> tuple[str, ...]:
    """``"namespace, pod"`` -> ``("namespace", "pod")``; raises :class:`FieldError` at ``field``."""
    names = [part.strip() for part in text.split(",")]
    if names == [""]:
        return ()
    bad = [name for name in names if _LABEL_NAME.fullmatch(name) is None or name.startswith("__")]
    if bad:
        raise FieldError(
            field, f'{", ".join(repr(name) for name in bad)} is not a label name; write e.g. "namespace,pod"'
        )
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise FieldError(field, f"label(s) listed twice: {', '.join(repeated)}")
    return tuple(names)


def apply_group_by(sli: SLI, labels: tuple[str, ...], *, field: str, origin: str = "") -> SLI:
    """``sli`` keeping ``labels``; only a :class:`RatioSLI` can, anything else is refused at ``field``.

    ``origin`` says where the grouping was declared when that is not ``field`` itself.
    """
    if not labels:
        return sli
    if not isinstance(sli, RatioSLI):
        where = f" ({origin})" if origin else ""
        message = "only a good/bad/total ratio SLI can keep labels"
        raise FieldError(field, f"{message}{where}: a raw ratio or a threshold has no counts to sum")
    return dataclasses.replace(sli, per_label=labels)
