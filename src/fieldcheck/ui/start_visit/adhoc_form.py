"""The ad-hoc visit form: unit (searched, or added in the field), kind, template, team, place."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractButton,
    QButtonGroup,
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from fieldcheck.i18n import tr
from fieldcheck.ui.common.context import AppContext
from fieldcheck.ui.common.guard import ignore_for_unsaved
from fieldcheck.ui.common.labels import kind_name
from fieldcheck.ui.common.widgets import button
from fieldcheck.ui.start_visit import data
from fieldcheck.ui.start_visit.data import Choices, TemplateChoice, UnitChoice

KIND_ORDER = ("open", "unannounced", "project", "reinspection")  # 明查 暗访 专项 复查
ID_ROLE = Qt.ItemDataRole.UserRole


class AdHocForm(QWidget):
    units_shown = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.templates: list[TemplateChoice] = []
        self.me: str | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(12, 12, 12, 12)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        form.setVerticalSpacing(12)
        outer.addLayout(form)
        outer.addStretch(1)
        form.addRow(tr("被检查单位"), self._unit_picker())
        form.addRow(tr("检查类型"), self._kind_row())
        self.template = QComboBox()
        self.template.setMinimumWidth(360)
        form.addRow(tr("检查模板"), self.template)
        self.members = QListWidget()
        self.members.setFixedHeight(120)
        form.addRow(tr("检查组成员"), self.members)
        self.place = QLineEdit()
        self.place.setPlaceholderText(tr("例如：一楼综合服务大厅"))
        form.addRow(tr("检查地点"), self.place)
        self._search_timer = QTimer(self, singleShot=True, interval=200)
        self._search_timer.timeout.connect(self.search_units)
        self.unit_search.textChanged.connect(lambda _t: self._search_timer.start())

    def _unit_picker(self) -> QWidget:
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(6)
        row = QHBoxLayout()
        self.unit_search = ignore_for_unsaved(QLineEdit())
        self.unit_search.setPlaceholderText(tr("输入单位名称中的任意文字搜索"))
        self.unit_search.setClearButtonEnabled(True)
        self.new_unit_button = button(tr("新增单位…"), "link")
        self.new_unit_button.clicked.connect(self._toggle_new_unit)
        row.addWidget(self.unit_search, 1)
        row.addWidget(self.new_unit_button)
        column.addLayout(row)
        self.units = QListWidget()
        self.units.setFixedHeight(140)
        column.addWidget(self.units)
        column.addWidget(self._new_unit_row())
        return box

    def _new_unit_row(self) -> QFrame:
        self.new_unit = QFrame()
        self.new_unit.setObjectName("card")
        row = QHBoxLayout(self.new_unit)
        row.setContentsMargins(8, 6, 8, 6)
        self.new_unit_name = QLineEdit()
        self.new_unit_name.setPlaceholderText(tr("新单位全称"))
        self.new_unit_kind = QComboBox()
        for key, name in data.UNIT_KIND_NAMES.items():
            self.new_unit_kind.addItem(tr(name), key)
        add = button(tr("添加"), "primary")
        add.clicked.connect(self.add_unit)
        self.new_unit_name.returnPressed.connect(self.add_unit)
        row.addWidget(self.new_unit_name, 1)
        row.addWidget(self.new_unit_kind)
        row.addWidget(add)
        self.new_unit.hide()
        return self.new_unit

    def _kind_row(self) -> QWidget:
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(16)
        self.kinds = QButtonGroup(self)
        self.kind_buttons: dict[str, QRadioButton] = {}
        for key in KIND_ORDER:
            radio = QRadioButton(kind_name(key))
            self.kinds.addButton(radio)
            self.kind_buttons[key] = radio
            row.addWidget(radio)
        row.addStretch(1)
        self.kind_buttons["unannounced"].setChecked(True)
        self.kinds.buttonToggled.connect(self._kind_toggled)
        return box

    def show_choices(self, choices: Choices) -> None:
        self.templates = choices.templates
        self.me = choices.me
        self._fill_templates()
        self.members.clear()
        for person in choices.inspectors:
            text = f"{person.name}　{person.team}" if person.team else person.name
            item = QListWidgetItem(text)
            item.setData(ID_ROLE, person.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            mine = person.id == choices.me
            item.setCheckState(Qt.CheckState.Checked if mine else Qt.CheckState.Unchecked)
            self.members.addItem(item)
        self.search_units()

    def _kind_toggled(self, _button: QAbstractButton, checked: bool) -> None:
        if checked:
            self._fill_templates()

    def kind(self) -> str:
        return next(k for k, b in self.kind_buttons.items() if b.isChecked())

    def _fill_templates(self) -> None:
        kind = self.kind()
        self.template.clear()
        fitting = [t for t in self.templates if not t.kinds or kind in t.kinds]
        for choice in fitting or self.templates:
            self.template.addItem(f"{choice.title}（v{choice.version}）", choice.id)

    def search_units(self) -> None:
        self.ctx.tasks.run(data.find_units, self.ctx.store, self.unit_search.text().strip(),
                           owner=self, on_done=self._show_units)

    def _show_units(self, units: list[UnitChoice], select: str | None = None) -> None:
        current = select or self.unit_id()
        self.units.clear()
        for unit in units:
            item = QListWidgetItem(f"{unit.name}　[{tr(data.UNIT_KIND_NAMES.get(unit.kind, unit.kind))}]")
            item.setData(ID_ROLE, unit.id)
            self.units.addItem(item)
            if unit.id == current:
                self.units.setCurrentItem(item)
        if self.units.currentItem() is None and self.units.count() == 1:
            self.units.setCurrentRow(0)
        self.units_shown.emit()

    def _toggle_new_unit(self) -> None:
        self.new_unit.setVisible(not self.new_unit.isVisible())
        if self.new_unit.isVisible():
            self.new_unit_name.setText(self.unit_search.text())
            self.new_unit_name.setFocus()

    def add_unit(self) -> None:
        name = self.new_unit_name.text().strip()
        kind = self.new_unit_kind.currentData()
        self.ctx.tasks.write(data.add_unit, self.ctx.store, name, kind, owner=self,
                             on_done=self._unit_added)

    def _unit_added(self, unit: UnitChoice) -> None:
        self.new_unit.hide()
        self.unit_search.blockSignals(True)
        self.unit_search.setText(unit.name)
        self.unit_search.blockSignals(False)
        self._show_units([unit], select=unit.id)

    def unit_id(self) -> str | None:
        item = self.units.currentItem()
        return item.data(ID_ROLE) if item else None

    def member_ids(self) -> list[str]:
        return [self.members.item(n).data(ID_ROLE) for n in range(self.members.count())
                if self.members.item(n).checkState() == Qt.CheckState.Checked]

    def plan(self) -> dict[str, Any]:
        """Keyword arguments of start_new_visit; the domain checks them."""
        members = self.member_ids()
        return {
            "unit_id": self.unit_id() or "",
            "kind": self.kind(),
            "template_version_id": self.template.currentData(),
            "member_ids": members,
            "lead_inspector_id": self.me if self.me in members else (members[0] if members else None),
            "place": self.place.text().strip(),
        }
