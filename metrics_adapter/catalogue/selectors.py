"""Translation of Kubernetes label selectors into PromQL matchers on a metric's series.

Used for the ``metricLabelSelector`` of custom metrics and the ``labelSelector`` of external
metrics. Each requirement becomes one matcher, every value matched literally:

=====================  ===========================================
``key=v`` / ``key==v``  ``key="v"``
``key!=v``              ``key!="v"``
``key in (a,b)``        ``key=~"a|b"`` (regex metacharacters escaped)
``key notin (a,b)``     ``key!~"a|b"``
``key``                 ``key!=""`` (the label exists)
``!key``                ``key=""`` (the label is absent)
=====================  ===========================================

``key>n`` / ``key<n`` and keys that are not Prometheus label names (``app.kubernetes.io/name``,
reserved ``__`` names) raise ``SelectorTranslationError`` (a 400), as do keys outside an external
metric's selectable labels. Knows label selectors and matchers; nothing about queries.
"""

from __future__ import annotations

from collections.abc import Collection

from metrics_adapter.kube import LabelSelector, Operator, Requirement
from metrics_adapter.promql import Matcher, eq, literal_regex, ne

from .definition import PART_LABEL
from .errors import SelectorTranslationError

__all__ = ["selector_matchers"]


def _matcher(requirement: Requirement) -> Matcher:
    key, values = requirement.key, requirement.values
    match requirement.operator:
        case Operator.EQUALS | Operator.DOUBLE_EQUALS:
            return eq(key, values[0])
        case Operator.NOT_EQUALS:
            return ne(key, values[0])
        case Operator.IN:
            return literal_regex(key, values)
        case Operator.NOT_IN:
            return literal_regex(key, values, negate=True)
        case Operator.EXISTS:
            return ne(key, "")
        case Operator.DOES_NOT_EXIST:
            return eq(key, "")
        case _:
            raise SelectorTranslationError(
                f"selector {requirement}: operator {requirement.operator.value!r} compares numbers "
                "and has no PromQL label matcher; use =, !=, in, notin, exists or !exists"
            )


def selector_matchers(
    selector: LabelSelector | None,
    *,
    allowed: Collection[str] | None = None,
    parameter: str = "metricLabelSelector",
) -> tuple[Matcher, ...]:
    """Matchers for every requirement of ``selector``; empty for ``None`` or the empty selector.

    ``allowed``: when given, the only keys a requirement may name. ``parameter`` names the
    request parameter in error messages.
    """
    if selector is None:
        return ()
    matchers: list[Matcher] = []
    for requirement in selector.requirements:
        key = requirement.key
        if key.startswith("__") or key == PART_LABEL:
            raise SelectorTranslationError(f"{parameter}: label {key!r} is reserved and cannot be selected")
        if allowed is not None and key not in allowed:
            choices = ", ".join(sorted(allowed)) or "none"
            raise SelectorTranslationError(
                f"{parameter}: label {key!r} cannot be selected for this metric (selectable: {choices})"
            )
        try:
            matchers.append(_matcher(requirement))
        except SelectorTranslationError as exc:
            raise SelectorTranslationError(f"{parameter}: {exc}") from None
        except ValueError as exc:
            raise SelectorTranslationError(
                f"{parameter}: {key!r} is not a Prometheus label name (letters, digits and '_', "
                f"not starting with a digit): {exc}"
            ) from exc
    return tuple(matchers)
