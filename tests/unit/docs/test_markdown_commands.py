"""Reading command lines out of Markdown, and expanding a synopsis into argument lists."""

from __future__ import annotations

import pytest

from tests.integration.documented_commands import commands_in_markdown, expand

DOCUMENT = """\
# Title

Run `servescale demo` for a tour; `servescale_adapter_requests_total` is a metric, `servescale/` a
directory, and `servescale sandbox --listen 127.0.0.1:9400
[--scenario FILE]` wraps a line.

```sh
make demo   # with a comment
servescale serve --prometheus-url URL \\
    [--insecure-port 8443]
```

```yaml
servescale: not a command
```

```
$ servescale hpa step --input x.json
```

| command | does |
|---|---|
| `servescale hpa step\\|explain --input FILE\\|-` / `hpa explain` | one `hpa.yaml` |
| `servescale alerts render --out DIR` / `alerts test DIR` / `slo status` | rules |
"""


def test_commands_in_document_order_with_lines() -> None:
    found = [(c.line, c.text) for c in commands_in_markdown(DOCUMENT, path="README.md")]
    assert found == [
        (3, "servescale demo"),
        (4, "servescale sandbox --listen 127.0.0.1:9400 [--scenario FILE]"),
        (8, "make demo   # with a comment"),
        (9, "servescale serve --prometheus-url URL [--insecure-port 8443]"),
        (18, "servescale hpa step --input x.json"),
        (23, "servescale hpa step|explain --input FILE|-"),
        (23, "servescale hpa explain"),
        (24, "servescale alerts render --out DIR"),
        (24, "servescale alerts test DIR"),
    ]


def test_key_drops_comments_and_quotes() -> None:
    commands = commands_in_markdown("```sh\nmake demo  # why\nservescale x --s 'a=b'\n```\n", path="R.md")
    assert [c.key for c in commands] == ["make demo", "servescale x --s a=b"]
    assert [c.where for c in commands] == ["R.md:2", "R.md:3"]


@pytest.mark.parametrize(
    ("text", "excluded", "variants", "groups"),
    [
        pytest.param("servescale metrics list", (), [("servescale", "metrics", "list")], (), id="plain"),
        pytest.param(
            "servescale slo status|report --at T",
            (),
            [("servescale", "slo", "status", "--at", "T"), ("servescale", "slo", "report", "--at", "T")],
            (),
            id="word-alternatives",
        ),
        pytest.param(
            "s [--a 1 | --b 2] [--c]",
            (),
            [("s", "--a", "1", "--c"), ("s", "--b", "2", "--c")],
            ("--a 1 | --b 2", "--c"),
            id="group-alternatives",
        ),
        pytest.param(
            "s [--a 1 | --b 2] [--c]",
            ("--a 1 | --b 2",),
            [("s", "--c")],
            ("--a 1 | --b 2", "--c"),
            id="excluded",
        ),
    ],
)
def test_expand(
    text: str, excluded: tuple[str, ...], variants: list[tuple[str, ...]], groups: tuple[str, ...]
) -> None:
    synopsis = expand(text, excluded=excluded)
    assert list(synopsis.variants) == variants
    assert synopsis.groups == groups


@pytest.mark.parametrize("text", ["servescale a | jq .", "servescale a [--b"])
def test_expand_refuses_what_cannot_run(text: str) -> None:
    with pytest.raises(ValueError, match=r"pipeline|unclosed"):
        expand(text)
