"""A fake Grafana HTTP API: the legacy folder and dashboard endpoints, stateful, as a FastAPI app.

Request and response shapes, as Grafana 10 to 13 answer them (only the fields ``push`` reads or
Grafana always sends):

``GET /api/folders/{uid}``
    200 ``{"id", "uid", "title", "url", "version"}``; 404 ``{"message": "folder not found"}``.
``GET /api/folders``
    200 ``[{"id", "uid", "title"}]``.
``POST /api/folders`` ``{"uid"?, "title"}``
    200 the folder as above; 409 ``{"message": ...}`` when the uid or the title is taken; 400 without
    a title.
``GET /api/dashboards/uid/{uid}``
    200 ``{"dashboard": {..., "id", "uid", "version"}, "meta": {"folderUid", "folderTitle", "url",
    "slug", "version"}}``; 404 ``{"message": "Dashboard not found"}``.
``POST /api/dashboards/db`` ``{"dashboard": {..., "uid", "id": null}, "folderUid", "overwrite",
"message"}``
    200 ``{"id", "uid", "url", "status": "success", "version", "slug"}``: the dashboard is stored with
    its ``id`` and a version one higher than before (1 when new). 400 ``{"message": ...}`` without a
    title or uid, or for an unknown ``folderUid``; 412 ``{"status": "version-mismatch", "message":
    ...}`` when ``overwrite`` is false and the posted ``version`` is not the stored one.

Every request needs ``Authorization: Bearer <token>`` with a token of :attr:`FakeGrafana.tokens`
(token -> role): otherwise 401 ``{"message": "invalid API key"}``. A ``Viewer`` gets 403
``{"message": "Access denied"}`` on every POST. :attr:`FakeGrafana.refuse` makes ``POST
/api/dashboards/db`` for one uid answer a given status (401, 403 or 412, with Grafana's body for it),
e.g. a dashboard someone else changed. Every request is recorded in :attr:`FakeGrafana.requests`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

__all__ = ["ADMIN_TOKEN", "VIEWER_TOKEN", "FakeGrafana", "RecordedRequest"]

ADMIN_TOKEN = "glsa_admin"
VIEWER_TOKEN = "glsa_viewer"
REFUSALS: dict[int, dict[str, str]] = {
    401: {"message": "invalid API key"},
    403: {"message": "Access denied to this dashboard"},
    412: {"status": "version-mismatch", "message": "The dashboard has been changed by someone else"},
}


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    body: Any


@dataclass
class FakeGrafana:
    tokens: dict[str, str] = field(default_factory=lambda: {ADMIN_TOKEN: "Admin", VIEWER_TOKEN: "Viewer"})
    refuse: dict[str, int] = field(default_factory=dict)
    folders: dict[str, dict[str, Any]] = field(default_factory=dict)
    dashboards: dict[str, dict[str, Any]] = field(default_factory=dict)
    """uid -> {"dashboard": the stored model, "folderUid": ...}."""
    requests: list[RecordedRequest] = field(default_factory=list)
    _next_id: int = 1

    def posts(self, path: str) -> list[RecordedRequest]:
        return [r for r in self.requests if r.method == "POST" and r.path == path]

    def add_folder(self, uid: str, title: str) -> dict[str, Any]:
        folder = {
            "id": self._new_id(),
            "uid": uid,
            "title": title,
            "url": f"/dashboards/f/{uid}/",
            "version": 1,
        }
        self.folders[uid] = folder
        return folder

    def stored(self, uid: str) -> dict[str, Any]:
        """The dashboard model stored under ``uid``, as ``GET /api/dashboards/uid/{uid}`` returns it."""
        return dict(self.dashboards[uid]["dashboard"])

    def edit_in_ui(self, uid: str, **changes: Any) -> None:
        """Change a stored dashboard as a person saving it in Grafana would (version bumped)."""
        entry = self.dashboards[uid]
        entry["dashboard"] = {**entry["dashboard"], **changes, "version": entry["dashboard"]["version"] + 1}

    @property
    def app(self) -> FastAPI:
        app = FastAPI()

        @app.api_route("/{path:path}", methods=["GET", "POST"])
        async def handle(path: str, request: Request) -> JSONResponse:
            raw = await request.body()
            body = json.loads(raw) if raw else None
            self.requests.append(RecordedRequest(request.method, f"/{path}", body))
            status, content = self._answer(request.method, f"/{path}", request.headers, body)
            return JSONResponse(status_code=status, content=content)

        return app

    def _new_id(self) -> int:
        self._next_id += 1
        return self._next_id

    def _answer(self, method: str, path: str, headers: Any, body: Any) -> tuple[int, Any]:
        role = self.tokens.get(headers.get("authorization", "").removeprefix("Bearer "))
        if role is None:
            return 401, REFUSALS[401]
        if method == "POST" and role == "Viewer":
            return 403, {"message": "Access denied"}
        if method == "GET" and path == "/api/folders":
            return 200, [{key: f[key] for key in ("id", "uid", "title")} for f in self.folders.values()]
        if method == "GET" and (match := re.fullmatch(r"/api/folders/([^/]+)", path)):
            found = self.folders.get(match[1])
            return (200, found) if found else (404, {"message": "folder not found"})
        if method == "POST" and path == "/api/folders":
            return self._create_folder(body or {})
        if method == "GET" and (match := re.fullmatch(r"/api/dashboards/uid/([^/]+)", path)):
            return self._get_dashboard(match[1])
        if method == "POST" and path == "/api/dashboards/db":
            return self._save_dashboard(body or {})
        return 404, {"message": "Not found"}

    def _create_folder(self, body: dict[str, Any]) -> tuple[int, Any]:
        title = body.get("title")
        if not title:
            return 400, {"message": "folder title cannot be empty"}
        uid = body.get("uid") or f"f{self._next_id}"
        if uid in self.folders or any(f["title"] == title for f in self.folders.values()):
            return 409, {"message": "a folder with the same name or uid already exists"}
        return 200, self.add_folder(uid, title)

    def _get_dashboard(self, uid: str) -> tuple[int, Any]:
        entry = self.dashboards.get(uid)
        if entry is None:
            return 404, {"message": "Dashboard not found"}
        dashboard = entry["dashboard"]
        folder = self.folders.get(entry["folderUid"], {})
        meta = {
            "folderUid": entry["folderUid"],
            "folderTitle": folder.get("title", "General"),
            "url": f"/d/{uid}/{_slug(dashboard['title'])}",
            "slug": _slug(dashboard["title"]),
            "version": dashboard["version"],
        }
        return 200, {"dashboard": dashboard, "meta": meta}

    def _save_dashboard(self, body: dict[str, Any]) -> tuple[int, Any]:
        dashboard = dict(body.get("dashboard") or {})
        uid = dashboard.get("uid")
        if not uid or not dashboard.get("title"):
            return 400, {"message": "Dashboard title and uid are required"}
        if uid in self.refuse:
            return self.refuse[uid], REFUSALS[self.refuse[uid]]
        folder_uid = body.get("folderUid") or ""
        if folder_uid and folder_uid not in self.folders:
            return 400, {"message": "folder not found"}
        previous = self.dashboards.get(uid)
        stale = previous is not None and dashboard.get("version") != previous["dashboard"]["version"]
        if stale and not body.get("overwrite"):
            return 412, REFUSALS[412]
        dashboard["id"] = previous["dashboard"]["id"] if previous else self._new_id()
        dashboard["version"] = previous["dashboard"]["version"] + 1 if previous else 1
        self.dashboards[uid] = {"dashboard": dashboard, "folderUid": folder_uid}
        slug = _slug(dashboard["title"])
        return 200, {
            "id": dashboard["id"],
            "uid": uid,
            "url": f"/d/{uid}/{slug}",
            "status": "success",
            "version": dashboard["version"],
            "slug": slug,
        }


def _slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
