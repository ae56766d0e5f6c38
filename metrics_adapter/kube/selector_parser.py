"""Parsing of label selector strings: the ``labelSelector`` / ``metricLabelSelector`` parameters.

Follows apimachinery's ``labels.Parse`` (pkg/labels/selector.go): the same lexer (blanks, the
symbols ``= == != ! ( ) , < >``, the keywords ``in`` and ``notin`` which are plain identifiers in
value position), the same grammar, the same validation of keys and values, requirements sorted
by key. One deliberate difference: control characters (newline, carriage return, NUL, ...) are
refused anywhere in the string, where apimachinery would treat some as blanks or as the end.

Every malformed or hostile string (quotes, braces, ``or vector(1)``, regex operators such as
``=~``) raises ``SelectorError``, which the HTTP edge turns into a 400. Knows nothing else.
"""

from __future__ import annotations

import re
from enum import Enum, auto

from metrics_adapter.kube.errors import SelectorError
from metrics_adapter.kube.labels import label_key_errors
from metrics_adapter.kube.selector import SET_OPERATORS, LabelSelector, Operator, Requirement

__all__ = ["parse_selector"]


class _Tok(Enum):
    END = auto()
    IDENTIFIER = auto()
    IN = auto()
    NOT_IN = auto()
    OPEN = auto()
    CLOSE = auto()
    COMMA = auto()
    BANG = auto()
    EQUALS = auto()
    DOUBLE_EQUALS = auto()
    NOT_EQUALS = auto()
    GREATER = auto()
    LESS = auto()


_SYMBOLS = {
    "(": _Tok.OPEN,
    ")": _Tok.CLOSE,
    ",": _Tok.COMMA,
    "!": _Tok.BANG,
    "=": _Tok.EQUALS,
    "==": _Tok.DOUBLE_EQUALS,
    "!=": _Tok.NOT_EQUALS,
    ">": _Tok.GREATER,
    "<": _Tok.LESS,
}
_KEYWORDS = {"in": _Tok.IN, "notin": _Tok.NOT_IN}
_OPERATOR_FOR = {
    _Tok.IN: Operator.IN,
    _Tok.NOT_IN: Operator.NOT_IN,
    _Tok.EQUALS: Operator.EQUALS,
    _Tok.DOUBLE_EQUALS: Operator.DOUBLE_EQUALS,
    _Tok.NOT_EQUALS: Operator.NOT_EQUALS,
    _Tok.GREATER: Operator.GREATER_THAN,
    _Tok.LESS: Operator.LESS_THAN,
}
_BLANKS = " \t"
_SPECIAL = "=!(),<>"
_SHOWN_MAX = 120
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


def _lex(text: str) -> list[tuple[_Tok, str]]:
    """Split ``text`` into tokens; the last one is always ``END``."""
    tokens: list[tuple[_Tok, str]] = []
    pos, end = 0, len(text)
    while True:
        while pos < end and text[pos] in _BLANKS:
            pos += 1
        if pos >= end:
            tokens.append((_Tok.END, ""))
            return tokens
        start = pos
        if text[pos] in _SPECIAL:
            # Longest run of symbols that is still a token ("!=" but "=" then "(" for "=(").
            while pos < end and text[pos] in _SPECIAL and text[start : pos + 1] in _SYMBOLS:
                pos += 1
            tokens.append((_SYMBOLS[text[start:pos]], text[start:pos]))
            continue
        while pos < end and text[pos] not in _BLANKS and text[pos] not in _SPECIAL:
            pos += 1
        word = text[start:pos]
        tokens.append((_KEYWORDS.get(word, _Tok.IDENTIFIER), word))


