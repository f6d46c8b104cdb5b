"""A laptop restored from its backup (the app's own advice for a damaged store): the next sync
says so instead of failing on the audit chain at every try; enrolling again continues the old
device as a new one, and then nothing is missing on either side: the work the old self had
pushed after the backup comes back, the work done since the restore goes up, numbers from
the blocks the old self leased are accepted, and the bureau keeps both chains."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select
from sync_helpers import PASSWORD, Laptop, start_visit

from fieldcheck.domain import findings, notices, observations
from fieldcheck.domain.integrity import verify_store
from fieldcheck.domain.notice_settings import load_settings
from fieldcheck.models import AuditEvent, Observation
from fieldcheck.server.tables import AuditHead, Device
from fieldcheck.store import open_store
from fieldcheck.store.copy import copy_database
from fieldcheck.store.database import DB_NAME
from fieldcheck.sync.commands import enroll
from fieldcheck.sync.transport import SyncError


def _put_back(laptop: Laptop, backup: Path) -> Laptop:
    """The laptop's store replaced by its backup file, as a person would, and opened again."""
    data_dir = laptop.store.data_dir
    laptop.store.close()
    for suffix in ("", "-wal", "-shm"):
        (data_dir / (DB_NAME + suffix)).unlink(missing_ok=True)
    shutil.copy(backup, data_dir / DB_NAME)
    return Laptop(open_store(data_dir), laptop.bureau)


def _texts(laptop: Laptop, visit_id: str) -> set[str]:
    with laptop.store.read() as s:
        return set(s.scalars(select(Observation.text).where(Observation.visit_id == visit_id)))


def test_a_laptop_restored_from_its_backup_rejoins_and_nothing_is_missing(
        make_laptop, tmp_path: Path) -> None:
    a: Laptop = make_laptop("wang", "王建国")
    b: Laptop = make_laptop("li", "李红")
    visit_id = start_visit(a)
    with a.store.write() as s:
        observations.add_observation(s, visit_id, "备份前的记录")
    a.sync()  # number blocks leased here, before the backup
    old_device = a.store.identity().device_id
    backup = tmp_path / "backup.db"
    copy_database(a.store.data_dir / DB_NAME, backup)
    with a.store.write() as s:
        observations.add_observation(s, visit_id, "备份后已同步的记录")
    a.sync()
    bureau = a.bureau.app.state.database
    with bureau.read() as s:
        old_head = s.get(AuditHead, old_device).seq

    restored = _put_back(a, backup)  # the disk fails; the backup is put back
    data_dir = restored.store.data_dir
    try:
        assert _texts(restored, visit_id) == {"备份前的记录"}
        year = date.today().year
        settings = load_settings(data_dir)
        with restored.store.write() as s:
            observations.add_observation(s, visit_id, "恢复后新做的记录")
            findings.record_finding(s, visit_id, category="overtime", description="超承诺时限办结",
                                    requirement="立即整改", deadline=date(year, 12, 31))
            draft = notices.create_draft(s, visit_id, "rectification", settings)
            strokes = [[(0.1, 0.2), (0.5, 0.6), (0.9, 0.3)]]  # as the signature pad gives them
            notices.sign(s, draft.id, "inspector", "检查员", strokes)
        issued = notices.issue_notice(restored.store, draft.id, settings, authority=None)

        with pytest.raises(SyncError) as info:
            restored.sync()
        assert info.value.code == "restored" and "从备份恢复" in str(info.value)
        with pytest.raises(SyncError):  # and says so again, nothing half-done in between
            restored.sync()

        enroll(restored.store, "http://127.0.0.1", "wang", PASSWORD, client=restored.bureau.client)
        new_device = restored.store.identity().device_id
        assert new_device != old_device
        report = restored.sync()
        assert report.rejected == 0 and report.conflicts == 0
        assert _texts(restored, visit_id) == {"备份前的记录", "备份后已同步的记录", "恢复后新做的记录"}
        answer = restored.bureau.client.get(f"/verify/{issued.id}", headers={"Accept": "application/json"})
        assert answer.status_code == 200 and answer.json()["genuine"]
        assert answer.json()["number"] == issued.number  # from the block the old self leased

        with bureau.read() as s:
            old, new = s.get(Device, old_device), s.get(Device, new_device)
            assert old.revoked_at is not None and new.restored_from == old_device
            assert s.get(AuditHead, old_device).seq == old_head  # the old chain as it was
        with bureau.read() as s:
            head = s.get(AuditHead, new_device)
            head_seq, head_hash = head.seq, head.hash
        with restored.store.read() as s:
            [moved] = s.scalars(select(AuditEvent).where(AuditEvent.action == "device.continue")).all()
            assert moved.detail["restored_from"] == old_device and moved.device_id == new_device
            # The bureau holds the whole chain again, from the first event, under the new device.
            assert head_seq >= moved.seq
            assert s.scalar(select(AuditEvent.hash).where(AuditEvent.seq == head_seq)) == head_hash
        assert verify_store(restored.store, full=True) == []

        b.sync()
        restored.sync()
        assert _texts(b, visit_id) == _texts(restored, visit_id)
        assert b.export() == restored.export()
    finally:
        restored.store.close()


def test_an_edited_event_after_earlier_syncs_is_still_a_broken_chain_not_a_restore(make_laptop) -> None:
    a: Laptop = make_laptop("wang", "王建国")
    visit_id = start_visit(a)
    a.sync()
    with a.store.write() as s:
        observations.add_observation(s, visit_id, "同步之后的记录")
    with a.store.write() as s:
        event = s.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
        assert event is not None
        event.actor = "别人"  # not yet pushed; edited behind the app's back
    with pytest.raises(SyncError) as raised:
        a.sync()
    assert raised.value.code == "audit_chain_broken"  # no way around it by enrolling again
    device = a.store.identity().device_id
    enroll(a.store, "http://127.0.0.1", "wang", PASSWORD, client=a.bureau.client)
    assert a.store.identity().device_id == device  # enrolling again keeps the same device
    with pytest.raises(SyncError) as again:
        a.sync()
    assert again.value.code == "audit_chain_broken"


def test_a_restored_laptop_with_nothing_new_is_told_too_and_gets_its_later_work_back(
        make_laptop, tmp_path: Path) -> None:
    """Restored and synced at once: every event it sends is one the bureau already holds, so
    nothing is refused; the bureau's record running past the laptop's is what gives it away
    (else the work pushed after the backup would never come back to it)."""
    a: Laptop = make_laptop("wang", "王建国")
    visit_id = start_visit(a)
    a.sync()
    with a.store.write() as s:
        observations.add_observation(s, visit_id, "备份前未同步的记录")
    backup = tmp_path / "backup.db"
    copy_database(a.store.data_dir / DB_NAME, backup)
    a.sync()
    with a.store.write() as s:
        observations.add_observation(s, visit_id, "备份后已同步的记录")
    a.sync()
    restored = _put_back(a, backup)
    try:
        with pytest.raises(SyncError) as info:
            restored.sync()
        assert info.value.code == "restored"
        enroll(restored.store, "http://127.0.0.1", "wang", PASSWORD, client=restored.bureau.client)
        restored.sync()
        assert _texts(restored, visit_id) == {"备份前未同步的记录", "备份后已同步的记录"}
        assert verify_store(restored.store, full=True) == []
    finally:
        restored.store.close()
