"""String literals for PromQL and literal patterns for its RE2 regular expressions.

PromQL string literals follow Go's escape syntax (Prometheus's lexer accepts the escapes of Go's
``strconv.Unquote``); its label matchers ``=~``/``!~`` compile the value as a Go RE2 regexp anchored
at both ends. This module knows those two grammars and nothing about expressions.

Two traps the encoder avoids:

* ``\\xNN`` in a Go string is a *byte*, so ``\\x80`` yields invalid UTF-8; only ASCII uses ``\\x``.
* Prometheus's lexer rejects a raw U+FFFD (it cannot tell it from a decoding error), so it is
  always written as ``\\uFFFD``.

Lone surrogates (possible in a Python ``str``) have no UTF-8 form; both functions raise
``ValueError`` for them.
"""

from __future__ import annotations

__all__ = ["escape_regex", "escape_replacement", "quote_string"]

# Escapes with a short form in Go string literals.
_SHORT_ESCAPES = {
    "\\": "\\\\",
    '"': '\\"',
    "\a": "\\a",
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\v": "\\v",
}

# Characters that Go's regexp.QuoteMeta escapes: every RE2 metacharacter.
_REGEX_META = frozenset("\\.+*?()|[]{}^$")

_REPLACEMENT_CHARACTER = "\ufffd"


def _check_encodable(value: str) -> None:
    for index, char in enumerate(value):
        if 0xD800 <= ord(char) <= 0xDFFF:
            raise ValueError(f"lone surrogate U+{ord(char):04X} at index {index} has no UTF-8 form")


def _escape_char(char: str) -> str:
    short = _SHORT_ESCAPES.get(char)
    if short is not None:
        return short
    code = ord(char)
    if char == _REPLACEMENT_CHARACTER:
        return "\\uFFFD"
    if char.isprintable():
        return char
    if code < 0x80:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def quote_string(value: str) -> str:
    """Return a double-quoted PromQL string literal that Prometheus reads back as exactly ``value``.

    Printable characters (including all printable Unicode) are kept as they are; backslash, the
    double quote and every non-printable character are escaped.
    """
    _check_encodable(value)
    return '"' + "".join(_escape_char(char) for char in value) + '"'


def escape_regex(value: str) -> str:
    """Return an RE2 pattern that matches exactly ``value`` and nothing else.

    Prometheus anchors matcher regexes at both ends, so the pattern needs no ``^``/``$``. Only the
    RE2 metacharacters are escaped (as Go's ``regexp.QuoteMeta`` does); unlike Python's
    ``re.escape``, whitespace and other characters stay literal. The result is a regex, not yet a
    PromQL literal: pass it through :func:`quote_string` (expression ``render()`` does that).
    """
    _check_encodable(value)
    return "".join("\\" + char if char in _REGEX_META else char for char in value)


def escape_replacement(value: str) -> str:
    """Return a ``label_replace`` replacement template that expands to exactly ``value``.

    The replacement is a Go regexp template where ``$1``/``${name}`` refer to capture groups, so
    every ``$`` is doubled. Like :func:`escape_regex` the result still needs :func:`quote_string`.
    """
    _check_encodable(value)
    return value.replace("$", "$$")
