"""文书设置: a seal must be a PNG; what is saved is what load_settings reads back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from ui_notices_helpers import wait_idle

from fieldcheck.domain.notice_settings import load_settings
from fieldcheck.notices import NoticeType
from fieldcheck.store import Store
from fieldcheck.ui.settings import SettingsDialog, open_settings_dialog
from fieldcheck.ui.settings import dialog as settings_dialog


def _image(path: Path, kind: str, mode: str = "RGBA") -> Path:
    Image.new(mode, (120, 120), (200, 20, 20, 180) if mode == "RGBA" else (200, 20, 20)).save(
        path, kind)
    return path


@pytest.fixture
def settings_ui(qtbot: Any, store: Store, own_issuer: None) -> SettingsDialog:
    dialog = SettingsDialog(None, store.data_dir)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_a_seal_that_is_not_a_png_is_rejected(settings_ui: SettingsDialog, tmp_path: Path) -> None:
    jpeg = _image(tmp_path / "seal.jpg", "JPEG", "RGB")
    assert not settings_ui.set_seal_file(jpeg)
    assert "不是 PNG" in settings_ui.seal_message.text() and settings_ui.seal_message.isVisible()
    assert settings_ui.form.seal_png == ""

    disguised = tmp_path / "seal.png"  # a JPEG with a .png name is still no PNG
    disguised.write_bytes(jpeg.read_bytes())
    assert not settings_ui.set_seal_file(disguised)
    assert "PNG" in settings_ui.seal_message.text()

    broken = tmp_path / "broken.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)
    assert not settings_ui.set_seal_file(broken)
    assert "PNG" in settings_ui.seal_message.text()

    opaque = _image(tmp_path / "opaque.png", "PNG", "RGB")
    assert settings_ui.set_seal_file(opaque)  # usable, with a warning about transparency
    assert "透明" in settings_ui.seal_message.text()


def test_valid_settings_are_saved_and_read_back(
        settings_ui: SettingsDialog, store: Store, tmp_path: Path) -> None:
    seal = _image(tmp_path / "seal.png", "PNG")
    assert settings_ui.set_seal_file(seal)
    assert not settings_ui.seal_message.isVisible()
    assert not settings_ui.seal_preview.pixmap().isNull()
    settings_ui.issuer_name.setText("衡水市监察局")
    settings_ui.issuer_mark.setText("衡水市监察局文件")
    assert settings_ui.mark_preview.text() == "衡水市监察局文件"
    settings_ui.prefix_edits["rectification"].setText("衡监整改")
    assert "衡监整改〔" in settings_ui.prefix_examples["rectification"].text()
    settings_ui.contact_line.setText("联系人：李明，电话：0318-2123456")
    font = Path("/usr/share/fonts/truetype/arphic/uming.ttc")
    settings_ui.font_edits["仿宋"].setText(str(font) if font.exists() else "")
    settings_ui.reply_days.setValue(10)
    settings_ui.copies.setValue(3)
    settings_ui.accept()
    assert settings_ui.result() == SettingsDialog.DialogCode.Accepted

    saved = load_settings(store.data_dir)
    assert saved.notice.issuer_name == "衡水市监察局"
    assert saved.notice.issuer_mark == "衡水市监察局文件"
    assert saved.notice.prefixes[NoticeType.RECTIFICATION] == "衡监整改"
    assert saved.notice.prefixes[NoticeType.CIRCULAR] == "衡监通"  # as it was, not retyped
    assert saved.notice.seal_png == seal
    assert saved.notice.contact_line == "联系人：李明，电话：0318-2123456"
    assert saved.reply_days == 10 and saved.copies == 3
    if font.exists():
        assert saved.notice.font_paths == {"仿宋": font}


def test_a_bureau_that_fills_in_its_settings_can_issue_every_numbered_type(
        qtbot: Any, store: Store) -> None:
    dialog = open_settings_dialog(None, store.data_dir)  # a real store: nothing filled in yet
    assert set(dialog.prefix_edits) == {str(t) for t in NoticeType}
    dialog.issuer_name.setText("衡水市监察局")
    for n, edit in enumerate(dialog.prefix_edits.values()):
        edit.setText(f"衡监{'记整建送通责'[n]}")
    dialog.accept()
    assert dialog.result() == SettingsDialog.DialogCode.Accepted
    saved = load_settings(store.data_dir)
    assert {t: saved.unconfigured(t) for t in NoticeType} == {t: [] for t in NoticeType}
    assert saved.notice.prefixes[NoticeType.CIRCULAR] == "衡监通"
    assert saved.notice.prefixes[NoticeType.ACCOUNTABILITY] == "衡监责"


def test_missing_fields_are_listed_and_nothing_is_saved(
        settings_ui: SettingsDialog, store: Store) -> None:
    settings_ui.issuer_name.setText("  ")
    settings_ui.prefix_edits["service"].setText("")
    settings_ui.font_edits["黑体"].setText("/nowhere/simhei.ttf")
    settings_ui.accept()
    assert settings_ui.result() != SettingsDialog.DialogCode.Accepted
    text = settings_ui.error.text()
    assert "发文机关名称" in text and "送达回证" in text and "simhei.ttf" in text
    assert load_settings(store.data_dir).notice.issuer_name == "衡水市监察局"  # nothing saved


def test_a_font_file_is_checked_when_chosen(
        qtbot: Any, settings_ui: SettingsDialog, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    not_a_font = tmp_path / "fake.ttf"
    not_a_font.write_bytes(b"not a font")
    monkeypatch.setattr(settings_dialog, "ask_open_path", lambda *_a: not_a_font)
    settings_ui.choose_font("楷体")
    message = settings_ui.font_messages["楷体"]
    qtbot.waitUntil(lambda: settings_ui.tasks.pending == 0)
    assert message.isVisible() and "无法使用" in message.text()


def test_a_fresh_store_shows_empty_issuer_fields_not_the_demo_bureau(qtbot: Any,
                                                                     store: Store) -> None:
    dialog = open_settings_dialog(None, store.data_dir)
    assert dialog.isVisible() and dialog.issuer_name.text() == ""
    assert "清河市监察局" in dialog.issuer_name.placeholderText()  # shown only as an example
    assert all(edit.text() == "" for edit in dialog.prefix_edits.values())
    dialog.reject()


def test_settings_opened_from_the_notices_dialog_apply_to_new_notices(
        qtbot: Any, store: Store, own_issuer: None, finding_visit: str, open_dialog: Any) -> None:
    notices_dialog = open_dialog(finding_visit)
    notices_dialog.open_settings()
    (settings,) = notices_dialog.findChildren(SettingsDialog)
    settings.issuer_name.setText("衡水市监察局")
    settings.accept()
    wait_idle(qtbot, notices_dialog)
    assert "文书设置已保存" in notices_dialog.message.text()
    assert notices_dialog.settings.notice.issuer_name == "衡水市监察局"


def test_the_dialog_names_the_font_filling_each_role_and_warns_of_stand_ins(
        settings_ui: SettingsDialog, qtbot: Any) -> None:
    # This machine has no 仿宋 or 小标宋: AR PL UMing (a 宋体) and WenQuanYi Zen Hei (a 黑体)
    # stand in, and the dialog says so in words.
    qtbot.waitUntil(lambda: "当前使用：" in settings_ui.font_in_use["仿宋"].text(), timeout=20000)
    assert ".ttc" in settings_ui.font_in_use["仿宋"].text()
    assert settings_ui.font_warnings["仿宋"].isVisible()
    assert "不是仿宋" in settings_ui.font_warnings["仿宋"].text()
    assert "不是小标宋" in settings_ui.font_warnings["小标宋"].text()
    assert not settings_ui.font_warnings["楷体"].isVisible()

    noto = Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc")
    if noto.exists():  # an OpenType-CFF face is accepted for a role
        settings_ui.set_font_file("小标宋", noto)
        qtbot.waitUntil(lambda: "Noto Serif CJK" in settings_ui.font_in_use["小标宋"].text(),
                        timeout=30000)
        assert not settings_ui.font_messages["小标宋"].isVisible()
