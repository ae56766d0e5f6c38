"""Shared pieces of the Kubernetes JSON documents: the base model and the small metav1 types.

``WireModel`` fixes how every document of this package is written: camelCase keys, frozen,
unknown keys ignored on input (real servers add fields), and Go's ``omitempty`` rule: a field
that is ``None`` is left out, unless the Go type has no ``omitempty`` and Kubernetes writes
``null`` (listed in ``_keep_null``, e.g. ``selector`` of a MetricValue). Serialise with
``model_dump(mode="json", by_alias=True)`` or ``to_wire()``.

Also here: ``ListMeta`` (``metadata: {}``), ``ObjectReference`` (a ``describedObject``),
``LabelSelector`` (``metav1.LabelSelector`` with ``matchLabels``/``matchExpressions``) and the
conversions from a parsed selector (as apimachinery's ``ParseToLabelSelector``, except that
``!=`` becomes ``NotIn`` of one value instead of an error) and back (``LabelSelectorAsSelector``).
Knows nothing of HTTP or metrics.
"""

from __future__ import annotations

import functools
from typing import Any, ClassVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    field_validator,
    model_serializer,
)
from pydantic.alias_generators import to_camel

from metrics_adapter.kube.errors import SelectorError
from metrics_adapter.kube.quantity import parse_quantity
from metrics_adapter.kube.selector import (
    METAV1_OPERATORS,
    LabelSelector,
    Metav1Operator,
    Operator,
    Requirement,
)
from metrics_adapter.kube.timestamps import parse_time

__all__ = [
    "LabelSelectorRequirementWire",
    "LabelSelectorWire",
    "ListMeta",
    "MetricItem",
    "ObjectReferenceWire",
    "WireModel",
    "label_selector_from_wire",
    "label_selector_to_wire",
]


class WireModel(BaseModel):
    """Base of every Kubernetes JSON document: camelCase, frozen, ``omitempty`` for ``None``."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        serialize_by_alias=True,
        frozen=True,
        extra="ignore",
    )

    _keep_null: ClassVar[frozenset[str]] = frozenset()

    @model_serializer(mode="wrap")
    def _omit_empty(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        data: dict[str, Any] = handler(self)
        for name, keys in _omittable(type(self)):
            if getattr(self, name) is None:
                # The key is the alias or the name depending on how the dump was asked for.
                for key in keys:
                    data.pop(key, None)
        return data

    def to_wire(self) -> dict[str, Any]:
        """The JSON-ready dict Kubernetes would send."""
        return self.model_dump(mode="json", by_alias=True)


@functools.cache
def _omittable(model: type[WireModel]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Per model class: the fields dropped when None, with the keys they may be dumped under."""
    return tuple(
        (name, (name, field.alias) if field.alias else (name,))
        for name, field in model.model_fields.items()
        if name not in model._keep_null
    )


class MetricItem(WireModel):
    """Base of metric items: ``value`` must be a Quantity string, ``timestamp`` RFC 3339."""

    @field_validator("value", check_fields=False)
    @classmethod
    def _quantity(cls, value: str) -> str:
        parse_quantity(value)
        return value

    @field_validator("timestamp", check_fields=False)
    @classmethod
    def _time(cls, value: str) -> str:
        parse_time(value)
        return value


class ListMeta(WireModel):
    """``metav1.ListMeta``; the metrics APIs send it empty: ``"metadata": {}``."""

    resource_version: str | None = None
    continue_: str | None = Field(default=None, alias="continue")
    self_link: str | None = None


class ObjectReferenceWire(WireModel):
    """``v1.ObjectReference`` as used in ``describedObject``; every field is ``omitempty``."""

    kind: str | None = None
    namespace: str | None = None
    name: str | None = None
    uid: str | None = None
    api_version: str | None = None
    resource_version: str | None = None
    field_path: str | None = None


class LabelSelectorRequirementWire(WireModel):
    key: str
    operator: Metav1Operator
    values: list[str] | None = None


class LabelSelectorWire(WireModel):
    """``metav1.LabelSelector``: ``{"matchLabels": {...}, "matchExpressions": [...]}``."""

    match_labels: dict[str, str] | None = None
    match_expressions: list[LabelSelectorRequirementWire] | None = None


_OPERATOR_FOR_METAV1 = {
    name: operator for operator, name in METAV1_OPERATORS.items() if operator != Operator.NOT_EQUALS
}


def label_selector_to_wire(selector: LabelSelector | None) -> LabelSelectorWire | None:
    """The ``metav1.LabelSelector`` form of a parsed selector; ``None`` when empty or absent.

    Raises ``SelectorError`` for ``>``/``<``, which a ``metav1.LabelSelector`` cannot express.
    """
    if selector is None or selector.is_empty:
        return None
    match_labels: dict[str, str] = {}
    expressions: list[LabelSelectorRequirementWire] = []
    for requirement in selector:
        if requirement.operator in (Operator.EQUALS, Operator.DOUBLE_EQUALS):
            match_labels[requirement.key] = requirement.values[0]
            continue
        operator = METAV1_OPERATORS.get(requirement.operator)
        if operator is None:
            raise SelectorError(f"{str(requirement)!r} isn't supported in label selectors")
        expressions.append(
            LabelSelectorRequirementWire(
                key=requirement.key, operator=operator, values=list(requirement.values) or None
            )
        )
    return LabelSelectorWire(match_labels=match_labels or None, match_expressions=expressions or None)


def label_selector_from_wire(wire: LabelSelectorWire | None) -> LabelSelector | None:
    """``metav1.LabelSelectorAsSelector``: ``matchLabels`` as ``=``, expressions by operator name.

    ``None`` stays ``None`` (no selector); ``{}`` is the empty selector. Raises ``SelectorError``
    for an invalid label key or value, or values that do not fit the operator.
    """
    if wire is None:
        return None
    requirements = [
        Requirement(key, Operator.EQUALS, (value,)) for key, value in (wire.match_labels or {}).items()
    ]
    for expression in wire.match_expressions or ():
        operator = _OPERATOR_FOR_METAV1[expression.operator]
        requirements.append(Requirement(expression.key, operator, tuple(expression.values or ())))
    return LabelSelector(tuple(requirements))
