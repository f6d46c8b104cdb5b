"""What the person sees when the store failed its check at start, and 核验数据… on demand.

A damaged or tampered store was opened read-only (domain/startup_check.py). The dialog says
so plainly, lists what was found, and offers: export what can be read, restore the latest good
backup, look at the records read-only, or quit. Nothing writes to the store meanwhile.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from fieldcheck.i18n import tr

if TYPE_CHECKING:
    from fieldcheck.domain.startup_check import CheckedStore
    from fieldcheck.store import Store
    from fieldcheck.ui.common.context import AppContext
    from fieldcheck.ui.common.tasks import Tasks

log = logging.getLogger(__name__)


def stops_start(boot: Any, opened: Any) -> bool:
    """Boot's hook: True when the store failed its check; the gate then decides what happens
    (boot.ready with the read-only store, or boot._quit)."""
    checked: CheckedStore | None = getattr(opened, "checked", None)
    if checked is None or not checked.damaged:
        return False
    gate = DamagedStoreGate(boot.window, boot.tasks, checked,
                            on_view=lambda: boot.ready.emit(opened), on_quit=boot._quit)
    boot.integrity_gate = gate  # kept alive with the boot object
    gate.open()
    return True


class DamagedStoreGate:
    """The plain explanation and the four ways on."""

    def __init__(self, parent: QWidget, tasks: Tasks, checked: CheckedStore,
                 on_view: Any, on_quit: Any) -> None:
        from fieldcheck.domain.startup_check import latest_good_backup, problems_text

        self.parent, self.tasks, self.checked = parent, tasks, checked
        self.on_view, self.on_quit = on_view, on_quit
        self.backup = latest_good_backup(checked.store.data_dir)
        box = QMessageBox(QMessageBox.Icon.Warning, tr("数据检查未通过"), "", parent=parent)
        box.setObjectName("damagedStoreGate")
        box.setText(tr("数据目录 {path} 中的数据没有通过检查：它在 FieldCheck 之外被改动过，或者文件已损坏。"
                       "为免在坏数据上继续工作，本次以只读方式打开，不会写入任何内容。",
                       path=checked.store.data_dir))
        advice = [tr("可以先把仍可读取的记录导出保存；"),
                  tr("再恢复最近一份完好的备份（{name}），损坏的文件会另存在 backups 文件夹中。",
                     name=self.backup.name) if self.backup is not None
                  else tr("没有找到完好的备份，请联系技术支持，并保留整个数据目录。")]
        box.setInformativeText(problems_text(checked) + "\n\n" + "".join(advice))
        self.export_button = box.addButton(tr("导出可读取的记录…"), QMessageBox.ButtonRole.ActionRole)
        self.restore_button = (box.addButton(tr("恢复最近的完好备份…"), QMessageBox.ButtonRole.ActionRole)
                               if self.backup is not None else None)
        self.view_button = box.addButton(tr("只读查看"), QMessageBox.ButtonRole.AcceptRole)
        self.quit_button = box.addButton(tr("退出"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(self.export_button)
        box.buttonClicked.connect(self._clicked)
        self.box = box

    def open(self) -> None:
        self.box.open()

    def _clicked(self, button: Any) -> None:
        if button is self.export_button:
            self.ask_export()
        elif button is self.restore_button:
            self.ask_restore()
        elif button is self.view_button:
            self.on_view()
        else:
            self.on_quit(2)

    def ask_export(self, target: Path | None = None) -> None:
        if target is None:
            name, _filter = QFileDialog.getSaveFileName(
                self.parent, tr("导出可读取的记录"), str(Path.home() / "fieldcheck-导出.json"),
                tr("JSON 文件 (*.json)"))
            if not name:
                self.open()
                return
            target = Path(name)
        self.tasks.run(export_readable_to, self.checked.store, target, owner=self.box,
                       on_done=self._exported, on_error=self._failed)

    def _exported(self, result: tuple[Path, list[str]]) -> None:
        path, unreadable = result
        text = tr("已导出到 {path}。", path=path)
        if unreadable:
            text += tr("无法读取：{names}。", names="、".join(unreadable))
        self.notice = _tell(self.parent, tr("导出完成"), text)
        self.notice.finished.connect(lambda _r: self.open())

    def _failed(self, exc: BaseException) -> None:
        from fieldcheck.ui.common.errors import show_exception

        show_exception(self.parent, exc).finished.connect(lambda _r: self.open())

    def ask_restore(self, confirm: bool = True) -> None:
        assert self.backup is not None
        if confirm:
            question = QMessageBox(QMessageBox.Icon.Question, tr("恢复备份"), tr(
                "用备份 {name} 替换现在的数据库？备份之后的修改不在其中；现在的文件会另存在 backups 文件夹。",
                name=self.backup.name), QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                self.parent)
            question.finished.connect(lambda answer: self.ask_restore(confirm=False)
                                      if answer == QMessageBox.StandardButton.Yes else self.open())
            self.question = question
            question.open()
            return
        self.tasks.run(restore_from, self.checked.store, self.backup, owner=self.box,
                       on_done=self._restored, on_error=self._failed)

    def _restored(self, kept: Path) -> None:
        self.notice = _tell(self.parent, tr("已恢复备份"), tr(
            "已恢复备份 {name}；损坏的数据库另存为 {kept}。请重新启动 FieldCheck。",
            name=self.backup.name if self.backup else "", kept=kept))
        self.notice.finished.connect(lambda _r: self.on_quit(0))


def _tell(parent: QWidget, title: str, text: str,
          icon: QMessageBox.Icon = QMessageBox.Icon.Information) -> QMessageBox:
    """A window-modal message that does not block the event loop (open(), not exec())."""
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, parent)
    box.open()
    return box


def export_readable_to(store: Store, target: Path) -> tuple[Path, list[str]]:
    """Worker: what the damaged store still gives, as the canonical JSON of `export`."""
    from fieldcheck.domain.export import export_readable, to_canonical_json
    from fieldcheck.photos.durable import write_durably

    with store.read() as s:
        data, unreadable = export_readable(s)
    write_durably(target, to_canonical_json(data).encode("utf-8"))
    return target, unreadable


def restore_from(store: Store, backup: Path) -> Path:
    """Worker: close the read-only store and put the backup in its place."""
    from fieldcheck.domain.startup_check import restore_backup

    store.close()
    return restore_backup(store.data_dir, backup)


# --- 核验数据… on demand ------------------------------------------------------------------------

def verify_on_demand(parent: QWidget, ctx: AppContext) -> None:
    """The full check (every photo and PDF hashed) in the background, then its verdict."""
    from fieldcheck.domain.integrity import verify_store

    def done(problems: list[Any]) -> None:
        if not problems:
            _tell(parent, tr("核验数据"), tr(
                "检查通过：数据库、审计链、记录、照片原件和已签发文书均与记录相符。"))
            return
        lines = "\n".join(p.message for p in problems[:12])
        more = tr("\n……另有 {n} 个问题。", n=len(problems) - 12) if len(problems) > 12 else ""
        _tell(parent, tr("核验数据"), tr(
            "发现 {n} 个问题：\n{lines}{more}\n\n请先导出数据（fieldcheck export），再联系技术支持；"
            "下次启动时会以只读方式打开。", n=len(problems), lines=lines, more=more),
              QMessageBox.Icon.Warning)
        from fieldcheck.domain.startup_check import mark_running

        mark_running(ctx.store.data_dir)  # the next start runs the full check again

    ctx.tasks.run(lambda: verify_store(ctx.store, full=True), owner=parent, on_done=done)
