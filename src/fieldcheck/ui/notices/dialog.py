"""文书: the official notices of one visit — list, edit the wording, sign, preview, issue, print.

The dialog shows one notice at a time: its wording on the left, every page as it will print
on the right. Edits are saved a moment after typing stops; preview, signing, issuing and
printing first wait for that save. Work happens on the shared background runner; the flows
that end in paper (sign, issue, print, save, correct) live in `actions.py`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QCloseEvent, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QMenu,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from fieldcheck.domain import numbering
from fieldcheck.domain.notice_settings import BureauSettings
from fieldcheck.i18n import tr
from fieldcheck.ui.common.errors import show_exception
from fieldcheck.ui.common.tasks import Tasks
from fieldcheck.ui.common.widgets import Badge, button, label
from fieldcheck.ui.notices import data
from fieldcheck.ui.notices.actions import NoticeActions
from fieldcheck.ui.notices.data import NoticeDetail, VisitNotices
from fieldcheck.ui.notices.editor import DraftEditor
from fieldcheck.ui.notices.notice_list import NoticeList, clash_advice, clash_badge, status_colour
from fieldcheck.ui.notices.preview import PageView, RenderedNotice, render_notice_pages
from fieldcheck.ui.notices.style import NOTICES_STYLE

if TYPE_CHECKING:
    from fieldcheck.store import Store

SAVE_DELAY_MS = 700
# Until a server is configured the device is its own number authority (DESIGN §5).
LOCAL_AUTHORITY = numbering.LocalAuthority()


def open_notices_dialog(parent: QWidget | None, store: Store, visit_id: str, *,
                        tasks: Tasks | None = None,
                        authority: numbering.NumberAuthority | None = LOCAL_AUTHORITY) -> QDialog:
    """Show the notices of a visit (non-modal) and return the dialog.

    Pass the app's `tasks` so database writes share its one writer; `authority` hands out
    number blocks (this device's own LocalAuthority until a server is configured; None: no
    new blocks, only the numbers already held).
    """
    dialog = NoticesDialog(parent, store, visit_id, tasks=tasks, authority=authority)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog


class NoticesDialog(NoticeActions, QDialog):
    def __init__(self, parent: QWidget | None, store: Store, visit_id: str, *,
                 tasks: Tasks | None = None,
                 authority: numbering.NumberAuthority | None = LOCAL_AUTHORITY) -> None:
        super().__init__(parent)
        self.setObjectName("noticesDialog")
        self.setWindowTitle(tr("文书"))
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint)
        self.setStyleSheet(NOTICES_STYLE)
        self._fit_to_screen(1320, 820)
        self.store, self.visit_id = store, visit_id
        self.tasks = tasks or Tasks(self)
        self.authority = authority
        self.settings: BureauSettings | None = None
        self.visit: VisitNotices | None = None
        self.detail: NoticeDetail | None = None
        self.rendered: RenderedNotice | None = None
        self._render_generation = 0
        self._saves_in_flight = 0
        self._after_saves: list[Any] = []
        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(SAVE_DELAY_MS)
        self._save_timer.timeout.connect(lambda: self.save_wording())
        self._build()
        self.reload()

    # --- layout --------------------------------------------------------------------------

    def _fit_to_screen(self, width: int, height: int) -> None:
        """A laptop screen (1366 × 768) must show the whole dialog, action buttons included."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is not None:
            available = screen.availableGeometry()
            width = min(width, int(available.width() * 0.96))
            height = min(height, int(available.height() * 0.92))
        self.resize(width, height)

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self._title_bar())
        split = QSplitter(Qt.Orientation.Horizontal)
        split.setChildrenCollapsible(False)
        split.addWidget(self._list_pane())
        split.addWidget(self._detail_pane())
        split.setStretchFactor(1, 1)
        split.setSizes([250, 1070])
        layout.addWidget(split, 1)

    def _title_bar(self) -> QWidget:
        bar = QWidget()
        bar.setObjectName("noticesBar")
        row = QHBoxLayout(bar)
        row.setContentsMargins(20, 12, 16, 12)
        title = label(tr("文书"), "barTitle")
        row.addWidget(title)
        self.visit_label = label("", "barSubtitle")
        row.addWidget(self.visit_label, 1)
        self.settings_button = button(tr("文书设置…"), "barButton")
        self.settings_button.clicked.connect(self.open_settings)
        row.addWidget(self.settings_button)
        return bar

    def _list_pane(self) -> QWidget:
        pane = QWidget()
        pane.setObjectName("listPane")
        column = QVBoxLayout(pane)
        column.setContentsMargins(14, 14, 8, 14)
        column.setSpacing(10)
        self.new_button = button(tr("＋ 新建文书"), "primary")
        menu = QMenu(self.new_button)
        for kind in data.VISIT_TYPES:
            action = menu.addAction(data.type_name(kind))
            action.triggered.connect(lambda _=False, k=kind: self.create_notice(k))
        self.new_button.setMenu(menu)
        column.addWidget(self.new_button)
        self.notice_list = NoticeList()
        self.notice_list.notice_selected.connect(self.select_notice)
        column.addWidget(self.notice_list, 1)
        self.list_hint = label(tr("本次检查还没有文书。点击“新建文书”，从检查记录生成现场检查记录、"
                                  "整改通知书、效能监察建议书、送达回证、通报或责任追究建议书。"),
                               "emptyHint", wrap=True)
        column.addWidget(self.list_hint)
        return pane

    def _detail_pane(self) -> QWidget:
        pane = QWidget()
        column = QVBoxLayout(pane)
        column.setContentsMargins(8, 14, 14, 10)
        column.setSpacing(10)
        head = QHBoxLayout()
        head.setSpacing(10)
        self.heading = label("", "pageTitle")
        head.addWidget(self.heading)
        self.status_badge = Badge()
        head.addWidget(self.status_badge)
        self.clash_badge = clash_badge()
        self.clash_badge.setToolTip(clash_advice())
        self.clash_badge.hide()
        head.addWidget(self.clash_badge)
        self.number_label = label("", "noticeNumber")
        head.addWidget(self.number_label)
        head.addStretch(1)
        self.action_bar = QHBoxLayout()
        self.action_bar.setSpacing(8)
        head.addLayout(self.action_bar)
        column.addLayout(head)
        self.message = label("", "noticeMessage", wrap=True)
        self.message.hide()
        column.addWidget(self.message)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.setChildrenCollapsible(False)
        self.editor = DraftEditor()
        self.editor.edited.connect(self._save_timer.start)
        self.editor.sign_requested.connect(self.sign)
        self.editor.remove_signature_requested.connect(self.remove_signature)
        split.addWidget(self.editor)
        preview = QWidget()
        preview_column = QVBoxLayout(preview)
        preview_column.setContentsMargins(0, 0, 0, 0)
        preview_column.setSpacing(6)
        self.preview_status = label("", "muted")
        preview_column.addWidget(self.preview_status)
        self.font_warning = label("", "fieldWarning", wrap=True)
        self.font_warning.setStyleSheet("color: #8a6100;")
        self.font_warning.hide()
        preview_column.addWidget(self.font_warning)
        self.pages = PageView()
        preview_column.addWidget(self.pages, 1)
        split.addWidget(preview)
        split.setSizes([520, 560])
        column.addWidget(split, 1)
        self.build_actions(self.action_bar)
        self._show_nothing()
        return pane

    # --- loading -------------------------------------------------------------------------

    def reload(self, select_id: str | None = None) -> None:
        self.tasks.run(data.load, self.store, self.visit_id, owner=self,
                       on_done=lambda v: self._show_visit(v, select_id))

    def _show_visit(self, visit: VisitNotices, select_id: str | None) -> None:
        self.visit, self.settings = visit, visit.settings
        place = f" · {visit.place}" if visit.place and visit.place != visit.unit_name else ""
        self.visit_label.setText(f"{visit.unit_name}{place}")
        self.setWindowTitle(tr("文书 — {unit}", unit=visit.unit_name))
        self.list_hint.setVisible(not visit.rows)
        self.notice_list.show_rows(visit.rows, select_id or self.current_id)
        if not visit.rows:
            self._show_nothing()

    @property
    def current_id(self) -> str | None:
        return self.detail.row.id if self.detail else None

    def select_notice(self, notice_id: str) -> None:
        if self.detail is not None and self.detail.row.id != notice_id:
            self.flush_edits()
        self.tasks.run(data.load_detail, self.store, notice_id, owner=self,
                       on_done=self._show_detail)

    def _show_detail(self, detail: NoticeDetail) -> None:
        if self.notice_list.current_id() not in (None, detail.row.id):
            return  # the person has moved on to another notice
        changed = self.detail is None or self.detail.row != detail.row
        self.detail = detail
        row = detail.row
        self.heading.setText(row.type_name)
        self.status_badge.show_text(row.status_name, status_colour(row.status))
        self.status_badge.show()
        self.clash_badge.setVisible(row.number_clash)
        self.number_label.setText(row.number_text)
        if row.status == "voided":
            self.number_label.setText(tr("{number}（作废理由：{reason}）", number=row.number_text,
                                         reason=row.void_reason))
        self.editor.show_detail(detail)
        self.editor.setEnabled(True)
        self.update_actions()
        if changed or detail.editable:
            self.refresh_preview()

    def _show_nothing(self) -> None:
        self.detail = None
        self.heading.setText(tr("未选择文书"))
        self.status_badge.hide()
        self.clash_badge.hide()
        self.number_label.setText("")
        self.editor.setEnabled(False)
        self.pages.show_message(tr("选择或新建一份文书后，这里显示打印出来的每一页。"))
        self.preview_status.setText("")
        self.update_actions()

    # --- editing -------------------------------------------------------------------------

    def create_notice(self, notice_type: str) -> None:
        self.flush_edits()
        self.show_message(tr("正在根据检查记录生成{name}…", name=data.type_name(notice_type)))
        self.tasks.write(data.create, self.store, self.visit_id, notice_type, self.settings_now(),
                         owner=self, on_done=self._created)

    def _created(self, notice_id: str) -> None:
        self.show_message("")
        self.reload(select_id=notice_id)

    def settings_now(self) -> BureauSettings:
        if self.settings is None:  # only before the first load has come back
            self.settings = data.load_settings_of(self.store)
        return self.settings

    def flush_edits(self, then: Any = None) -> None:
        """Save typing still waiting for its pause; call `then` once every edit is saved."""
        if self._save_timer.isActive():
            self._save_timer.stop()
            self.save_wording(then)
        elif self._saves_in_flight and then is not None:
            self._after_saves.append(then)
        elif then is not None:
            then()

    def save_wording(self, then: Any = None) -> None:
        if self.detail is None or not self.detail.editable:
            if then is not None:
                then()
            return
        notice_id = self.detail.row.id
        if then is not None:
            self._after_saves.append(then)
        self._saves_in_flight += 1

        def settled(_result: object = None) -> None:
            self._saves_in_flight -= 1
            if self._saves_in_flight:
                return
            waiting, self._after_saves = self._after_saves, []
            if not waiting and self.current_id == notice_id:
                self.refresh_preview()
            for callback in waiting:
                callback()

        def failed(exc: BaseException) -> None:
            self._after_saves = []  # what waited for this save must not act on old wording
            self._saves_in_flight -= 1
            show_exception(self, exc)

        self.tasks.write(data.save_wording, self.store, notice_id, self.editor.wording(),
                         owner=self, on_done=settled, on_error=failed)

    # --- preview -------------------------------------------------------------------------

    def refresh_preview(self) -> None:
        if self.detail is None:
            return
        self._render_generation += 1
        generation = self._render_generation
        self.preview_status.setText(tr("正在生成预览…"))
        self.tasks.run(render_notice_pages, self.store, self.detail.row.id, self.settings_now(),
                       owner=self, on_done=lambda r: self._show_rendered(r, generation),
                       on_error=lambda e: self._render_failed(e, generation))

    def _show_rendered(self, rendered: RenderedNotice, generation: int) -> None:
        if generation != self._render_generation:
            return  # a newer render is on its way
        self.rendered = rendered
        self.pages.show_pages(rendered.pages)
        self.font_warning.setText("\n".join(rendered.font_warnings))
        self.font_warning.setVisible(bool(rendered.font_warnings))
        n = len(rendered.pages)
        if self.detail is not None and self.detail.editable:
            self.preview_status.setText(tr("打印预览 · 共 {n} 页 · 草稿带“草稿”水印，签发后印正式文号",
                                           n=n))
        else:
            self.preview_status.setText(tr("打印预览 · 共 {n} 页 · 与存档 PDF 一致", n=n))

    def _render_failed(self, exc: BaseException, generation: int) -> None:
        if generation != self._render_generation:
            return
        self.preview_status.setText("")
        self.pages.show_message(tr("预览无法生成：{error}", error=exc))

    # --- messages and settings -----------------------------------------------------------

    def show_message(self, text: str, kind: str = "info") -> None:
        """A line above the notice: info, ok (done) or warn (needs attention)."""
        self.message.setProperty("kind", kind)
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def open_settings(self) -> None:
        from fieldcheck.ui.settings import open_settings_dialog

        dialog = open_settings_dialog(self, self.store.data_dir, store=self.store)
        dialog.accepted.connect(self._settings_changed)

    def _settings_changed(self) -> None:
        self.settings = None
        self.reload(select_id=self.current_id)
        self.show_message(tr("文书设置已保存；新的设置用于之后生成和签发的文书，已签发的文书不变。"),
                          "ok")

    def closeEvent(self, event: QCloseEvent) -> None:
        self.flush_edits()
        super().closeEvent(event)

    def reject(self) -> None:
        """Esc closes without a closeEvent: typing still waiting for its pause is saved first."""
        self.flush_edits()
        super().reject()
