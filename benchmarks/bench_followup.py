"""followup_stats: what the 跟踪问效 screen reads on a refresh (every statistic, the board's
first page, the flags, the filters' choices) at 100 000 findings, as a ratio to one SQL GROUP
BY over the same table (the least any statistic could cost); then the same for a year's
period, one flag's evidence, and what `fieldcheck report` does for a year."""

from __future__ import annotations

import random
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import json
from datetime import date

from common import median_ms, result  # noqa: E402
from sqlalchemy import func, insert, select  # noqa: E402

from fieldcheck.domain.changes import untracked  # noqa: E402
from fieldcheck.domain.followup_board import BoardFilter, local_zone  # noqa: E402
from fieldcheck.domain.reports import build_report, report_json  # noqa: E402
from fieldcheck.models import Finding, FollowupEvent, Notice, Unit, Visit  # noqa: E402
from fieldcheck.store import open_store  # noqa: E402
from fieldcheck.ui.followup import data  # noqa: E402  (Qt-free: the screen's worker side)

CATEGORIES = ("inaction", "slow", "overtime", "extra_steps", "discipline", "service_rules", "other")
KINDS = ("open", "unannounced", "project", "reinspection")
TEAMS = ("效能监察一组", "效能监察二组", "明查暗访组", "重点项目督查组")


