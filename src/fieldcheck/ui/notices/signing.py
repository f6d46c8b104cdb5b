"""Signing a notice: as inspector, the unit's representative or a witness — or recording
that the representative refused to sign (reason and witness), as practice requires."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from fieldcheck.i18n import tr
from fieldcheck.ui.common.guard import GuardedDialog, ignore_for_unsaved
from fieldcheck.ui.common.widgets import button, label
from fieldcheck.ui.notices.data import ROLE_NAMES
from fieldcheck.ui.notices.signature_pad import SignaturePad

SIGN_PAGE, REFUSAL_PAGE = 0, 1


@dataclass(frozen=True)
class SignatureInput:
    role: str
    name: str
    png: bytes
    strokes: list[list[tuple[float, float]]]


@dataclass(frozen=True)
class RefusalInput:
    name: str
    reason: str
    witness_name: str


class SignDialog(GuardedDialog):
    """Collects one signature or one refusal; `result_input` holds it once accepted."""

    def __init__(self, parent: QWidget | None, suggestions: dict[str, list[str]],
                 role: str = "recipient") -> None:
        super().__init__(parent)
        self.setObjectName("signDialog")
        self.setWindowTitle(tr("签名"))
        self.setMinimumWidth(620)
        self.suggestions = suggestions
        self.result_input: SignatureInput | RefusalInput | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 16)
        layout.setSpacing(12)
        self.stack = QStackedWidget()
        self.stack.addWidget(self._sign_page())
        self.stack.addWidget(self._refusal_page())
        layout.addWidget(self.stack, 1)
        self.error = label("", "fieldError", wrap=True)
        self.error.setStyleSheet("color: #9b1c1c;")
        self.error.hide()
        layout.addWidget(self.error)
        layout.addLayout(self._buttons())
        self.set_role(role)
        ignore_for_unsaved(self.name)  # suggested names are not typed work
        ignore_for_unsaved(self.refusal_name)
        self.mark_clean()

    def has_unsaved(self) -> bool:
        return super().has_unsaved() or not self.pad.is_empty()

    def _sign_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
        layout.addWidget(label(tr("签名"), "pageTitle"))
        roles = QHBoxLayout()
        roles.addWidget(label(tr("签字人身份：")))
        self.role_group = QButtonGroup(self)
        self.role_buttons: dict[str, QRadioButton] = {}
        for role, name in ROLE_NAMES.items():
            radio = QRadioButton(tr(name))
            self.role_group.addButton(radio)
            self.role_buttons[role] = radio
            radio.toggled.connect(lambda on, r=role: self._role_toggled(r, on))
            roles.addWidget(radio)
        roles.addStretch(1)
        layout.addLayout(roles)
        names = QFormLayout()
        self.name = QComboBox()
        self.name.setEditable(True)
        name_edit = self.name.lineEdit()
        if name_edit is not None:
            name_edit.setPlaceholderText(tr("签字人姓名"))
        names.addRow(tr("姓名"), self.name)
        layout.addLayout(names)
        self.pad = SignaturePad()
        self.pad.changed.connect(self._pad_changed)
        layout.addWidget(self.pad, 1)
        row = QHBoxLayout()
        self.clear = button(tr("清除重签"))
        self.clear.clicked.connect(self.pad.clear)
        row.addWidget(self.clear)
        row.addWidget(label(tr("可用鼠标、手写笔或触摸屏签名。"), "help"))
        row.addStretch(1)
        layout.addLayout(row)
        return page

    def _refusal_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
        layout.addWidget(label(tr("记录拒绝签字"), "pageTitle"))
        layout.addWidget(label(tr("被检查单位负责人拒绝签字的，在文书上注明拒绝理由，并由见证人签名。"
                                  "文书将印有“拒绝签字”字样。"), "help", wrap=True))
        form = QFormLayout()
        form.setVerticalSpacing(10)
        self.refusal_name = QLineEdit()
        self.refusal_name.setPlaceholderText(tr("拒绝签字的负责人姓名"))
        form.addRow(tr("被检查单位负责人"), self.refusal_name)
        self.refusal_reason = QPlainTextEdit()
        self.refusal_reason.setPlaceholderText(tr("例如：对检查结论有异议，拒绝签字"))
        self.refusal_reason.setFixedHeight(84)
        form.addRow(tr("拒绝理由"), self.refusal_reason)
        self.witness = QLineEdit()
        self.witness.setPlaceholderText(tr("在场见证人的姓名"))
        form.addRow(tr("见证人"), self.witness)
        layout.addLayout(form)
        layout.addStretch(1)
        return page

    def _buttons(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.refuse = button(tr("对方拒绝签字…"), "link")
        self.refuse.clicked.connect(lambda: self.show_refusal(True))
        self.back = button(tr("返回签名"), "link")
        self.back.clicked.connect(lambda: self.show_refusal(False))
        row.addWidget(self.refuse)
        row.addWidget(self.back)
        row.addStretch(1)
        cancel = button(tr("取消"))
        cancel.clicked.connect(self.reject)
        self.ok = button(tr("确认签名"), "primary")
        self.ok.setDefault(True)
        self.ok.clicked.connect(self.accept)
        row.addWidget(cancel)
        row.addWidget(self.ok)
        return row

    # --- state ---------------------------------------------------------------------------

    @property
    def role(self) -> str:
        return next((r for r, b in self.role_buttons.items() if b.isChecked()), "recipient")

    def _role_toggled(self, role: str, checked: bool) -> None:
        if checked:
            self.set_role(role)

    def set_role(self, role: str) -> None:
        if not self.role_buttons[role].isChecked():
            self.role_buttons[role].setChecked(True)
            return  # toggled() comes back here
        names = self.suggestions.get(role, [])
        self.name.clear()
        self.name.addItems(names)
        self.name.setCurrentText(names[0] if names else "")
        self._update_buttons()

    def show_refusal(self, refusal: bool) -> None:
        self.stack.setCurrentIndex(REFUSAL_PAGE if refusal else SIGN_PAGE)
        if refusal and not self.refusal_name.text():
            self.refusal_name.setText((self.suggestions.get("recipient") or [""])[0])
        self.error.hide()
        self._update_buttons()

    def _update_buttons(self) -> None:
        refusal = self.stack.currentIndex() == REFUSAL_PAGE
        self.refuse.setVisible(not refusal and self.role == "recipient")
        self.back.setVisible(refusal)
        self.ok.setText(tr("记录拒绝签字") if refusal else tr("确认签名"))

    def _pad_changed(self) -> None:
        if not self.pad.is_empty():
            self.error.hide()

    def _fail(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()

    def accept(self) -> None:
        if self.stack.currentIndex() == REFUSAL_PAGE:
            name, witness = self.refusal_name.text().strip(), self.witness.text().strip()
            reason = self.refusal_reason.toPlainText().strip()
            if not reason:
                return self._fail(tr("请填写拒绝理由。"))
            if not witness:
                return self._fail(tr("拒绝签字须有见证人，请填写见证人姓名。"))
            self.result_input = RefusalInput(name, reason, witness)
        else:
            name = self.name.currentText().strip()
            if not name:
                return self._fail(tr("请填写签字人姓名。"))
            if self.pad.is_empty():
                return self._fail(tr("签名为空，请在签名框内签字。"))
            self.result_input = SignatureInput(self.role, name, self.pad.png(), self.pad.strokes())
        super().accept()
        return None