class _Parser:
    """apimachinery's recursive-descent selector parser over a token list."""

    def __init__(self, tokens: list[tuple[_Tok, str]]) -> None:
        self._tokens = tokens
        self._pos = 0

    def _peek(self, *, as_value: bool = True) -> tuple[_Tok, str]:
        token, literal = self._tokens[self._pos]
        if as_value and token in (_Tok.IN, _Tok.NOT_IN):
            token = _Tok.IDENTIFIER
        return token, literal

    def _take(self, *, as_value: bool = True) -> tuple[_Tok, str]:
        item = self._peek(as_value=as_value)
        self._pos += 1
        return item

    def parse(self) -> list[Requirement]:
        requirements: list[Requirement] = []
        while True:
            token, literal = self._peek()
            if token is _Tok.END:
                return requirements
            if token not in (_Tok.IDENTIFIER, _Tok.BANG):
                raise SelectorError(f"found '{literal}', expected: !, identifier, or 'end of string'")
            try:
                requirements.append(self._requirement())
            except SelectorError as exc:
                raise SelectorError(f"unable to parse requirement: {exc}") from None
            token, literal = self._take()
            if token is _Tok.END:
                return requirements
            if token is not _Tok.COMMA:
                raise SelectorError(f"found '{literal}', expected: ',' or 'end of string'")
            token, literal = self._peek()
            if token not in (_Tok.IDENTIFIER, _Tok.BANG):
                raise SelectorError(f"found '{literal}', expected: identifier after ','")

    def _requirement(self) -> Requirement:
        negated = False
        token, key = self._take()
        if token is _Tok.BANG:
            negated = True
            token, key = self._take()
        if token is not _Tok.IDENTIFIER:
            raise SelectorError(f"found '{key}', expected: identifier")
        if problems := label_key_errors(key):
            raise SelectorError(f"key {key!r}: " + "; ".join(problems))
        if negated:
            return Requirement(key, Operator.DOES_NOT_EXIST)
        if self._peek()[0] in (_Tok.END, _Tok.COMMA):
            return Requirement(key, Operator.EXISTS)
        token, literal = self._take(as_value=False)
        operator = _OPERATOR_FOR.get(token)
        if operator is None:
            raise SelectorError(f"found '{literal}', expected: '=', '!=', '==', 'in', 'notin', '>', '<'")
        values = self._value_set() if operator in SET_OPERATORS else self._exact_value()
        return Requirement(key, operator, values)

    def _value_set(self) -> tuple[str, ...]:
        token, literal = self._take()
        if token is not _Tok.OPEN:
            raise SelectorError(f"found '{literal}', expected: '('")
        token, literal = self._peek()
        if token is _Tok.CLOSE:
            self._take()
            return ("",)
        if token not in (_Tok.IDENTIFIER, _Tok.COMMA):
            raise SelectorError(f"found '{literal}', expected: ',', ')' or identifier")
        values = self._identifier_list()
        if self._take()[0] is not _Tok.CLOSE:
            raise SelectorError(f"found '{literal}', expected: ')'")
        return values

    def _identifier_list(self) -> tuple[str, ...]:
        values: set[str] = set()
        while True:
            token, literal = self._take()
            if token is _Tok.IDENTIFIER:
                values.add(literal)
                following, following_literal = self._peek()
                if following is _Tok.CLOSE:
                    return tuple(values)
                if following is not _Tok.COMMA:
                    raise SelectorError(f"found '{following_literal}', expected: ',' or ')'")
            elif token is _Tok.COMMA:
                # "(,a" ",)" and ",," each stand for the empty value.
                if not values:
                    values.add("")
                following = self._peek()[0]
                if following is _Tok.CLOSE:
                    values.add("")
                    return tuple(values)
                if following is _Tok.COMMA:
                    self._take()
                    values.add("")
            else:
                raise SelectorError(f"found '{literal}', expected: ',', or identifier")

    def _exact_value(self) -> tuple[str, ...]:
        if self._peek()[0] in (_Tok.END, _Tok.COMMA):
            return ("",)
        token, literal = self._take()
        if token is not _Tok.IDENTIFIER:
            raise SelectorError(f"found '{literal}', expected: identifier")
        return (literal,)


def parse_selector(text: str | None) -> LabelSelector:
    """Parse a label selector string; ``None``, ``""`` and blanks give the empty selector.

    Raises ``SelectorError`` with a message naming the offending token or label.
    """
    if text is None:
        return LabelSelector()
    if (control := _CONTROL.search(text)) is not None:
        raise SelectorError(f"invalid label selector: control character {control.group()!r} is not allowed")
    try:
        return LabelSelector(tuple(_Parser(_lex(text)).parse()))
    except SelectorError as exc:
        shown = text if len(text) <= _SHOWN_MAX else text[:_SHOWN_MAX] + "..."
        raise SelectorError(f"invalid label selector {shown!r}: {exc}") from None