def _id(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _fill(store, findings: int) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(7)
    base = datetime(2024, 1, 1, 1, tzinfo=UTC)
    units = [_id(rng) for _ in range(300)]
    visits_n = findings // 5
    stamp = base
    rows: dict[str, list[dict]] = {"unit": [], "visit": [], "finding": [], "event": [], "notice": []}
    for n, uid in enumerate(units):
        rows["unit"].append({"id": uid, "created_at": stamp, "updated_at": stamp, "deleted": False,
                             "name": f"清河市第{n}办事单位", "kind": "department", "code": "", "address": "",
                             "contact": "", "phone": "", "predecessor_ids": []})
    visit_rows = []
    for _ in range(visits_n):
        start = base + timedelta(days=rng.randint(0, 1000), hours=rng.randint(0, 8))
        visit_rows.append((_id(rng), rng.choice(units), start, rng.choice(KINDS), rng.choice(TEAMS)))
    for vid, uid, start, kind, team in visit_rows:
        rows["visit"].append({"id": vid, "created_at": start, "updated_at": start, "deleted": False,
                              "kind": kind, "unit_id": uid, "template_version_id": None, "team": team,
                              "member_ids": [], "planned_for": start.date(), "started_at": start,
                              "ended_at": start, "place": "", "status": "completed", "confidential": False,
                              "title": "", "search_text": "", "cancel_reason": "", "reopen_reason": ""})
    notice_ids: list[str] = []
    for k in range(findings):
        vid, uid, start, _kind, _team = visit_rows[k % visits_n]
        fid = _id(rng)
        status = rng.choices(["open", "notified", "rectifying", "rectified", "verified", "escalated"],
                             weights=[20, 25, 10, 10, 30, 5])[0]
        notified = start + timedelta(days=1) if status != "open" else None
        rectified = notified + timedelta(days=rng.randint(3, 30)) if status in ("rectified", "verified") and notified else None
        rows["finding"].append({
            "id": fid, "created_at": start, "updated_at": start, "deleted": False, "visit_id": vid,
            "unit_id": uid, "category": rng.choice(CATEGORIES), "description": "窗口无人值守", "legal_basis": "",
            "severity": "minor", "responsible": "", "item_key": "", "requirement": "立即整改",
            "deadline": start.date() + timedelta(days=15), "status": status, "revision": 1,
            "notified_at": notified, "rectified_at": rectified,
            "verified_at": rectified + timedelta(days=2) if rectified and status == "verified" else None})
        if notified is not None:
            if k % 3 == 0 or not notice_ids:
                nid = _id(rng)
                notice_ids.append(nid)
                rows["notice"].append({"id": nid, "created_at": notified, "updated_at": notified, "deleted": False,
                                       "type": "rectification", "visit_id": vid, "unit_id": uid, "status": "issued",
                                       "number": f"清监整改〔{notified.year}〕{len(notice_ids)}号",
                                       "number_year": notified.year, "number_seq": len(notice_ids),
                                       "content": {}, "pdf_sha256": "", "issued_at": notified, "issued_by": "",
                                       "supersedes_id": None, "void_reason": "", "correction_reason": "",
                                       "voided_at": None})
            rows["event"].append({"id": _id(rng), "created_at": notified, "updated_at": notified, "deleted": False,
                                  "finding_id": fid, "visit_id": vid, "kind": "notified", "at": notified,
                                  "status_from": "open", "status_to": "notified", "notice_id": notice_ids[-1],
                                  "deadline": start.date() + timedelta(days=15), "previous_deadline": None,
                                  "outcome": "", "reason": "", "files": [], "photo_ids": [],
                                  "reinspection_visit_id": None, "recorded_by": ""})
    # A circular a month, each naming the findings of its month.
    by_month: dict[tuple[int, int], list[tuple[str, str, datetime]]] = {}
    for f in rows["finding"]:
        by_month.setdefault((f["created_at"].year, f["created_at"].month), []).append(
            (f["id"], f["visit_id"], f["created_at"]))
    for n, (month, items) in enumerate(sorted(by_month.items()), start=1):
        cid, issued = _id(rng), datetime(month[0], month[1], 28, 2, tzinfo=UTC)
        rows["notice"].append({"id": cid, "created_at": issued, "updated_at": issued, "deleted": False,
                               "type": "circular", "visit_id": None, "unit_id": None, "status": "issued",
                               "number": f"清监通〔{month[0]}〕{n}号", "number_year": month[0], "number_seq": n,
                               "content": {}, "pdf_sha256": "", "issued_at": issued, "issued_by": "",
                               "supersedes_id": None, "void_reason": "", "correction_reason": "", "voided_at": None})
        for fid, vid, _at in items[:: 10]:  # a tenth of them make the circular
            rows["event"].append({"id": _id(rng), "created_at": issued, "updated_at": issued, "deleted": False,
                                  "finding_id": fid, "visit_id": vid, "kind": "circulated", "at": issued,
                                  "status_from": "", "status_to": "", "notice_id": cid, "deadline": None,
                                  "previous_deadline": None, "outcome": "", "reason": "", "files": [],
                                  "photo_ids": [], "reinspection_visit_id": None, "recorded_by": ""})
    with store.write() as s, untracked(s):
        for cls, key in ((Unit, "unit"), (Visit, "visit"), (Finding, "finding"), (Notice, "notice"),
                         (FollowupEvent, "event")):
            for i in range(0, len(rows[key]), 5000):
                s.execute(insert(cls), rows[key][i : i + 5000])


def run(quick: bool) -> list[dict]:
    findings = 10_000 if quick else 100_000
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(Path(tmp))
        began = time.perf_counter()
        _fill(store, findings)
        print(f"filled {findings} findings in {time.perf_counter() - began:.1f} s", file=sys.stderr)
        tz, now = local_zone(), datetime.now(UTC)
        year = BoardFilter(date_from=date(2025, 1, 1), date_to=date(2025, 12, 31))

        def refresh() -> None:
            """What 跟踪问效 does on a refresh (ui/followup/data.load_board, run by its worker)."""
            data.load_board(store, BoardFilter())

        def refresh_year() -> None:
            data.load_board(store, year)

        def one_group_by() -> None:
            with store.read() as s:
                s.execute(select(Finding.category, func.count()).where(Finding.deleted.is_(False))
                          .group_by(Finding.category)).all()

        board = data.load_board(store, BoardFilter())
        worst = max((f for f in board.flags if f.reason == "overdue"), key=lambda f: f.summary)

        def evidence() -> None:
            """Choosing a flag: its whole evidence chain."""
            data.flag_evidence(store, worst.unit_id, worst.reason, worst.category)

        def report() -> None:
            """`fieldcheck report --from 2025-01-01 --to 2025-12-31 --format json`."""
            with store.read() as s:
                rep = build_report(s, year.date_from, year.date_to, now, tz)  # type: ignore[arg-type]
            json.dumps(report_json(rep), ensure_ascii=False)

        one_group_by()
        refresh()  # warm the page cache, as a running app has
        base = median_ms(one_group_by, 7)
        out = [result(f"followup_stats_{findings}", median_ms(refresh, 7), "ms", base),
               result(f"followup_stats_year_{findings}", median_ms(refresh_year, 5), "ms", base),
               result(f"followup_flag_evidence_{findings}", median_ms(evidence, 3), "ms", base),
               result(f"followup_report_year_{findings}", median_ms(report, 3), "ms", base)]
        store.close()
    return out


if __name__ == "__main__":
    for r in run("--quick" in sys.argv):
        print(json.dumps(r, ensure_ascii=False))
