"""First start: who uses this laptop. The name and 检查证号 are stamped on every audit event
and notice until the laptop is enrolled with a server."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from fieldcheck.i18n import tr
from fieldcheck.ui.common.guard import GuardedDialog
from fieldcheck.ui.common.tasks import Tasks
from fieldcheck.ui.common.widgets import label

if TYPE_CHECKING:
    from fieldcheck.store import Store
    from fieldcheck.store.database import Identity


def save_identity(store: Store, name: str, credential_no: str) -> Identity:
    return store.set_identity(name, credential_no)


class IdentityDialog(GuardedDialog):
    saved = Signal(object)  # Identity

    def __init__(self, store: Store, tasks: Tasks, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store, self.tasks = store, tasks
        self.setWindowTitle(tr("本机使用人"))
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        layout.addWidget(label(tr("欢迎使用效能监察现场检查"), "pageTitle"))
        layout.addWidget(label(tr("请登记本机使用人。姓名和检查证号将记录在每一条操作记录和检查文书上，"
                                  "在本机接入效能室服务器之前一直有效。"), "muted", wrap=True))
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.name = QLineEdit()
        self.name.setPlaceholderText(tr("例如：王建国"))
        self.credential = QLineEdit()
        self.credential.setPlaceholderText(tr("例如：清监字第2026001号"))
        form.addRow(tr("姓名"), self.name)
        form.addRow(tr("检查证号"), self.credential)
        layout.addLayout(form)
        self.problem = label("", "failedTag", wrap=True)
        self.problem.hide()
        layout.addWidget(self.problem)
        box = QDialogButtonBox()
        self.ok = box.addButton(tr("保存并开始使用"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok.setObjectName("primary")
        box.addButton(tr("退出"), QDialogButtonBox.ButtonRole.RejectRole)
        box.accepted.connect(self.accept)
        box.rejected.connect(self.reject)
        layout.addWidget(box)
        self.mark_clean()

    def accept(self) -> None:
        """Save (in the background); the dialog closes once the identity is stored."""
        name, credential = self.name.text().strip(), self.credential.text().strip()
        if not name:
            self._show_problem(tr("请填写使用人姓名。"))
            return
        self.ok.setEnabled(False)
        self.tasks.write(save_identity, self.store, name, credential, owner=self,
                         on_done=self._saved, on_error=lambda exc: self._show_problem(str(exc)))

    def _saved(self, identity: Identity) -> None:
        self.saved.emit(identity)
        super().accept()

    def _show_problem(self, text: str) -> None:
        self.ok.setEnabled(True)
        self.problem.setText(text)
        self.problem.show()
