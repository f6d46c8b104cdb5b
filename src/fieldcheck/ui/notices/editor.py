"""The wording of a draft notice before it is issued: title, 主送, form fields, paragraphs,
and who has signed. An issued notice shows the same, read-only."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
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
from fieldcheck.notices.forms import disputed_numbers
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

        self.closing_title = label(tr("记录结论"), "sectionTitle")
        layout.addWidget(self.closing_title)
        self.closing_card = card()
        closing = QFormLayout(self.closing_card)
        closing.setContentsMargins(14, 12, 14, 12)
        closing.setVerticalSpacing(8)
        closing.addRow(label(tr("记录末尾的结论按现场情况写出：已阅看确认、已宣读确认、有异议或拒绝签字"
                                "（拒签在“签名”中记录）。"), "help", wrap=True))
        self.read_aloud = QCheckBox(tr("记录已向被检查单位负责人宣读"))
        self.read_aloud.toggled.connect(self._changed)
        closing.addRow(self.read_aloud)
        self.disputed_items = QLineEdit()
        self.disputed_items.setPlaceholderText(tr("有异议的问题序号，如：2、5；无异议不填"))
        self.disputed_items.textEdited.connect(self._disputes_edited)
        closing.addRow(tr("有异议的问题"), self.disputed_items)
        self.dispute_reason = QLineEdit()
        self.dispute_reason.setPlaceholderText(tr("负责人陈述的异议理由"))
        self.dispute_reason.textEdited.connect(self._disputes_edited)
        closing.addRow(tr("异议理由"), self.dispute_reason)
        self.dispute_note = label("", "help", wrap=True)
        self.dispute_note.setStyleSheet("color: #9b1c1c;")
        self.dispute_note.hide()
        closing.addRow(self.dispute_note)
        layout.addWidget(self.closing_card)

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
            self._show_closing(detail)
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

    def _show_closing(self, detail: NoticeDetail) -> None:
        facts = detail.closing
        self.closing_title.setVisible(facts is not None)
        self.closing_card.setVisible(facts is not None)
        self.read_aloud.setChecked(bool(facts and facts.read_aloud))
        self.disputed_items.setText(facts.disputed_items if facts else "")
        self.dispute_reason.setText(facts.dispute_reason if facts else "")
        self._check_disputes()

    def _disputes_edited(self) -> None:
        self._check_disputes()
        self._changed()

    def _check_disputes(self) -> None:
        """Numbers that are not in the 问题清单 are said at once (and kept as typed)."""
        count = self.detail.findings_count if self.detail is not None else 0
        typed = self.disputed_items.text()
        numbers = disputed_numbers(typed)
        wrong = [n for n in numbers if not 1 <= n <= count]
        note = ""
        if typed.strip() and not numbers:
            note = tr("请填写问题清单中的序号，如：2、5。")
        elif wrong:
            note = tr("问题清单共 {count} 项，没有第 {items} 项。", count=count,
                      items="、".join(map(str, wrong)))
        elif self.dispute_reason.text().strip() and not numbers:
            note = tr("请填写有异议的问题序号；不填时记录写作对“部分记录内容”有异议。")
        self.dispute_note.setText(note)
        self.dispute_note.setVisible(bool(note))

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
        for edit in (self.title, self.recipient, self.cc, self.disputed_items, self.dispute_reason,
                     *self.field_edits.values()):
            edit.setReadOnly(read_only)
        self.read_aloud.setEnabled(not read_only)
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
        if self.field_edits or (self.detail is not None and self.detail.closing is not None):
            fields = {k: e.text().strip() for k, e in self.field_edits.items() if e.text().strip()}
            if self.detail is not None and self.detail.closing is not None:
                closing = {"read_aloud": "1" if self.read_aloud.isChecked() else "",
                           "disputed_items": self.disputed_items.text().strip(),
                           "dispute_reason": self.dispute_reason.text().strip()}
                fields.update({k: v for k, v in closing.items() if v})
            changes["fields"] = fields
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
