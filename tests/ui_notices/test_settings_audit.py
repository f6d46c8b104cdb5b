"""Notice settings decide what every notice prints: a change is on the audit record."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from sqlalchemy import select

from fieldcheck.domain.changes import verify_chain
from fieldcheck.domain.notice_settings import load_settings
from fieldcheck.models import AuditEvent
from fieldcheck.store import open_store
from fieldcheck.ui.settings import data
from own_issuer import configure_bureau


def test_saving_notice_settings_audits_what_changed(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    store.set_identity("王建国", "清监字第2026001号")
    configure_bureau(tmp_path)
    form = data.form_of(load_settings(tmp_path))
    data.save_form(tmp_path, replace(form, issuer_name="清河市行政效能监察局"), store)
    with store.read() as s:
        [event] = s.scalars(select(AuditEvent).where(AuditEvent.action == "settings.notice")).all()
        assert event.actor == "王建国" and event.record_hash
        assert event.detail["issuer_name"]["to"] == "清河市行政效能监察局"
        assert set(event.detail) == {"issuer_name"}
        assert verify_chain(s) == []
    data.save_form(tmp_path, replace(form, issuer_name="清河市行政效能监察局"), store)
    with store.read() as s:  # saving again without a change adds nothing
        assert len(s.scalars(select(AuditEvent).where(AuditEvent.action == "settings.notice")).all()) == 1
    store.close()


def test_the_settings_dialog_from_the_notices_screen_audits_too(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from fieldcheck.ui.settings import SettingsDialog

    store = open_store(tmp_path)
    store.set_identity("王建国", "清监字第2026001号")
    configure_bureau(tmp_path)
    dialog = SettingsDialog(None, tmp_path, store=store)
    qtbot.addWidget(dialog)
    dialog.issuer_name.setText("清河市效能监察局")
    dialog.accept()
    with store.read() as s:
        [event] = s.scalars(select(AuditEvent).where(AuditEvent.action == "settings.notice")).all()
        assert event.detail["issuer_name"]["to"] == "清河市效能监察局"
    store.close()
