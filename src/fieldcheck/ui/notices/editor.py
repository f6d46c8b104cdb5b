"""The wording of a draft notice before it is issued: title, 主送, form fields, paragraphs,
and who has signed. An issued notice shows the same, read-only."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLineEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from fieldcheck.i18n import tr
from fieldcheck.notices import format_date
from fieldcheck.ui.common.widgets import button, card, label
from fieldcheck.ui.notices.data import NoticeDetail, SignatureRow
from fieldcheck.ui.notices.paragraphs import ParagraphList


def signature_text(sig: SignatureRow) -> str:
    when = format_date(sig.signed_at.astimezone().date()) if sig.signed_at else ""
    if sig.refused:
        return tr("{name} 拒绝签字（理由：{reason}；见证人：{witness}）{when}",
                  name=sig.name or tr("负责人"), reason=sig.refusal_reason or "××",
                  witness=sig.witness_name, when=when)
    return tr("{name}　已签名　{when}", name=sig.name, when=when)


class DraftEditor(QScrollArea):
    """Emits `edited` on every change; `wording()` gives the fields update_draft takes."""

    edited = Signal()
    sign_requested = Signal()
    remove_signature_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("draftEditor")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.detail: NoticeDetail | None = None
        self._loading = False
        body = QWidget()
        self.setWidget(body)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(2, 2, 10, 12)
        layout.setSpacing(8)
        self.correction_note = label("", "banner", wrap=True)
        self.correction_note.hide()
        layout.addWidget(self.correction_note)

        layout.addWidget(label(tr("标题与主送"), "sectionTitle"))
        heading = card()
        form = QFormLayout(heading)
        form.setContentsMargins(14, 12, 14, 12)
        form.setVerticalSpacing(8)
        self.title = QLineEdit()
        self.title.setObjectName("noticeTitle")
        self.title.textEdited.connect(self._changed)
        form.addRow(tr("标题"), self.title)
        self.recipient = QLineEdit()
        self.recipient.setPlaceholderText(tr("主送单位，如：××单位："))
        self.recipient.textEdited.connect(self._changed)
        self.recipient_label = label(tr("主送"))
        form.addRow(self.recipient_label, self.recipient)
        self.cc = QLineEdit()
        self.cc.setPlaceholderText(tr("抄送单位，用顿号或逗号分隔，如：市纪委监委、市政务服务管理办公室"))
        self.cc.textEdited.connect(self._changed)
        self.cc_label = label(tr("抄送"))
        form.addRow(self.cc_label, self.cc)
        layout.addWidget(heading)

        self.fields_title = label(tr("表格栏目"), "sectionTitle")
        layout.addWidget(self.fields_title)
        self.fields_card = card()
        self.fields_form = QFormLayout(self.fields_card)
        self.fields_form.setContentsMargins(14, 12, 14, 12)
        self.fields_form.setVerticalSpacing(8)
        self.field_edits: dict[str, QLineEdit] = {}
        layout.addWidget(self.fields_card)

        body_head = QHBoxLayout()
        body_head.addWidget(label(tr("正文"), "sectionTitle"))
        body_head.addStretch(1)
        self.paragraphs = ParagraphList()
        self.paragraphs.edited.connect(self._changed)
        self.add_paragraph = button(tr("＋ 添加段落"), "link")
        self.add_paragraph.clicked.connect(lambda: self.paragraphs.insert_after(None))
        body_head.addWidget(self.add_paragraph)
        layout.addLayout(body_head)
        layout.addWidget(label(tr("每段一个文本框；段首缩进、行距和字号在生成文书时按公文格式排版。"),
                               "help", wrap=True))
        layout.addWidget(self.paragraphs)

        sign_head = QHBoxLayout()
        sign_head.addWidget(label(tr("签名"), "sectionTitle"))
        sign_head.addStretch(1)
        self.sign = button(tr("＋ 签名或记录拒签"), "link")
        self.sign.clicked.connect(self.sign_requested)
        sign_head.addWidget(self.sign)
        layout.addLayout(sign_head)
        self.signatures_card = card()
        self.signatures_layout = QVBoxLayout(self.signatures_card)
        self.signatures_layout.setContentsMargins(14, 10, 14, 10)
        self.signatures_layout.setSpacing(6)
        layout.addWidget(self.signatures_card)
        layout.addStretch(1)

    # --- showing a notice ----------------------------------------------------------------

    def show_detail(self, detail: NoticeDetail) -> None:
        self._loading = True
        try:
            self.detail = detail
            self.title.setText(detail.title)
            self.recipient.setText(detail.recipient)
            official = detail.layout == "official"
            self.recipient.setVisible(official)
            self.recipient_label.setVisible(official)
            self.cc.setText("、".join(detail.cc))
            self.cc.setVisible(official)
            self.cc_label.setVisible(official)
            self._show_fields(detail)
            self.paragraphs.set_paragraphs(detail.paragraphs, detail.findings_count)
            self._show_signatures(detail.signatures, detail.editable)
            note = ""
            if detail.superseded_number:
                note = tr("这是对 {number} 的更正稿：签发后，原文书将被作废，原 PDF 仍可查阅。",
                          number=detail.superseded_number)
            self.correction_note.setText(note)
            self.correction_note.setVisible(bool(note))
            self.set_read_only(not detail.editable)
        finally:
            self._loading = False

    def _show_fields(self, detail: NoticeDetail) -> None:
        while self.fields_form.rowCount():
            self.fields_form.removeRow(0)
        self.field_edits = {}
        for field in detail.form_fields:
            edit = QLineEdit(field.value)
            if field.automatic:
                edit.setPlaceholderText(tr("自动：{value}", value=field.automatic))
            edit.textEdited.connect(self._changed)
            self.field_edits[field.key] = edit
            self.fields_form.addRow(tr(field.label), edit)
        has_fields = bool(detail.form_fields)
        self.fields_title.setVisible(has_fields)
        self.fields_card.setVisible(has_fields)

    def _show_signatures(self, signatures: tuple[SignatureRow, ...], editable: bool) -> None:
        while self.signatures_layout.count():
            item = self.signatures_layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        if not signatures:
            empty = label(tr("尚无签名。现场检查记录和送达回证须有签名（或拒绝签字的记录）后才能签发。"),
                          "help", wrap=True)
            self.signatures_layout.addWidget(empty)
        for sig in signatures:
            row = QWidget()
            line = QHBoxLayout(row)
            line.setContentsMargins(0, 0, 0, 0)
            role = label(sig.role_name, "itemLabel")
            role.setFixedWidth(130)
            line.addWidget(role)
            text = label(signature_text(sig), wrap=True)
            if sig.refused:
                text.setStyleSheet("color: #9b1c1c;")
            line.addWidget(text, 1)
            if editable:
                remove = button(tr("删除"), "link")
                remove.clicked.connect(lambda _=False, i=sig.id: self.remove_signature_requested.emit(i))
                line.addWidget(remove)
            self.signatures_layout.addWidget(row)

    def set_read_only(self, read_only: bool) -> None:
        for edit in (self.title, self.recipient, self.cc, *self.field_edits.values()):
            edit.setReadOnly(read_only)
        self.paragraphs.set_read_only(read_only)
        self.add_paragraph.setVisible(not read_only)
        self.sign.setVisible(not read_only)

    # --- reading the edits ---------------------------------------------------------------

    def _changed(self) -> None:
        if not self._loading:
            self.edited.emit()

    def wording(self) -> dict[str, Any]:
        """title, recipient, paragraphs, fields — as `notices.update_draft` takes them."""
        changes: dict[str, Any] = {
            "title": self.title.text().strip(),
            "paragraphs": self.paragraphs.paragraphs(),
        }
        if self.detail is not None and self.detail.layout == "official":
            changes["recipient"] = self.recipient.text().strip()
            changes["cc"] = split_cc(self.cc.text())
        if self.field_edits:
            changes["fields"] = {k: e.text().strip() for k, e in self.field_edits.items()
                                 if e.text().strip()}
        return changes

    def signature_suggestions(self, user_name: str) -> dict[str, list[str]]:
        """Names to offer in the sign dialog, per role."""
        inspectors = list(self.detail.inspectors) if self.detail else []
        if user_name and user_name not in inspectors:
            inspectors.insert(0, user_name)
        contact = self.field_edits.get("unit_contact")
        recipient = [contact.text().strip()] if contact and contact.text().strip() else []
        return {"inspector": inspectors, "recipient": recipient, "witness": []}


def split_cc(text: str) -> list[str]:
    """抄送 as typed (、，, ; or new lines between names) into the list the 版记 prints."""
    for mark in ("，", ",", "；", ";", "\n"):
        text = text.replace(mark, "、")
    return [name.strip() for name in text.split("、") if name.strip()]
