"""Container image references as ``--image`` takes them, split the way kustomize's ``images`` wants."""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["ImageRef", "parse_image_ref"]

_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_LABEL = r"[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?"
_HOST = rf"(?:{_LABEL}(?:\.{_LABEL})*(?::[0-9]+)?/)"
_NAME = re.compile(rf"{_HOST}?{_COMPONENT}(?:/{_COMPONENT})*")
_TAG = re.compile(r"[\w][\w.-]{0,127}")
_DIGEST = re.compile(r"sha256:[0-9a-f]{64}")


@dataclass(frozen=True)
class ImageRef:
    """``name`` with a ``tag`` or a ``digest`` (never neither)."""

    name: str
    tag: str | None = None
    digest: str | None = None

    def kustomize_entry(self, original: str) -> dict[str, str]:
        """The ``images:`` entry replacing the image named ``original``."""
        entry = {"name": original, "newName": self.name}
        if self.digest is not None:
            entry["digest"] = self.digest
        elif self.tag is not None:
            entry["newTag"] = self.tag
        return entry


def parse_image_ref(text: str) -> ImageRef:
    """Raises ``ValueError`` saying what is wrong: a bad name, tag or digest, or neither tag nor digest."""
    rest, _, digest = text.partition("@")
    slash, colon = rest.rfind("/"), rest.rfind(":")
    name, tag = (rest[:colon], rest[colon + 1 :]) if colon > slash else (rest, "")
    if not _NAME.fullmatch(name):
        raise ValueError(f"{text!r}: {name!r} is not an image name (lower case, [registry[:port]/]path)")
    if digest and not _DIGEST.fullmatch(digest):
        raise ValueError(f"{text!r}: the digest must be sha256:<64 hex digits>")
    if tag and not _TAG.fullmatch(tag):
        raise ValueError(f"{text!r}: {tag!r} is not a tag")
    if not tag and not digest:
        raise ValueError(f"{text!r}: give a tag or a digest (name:tag or name@sha256:...)")
    if digest:
        return ImageRef(name, digest=digest)
    return ImageRef(name, tag=tag)
