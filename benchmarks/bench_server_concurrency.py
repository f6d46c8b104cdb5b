"""The server under 100 devices syncing at once: `fieldcheck-server --workers 2` on PostgreSQL,
on loopback (DESIGN §10: zero errors, p99 ≤ 300 ms).

Each simulated device holds the outbox of two worked visits written by benchmarks/workload.py
(units, visits, answers, observations, findings: ~60 ops), with every record id mapped to ids
of its own, and syncs as the engine does: one push of its ops, then pulls of its team's feed
(500 per page) until the feed has no more, then one more pull that finds nothing new. The
100 devices belong to 10 teams of 10, start together (a barrier) and run on their own
threads, each with its own connection. Devices are registered straight in the server's
database (an enrolment's argon2id check per device would only measure argon2id).

server_concurrency_errors   failed requests (transport errors, HTTP ≥ 400 other than "busy"
                            answers that were waited out) and ops not applied
server_concurrency_p99      p99 latency of a request the server answered (not "busy") under
                            the load; baseline: the p99 of the same syncs made one device at a
                            time (10 devices) in the same run
server_concurrency_sync_p99 p99 of one device's whole sync (push + pulls, with any waits for a
                            busy server), no baseline
server_concurrency_busy_answers
                            503 "busy" answers (server/admission.py) the devices waited out and
                            sent again, as the engine's transport does
server_concurrency_steady_p99
                            the same 100 devices coming back through a working day: each
                            syncs again (two new observations up, its team's changes down) at
                            a moment of its own spread evenly over STEADY_WINDOW seconds,
                            instead of all in the same instant; p99 per request, baseline as
                            above. The burst above is the worst case; this is the ordinary one.

When no PostgreSQL is at hand the benchmark prints that it was skipped and why.

    python benchmarks/bench_server_concurrency.py [--quick]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import random
import re
import statistics
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select

from fieldcheck.models import OutboxOp
from fieldcheck.models.coltypes import UTCDateTime
from fieldcheck.server import admin
from fieldcheck.server.app import prepare
from fieldcheck.server.auth import new_token, token_hash
from fieldcheck.server.settings import Settings
from fieldcheck.server.tables import Device, User
from fieldcheck.store.database import open_store
from fieldcheck.sync.entities import SERVER_OWNED
from fieldcheck.sync.protocol import SCHEMA_HEADER, SCHEMA_VERSION
from fieldcheck.sync.transport import BUSY_PATIENCE_S, busy_delay

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import result  # noqa: E402
from sync_support import PASSWORD, postgres_admin_url, postgres_database, running_server  # noqa: E402
from workload import write_workload  # noqa: E402

TEAMS = ("一组", "二组", "三组", "四组", "五组", "六组", "七组", "八组", "九组", "十组")
PULL_LIMIT = 500
STEADY_WINDOW = 30.0  # seconds over which the devices' second syncs are spread (--quick: 10)
MAX_PAGES = 100  # a device's pull loop stops here whatever the server says
LOAD_PROCESSES = 4  # the simulated devices run in this many processes of threads
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@dataclass
class Sim:
    """One simulated device: its token, team and ops, and what happened to its requests."""

    device_id: str
    token: str
    team: str
    ops: list[dict[str, Any]]
    latencies: list[float] = field(default_factory=list)
    refused: list[float] = field(default_factory=list)  # "busy, come back": answered at once
    errors: list[str] = field(default_factory=list)
    sync_ms: float = 0.0
    pulled: int = 0
    cursor: int = 0
    steady: list[float] = field(default_factory=list)
    started_at: float = 0.0  # time.time() of the burst sync's first request and last answer
    ended_at: float = 0.0


def run(quick: bool) -> list[dict[str, Any]]:
    admin_url, why = postgres_admin_url()
    if not admin_url:
        print(json.dumps({"name": "server_concurrency", "skipped": why}, ensure_ascii=False),
              file=sys.stderr)
        return [{"name": "server_concurrency", "value": None, "unit": None, "baseline": None,
                 "ratio": None, "skipped": why}]
    devices = 25 if quick else 100
    with tempfile.TemporaryDirectory(prefix="fieldcheck-bench-load-") as tmp, \
            postgres_database(admin_url) as url:
        root = Path(tmp)
        source = _source_ops(root / "laptop")
        sims = _register(root / "server", url, source, 10 + devices)
        with running_server(root / "server", url, workers=2) as server:
            one_by_one = sims[:10]
            for sim in one_by_one:
                _sync(server.url, sim, None)
            loaded = _in_processes("burst", server.url, sims[10:], 0.0)
            wall = max(s.ended_at for s in loaded) - min(s.started_at for s in loaded)
            window = STEADY_WINDOW / 3 if quick else STEADY_WINDOW
            loaded = _in_processes("steady", server.url, loaded, window)
            logged = server.errors_logged()
    alone = _p99([ms for sim in one_by_one for ms in sim.latencies])
    under_load = [ms for sim in loaded for ms in sim.latencies]
    errors = [e for sim in sims for e in sim.errors]
    busy = [ms for sim in loaded for ms in sim.refused]
    print(json.dumps({"server_concurrency_detail": {
        "devices": len(loaded), "ops_per_device": len(source), "requests": len(under_load),
        "wall_s": round(wall, 2), "p50_ms": round(statistics.median(under_load), 1),
        "max_ms": round(max(under_load), 1), "alone_p50_ms": round(statistics.median(
            [ms for sim in one_by_one for ms in sim.latencies]), 1),
        "pulled_per_device": statistics.median(sim.pulled for sim in loaded),
        "busy_answers": len(busy), "busy_p99_ms": round(_p99(busy), 1) if busy else None,
        "devices_told_busy": sum(1 for sim in loaded if sim.refused),
        "first_errors": errors[:5], "server_log": logged}}, ensure_ascii=False), file=sys.stderr)
    steady = [ms for sim in loaded for ms in sim.steady]
    print(json.dumps({"server_concurrency_steady_detail": {
        "window_s": window, "requests": len(steady), "p50_ms": round(statistics.median(steady), 1),
        "max_ms": round(max(steady), 1)}}), file=sys.stderr)
    return [
        result("server_concurrency_errors", len(errors), "errors"),
        result("server_concurrency_p99", _p99(under_load), "ms", alone),
        result("server_concurrency_sync_p99", _p99([sim.sync_ms for sim in loaded]), "ms"),
        result("server_concurrency_busy_answers", len(busy), "answers"),
        result("server_concurrency_steady_p99", _p99(steady), "ms", alone),
    ]


def _in_processes(phase: str, url: str, sims: list[Sim], window: float) -> list[Sim]:
    """Run the devices' syncs in LOAD_PROCESSES processes of threads, as separate laptops
    would (one Python process's lock would otherwise queue 100 devices' responses behind each
    other and count that as the server's time). "burst": every device at the same instant (a
    barrier across the processes); "steady": each at its own moment in `window` seconds.
    Returns the devices with what happened to their requests."""
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(len(sims))
    results: Any = ctx.Queue()
    begin = time.time() + 5.0  # every process started and imported by then
    rng = random.Random(7)
    moments = [begin + rng.uniform(0, window) for _ in sims]
    groups = [list(range(n, len(sims), LOAD_PROCESSES)) for n in range(LOAD_PROCESSES)]
    processes = [ctx.Process(target=_device_group, args=(
        phase, url, [sims[i] for i in group], [moments[i] for i in group], barrier, results))
        for group in groups if group]
    for process in processes:
        process.start()
    done: dict[str, Sim] = {}
    for _ in processes:
        for sim in results.get(timeout=600):
            done[sim.device_id] = sim
    for process in processes:
        process.join(timeout=60)
    if len(done) != len(sims):
        raise RuntimeError("simulated devices did not all report back")
    return [done[sim.device_id] for sim in sims]


def _device_group(phase: str, url: str, sims: list[Sim], moments: list[float],
                  barrier: Any, results: Any) -> None:
    if phase == "burst":
        threads = [threading.Thread(target=_sync, args=(url, sim, barrier)) for sim in sims]
    else:
        threads = [threading.Thread(target=_return_sync, args=(url, sim, at))
                   for sim, at in zip(sims, moments, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    if any(t.is_alive() for t in threads):
        raise RuntimeError("simulated devices still running after 600 s")
    results.put(sims)


def _p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(0.99 * len(ordered)) - 1))]


def _source_ops(data_dir: Path) -> list[dict[str, Any]]:
    """The wire ops of two worked visits on a laptop (what the engine would push)."""
    store = open_store(data_dir)
    try:
        store.set_identity("王检查", "JC-0001")
        write_workload(store, 2, seed=5, notices=False)
        with store.read() as s:
            rows = s.scalars(select(OutboxOp).where(OutboxOp.status == "pending")
                             .order_by(OutboxOp.seq)).all()
            return [{
                "op_id": r.op_id, "entity": r.entity, "entity_id": r.entity_id, "kind": r.kind,
                "changed": r.changed, "base": r.base or {}, "made_by": r.made_by,
                "made_at": UTCDateTime().process_bind_param(r.created_at, None),  # type: ignore[arg-type]
                "seen": r.seen,
            } for r in rows if r.entity not in SERVER_OWNED]
    finally:
        store.close()


def _register(data_dir: Path, url: str, source: list[dict[str, Any]], count: int) -> list[Sim]:
    """One account per team and `count` devices with tokens, straight in the database."""
    keep = {str(op["changed"].get("template_version_id")) for op in source}
    template = json.dumps(source, ensure_ascii=False)
    database = prepare(Settings(data_dir.resolve(), url))
    sims = []
    try:
        with database.write() as s:
            users = {team: admin.create_user(s, "bench", username=f"bench{n}", password=PASSWORD,
                                             role="inspector", team=team).id
                     for n, team in enumerate(TEAMS)}
        with database.write() as s:
            for n in range(count):
                team = TEAMS[n % len(TEAMS)]
                device_id, token = str(uuid.uuid4()), new_token()
                s.add(Device(device_id=device_id, user_id=users[team], name=f"bench-{n}",
                             token_hash=token_hash(token)))
                namespace = uuid.UUID(device_id)
                text = _UUID.sub(lambda m, ns=namespace: m.group(0) if m.group(0) in keep
                                 else str(uuid.uuid5(ns, m.group(0))), template)
                ops = json.loads(text)
                for op in ops:
                    if op["entity"] == "visit" and "team" in op["changed"]:
                        op["changed"]["team"] = team
                sims.append(Sim(device_id, token, team, ops))
            if s.scalar(select(User.id).where(User.username == "bench0")) is None:
                raise RuntimeError("accounts were not created")
    finally:
        database.dispose()
    return sims


def _sync(base_url: str, sim: Sim, barrier: threading.Barrier | None) -> None:
    headers = {SCHEMA_HEADER: str(SCHEMA_VERSION), "Authorization": f"Bearer {sim.token}"}
    with httpx.Client(base_url=base_url, headers=headers, timeout=120) as client:
        if barrier is not None:
            barrier.wait(timeout=120)
        start = time.perf_counter()
        sim.started_at = time.time()
        body = _request(client, sim, "POST", "/api/v1/push",
                        json={"device_id": sim.device_id, "ops": sim.ops})
        if body is not None:
            bad = [r for r in body["results"] if r["status"] != "applied"]
            sim.errors += [f"op {r['op_id']}: {r['status']} {r.get('code')}" for r in bad]
        cursor = 0
        for _ in range(MAX_PAGES):
            page = _request(client, sim, "GET", "/api/v1/pull",
                            params={"cursor": cursor, "limit": PULL_LIMIT})
            if page is None:
                break
            sim.pulled += len(page["records"])
            cursor = page["cursor"]
            if not page["more"]:
                break
        _request(client, sim, "GET", "/api/v1/pull", params={"cursor": cursor, "limit": PULL_LIMIT})
        sim.sync_ms = (time.perf_counter() - start) * 1000
        sim.ended_at = time.time()
        sim.cursor = cursor


def _return_sync(base_url: str, sim: Sim, at: float) -> None:
    """The device's next sync at `at` (time.time()): two observations made since, pushed with
    its cursor, then its team's changes pulled. Its latencies go to `sim.steady`."""
    headers = {SCHEMA_HEADER: str(SCHEMA_VERSION), "Authorization": f"Bearer {sim.token}"}
    template = next(op for op in sim.ops if op["entity"] == "observation")
    ops = [{**template, "op_id": str(uuid.uuid4()), "entity_id": str(uuid.uuid4()),
            "changed": {**template["changed"], "text": f"复查记录 {n}"}} for n in range(2)]
    for op in ops:
        op["changed"]["id"] = op["entity_id"]
    with httpx.Client(base_url=base_url, headers=headers, timeout=120) as client:
        time.sleep(max(0.0, at - time.time()))
        before = len(sim.latencies)
        body = _request(client, sim, "POST", "/api/v1/push",
                        json={"device_id": sim.device_id, "cursor": sim.cursor, "ops": ops})
        if body is not None:
            bad = [r for r in body["results"] if r["status"] != "applied"]
            sim.errors += [f"op {r['op_id']}: {r['status']} {r.get('code')}" for r in bad]
        cursor = sim.cursor
        for _ in range(MAX_PAGES):
            page = _request(client, sim, "GET", "/api/v1/pull",
                            params={"cursor": cursor, "limit": PULL_LIMIT})
            if page is None or not page["more"]:
                break
            cursor = page["cursor"]
        sim.steady += sim.latencies[before:]
        del sim.latencies[before:]


