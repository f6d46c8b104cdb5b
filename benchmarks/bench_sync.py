"""Sync on loopback against a real `fieldcheck-server` process (DESIGN §10).

sync_records        a laptop with ~2 000 outbox records (benchmarks/workload.py: visits planned
                    and worked, answers, observations, findings, issued notices) syncs them:
                    records/s of the whole sync (push, audit chain, pull of the feed back,
                    leases). Baseline: the same `records` rows bulk-inserted (executemany, one
                    transaction) into a fresh server database of the same kind, in the same run.
                    Target ≥ 2 000 records/s, ratio ≥ 0.25.
sync_records_push,  the push and pull steps alone (records/s, no baseline).
sync_records_pull
sync_noop           a sync when nothing changed, in a new connection as `fieldcheck sync` makes
                    one: ms (median) and, as sync_noop_round_trips, HTTP requests per sync.
                    Target: one round trip, ≤ 50 ms.
sync_photos         200 photos of ~3 MB (--quick: 20) uploaded by the engine: seconds, against
                    copying the same originals to another folder with fsync (shutil.copyfile +
                    os.fsync) as baseline; ratio = seconds / baseline seconds (lower is better).
sync_photos_wire    HTTP bytes on the socket (both directions) per payload byte of those
                    uploads. Target ≤ 1.1.

The server runs on its embedded SQLite in a temporary directory; the laptop is a real store
enrolled with the real enrolment.

    python benchmarks/bench_sync.py [--quick] [--profile FILE]
"""

from __future__ import annotations

import argparse
import cProfile
import json
import math
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select

from fieldcheck.models import OutboxOp
from fieldcheck.server.database import Database
from fieldcheck.server.settings import Settings
from fieldcheck.server.tables import FeedCounter, Record
from fieldcheck.store.database import Store
from fieldcheck.sync.commands import connection_for, sync_now
from fieldcheck.sync.engine import SyncEngine, SyncReport

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import result  # noqa: E402
from sync_support import Server, Wire, create_user, enrolled_laptop, running_server  # noqa: E402
from workload import write_workload  # noqa: E402

OPS_PER_VISIT = 27  # about what one worked visit writes to the outbox (workload.py)
PHOTOS_PER_VISIT = 10
PHOTO_BYTES = 3_000_000


def run(quick: bool, profile: Path | None = None) -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory(prefix="fieldcheck-bench-sync-") as tmp:
        root = Path(tmp)
        for name in ("wang", "li"):
            create_user(root / "server", name)
        with running_server(root / "server") as server:
            laptop = enrolled_laptop(root / "laptop-a", server, "wang")
            try:
                out = sync_records(root, server, laptop, 500 if quick else 2000, profile)
                out += sync_noop(server, laptop, 3 if quick else 7)
            finally:
                laptop.close()
            photos = enrolled_laptop(root / "laptop-b", server, "li")
            try:
                out += sync_photos(root, server, photos, 20 if quick else 200)
            finally:
                photos.close()
    return out


def _pending(store: Store) -> int:
    with store.read() as s:
        return int(s.scalar(select(func.count()).select_from(OutboxOp)
                            .where(OutboxOp.status == "pending")) or 0)


def _timed(step: Callable[[], None]) -> float:
    start = time.perf_counter()
    step()
    return time.perf_counter() - start


def _full_sync(engine: SyncEngine) -> dict[str, float]:
    """SyncEngine.run(), step by step, with the time of each step."""
    return {
        "photos_up": _timed(engine.upload_photos), "push": _timed(engine.push),
        "audit": _timed(engine.push_audit), "pull": _timed(engine.pull),
        "photos_down": _timed(engine.download_photos), "lease": _timed(engine.lease_numbers),
    }


def sync_records(root: Path, server: Server, store: Store, target: int,
                 profile: Path | None) -> list[dict[str, Any]]:
    write_workload(store, math.ceil(target / OPS_PER_VISIT), seed=7)
    for extra in range(1, 100):  # top up with a few more visits until the target is reached
        missing = target - _pending(store)
        if missing <= 0:
            break
        write_workload(store, math.ceil(missing / OPS_PER_VISIT), seed=7 + extra)
    server_db = Database(Settings(server.data_dir.resolve()).url)
    try:
        with server_db.read() as s:
            head = int(s.scalar(select(FeedCounter.value)) or 0)
        wire = Wire()
        conn = connection_for(store, client=wire.client(server.url))
        engine = SyncEngine(store, conn)
        profiler = cProfile.Profile() if profile else None
        if profiler:
            profiler.enable()
        steps = _full_sync(engine)
        if profiler and profile:
            profiler.disable()
            profiler.dump_stats(str(profile))
        conn.close()
        report = engine.report
        if _pending(store) or report.rejected or report.deferred:
            raise RuntimeError(f"sync left work behind: {report}")
        with server_db.read() as s:
            rows = [_row_dict(r) for r in s.scalars(select(Record).where(Record.version > head))]
    finally:
        server_db.dispose()
    bulk = _bulk_insert_rate(root / "bulk", rows)
    total = sum(steps.values())
    records = report.pushed
    print(json.dumps({"sync_records_detail": {
        "records_pushed": records, "records_pulled": report.pulled, "audit_events": report.audit_events,
        "server_rows": len(rows), "requests": wire.requests, "bytes_up": wire.sent,
        "bytes_down": wire.received, "seconds": {k: round(v, 3) for k, v in steps.items()}}},
        ensure_ascii=False), file=sys.stderr)
    return [
        result("sync_records", records / total, "records/s", bulk),
        result("sync_records_push", records / steps["push"], "records/s"),
        result("sync_records_pull", report.pulled / steps["pull"], "records/s"),
    ]


