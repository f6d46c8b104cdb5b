"""benchmarks/workload.py writes the data every sync benchmark and the load test start from; it
must keep working through the same domain rules as the screens (it broke once when issuing
began to refuse the shipped example issuer)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from sqlalchemy import func, select

from fieldcheck.domain.integrity import verify_store
from fieldcheck.models import AuditEvent, Notice, OutboxOp
from fieldcheck.store.database import open_store

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import workload  # noqa: E402


def test_workload_writes_synced_records_with_issued_notices(tmp_path: Path, capsys) -> None:
    data = tmp_path / "laptop"
    assert workload.main(["--data-dir", str(data), "--visits", "12", "--seed", "3",
                          "--photos-per-visit", "1", "--photo-bytes", "30000"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["visits"] == 12 and report["photos"] == 12
    assert report["notices"] >= 1, "no 整改通知书 was issued"
    store = open_store(data)
    try:
        with store.read() as s:
            issued = s.scalars(select(Notice).where(Notice.status == "issued")).all()
            assert len(issued) == report["notices"]
            assert all(n.number and "临监整改" in n.number for n in issued)
            pending = s.scalar(select(func.count()).select_from(OutboxOp)
                               .where(OutboxOp.status == "pending"))
            assert pending == report["outbox_ops"]
            assert s.scalar(select(func.count()).select_from(AuditEvent)) == report["audit_events"]
        assert verify_store(store, full=True) == []
    finally:
        store.close()


def test_workload_answers_never_contradict_each_other(tmp_path: Path, capsys) -> None:
    # 抽查案卷数量 above 案件总数, or leaving before arriving, would leave a visit that no
    # inspector could finish: the workload draws answers as the demo does.
    from fieldcheck import templates as tpl
    from fieldcheck.domain.checklist import answers_of, template_of
    from fieldcheck.models import Visit

    data = tmp_path / "laptop"
    assert workload.main(["--data-dir", str(data), "--visits", "40", "--seed", "5",
                          "--no-notices"]) == 0
    capsys.readouterr()
    store = open_store(data)
    try:
        with store.read() as s:
            checked = set()
            for visit in s.scalars(select(Visit)).all():
                template = template_of(s, visit)
                answers = answers_of(s, visit.id)
                assert tpl.constraint_violations(template, answers) == [], (template.key, answers)
                if any(item.constraint is not None for item in template.items):
                    checked.add(template.key)
            assert {"penalty_cases", "approval_items", "window_unannounced"} <= checked
    finally:
        store.close()
