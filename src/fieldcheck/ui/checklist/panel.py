"""The 检查表 tab: every answer is saved at once through answer_item (no Save button)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from fieldcheck.domain.checklist import ChecklistState
from fieldcheck.ui.checklist import data
from fieldcheck.ui.checklist.view import ChecklistView
from fieldcheck.ui.common.context import AppContext
from fieldcheck.ui.common.errors import show_exception


class ChecklistPanel(QWidget):
    state_changed = Signal(object)  # ChecklistState, after every load and save
    finding_requested = Signal(str, object)  # item key, suggested finding fields (dict | None)
    photos_requested = Signal(str)  # item key

    def __init__(self, ctx: AppContext, visit_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.visit_id = visit_id
        self.read_only = True
        self.state: ChecklistState | None = None
        self.saves_in_flight = 0
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.view = ChecklistView()
        layout.addWidget(self.view)
        self.view.answered.connect(self.save_answer)
        self.view.noted.connect(self.save_note)
        self.view.finding_requested.connect(self.request_finding)
        self.view.photos_requested.connect(self.photos_requested)

    def reload(self) -> None:
        """Show everything the store holds, answers included (on open and after a failure)."""
        self.ctx.tasks.run(data.load_state, self.ctx.store, self.visit_id, owner=self,
                           on_done=lambda state: self._show(state, values=True))

    def refresh(self) -> None:
        """Update what is derived (visibility, failures, photo counts), not what is typed."""
        self.ctx.tasks.run(data.load_state, self.ctx.store, self.visit_id, owner=self,
                           on_done=lambda state: self._show(state, values=False))

    def set_read_only(self, read_only: bool) -> None:
        self.read_only = read_only
        if self.state is not None:
            self.view.show_state(self.state, read_only, values=False)

    def _show(self, state: ChecklistState, values: bool) -> None:
        self.state = state
        self.view.show_state(state, self.read_only, values=values)
        self.state_changed.emit(state)

    def save_answer(self, item_key: str, value: Any) -> None:
        self._write(data.save_answer, item_key, value)

    def save_note(self, item_key: str, note: str) -> None:
        self._write(data.save_note, item_key, note)

    def _write(self, fn: Any, item_key: str, value: Any) -> None:
        self.saves_in_flight += 1
        self.ctx.tasks.write(fn, self.ctx.store, self.visit_id, item_key, value, owner=self,
                             on_done=self._saved, on_error=self._save_failed)

    def _saved(self, state: ChecklistState) -> None:
        self.saves_in_flight -= 1
        # Answers on screen are what the person typed; only the derived state changes.
        self._show(state, values=False)

    def _save_failed(self, exc: BaseException) -> None:
        self.saves_in_flight -= 1
        show_exception(self.window(), exc)
        self.reload()  # show what the store really holds

    def request_finding(self, item_key: str) -> None:
        self.ctx.tasks.run(data.suggestion, self.ctx.store, self.visit_id, item_key, owner=self,
                           on_done=lambda s: self.finding_requested.emit(item_key, s))

    def show_missing(self) -> None:
        if self.state is not None:
            self.view.show_missing(self.state)

    def flush_typing(self) -> None:
        self.view.flush_typing()
