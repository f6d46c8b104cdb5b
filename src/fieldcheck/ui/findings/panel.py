"""The 问题 tab: the visit's findings, what each still lacks, and the editor."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QSplitter,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from fieldcheck.domain.evidence import ImportReport
from fieldcheck.i18n import tr
from fieldcheck.ui.common import dialogs
from fieldcheck.ui.common.context import AppContext
from fieldcheck.ui.common.errors import show_exception
from fieldcheck.ui.common.guard import KEEP_DRAFT
from fieldcheck.ui.common.style import SEVERITY_COLOURS
from fieldcheck.ui.common.widgets import button, label
from fieldcheck.ui.findings import data
from fieldcheck.ui.findings.data import FindingRow
from fieldcheck.ui.findings.editor import FindingEditor
from fieldcheck.ui.photos.importer import IMAGE_FILTER, PhotoImporter
from fieldcheck.ui.photos.model import PhotoListModel

ROW_ROLE = Qt.ItemDataRole.UserRole


class FindingsPanel(QWidget):
    changed = Signal(list)  # list[FindingRow]

    def __init__(self, ctx: AppContext, visit_id: str, importer: PhotoImporter,
                 photos: PhotoListModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.visit_id, self.importer, self.photo_model = ctx, visit_id, importer, photos
        self.read_only = True  # until the visit is read (set_read_only)
        self.visit_known = False  # a draft read before the visit is reopened once it is
        self.rows: list[FindingRow] = []
        self.items: list[tuple[str, str]] = []
        self.editor: FindingEditor | None = None
        self.draft: dict[str, Any] | None = None  # the unsaved finding kept on the laptop
        self._awaiting_import = False
        self._new_photo_ids: set[str] = set()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(10)
        layout.addLayout(self._toolbar())
        split = QSplitter(Qt.Orientation.Vertical)
        self.table = QTreeWidget()
        self.table.setHeaderLabels([tr("序号"), tr("类别"), tr("严重程度"), tr("问题描述"),
                                    tr("整改期限"), tr("证据"), tr("待补全")])
        self.table.setRootIsDecorated(False)
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        for column, width in enumerate((50, 170, 80, 380, 100, 60)):
            self.table.setColumnWidth(column, width)
        self.table.itemDoubleClicked.connect(lambda item, _c: self.edit(item.data(0, ROW_ROLE)))
        self.table.currentItemChanged.connect(lambda item, _p: self._preview(item))
        self.detail = QTextBrowser()
        self.detail.setOpenLinks(False)
        split.addWidget(self.table)
        split.addWidget(self.detail)
        split.setSizes([380, 220])
        layout.addWidget(split, 1)
        importer.finished.connect(self._photos_imported)
        photos.modelReset.connect(self._refresh_editor_photos)
        photos.dataChanged.connect(self._refresh_editor_photos)

    def _toolbar(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addWidget(label(tr("发现的问题"), "pageTitle"))
        self.count = label("", "muted")
        row.addWidget(self.count)
        row.addStretch(1)
        self.add_button = button(tr("新增问题…"), "primary")
        self.add_button.clicked.connect(lambda: self.new_finding(None))
        self.edit_button = button(tr("编辑…"))
        self.edit_button.clicked.connect(lambda: self.edit(self._selected()))
        self.delete_button = button(tr("删除"), "danger")
        self.delete_button.clicked.connect(self.delete_selected)
        for widget in (self.add_button, self.edit_button, self.delete_button):
            row.addWidget(widget)
        return row

    def load(self) -> None:
        self.ctx.tasks.run(data.load, self.ctx.store, self.visit_id, owner=self, on_done=self._show)
        self.ctx.tasks.run(data.load_draft, self.ctx.store, self.visit_id, owner=self,
                           on_done=self._restore_draft)

    def _restore_draft(self, draft: dict[str, Any] | None) -> None:
        """A finding was being typed when the app last stopped: reopen it as it was."""
        self.draft = draft
        # Read-only until the visit is read too (side by side): set_read_only reopens it then.
        if draft is None or self.read_only or self.editor is not None and self.editor.isVisible():
            return
        self._open_draft(draft, tr("恢复未保存的问题（上次未保存即退出）"))

    def _open_draft(self, draft: dict[str, Any], title: str) -> FindingEditor:
        row = next((r for r in self.rows if r.id == draft.get("finding_id")), None)
        editor = self._open_editor(row)
        editor.fill(draft["fields"])
        editor.check_photos(draft.get("photo_ids") or [])
        editor.setWindowTitle(title)
        return editor

    def set_read_only(self, read_only: bool) -> None:
        first, self.visit_known = not self.visit_known, True
        self.read_only = read_only
        for widget in (self.add_button, self.delete_button):
            widget.setEnabled(not read_only)
        self.edit_button.setText(tr("查看…") if read_only else tr("编辑…"))
        if first and self.draft is not None:  # the draft came first (see _restore_draft)
            self._restore_draft(self.draft)

    def set_items(self, items: list[tuple[str, str]]) -> None:
        self.items = items

    def _show(self, rows: list[FindingRow]) -> None:
        self.rows = rows
        self.table.clear()
        for n, row in enumerate(rows, start=1):
            deadline = row.deadline.isoformat() if row.deadline else "—"
            first_line = row.description.splitlines()[0] if row.description else tr("（未填写描述）")
            item = QTreeWidgetItem([str(n), row.category_name, row.severity_name, first_line,
                                    deadline, str(len(row.photo_ids)), "；".join(row.gaps)])
            item.setData(0, ROW_ROLE, row)
            item.setForeground(2, QBrush(QColor(SEVERITY_COLOURS.get(row.severity, "#444"))))
            item.setForeground(6, QBrush(QColor("#9b1c1c")))
            item.setToolTip(3, row.description)
            self.table.addTopLevelItem(item)
        self.count.setText(tr("共 {n} 条", n=len(rows)))
        last = self.table.topLevelItem(len(rows) - 1) if rows else None
        if last is not None:
            self.table.setCurrentItem(last)
        else:
            self.detail.setHtml(f"<p style='color:#8a8f98'>{tr('还没有记录问题。检查表中不合格的条目可以一键“记为问题”。')}</p>")
        self.changed.emit(rows)

    def _preview(self, item: QTreeWidgetItem | None) -> None:
        row: FindingRow | None = item.data(0, ROW_ROLE) if item else None
        if row is None:
            return
        parts = [(tr("类别"), row.category_name), (tr("严重程度"), row.severity_name),
                 (tr("问题描述"), row.description), (tr("依据"), row.legal_basis),
                 (tr("责任岗位/人员"), row.responsible), (tr("整改要求"), row.requirement),
                 (tr("整改期限"), row.deadline.isoformat() if row.deadline else ""),
                 (tr("证据照片"), tr("{n} 张", n=len(row.photo_ids)))]
        body = "".join(
            f"<tr><td style='color:#646a73;padding:3px 12px 3px 0;white-space:nowrap'>{html.escape(k)}</td>"
            f"<td style='padding:3px 0'>{html.escape(v or '—').replace(chr(10), '<br>')}</td></tr>"
            for k, v in parts)
        if row.gaps:
            body += (f"<tr><td style='color:#9b1c1c'>{tr('待补全')}</td>"
                     f"<td style='color:#9b1c1c'>{html.escape('；'.join(row.gaps))}</td></tr>")
        self.detail.setHtml(f"<table>{body}</table>")

    def _selected(self) -> FindingRow | None:
        item = self.table.currentItem()
        return item.data(0, ROW_ROLE) if item else None

    def new_finding(self, prefill: dict[str, Any] | None) -> FindingEditor | None:
        """Open the editor for a new finding, prefilled from a failed item's suggestion."""
        if self.read_only:
            return None
        if self.draft is not None:  # one unsaved finding at a time: finish or discard it first
            return self._open_draft(self.draft, tr("继续未保存的问题（草稿）"))
        editor = self._open_editor(None)
        if prefill:
            editor.fill(prefill)
            editor.mark_clean()
        return editor

    def edit(self, row: FindingRow | None) -> FindingEditor | None:
        if row is None:
            return None
        if self.draft is not None and not self.read_only and self.draft.get("finding_id") == row.id:
            return self._open_draft(self.draft, tr("继续未保存的修改（草稿）"))
        return self._open_editor(row)

    def _open_editor(self, row: FindingRow | None) -> FindingEditor:
        self.editor = FindingEditor(row, self.items, self.photo_model.rows, self.photo_model.icons, self)
        editor = self.editor
        editor.save_requested.connect(self._save)
        editor.draft_changed.connect(self._keep_draft)
        editor.rejected.connect(lambda: self._closed(editor))
        editor.add_photos_requested.connect(self._add_photos)
        if self.read_only:
            editor.set_read_only()
        editor.open()
        return editor

    def _closed(self, editor: FindingEditor) -> None:
        """Closed without saving: a draft the person chose to keep stays, anything else goes."""
        if editor.outcome != KEEP_DRAFT and not editor.read_only:
            self._drop_draft()

    def _keep_draft(self, finding_id: str | None, fields: dict[str, Any], photo_ids: list[str]) -> None:
        self.draft = {"finding_id": finding_id, "fields": fields, "photo_ids": photo_ids}
        self.ctx.tasks.write(data.keep_draft, self.ctx.store, self.visit_id, finding_id, fields,
                             photo_ids, owner=self)

    def _drop_draft(self) -> None:
        self.draft = None
        self.ctx.tasks.write(data.drop_draft, self.ctx.store, self.visit_id, owner=self)

    def _save(self, finding_id: str | None, fields: dict[str, Any], photo_ids: list[str]) -> None:
        editor = self.editor
        self.ctx.tasks.write(data.save, self.ctx.store, self.visit_id, finding_id, fields, photo_ids,
                             owner=self, on_done=lambda rows: self._saved(editor, rows),
                             on_error=lambda exc: self._save_failed(editor, exc))

    def _saved(self, editor: FindingEditor | None, rows: list[FindingRow]) -> None:
        self.draft = None  # dropped in the same transaction as the save
        if editor is not None:
            editor.saved()
        self._show(rows)

    def _save_failed(self, editor: FindingEditor | None, exc: BaseException) -> None:
        if editor is not None:
            editor.save_failed()
        show_exception(editor or self.window(), exc)

    def _add_photos(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(self.editor, tr("选择照片"), "",
                                                tr("图片") + f" ({IMAGE_FILTER})")
        if names:
            self._awaiting_import = True
            self.importer.start([Path(n) for n in names])

    def _photos_imported(self, report: ImportReport) -> None:
        if self._awaiting_import and self.editor is not None and self.editor.isVisible():
            self._new_photo_ids = set(report.added)
        self._awaiting_import = False

    def _refresh_editor_photos(self, *_changed: object) -> None:
        if self.editor is not None and self.editor.isVisible():
            self.editor.set_photos(self.photo_model.rows, self.photo_model.icons, self._new_photo_ids)

    def delete_selected(self) -> None:
        row = self._selected()
        if row is None or self.read_only:
            return
        if dialogs.confirm(self, tr("删除问题"), tr("确定删除这条问题记录吗？删除将被记录在审计日志中。")):
            self.ctx.tasks.write(data.delete, self.ctx.store, self.visit_id, row.id, owner=self,
                                 on_done=self._show)
