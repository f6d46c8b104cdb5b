"""Dialogs of the follow-up screen: a 复查 (result per finding, before and after photos side by
side), a drafted 通报 or 责任追究建议 (edit, then issue), and the small questions (a day, a reason)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from fieldcheck.domain.followup import OUTCOME_NAMES, STATUS_NAMES
from fieldcheck.i18n import tr
from fieldcheck.ui.common.context import AppContext
from fieldcheck.ui.common.errors import show_exception
from fieldcheck.ui.common.widgets import button, label
from fieldcheck.ui.followup import data

THUMB = 120


def _photos_row(title: str, paths: tuple[Path, ...]) -> QWidget:
    box = QWidget()
    col = QVBoxLayout(box)
    col.setContentsMargins(0, 0, 0, 0)
    col.addWidget(label(title, "muted"))
    row = QHBoxLayout()
    if not paths:
        row.addWidget(label(tr("（无照片）"), "muted"))
    for path in paths[:4]:
        pic = QLabel()
        pixmap = QPixmap(str(path))
        if not pixmap.isNull():
            pic.setPixmap(pixmap.scaled(THUMB, THUMB, Qt.AspectRatioMode.KeepAspectRatio,
                                        Qt.TransformationMode.SmoothTransformation))
        pic.setFixedSize(THUMB, THUMB)
        pic.setFrameShape(QFrame.Shape.StyledPanel)
        row.addWidget(pic)
    row.addStretch(1)
    col.addLayout(row)
    return box


class ResultCard(QFrame):
    """One finding on the 复查: what was found, before | after photos, and the result."""

    saved = Signal(object)  # data.Reinspection

    def __init__(self, ctx: AppContext, visit_id: str, item: data.ReinspectionItem, editable: bool) -> None:
        super().__init__()
        self.ctx, self.visit_id, self.item = ctx, visit_id, item
        self.setObjectName("card")
        col = QVBoxLayout(self)
        col.addWidget(label(f"{item.category_name}：{item.description}", "sectionTitle", wrap=True))
        deadline = item.deadline.isoformat() if item.deadline else "—"
        col.addWidget(label(tr("整改要求：{req}　期限：{day}　当前状态：{status}", req=item.requirement or "—",
                               day=deadline, status=tr(STATUS_NAMES.get(item.status, item.status))), "muted",
                            wrap=True))
        photos = QHBoxLayout()
        photos.addWidget(_photos_row(tr("整改前（检查时）"), item.before), 1)
        photos.addWidget(_photos_row(tr("整改后（复查时）"), item.after), 1)
        col.addLayout(photos)
        row = QHBoxLayout()
        self.group = QButtonGroup(self)
        self.choices: dict[str, QRadioButton] = {}
        for key in ("rectified", "partly", "not"):
            radio = QRadioButton(tr(OUTCOME_NAMES[key]))
            radio.setProperty("outcome", key)
            self.group.addButton(radio)
            self.choices[key] = radio
            row.addWidget(radio)
            radio.setChecked(item.outcome == key)
            radio.setEnabled(editable)
        self.note = QLineEdit(item.note)
        self.note.setPlaceholderText(tr("复查情况说明"))
        self.note.setEnabled(editable)
        row.addWidget(self.note, 1)
        self.photo_files: list[Path] = []
        self.add_photos = button(tr("整改后照片…"))
        self.add_photos.clicked.connect(self._pick_photos)
        self.add_photos.setEnabled(editable)
        row.addWidget(self.add_photos)
        self.save = button(tr("记录结论"), "primary")
        self.save.clicked.connect(self.record)
        self.save.setEnabled(editable)
        row.addWidget(self.save)
        col.addLayout(row)

    def _pick_photos(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(self, tr("选择整改后照片"), "",
                                                tr("图片 (*.jpg *.jpeg *.png *.heic *.tif *.tiff)"))
        self.set_photo_files([Path(f) for f in files])

    def set_photo_files(self, files: list[Path]) -> None:
        self.photo_files = files
        self.add_photos.setText(tr("整改后照片（{n}）…", n=len(files)) if files else tr("整改后照片…"))

    def outcome(self) -> str:
        checked = self.group.checkedButton()
        return str(checked.property("outcome")) if checked is not None else ""

    def record(self) -> None:
        if not self.outcome():
            show_exception(self, ValueError(tr("请选择复查结论：已整改、部分整改或未整改。")))
            return
        self.save.setEnabled(False)
        self.ctx.tasks.write(data.record_result, self.ctx.store, self.visit_id, self.item.finding_id,
                             self.outcome(), self.note.text(), list(self.photo_files), owner=self,
                             on_done=self.saved.emit, on_error=self._failed)

    def _failed(self, exc: BaseException) -> None:
        self.save.setEnabled(True)
        show_exception(self, exc)


class ReinspectionDialog(QDialog):
    """复查: the findings the visit carries, a result for each, then 结束复查."""

    finished_visit = Signal()

    def __init__(self, ctx: AppContext, rein: data.Reinspection, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(tr("复查：{unit}", unit=rein.unit_name))
        self.resize(980, 760)
        col = QVBoxLayout(self)
        col.addWidget(label(tr("逐条记录整改情况（整改前后照片对照）；全部记录后结束复查。"), "help", wrap=True))
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        col.addWidget(self.scroll, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.finish = button(tr("结束复查"), "primary")
        self.finish.clicked.connect(self._finish)
        buttons.addWidget(self.finish)
        close = button(tr("关闭"))
        close.clicked.connect(self.reject)
        buttons.addWidget(close)
        col.addLayout(buttons)
        self.cards: list[ResultCard] = []
        self.show_reinspection(rein)

    def show_reinspection(self, rein: data.Reinspection) -> None:
        self.rein = rein
        body = QWidget()
        col = QVBoxLayout(body)
        editable = rein.status == "in_progress"
        self.cards = []
        for item in rein.items:
            card = ResultCard(self.ctx, rein.visit_id, item, editable)
            card.saved.connect(self.show_reinspection)
            self.cards.append(card)
            col.addWidget(card)
        col.addStretch(1)
        self.scroll.setWidget(body)
        self.finish.setEnabled(editable and all(i.outcome for i in rein.items))

    def _finish(self) -> None:
        self.finish.setEnabled(False)
        self.ctx.tasks.write(data.finish_reinspection, self.ctx.store, self.rein.visit_id, owner=self,
                             on_done=self._done, on_error=lambda exc: show_exception(self, exc))

    def _done(self, _result: object) -> None:
        self.finished_visit.emit()
        self.accept()


class DocumentDialog(QDialog):
    """A drafted 通报 or 责任追究建议: edit recipient and wording (one paragraph a line), issue."""

    issued = Signal(str)  # the 文号

    def __init__(self, ctx: AppContext, kind: str, draft: data.DraftDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.kind, self.draft = ctx, kind, draft
        self.number = ""
        self.setWindowTitle(draft.title)
        self.resize(900, 760)
        col = QVBoxLayout(self)
        col.addWidget(label(draft.title, "pageTitle"))
        col.addWidget(label(tr("由记录生成（{n} 个问题）。可修改措辞；签发后编号、冻结，不可再改。", n=draft.count),
                            "help", wrap=True))
        form = QFormLayout()
        self.recipient = QLineEdit(draft.recipient)
        form.addRow(tr("主送"), self.recipient)
        col.addLayout(form)
        self.body = QPlainTextEdit("\n".join(draft.paragraphs))
        col.addWidget(self.body, 1)
        self.status = label("", "muted", wrap=True)
        col.addWidget(self.status)
        row = QHBoxLayout()
        row.addStretch(1)
        self.issue = button(tr("签发"), "primary")
        self.issue.clicked.connect(self._issue)
        row.addWidget(self.issue)
        self.close_button = button(tr("关闭"))
        self.close_button.clicked.connect(self.reject)
        row.addWidget(self.close_button)
        col.addLayout(row)

    def paragraphs(self) -> list[str]:
        return [p for p in self.body.toPlainText().splitlines() if p.strip()]

    def _issue(self) -> None:
        self.issue.setEnabled(False)
        self.status.setText(tr("正在签发…"))
        self.ctx.tasks.write(data.save_and_issue, self.ctx.store, self.draft.notice_id, self.kind,
                             self.recipient.text(), self.paragraphs(), owner=self,
                             on_done=self._issued, on_error=self._failed)

    def _issued(self, number: object) -> None:
        self.number = str(number)
        self.status.setText(tr("已签发：{number}。PDF 已保存在数据目录，文书不可再改。", number=self.number))
        self.body.setReadOnly(True)
        self.recipient.setReadOnly(True)
        self.issued.emit(self.number)

    def _failed(self, exc: BaseException) -> None:
        self.issue.setEnabled(True)
        self.status.setText("")
        show_exception(self, exc)
