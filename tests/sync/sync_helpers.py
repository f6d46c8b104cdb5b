"""Helpers of the sync tests: a bureau (the real server app) and laptops (real stores)."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from typing import Any

from fieldcheck.domain import checklist, visits
from fieldcheck.domain.export import export_records, write_canonical_json
from fieldcheck.domain.people import add_unit
from fieldcheck.server import admin
from fieldcheck.store import Store
from fieldcheck.sync.commands import sync_now
from fieldcheck.sync.engine import SyncReport

PASSWORD = "correct horse 42"


@dataclass
class Bureau:
    client: Any  # starlette's TestClient: an httpx.Client on the app in-process
    app: Any

    def add_user(self, username: str, role: str = "inspector", team: str = "一组", name: str = "") -> None:
        with self.app.state.database.write() as session:
            admin.create_user(session, "test", username=username, password=PASSWORD, role=role,
                              team=team, name=name or username)


@dataclass
class Laptop:
    store: Store
    bureau: Bureau

    def sync(self) -> SyncReport:
        return sync_now(self.store, client=self.bureau.client)

    def export(self) -> str:
        out = io.StringIO()
        with self.store.read() as s:
            write_canonical_json(export_records(s), out)
        return out.getvalue()

    def records(self) -> dict[str, list[dict[str, Any]]]:
        return json.loads(self.export())  # type: ignore[no-any-return]


def start_visit(laptop: Laptop, team: str = "一组", unit_name: str = "市政务服务中心") -> str:
    with laptop.store.write() as s:
        unit = add_unit(s, unit_name, "service_window")
        version = checklist.latest_template_versions(s)[0]
        visit = visits.start_new_visit(s, unit_id=unit.id, kind="open",
                                       template_version_id=version.id, team=team)
        return visit.id
