"""冲突与被拒: conflicts the server found, each with both values, who made each and when;
the person keeps one, the other, or writes a merged value (an ordinary edit that syncs).
Rejected changes are listed the same way, with the server's reason."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from fieldcheck.i18n import tr
from fieldcheck.ui.common.context import AppContext
from fieldcheck.ui.common.style import NAVY
from fieldcheck.ui.common.widgets import Badge, button, card, label
from fieldcheck.ui.sync import data

ROW_ROLE = Qt.ItemDataRole.UserRole


class ConflictsDialog(QDialog):
    resolved = Signal(str)  # conflict id: a choice was saved (sync it)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, visit_id: str | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.visit_id = ctx, visit_id
        self.rows: list[data.ConflictRow] = []
        self.setWindowTitle(tr("冲突与被拒的更改"))
        self.resize(980, 640)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 14)
        layout.setSpacing(10)
        title = tr("本次检查的冲突与被拒的更改") if visit_id else tr("冲突与被拒的更改")
        layout.addWidget(label(title, "pageTitle"))
        layout.addWidget(label(tr("两台电脑离线时改了同一处内容，服务器先收到的值暂时保留。请选择保留哪一个，"
                                  "或写一个合并后的值；选择会同步到检查组的每台电脑。"), "help", wrap=True))
        self.tabs = QTabWidget()
        self.tabs.addTab(self._conflict_page(), tr("冲突"))
        self.tabs.addTab(self._rejection_page(), tr("被拒的更改"))
        layout.addWidget(self.tabs, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        close = button(tr("关闭"))
        close.clicked.connect(self.accept)
        row.addWidget(close)
        layout.addLayout(row)
        self.reload()

    # --- conflicts -----------------------------------------------------------------------

    def _conflict_page(self) -> QWidget:
        page = QWidget()
        row = QHBoxLayout(page)
        row.setContentsMargins(0, 8, 0, 0)
        self.list = QListWidget()
        self.list.setFixedWidth(300)
        self.list.setWordWrap(True)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.currentRowChanged.connect(self._show)
        row.addWidget(self.list)
        self.detail = card("panel")
        column = QVBoxLayout(self.detail)
        column.setContentsMargins(16, 12, 16, 12)
        column.setSpacing(10)
        self.where = label("", "sectionTitle", wrap=True)
        self.what = label("", "muted", wrap=True)
        column.addWidget(self.where)
        column.addWidget(self.what)
        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        self.kept = _ValueCard(tr("服务器上现在的值"))
        self.other = _ValueCard(tr("另一台电脑的值"))
        grid.addWidget(self.kept, 0, 0)
        grid.addWidget(self.other, 0, 1)
        column.addLayout(grid)
        self.kept.choose.clicked.connect(lambda: self._resolve_with("kept"))
        self.other.choose.clicked.connect(lambda: self._resolve_with("other"))
        column.addWidget(label(tr("或写合并后的值："), "itemLabel"))
        self.merged = QPlainTextEdit()
        self.merged.setFixedHeight(90)
        column.addWidget(self.merged)
        merge_row = QHBoxLayout()
        merge_row.addStretch(1)
        self.use_merged = button(tr("保存合并后的值"), "primary")
        self.use_merged.clicked.connect(lambda: self._resolve_with("merged"))
        merge_row.addWidget(self.use_merged)
        column.addLayout(merge_row)
        column.addStretch(1)
        self.empty = label(tr("没有待处理的冲突。"), "emptyHint")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        row.addWidget(self.detail, 1)
        row.addWidget(self.empty, 1)
        return page

    def reload(self) -> None:
        self.ctx.tasks.run(data.conflicts, self.ctx.store, self.visit_id, owner=self,
                           on_done=self._show_conflicts)
        self.ctx.tasks.run(data.rejections, self.ctx.store, self.visit_id, owner=self,
                           on_done=self._show_rejections)

    def _show_conflicts(self, rows: list[data.ConflictRow]) -> None:
        self.rows = rows
        self.list.clear()
        for row in rows:
            item = QListWidgetItem(f"{row.where}\n{row.what}")
            item.setData(ROW_ROLE, row.id)
            self.list.addItem(item)
        self.tabs.setTabText(0, tr("冲突（{n}）", n=len(rows)))
        self.detail.setVisible(bool(rows))
        self.empty.setVisible(not rows)
        if rows:
            self.list.setCurrentRow(0)

    def _show(self, index: int) -> None:
        if not 0 <= index < len(self.rows):
            return
        row = self.rows[index]
        self.where.setText(row.where)
        self.what.setText(tr("改动之处：{what}", what=row.what))
        self.kept.show_value(row.kept_value, row.kept_by, row.kept_at)
        self.other.show_value(row.other_value, row.other_by, row.other_at)
        self.merged.setPlainText(data.editable_value(row.kept_value))
        for widget in (self.kept.choose, self.other.choose, self.use_merged):
            widget.setEnabled(True)

    def current(self) -> data.ConflictRow | None:
        index = self.list.currentRow()
        return self.rows[index] if 0 <= index < len(self.rows) else None

    def _resolve_with(self, which: str) -> None:
        row = self.current()
        if row is None:
            return
        value = (row.kept_value if which == "kept" else row.other_value if which == "other"
                 else data.merged_value(row, self.merged.toPlainText()))
        for widget in (self.kept.choose, self.other.choose, self.use_merged):
            widget.setEnabled(False)
        self.ctx.tasks.write(data.resolve, self.ctx.store, row.id, value, owner=self,
                             on_done=self._resolved, on_error=self._failed)

    def _resolved(self, conflict_id: str) -> None:
        self.resolved.emit(conflict_id)
        self.reload()

    def _failed(self, exc: BaseException) -> None:
        from fieldcheck.ui.common.errors import show_exception

        self._show(self.list.currentRow())
        show_exception(self, exc)

    # --- rejections ----------------------------------------------------------------------

    def _rejection_page(self) -> QWidget:
        page = QWidget()
        self.rejection_list = QVBoxLayout(page)
        self.rejection_list.setContentsMargins(0, 8, 0, 0)
        self.rejection_list.setSpacing(8)
        return page

    def _show_rejections(self, rows: list[data.RejectionRow]) -> None:
        while self.rejection_list.count():
            item = self.rejection_list.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        # A clash the server recorded is not a refusal, but it too waits for the inspector.
        title = tr("被拒或待处理的更改（{n}）", n=len(rows)) if any(r.kept for r in rows) else tr(
            "被拒的更改（{n}）", n=len(rows))
        self.tabs.setTabText(1, title)
        for row in rows:
            self.rejection_list.addWidget(_RejectionCard(row))
        if not rows:
            self.rejection_list.addWidget(label(tr("服务器没有拒绝过本组的更改。"), "emptyHint"))
        self.rejection_list.addStretch(1)


class _ValueCard(QFrame):
    def __init__(self, title: str) -> None:
        super().__init__()
        self.setObjectName("card")
        column = QVBoxLayout(self)
        column.setContentsMargins(12, 10, 12, 10)
        column.setSpacing(6)
        column.addWidget(Badge(title, NAVY), 0, Qt.AlignmentFlag.AlignLeft)
        self.value = label("", "itemLabel", wrap=True)
        self.value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.value.setMinimumHeight(60)
        self.value.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        column.addWidget(self.value, 1)
        self.who = label("", "muted", wrap=True)
        column.addWidget(self.who)
        self.choose = button(tr("保留这个值"))
        column.addWidget(self.choose, 0, Qt.AlignmentFlag.AlignRight)

    def show_value(self, value: object, who: str, when: str) -> None:
        self.value.setText(data.show_value(value))
        self.who.setText(tr("{who} 于 {when} 修改", who=who or tr("未知"), when=when or "—"))


class _RejectionCard(QFrame):
    def __init__(self, row: data.RejectionRow) -> None:
        super().__init__()
        self.setObjectName("card")
        column = QVBoxLayout(self)
        column.setContentsMargins(12, 10, 12, 10)
        column.setSpacing(4)
        column.addWidget(label(f"{row.where}　·　{row.what}", "itemLabel", wrap=True))
        column.addWidget(label(tr("服务器的理由：{reason}", reason=row.reason), "failedTag", wrap=True))
        if row.change:
            text = (tr("已记入服务器的更改：{change}", change=row.change) if row.kept
                    else tr("被拒的更改：{change}", change=row.change))
            column.addWidget(label(text, "muted", wrap=True))
        column.addWidget(label(tr("{who} 于 {when} 修改；本机保留了这项更改的记录。",
                                  who=row.made_by or tr("未知"), when=row.made_at or "—"), "muted", wrap=True))
