"""Errors raised while reading or writing Kubernetes wire formats.

Every error here means "the input does not follow the Kubernetes format" and becomes HTTP 400
(a ``BadRequest`` Status) at the HTTP edge. They subclass ``ValueError`` so plain callers can
catch them without importing this module. This module knows nothing about HTTP or Status objects.
"""

from __future__ import annotations


class KubeFormatError(ValueError):
    """Base class: a string or value does not follow a Kubernetes wire format."""


class QuantityError(KubeFormatError):
    """A ``resource.Quantity`` string is malformed, or a number has no Quantity form (NaN, Inf)."""


class SelectorError(KubeFormatError):
    """A label selector string does not parse, or a key or value is not a valid label."""


class GroupResourceError(KubeFormatError):
    """A group-resource string (``pods``, ``deployments.apps``) is malformed."""


class RequestPathError(KubeFormatError):
    """A metrics API request path matches none of the routes the API serves."""
