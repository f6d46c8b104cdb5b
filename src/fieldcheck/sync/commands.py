"""`fieldcheck enroll`, `fieldcheck sync` and `fieldcheck conflicts`: the engine from a terminal."""

from __future__ import annotations

import getpass
import json
import os
import platform
import sys
from collections.abc import Callable
from typing import Any

import httpx
from sqlalchemy import select

from fieldcheck.domain.changes import Actor, audit
from fieldcheck.domain.people import adopt_account
from fieldcheck.i18n import tr
from fieldcheck.ids import uuid7
from fieldcheck.models import LocalIdentity, LocalSetting
from fieldcheck.store.database import Store
from fieldcheck.sync.apply import CURSOR_KEY
from fieldcheck.sync.credentials import load_token, save_token
from fieldcheck.sync.engine import AUDIT_KEY, RESTORED_KEY, SyncEngine, SyncReport
from fieldcheck.sync.protocol import EnrollRequest, EnrollResponse, UserInfo
from fieldcheck.sync.transport import ServerConnection, SyncError

APP_VERSION = "0.1.0"


def enroll(store: Store, server_url: str, username: str, password: str, *,
           client: httpx.Client | None = None, insecure: bool = False) -> UserInfo:
    """Give this laptop a device token of its own and make it the account's laptop.

    A laptop the last sync found restored from a backup (engine.RESTORED_KEY) enrols as a
    new device continuing its old one: the old device stops, this one pushes its whole audit
    chain again and pulls everything it may see from the start."""
    with store.read() as s:
        restored = s.get(LocalSetting, RESTORED_KEY)
    old_device = store.identity().device_id
    device_id = uuid7() if restored is not None else old_device
    conn = ServerConnection(server_url, client=client, insecure=insecure)
    try:
        request = EnrollRequest(username=username, password=password, device_id=device_id,
                                device_name=platform.node()[:200], app_version=APP_VERSION,
                                restored_from=old_device if restored is not None else None)
        reply = EnrollResponse(**conn.call("POST", "/api/v1/enroll", json=request.model_dump()))
    finally:
        conn.close()
    if restored is not None:
        continue_as(store, device_id, old_device, restored.value)
    save_token(store.data_dir, reply.token)
    user = reply.user
    with store.write() as s:
        adopt_account(s, server_url=conn.base_url, username=user.username, name=user.name,
                      role=user.role, team=user.team, inspector_id=user.inspector_id,
                      credential_no=user.credential_no)
    return user


def continue_as(store: Store, device_id: str, old_device: str, found: Any) -> None:
    """This laptop is now `device_id`, continuing `old_device`: its audit chain goes to the
    server again from the first event and its feed is read again from the start (the records
    its old self pushed after the backup come back). Recorded in its audit trail."""
    name = store.identity().user_name or "未登记用户"
    with store.write() as s:
        s.scalars(select(LocalIdentity)).one().device_id = device_id
        for key in (CURSOR_KEY, AUDIT_KEY, RESTORED_KEY):
            s.query(LocalSetting).filter(LocalSetting.key == key).delete()
        audit(s, Actor(name, device_id), "device.continue", "device", device_id,
              {"restored_from": old_device, "found": found})


def connection_for(store: Store, *, client: httpx.Client | None = None,
                   insecure: bool = False) -> ServerConnection:
    with store.read() as s:
        url = s.scalar(select(LocalIdentity.server_url))
    token = load_token(store.data_dir)
    if not url or not token:
        raise SyncError(tr("本机尚未登记到服务器：请先运行 fieldcheck enroll。"), "not_enrolled")
    return ServerConnection(url, token, client=client, insecure=insecure or _was_insecure(url))


def _was_insecure(url: str) -> bool:
    # Enrolment already accepted this address (with --insecure if it is plain http).
    return url.startswith("http://")


def sync_now(store: Store, *, client: httpx.Client | None = None, insecure: bool = False,
             progress: object = None, pause: Callable[[float], None] | None = None) -> SyncReport:
    """`pause(seconds)` waits while the server is busy; the app's raises to stop early."""
    conn = connection_for(store, client=client, insecure=insecure)
    if pause is not None:
        conn.pause = pause
    try:
        return SyncEngine(store, conn, progress).run()  # type: ignore[arg-type]
    finally:
        conn.close()


def cmd_enroll(args: object, store: Store) -> int:
    password = os.environ.get("FIELDCHECK_PASSWORD") or getpass.getpass(tr("密码："))
    before = store.identity().device_id
    user = enroll(store, args.server, args.user, password, insecure=args.insecure)  # type: ignore[attr-defined]
    if store.identity().device_id != before:
        print(tr("本机从备份恢复后已作为接续原设备的新设备登记；下次同步会重新上传审计记录，"
                 "并重新下载服务器上的内容。"))
    print(tr("本机已登记：{name}（{username}，{role}，{team}）", name=user.name, username=user.username,
             role=user.role, team=user.team or "—"))
    return 0


def cmd_sync(args: object, store: Store) -> int:
    def progress(stage: str, done: int, total: int) -> None:
        print(f"{stage} {done}/{total}", file=sys.stderr)

    report = sync_now(store, insecure=args.insecure, progress=progress)  # type: ignore[attr-defined]
    print(tr("同步完成：推送 {pushed} 项（冲突 {conflicts}，被拒 {rejected}，待补传 {deferred}），"
             "拉取 {pulled} 项，审计事件 {events} 条，照片上传 {up} 张、下载 {down} 张，"
             "上传 {bytes_up} 字节、下载 {bytes_down} 字节。",
             pushed=report.pushed, conflicts=report.conflicts, rejected=report.rejected,
             deferred=report.deferred, pulled=report.pulled, events=report.audit_events,
             up=report.photos_up, down=report.photos_down, bytes_up=report.bytes_up,
             bytes_down=report.bytes_down))
    if report.pdfs_up or report.pdfs_down:
        print(tr("文书 PDF 上传 {up} 份、下载 {down} 份。", up=report.pdfs_up, down=report.pdfs_down))
    if report.busy_waits:
        print(tr("服务器繁忙：本次同步排队等候 {times} 次，共 {seconds:.1f} 秒。",
                 times=report.busy_waits, seconds=report.busy_seconds))
    for line in report.leased:
        print(tr("已领取文号段：{block}", block=line))
    return 0


def cmd_conflicts(args: object, store: Store) -> int:
    from fieldcheck.domain.conflicts import conflict_rows

    with store.read() as s:
        rows = conflict_rows(s)
    if args.format == "json":  # type: ignore[attr-defined]
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=1, sort_keys=True)
        sys.stdout.write("\n")
        return 0
    if not rows:
        print(tr("没有待处理的冲突。"))
    for r in rows:
        print(tr("{entity} {id} 字段 {field}：保留值 {kept}（{kept_by}，{kept_at}）；另一值 {other}（{other_by}，{other_at}）",
                 entity=r["entity"], id=r["entity_id"], field=r["field"], kept=json.dumps(r["kept_value"], ensure_ascii=False),
                 kept_by=r["kept_by"], kept_at=r["kept_at"], other=json.dumps(r["other_value"], ensure_ascii=False),
                 other_by=r["other_by"], other_at=r["other_at"]))
    return 0

