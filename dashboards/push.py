"""Push boards into a Grafana folder through its HTTP API, idempotently.

The legacy ``/api`` endpoints, which Grafana 10 to 13 all serve:

1. per folder: ``GET /api/folders/{uid}``; on 404 a folder of the same title from ``GET /api/folders``
   is used, else ``POST /api/folders`` ``{"uid", "title"}`` creates it. The uid is the title's slug.
2. per board: ``GET /api/dashboards/uid/{uid}``. When the stored dashboard equals ours (ignoring the
   ``id`` and ``version`` Grafana sets) and sits in the same folder, nothing is sent. Otherwise
   ``POST /api/dashboards/db`` ``{"dashboard": {..., "id": null}, "folderUid", "overwrite": true,
   "message"}`` creates or replaces it (Grafana bumps its version).

A refusal (401, 403, 412 and any other HTTP error) is reported for that board and the push goes on
with the next; a 412 (version or name conflict, or a dashboard a plugin owns) is never retried, since
only a person can say which side wins. A transport failure (Grafana unreachable, timeout) stops the
push with :class:`GrafanaUnreachableError`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import httpx

from .board import Board

__all__ = [
    "DEFAULT_MESSAGE",
    "GrafanaUnreachableError",
    "Outcome",
    "PushResult",
    "folder_uid",
    "grafana_client",
    "push_boards",
]

DEFAULT_MESSAGE = "servescale dashboards push"
_HINTS = {
    401: "Grafana refused the token (GRAFANA_TOKEN or --token-file)",
    403: "the token may not write here (a service account needs the Editor role on the folder)",
    412: "Grafana reports a conflict; not retried, resolve it in Grafana or delete the dashboard there",
}


class GrafanaUnreachableError(Exception):
    """No HTTP answer from Grafana (connection refused, DNS, TLS, timeout)."""


class Outcome(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    FAILED = "failed"


@dataclass(frozen=True)
class PushResult:
    """What happened to one board. ``detail`` is the dashboard's Grafana URL, or why it failed."""

    uid: str
    title: str
    folder: str
    outcome: Outcome
    detail: str = ""
    version: int | None = None

    @property
    def ok(self) -> bool:
        return self.outcome is not Outcome.FAILED


class _Refused(Exception):
    """Grafana answered a request with an HTTP error; ``str`` says which and why."""


def folder_uid(title: str) -> str:
    """The folder uid a title maps to: its lower-case slug, at most 40 characters (Grafana's limit)."""
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:40].strip("-")
    if not slug:
        raise ValueError(f"folder {title!r}: needs at least one letter or digit")
    return slug


