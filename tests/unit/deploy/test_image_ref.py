"""``--image`` references and the kustomize ``images`` entries they become."""

from __future__ import annotations

import pytest

from servescale.deploy.image_ref import ImageRef, parse_image_ref

DIGEST = "sha256:" + "ab" * 32


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("servescale:0.2.0", ImageRef("servescale", tag="0.2.0"), id="name-tag"),
        pytest.param(
            "localhost:5000/ml/servescale:v1",
            ImageRef("localhost:5000/ml/servescale", tag="v1"),
            id="registry-port",
        ),
        pytest.param(f"ghcr.io/a/b@{DIGEST}", ImageRef("ghcr.io/a/b", digest=DIGEST), id="digest"),
        pytest.param(f"ghcr.io/a/b:1@{DIGEST}", ImageRef("ghcr.io/a/b", digest=DIGEST), id="tag-and-digest"),
    ],
)
def test_parse(text: str, expected: ImageRef) -> None:
    assert parse_image_ref(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("servescale", "give a tag or a digest", id="bare-name"),
        pytest.param("localhost:5000/servescale", "give a tag or a digest", id="port-is-not-a-tag"),
        pytest.param("Servescale:1", "is not an image name", id="upper-case"),
        pytest.param("servescale:-bad", "is not a tag", id="bad-tag"),
        pytest.param("servescale@sha256:12", "the digest must be", id="short-digest"),
    ],
)
def test_bad_references(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_image_ref(text)


def test_kustomize_entries() -> None:
    assert ImageRef("r/s", tag="2").kustomize_entry("servescale") == {
        "name": "servescale",
        "newName": "r/s",
        "newTag": "2",
    }
    assert ImageRef("r/s", digest=DIGEST).kustomize_entry("servescale") == {
        "name": "servescale",
        "newName": "r/s",
        "digest": DIGEST,
    }
