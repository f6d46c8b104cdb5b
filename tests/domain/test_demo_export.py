"""Demo data and the canonical export: same seed, same records; export is stable."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

from fieldcheck.domain.demo import seed_demo
from fieldcheck.domain.export import export_records, write_canonical_json
from fieldcheck.models import OutboxOp
from fieldcheck.store import open_store


def _export(data_dir: Path) -> str:
    store = open_store(data_dir)
    buf = io.StringIO()
    with store.read() as s:
        write_canonical_json(export_records(s), buf)
    store.close()
    return buf.getvalue()


def _fieldcheck(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "fieldcheck.cli", *args], capture_output=True, text=True, check=False)


def test_same_seed_gives_the_same_records_and_rerun_adds_nothing(tmp_path: Path) -> None:
    for name in ("a", "b"):
        result = _fieldcheck("demo", "--data-dir", str(tmp_path / name), "--visits", "80", "--seed", "7")
        assert result.returncode == 0, result.stderr
    first = _export(tmp_path / "a")
    assert first == _export(tmp_path / "b")
    data = json.loads(first)
    assert len(data["visit"]) == 80
    assert {v["status"] for v in data["visit"]} >= {"planned", "completed"}
    assert data["finding"] and data["answer"] and data["unit"] and data["inspector"]
    store = open_store(tmp_path / "a")
    with store.write() as s:
        assert seed_demo(s, visits=80, seed=7) == 0
    assert _export(tmp_path / "a") == first


def test_demo_records_never_enter_the_sync_outbox(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    with store.write() as s:
        seed_demo(s, visits=30, seed=3)
    with store.read() as s:
        entities = {op.entity for op in s.query(OutboxOp)}
    assert entities <= {"template_version"}


def test_export_cli_is_canonical_json(tmp_path: Path) -> None:
    _fieldcheck("demo", "--data-dir", str(tmp_path), "--visits", "10", "--seed", "1")
    out = _fieldcheck("export", "--data-dir", str(tmp_path), "--format", "json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert out.stdout == json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1) + "\n"
    ids = [v["id"] for v in data["visit"]]
    assert ids == sorted(ids)
    assert "outbox" not in data and "local_identity" not in data


def test_shipped_template_check_sees_what_is_published(tmp_path: Path) -> None:
    from fieldcheck.domain.checklist import publish_shipped_templates
    from fieldcheck.domain.shipped import shipped_templates_published

    store = open_store(tmp_path)
    with store.read() as s:
        assert not shipped_templates_published(s)
    with store.write() as s:
        publish_shipped_templates(s)
    with store.read() as s:
        assert shipped_templates_published(s)


def test_demo_records_never_queue_for_the_server_even_after_a_real_edit(tmp_path: Path) -> None:
    """A demo visit started, a finding recorded in it, its details edited: all audited, none
    queued (tests/domain/test_visit_workflow.py shows edits of a real visit queued)."""
    from datetime import date as day

    from sqlalchemy import func, select

    from fieldcheck.domain import findings, visits
    from fieldcheck.domain.demo import seed_demo
    from fieldcheck.ids import is_demo_id
    from fieldcheck.models import AuditEvent, OutboxOp, Visit
    from fieldcheck.store import open_store

    store = open_store(tmp_path / "d")
    store.set_identity("王建国", "清监字第2026001号")
    with store.write() as s:
        seed_demo(s, visits=30, seed=5)
    with store.read() as s:
        planned = s.scalars(select(Visit.id).where(Visit.status == "planned")).first()
        before = s.scalar(select(func.count()).select_from(OutboxOp))
    assert planned is not None and is_demo_id(planned)
    with store.write() as s:
        visits.start_visit(s, planned)
        findings.record_finding(s, planned, category="overtime", description="演示中的问题",
                                requirement="整改", deadline=day(2026, 12, 31))
        visits.update_visit_details(s, planned, place="演示大厅")
    with store.read() as s:
        assert s.scalar(select(func.count()).select_from(OutboxOp)) == before
        assert s.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.entity_id == planned)) >= 2
    store.close()