def grafana_client(url: str, *, token: str | None, timeout_seconds: float = 10.0) -> httpx.AsyncClient:
    """An HTTP client for Grafana at ``url`` (a sub-path such as ``/grafana`` is kept), bearer ``token``."""
    headers = {"Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return httpx.AsyncClient(base_url=url, headers=headers, timeout=timeout_seconds)


async def push_boards(
    client: httpx.AsyncClient,
    boards: Sequence[Board],
    *,
    folder: str | None = None,
    message: str = DEFAULT_MESSAGE,
) -> list[PushResult]:
    """Push ``boards`` in order; ``folder`` overrides each board's own. One result per board."""
    results: list[PushResult] = []
    folder_uids: dict[str, str | _Refused] = {}
    for board in boards:
        title = board.folder if folder is None else folder
        if title not in folder_uids:
            try:
                folder_uids[title] = await _ensure_folder(client, title)
            except _Refused as exc:
                folder_uids[title] = exc
        target = folder_uids[title]
        if isinstance(target, _Refused):
            results.append(_failed(board, title, f"folder {title!r}: {target}"))
            continue
        try:
            results.append(
                await _push_board(client, board, folder_title=title, folder_uid=target, message=message)
            )
        except _Refused as exc:
            results.append(_failed(board, title, str(exc)))
    return results


def _failed(board: Board, folder: str, reason: str) -> PushResult:
    return PushResult(uid=board.uid, title=board.title, folder=folder, outcome=Outcome.FAILED, detail=reason)


async def _ensure_folder(client: httpx.AsyncClient, title: str) -> str:
    uid = folder_uid(title)
    response = await _send(client, "GET", f"/api/folders/{uid}")
    if response.status_code == 200:
        _json_object(response)
        return uid
    if response.status_code != 404:
        raise _Refused(_describe(response))
    listing = await _send(client, "GET", "/api/folders", params={"limit": 1000})
    if listing.status_code != 200:
        raise _Refused(_describe(listing))
    folders = _body(listing)
    if not isinstance(folders, list):
        raise _Refused(_not_grafana(listing))
    for existing in folders:
        if isinstance(existing, dict) and existing.get("title") == title and existing.get("uid"):
            return str(existing["uid"])
    created = await _send(client, "POST", "/api/folders", json={"uid": uid, "title": title})
    if created.status_code != 200:
        raise _Refused(_describe(created))
    _json_object(created)
    return uid


async def _push_board(
    client: httpx.AsyncClient, board: Board, *, folder_title: str, folder_uid: str, message: str
) -> PushResult:
    ours = json.loads(board.to_json())
    response = await _send(client, "GET", f"/api/dashboards/uid/{board.uid}")
    if response.status_code == 200:
        stored = _json_object(response)
        dashboard = stored.get("dashboard") or {}
        meta = stored.get("meta") or {}
        if _comparable(dashboard) == _comparable(ours) and meta.get("folderUid") == folder_uid:
            return PushResult(
                uid=board.uid,
                title=board.title,
                folder=folder_title,
                outcome=Outcome.UNCHANGED,
                detail=str(meta.get("url", "")),
                version=_version(dashboard.get("version")),
            )
        outcome = Outcome.UPDATED
    elif response.status_code == 404:
        outcome = Outcome.CREATED
    else:
        raise _Refused(_describe(response))
    envelope = {
        "dashboard": {**ours, "id": None, "uid": board.uid},
        "folderUid": folder_uid,
        "overwrite": True,
        "message": message,
    }
    saved = await _send(client, "POST", "/api/dashboards/db", json=envelope)
    if saved.status_code != 200:
        raise _Refused(_describe(saved))
    body = _json_object(saved)
    return PushResult(
        uid=board.uid,
        title=board.title,
        folder=folder_title,
        outcome=outcome,
        detail=str(body.get("url", "")),
        version=_version(body.get("version")),
    )


def _comparable(dashboard: dict[str, Any]) -> dict[str, Any]:
    """The dashboard without the fields Grafana assigns on save."""
    return {key: value for key, value in dashboard.items() if key not in ("id", "version")}


def _version(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


async def _send(client: httpx.AsyncClient, method: str, path: str, **kwargs: Any) -> httpx.Response:
    try:
        return await client.request(method, path, **kwargs)
    except httpx.TransportError as exc:
        raise GrafanaUnreachableError(
            f"cannot reach Grafana at {client.base_url}: {exc.__class__.__name__}: {exc}"
        ) from exc


def _body(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _json_object(response: httpx.Response) -> dict[str, Any]:
    """The JSON object of a successful answer; anything else means the URL is not Grafana's API."""
    body = _body(response)
    if not isinstance(body, dict):
        raise _Refused(_not_grafana(response))
    return body


def _not_grafana(response: httpx.Response) -> str:
    return (
        f"{response.request.method} {response.request.url.path} answered {response.status_code} "
        f"without the JSON Grafana's API sends: is --grafana-url Grafana's base URL?"
    )


def _describe(response: httpx.Response) -> str:
    """``<code> <reason>[ (<status>)]: <Grafana's message>[; <hint>]`` for an HTTP error answer."""
    body = _body(response)
    grafana_message = ""
    status = ""
    if isinstance(body, dict):
        grafana_message = str(body.get("message") or "")
        status = str(body.get("status") or "")
    if not grafana_message:
        grafana_message = response.text.strip()[:200] or "(no message)"
    text = f"{response.status_code} {response.reason_phrase}"
    if status:
        text += f" ({status})"
    text += f": {grafana_message}"
    hint = _HINTS.get(response.status_code)
    return f"{text}; {hint}" if hint else text
