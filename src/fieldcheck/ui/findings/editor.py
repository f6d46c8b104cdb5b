"""The finding editor (问题): every field of a finding, and its evidence photos.

Saving is asked for with `save_requested`; the panel writes in the background and closes the
editor only when the store has accepted it, so a refused save keeps what was typed.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QDate, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from fieldcheck.domain.findings import categories
from fieldcheck.i18n import tr
from fieldcheck.ui.checklist.editors import TYPING_PAUSE_MS
from fieldcheck.ui.common.dates import DateTimeField
from fieldcheck.ui.common.guard import GuardedDialog
from fieldcheck.ui.common.labels import severities
from fieldcheck.ui.common.widgets import button, label
from fieldcheck.ui.findings.data import FindingRow
from fieldcheck.ui.photos.data import PhotoRow

DEFAULT_DEADLINE_DAYS = 15


def _text_box(lines: int, placeholder: str) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setTabChangesFocus(True)
    box.setPlaceholderText(placeholder)
    box.setFixedHeight(box.fontMetrics().lineSpacing() * lines + 14)
    return box


class FindingEditor(GuardedDialog):
    save_requested = Signal(object, dict, list)  # finding id or None, fields, photo ids
    draft_changed = Signal(object, dict, list)  # the same, while typing (kept on the laptop)
    add_photos_requested = Signal()

    def __init__(self, finding: FindingRow | None, items: list[tuple[str, str]],
                 photos: list[PhotoRow], icons: dict[str, QIcon], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.finding_id = finding.id if finding else None
        self.linked = set(finding.photo_ids) if finding else set()
        self.setWindowTitle(tr("编辑问题") if finding else tr("记录问题"))
        self._start: tuple[dict[str, Any], list[str]] = ({}, [])
        self.resize(780, 760)
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        form.setVerticalSpacing(8)
        self._fields(form, items)
        layout.addLayout(form)
        layout.addLayout(self._photo_header())
        self.photos = QListWidget()
        self.photos.setViewMode(QListView.ViewMode.IconMode)
        self.photos.setIconSize(QSize(112, 84))
        self.photos.setGridSize(QSize(132, 120))
        self.photos.setResizeMode(QListView.ResizeMode.Adjust)
        self.photos.setFixedHeight(150)
        layout.addWidget(self.photos)
        self.no_photos = label(tr("本次检查还没有照片。可点击“导入新照片…”，导入后勾选。"), "muted")
        layout.addWidget(self.no_photos)
        self.set_photos(photos, icons)
        box = QDialogButtonBox()
        self.ok = box.addButton(tr("保存问题"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok.setObjectName("primary")
        box.addButton(tr("取消"), QDialogButtonBox.ButtonRole.RejectRole)
        box.accepted.connect(self.save)
        box.rejected.connect(self.reject)
        layout.addWidget(box)
        if finding is not None:
            self.fill(finding.fields())
        self.read_only = False
        self.mark_clean()
        self._watch_changes()

    def mark_clean(self) -> None:
        """What the form holds now is the starting point (a saved finding or a suggestion)."""
        self._start = (self.values(), sorted(self.photo_ids()))

    def has_unsaved(self) -> bool:
        return not self.read_only and (self.values(), sorted(self.photo_ids())) != self._start

    def can_keep_draft(self) -> bool:
        return self.ok.isEnabled()

    def set_read_only(self) -> None:
        """A finding of a finished visit: shown, not edited (and looking so)."""
        self.read_only = True
        self.ok.setEnabled(False)
        for box in (self.description, self.legal_basis, self.requirement):
            box.setReadOnly(True)
        self.responsible.setReadOnly(True)
        for widget in (self.category, self.severity, self.item, self.has_deadline, self.deadline,
                       self.photos):
            widget.setEnabled(False)

    def _watch_changes(self) -> None:
        """Keep what is typed (throttled like the checklist), so a crash loses nothing."""
        self._draft_timer = QTimer(self, singleShot=True, interval=TYPING_PAUSE_MS)
        self._draft_timer.timeout.connect(self.keep_draft)
        self.finished.connect(lambda _r: self._draft_timer.stop())  # closed: nothing more to keep

        def touched(*_args: object) -> None:
            if not self._draft_timer.isActive():
                self._draft_timer.start()

        for box in (self.description, self.legal_basis, self.requirement):
            box.textChanged.connect(touched)
        self.responsible.textEdited.connect(touched)
        for combo in (self.category, self.severity, self.item):
            combo.currentIndexChanged.connect(touched)
        self.has_deadline.toggled.connect(touched)
        self.deadline.dateChanged.connect(touched)
        self.photos.itemChanged.connect(touched)

    def keep_draft(self) -> None:
        self._draft_timer.stop()
        if self.ok.isEnabled():  # not while saving or read-only
            self.draft_changed.emit(self.finding_id, self.values(), self.photo_ids())

    def _fields(self, form: QFormLayout, items: list[tuple[str, str]]) -> None:
        self.category = QComboBox()
        self.category.addItem(tr("（请选择类别）"), "")
        for cat in categories():
            self.category.addItem(tr(cat.name), cat.key)
        self.severity = QComboBox()
        for key, name in severities():
            self.severity.addItem(name, key)
        self.description = _text_box(4, tr("看到了什么：时间、地点、人员、事实经过"))
        self.legal_basis = _text_box(2, tr("违反的法规、制度条款"))
        self.responsible = QLineEdit()
        self.responsible.setPlaceholderText(tr("例如：综合窗口 工作人员 张某"))
        self.item = QComboBox()
        self.item.addItem(tr("（不关联）"), "")
        for key, text in items:
            self.item.addItem(text, key)
        self.requirement = _text_box(2, tr("整改要求，例如：立即整改，并书面报送整改情况"))
        self.has_deadline = QCheckBox(tr("设定整改期限"))
        self.deadline = DateTimeField("yyyy-MM-dd")
        self.deadline.setDate(QDate.currentDate().addDays(DEFAULT_DEADLINE_DAYS))
        self.deadline.setEnabled(False)
        self.has_deadline.toggled.connect(self.deadline.setEnabled)
        deadline_row = QHBoxLayout()
        deadline_row.setSpacing(12)
        deadline_row.addWidget(self.has_deadline)
        deadline_row.addWidget(self.deadline)
        deadline_row.addStretch(1)
        form.addRow(tr("问题类别"), self.category)
        form.addRow(tr("严重程度"), self.severity)
        form.addRow(tr("问题描述"), self.description)
        form.addRow(tr("依据"), self.legal_basis)
        form.addRow(tr("责任岗位/人员"), self.responsible)
        form.addRow(tr("关联检查条目"), self.item)
        form.addRow(tr("整改要求"), self.requirement)
        form.addRow(tr("整改期限"), deadline_row)

    def _photo_header(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addWidget(label(tr("证据照片（勾选作为本问题的证据）"), "sectionTitle"))
        row.addStretch(1)
        add = button(tr("导入新照片…"))
        add.clicked.connect(self.add_photos_requested)
        row.addWidget(add)
        return row

    def set_photos(self, photos: list[PhotoRow], icons: dict[str, QIcon],
                   check: set[str] | None = None) -> None:
        """(Re)fill the evidence picker, keeping ticks, ticking `check` (new imports)."""
        # The first fill ticks the saved evidence; a refill keeps what the inspector ticked.
        ticked = (set(self.photo_ids()) if self.photos.count() else self.linked) | (check or set())
        self.photos.clear()
        for photo in photos:
            item = QListWidgetItem(icons.get(photo.sha256, QIcon()), photo.title)
            item.setData(Qt.ItemDataRole.UserRole, photo.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if photo.id in ticked else Qt.CheckState.Unchecked)
            if photo.id in self.linked:
                item.setToolTip(tr("已作为本问题的证据；取消勾选即解除关联"))
            self.photos.addItem(item)
        self.no_photos.setVisible(not photos)

    def check_photos(self, photo_ids: list[str]) -> None:
        """Tick exactly these photos (a restored draft)."""
        wanted = set(photo_ids)
        for n in range(self.photos.count()):
            item = self.photos.item(n)
            state = Qt.CheckState.Checked if item.data(Qt.ItemDataRole.UserRole) in wanted else Qt.CheckState.Unchecked
            item.setCheckState(state)

    def photo_ids(self) -> list[str]:
        return [self.photos.item(n).data(Qt.ItemDataRole.UserRole) for n in range(self.photos.count())
                if self.photos.item(n).checkState() == Qt.CheckState.Checked]

    def fill(self, fields: dict[str, Any]) -> None:
        """Put finding fields (a saved finding, or a suggestion) into the form."""
        self.category.setCurrentIndex(max(self.category.findData(fields.get("category") or ""), 0))
        self.severity.setCurrentIndex(max(self.severity.findData(fields.get("severity") or "minor"), 0))
        self.description.setPlainText(str(fields.get("description") or ""))
        self.legal_basis.setPlainText(str(fields.get("legal_basis") or ""))
        self.responsible.setText(str(fields.get("responsible") or ""))
        self.item.setCurrentIndex(max(self.item.findData(fields.get("item_key") or ""), 0))
        self.requirement.setPlainText(str(fields.get("requirement") or ""))
        deadline = fields.get("deadline")
        if isinstance(deadline, date):
            self.deadline.setDate(QDate(deadline.year, deadline.month, deadline.day))
        self.has_deadline.setChecked(isinstance(deadline, date) or bool(fields.get("requirement")))

    def values(self) -> dict[str, Any]:
        picked = self.deadline.date()
        return {
            "category": self.category.currentData() or "",
            "severity": self.severity.currentData(),
            "description": self.description.toPlainText().strip(),
            "legal_basis": self.legal_basis.toPlainText().strip(),
            "responsible": self.responsible.text().strip(),
            "item_key": self.item.currentData() or "",
            "requirement": self.requirement.toPlainText().strip(),
            "deadline": date(picked.year(), picked.month(), picked.day())
            if self.has_deadline.isChecked() else None,
        }

    def save(self) -> None:
        self._draft_timer.stop()
        self.ok.setEnabled(False)
        self.save_requested.emit(self.finding_id, self.values(), self.photo_ids())

    def save_failed(self) -> None:
        self.ok.setEnabled(True)

    def saved(self) -> None:
        self.done(QDialog.DialogCode.Accepted)