def _row_dict(record: Record) -> dict[str, Any]:
    return {c.key: getattr(record, c.key) for c in Record.__table__.columns}  # type: ignore[attr-defined]


def _bulk_insert_rate(folder: Path, rows: list[dict[str, Any]]) -> float:
    """Rows/s of inserting `rows` at once into a fresh server database (same engine setup)."""
    folder.mkdir()
    database = Database(Settings(folder.resolve()).url)
    try:
        database.migrate()
        start = time.perf_counter()
        with database.write() as s:
            s.execute(insert(Record), rows)
        return len(rows) / (time.perf_counter() - start)
    finally:
        database.dispose()


def sync_noop(server: Server, store: Store, repeat: int) -> list[dict[str, Any]]:
    """Timed as `fieldcheck sync` runs it (its own new connection); the round trips are
    counted in separate syncs through a counting client made beforehand."""
    sync_now(store)  # the audit events of what the first sync's pull applied go up here
    times, warm_client, trips = [], [], []
    for _ in range(repeat):
        times.append(_timed(lambda: _check_noop(sync_now(store))) * 1000)
        wire = Wire()
        client = wire.client(server.url)
        try:
            warm_client.append(_timed(lambda c=client: _check_noop(sync_now(store, client=c))) * 1000)
        finally:
            client.close()
        trips.append(wire.requests)
    print(json.dumps({"sync_noop_detail": {
        "ms": [round(t, 1) for t in times], "ms_with_client_made_beforehand": [
            round(t, 1) for t in warm_client], "requests": trips}}), file=sys.stderr)
    return [result("sync_noop", statistics.median(times), "ms"),
            result("sync_noop_round_trips", max(trips), "requests")]


def _check_noop(report: SyncReport) -> None:
    if report.pushed or report.photos_up or report.pulled or report.audit_events:
        raise RuntimeError(f"a sync with nothing changed moved something: {report}")


def sync_photos(root: Path, server: Server, store: Store, count: int) -> list[dict[str, Any]]:
    visits = max(1, count // PHOTOS_PER_VISIT)
    written = write_workload(store, visits, seed=11, photos_per_visit=count // visits,
                             photo_bytes=PHOTO_BYTES, notices=False)
    with store.read() as s:
        shas = sorted({op.changed["sha256"] for op in s.scalars(select(OutboxOp).where(
            OutboxOp.entity == "photo", OutboxOp.kind == "create", OutboxOp.status == "pending"))})
    originals = [store.blobs.original_path(sha) for sha in shas]
    payload = sum(p.stat().st_size for p in originals)
    wire = Wire()
    conn = connection_for(store, client=wire.client(server.url))
    try:
        engine = SyncEngine(store, conn)
        seconds = _timed(engine.upload_photos)
        on_wire = wire.sent + wire.received
        _full_sync(engine)  # the photo records follow their bytes
    finally:
        conn.close()
    if engine.report.photos_up != len(shas) or engine.report.deferred or _pending(store):
        raise RuntimeError(f"photos not all synced: {engine.report}")
    copy_seconds = _copy_with_fsync(originals, root / "copied")
    print(json.dumps({"sync_photos_detail": {
        "photos": len(shas), "payload_bytes": payload, "wire_bytes": on_wire,
        "requests": wire.requests, "mb_per_s": round(payload / seconds / 1e6, 1),
        "copy_mb_per_s": round(payload / copy_seconds / 1e6, 1),
        "photos_imported": written.photos}}), file=sys.stderr)
    return [result("sync_photos", seconds, "s", copy_seconds),
            result("sync_photos_wire", on_wire / payload, "wire bytes/payload byte")]


def _copy_with_fsync(paths: list[Path], folder: Path) -> float:
    folder.mkdir()
    start = time.perf_counter()
    for path in paths:
        target = folder / path.name
        shutil.copyfile(path, target)
        fd = os.open(target, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="500 records, 20 photos")
    parser.add_argument("--profile", type=Path, help="write a cProfile of the records sync here")
    args = parser.parse_args()
    for record in run(args.quick, args.profile):
        print(json.dumps(record, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
