"""``Labels``: an immutable, hashable label set as Prometheus returns it (``__name__`` included).

Knows nothing about samples or queries.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import TypeVar, overload

__all__ = ["Labels"]

T = TypeVar("T")


class Labels(Mapping[str, str]):
    """An immutable mapping of label name to value, ordered by name, usable as a dict key.

    Build it from a mapping, from ``(name, value)`` pairs, or from keyword arguments.
    """

    __slots__ = ("_items", "_lookup")

    _items: tuple[tuple[str, str], ...] | None
    _lookup: dict[str, str]

    def __init__(self, items: Mapping[str, str] | Iterable[tuple[str, str]] = (), /, **kwargs: str) -> None:
        lookup = dict(items.items() if isinstance(items, Mapping) else items)
        lookup.update(kwargs)
        for name, value in lookup.items():
            if not isinstance(name, str) or not isinstance(value, str):
                raise TypeError(f"label names and values must be str, got {name!r}: {value!r}")
        self._lookup = lookup
        self._items = None

    @classmethod
    def from_wire(cls, labels: dict[str, str]) -> Labels:
        """Labels from a decoded JSON object whose values the caller has checked are strings.

        The hot path of query results: no copy of ``labels``, no re-validation, and no sorting
        until the set is hashed, compared or iterated (most are only looked up).
        """
        made = object.__new__(cls)
        made._lookup = labels
        made._items = None
        return made

    def _sorted(self) -> tuple[tuple[str, str], ...]:
        items = self._items
        if items is None:
            items = self._items = tuple(sorted(self._lookup.items()))
        return items

    def __getitem__(self, name: str) -> str:
        return self._lookup[name]

    @overload
    def get(self, name: str, /) -> str | None: ...

    @overload
    def get(self, name: str, /, default: str) -> str: ...

    @overload
    def get(self, name: str, /, default: T) -> str | T: ...

    def get(self, name: str, /, default: object = None) -> object:
        return self._lookup.get(name, default)

    def __contains__(self, name: object) -> bool:
        return name in self._lookup

    def __iter__(self) -> Iterator[str]:
        return (name for name, _ in self._sorted())

    def __len__(self) -> int:
        return len(self._lookup)

    def __hash__(self) -> int:
        return hash(self._sorted())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Labels):
            return self._lookup == other._lookup
        if isinstance(other, Mapping):
            return self._lookup == dict(other.items())
        return NotImplemented

    def __repr__(self) -> str:
        return f"Labels({dict(self._sorted())!r})"

    @property
    def metric_name(self) -> str | None:
        """The ``__name__`` label, or ``None`` when the series has none (e.g. after ``rate``)."""
        return self._lookup.get("__name__")

    def without(self, *names: str) -> Labels:
        """A copy without the given labels (``self`` when it has none of them)."""
        lookup = self._lookup
        for name in names:
            if name in lookup:
                break
        else:
            return self
        return Labels((name, value) for name, value in self._sorted() if name not in names)