def _request(client: httpx.Client, sim: Sim, method: str, path: str, **kw: Any) -> Any:
    """One request as the engine sends it: a "busy" answer is waited out as the engine's
    transport does (`busy_delay`) and the request sent again; the busy answers' times go to
    `sim.refused`, the answered request's time to `sim.latencies`."""
    waited = 0.0
    while True:
        start = time.perf_counter()
        try:
            response = client.request(method, path, **kw)  # the whole body read
            elapsed = (time.perf_counter() - start) * 1000  # parsing it is the device's work
            delay = busy_delay(response)
            body = response.json() if response.status_code < 400 else None
        except (httpx.HTTPError, ValueError) as exc:
            sim.latencies.append((time.perf_counter() - start) * 1000)
            sim.errors.append(f"{method} {path}: {type(exc).__name__}: {exc}")
            return None
        if delay is None or waited + delay > BUSY_PATIENCE_S:
            break
        sim.refused.append(elapsed)
        time.sleep(delay)
        waited += delay
    sim.latencies.append(elapsed)
    if body is None:
        sim.errors.append(f"{method} {path}: HTTP {response.status_code} {response.text[:200]}")
    return body


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="25 devices instead of 100")
    args = parser.parse_args()
    for record in run(args.quick):
        print(json.dumps(record, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
