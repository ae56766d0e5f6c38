"""Validation of Kubernetes label keys, label values and DNS names, as apimachinery validates them.

Rules (k8s.io/apimachinery/pkg/util/validation):

* label key = qualified name: an optional prefix that is a DNS-1123 subdomain (<= 253 chars,
  lowercase alphanumerics, ``-`` and ``.``) followed by ``/``, then a name of 1..63 characters
  matching ``([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]``;
* label value: empty, or 1..63 characters of the same name charset;
* DNS-1123 label (namespace names): 1..63 lowercase alphanumerics and ``-``, alphanumeric ends.

Functions return a list of human-readable problems (empty when valid). Patterns are matched
with ``fullmatch`` so a trailing newline never slips through. This module knows nothing else.
"""

from __future__ import annotations

import re

__all__ = [
    "dns1123_label_errors",
    "dns1123_subdomain_errors",
    "is_valid_label_key",
    "is_valid_label_value",
    "label_key_errors",
    "label_value_errors",
]

_NAME_MAX = 63
_SUBDOMAIN_MAX = 253
_QUALIFIED_NAME = re.compile(r"([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]")
_LABEL_VALUE = re.compile(r"(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?")
_DNS1123_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?")
_DNS1123_SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")

_NAME_CHARSET = (
    "must consist of alphanumeric characters, '-', '_' or '.', "
    "and must start and end with an alphanumeric character"
)


def dns1123_label_errors(value: str) -> list[str]:
    """Problems with ``value`` as a DNS-1123 label (e.g. a namespace name)."""
    errors: list[str] = []
    if len(value) > _NAME_MAX:
        errors.append(f"must be no more than {_NAME_MAX} characters")
    if not _DNS1123_LABEL.fullmatch(value):
        errors.append(
            "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', "
            "and must start and end with an alphanumeric character"
        )
    return errors


def dns1123_subdomain_errors(value: str) -> list[str]:
    """Problems with ``value`` as a DNS-1123 subdomain (e.g. an API group or a key prefix)."""
    errors: list[str] = []
    if len(value) > _SUBDOMAIN_MAX:
        errors.append(f"must be no more than {_SUBDOMAIN_MAX} characters")
    if not _DNS1123_SUBDOMAIN.fullmatch(value):
        errors.append(
            "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, "
            "'-' or '.', and must start and end with an alphanumeric character"
        )
    return errors


def label_key_errors(key: str) -> list[str]:
    """Problems with ``key`` as a label key (a qualified name with an optional DNS prefix)."""
    parts = key.split("/")
    if len(parts) > 2:
        return [f"a qualified name {_NAME_CHARSET}, with an optional DNS subdomain prefix and '/'"]
    errors: list[str] = []
    name = parts[-1]
    if len(parts) == 2:
        prefix = parts[0]
        if not prefix:
            errors.append("prefix part must be non-empty")
        else:
            errors.extend(f"prefix part {problem}" for problem in dns1123_subdomain_errors(prefix))
    if not name:
        errors.append("name part must be non-empty")
    elif len(name) > _NAME_MAX:
        errors.append(f"name part must be no more than {_NAME_MAX} characters")
    if not _QUALIFIED_NAME.fullmatch(name):
        errors.append(f"name part {_NAME_CHARSET}")
    return errors


def label_value_errors(value: str) -> list[str]:
    """Problems with ``value`` as a label value (may be empty)."""
    errors: list[str] = []
    if len(value) > _NAME_MAX:
        errors.append(f"must be no more than {_NAME_MAX} characters")
    if not _LABEL_VALUE.fullmatch(value):
        errors.append(f"a valid label must be an empty string or {_NAME_CHARSET.removeprefix('must ')}")
    return errors


def is_valid_label_key(key: str) -> bool:
    return not label_key_errors(key)


def is_valid_label_value(value: str) -> bool:
    return not label_value_errors(value)
