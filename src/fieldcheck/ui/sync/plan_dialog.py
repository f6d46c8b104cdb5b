"""为检查组安排计划: a leader (own team) or the bureau (any team) plans a visit: unit, kind,
template, date, team, confidential. It syncs to that team's laptops only."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from fieldcheck.domain.planning import TeamPlan
from fieldcheck.errors import ValidationError
from fieldcheck.i18n import tr
from fieldcheck.models import VisitKind
from fieldcheck.ui.common.context import AppContext
from fieldcheck.ui.common.labels import kinds
from fieldcheck.ui.common.widgets import button, card, label
from fieldcheck.ui.sync import data


class PlanDialog(QDialog):
    planned = Signal(str)  # visit id

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(tr("为检查组安排计划"))
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 14)
        layout.setSpacing(10)
        layout.addWidget(label(tr("为检查组安排计划"), "pageTitle"))
        layout.addWidget(label(tr("计划同步后只发给所选检查组的电脑。保密（暗访）计划在检查开始前，"
                                  "列表中不显示被检查单位的名称。"), "help", wrap=True))
        frame = card()
        form = QFormLayout(frame)
        form.setContentsMargins(14, 12, 14, 12)
        self.unit = QComboBox()
        self.unit.setEditable(True)
        self.unit.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.kind = QComboBox()
        for key, name in kinds():
            self.kind.addItem(name, key)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.template = QComboBox()
        self.day = QDateEdit(QDate.currentDate())
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("yyyy-MM-dd")
        self.day.setMinimumDate(QDate.currentDate())
        self.team = QComboBox()
        self.team.setEditable(True)
        self.title_edit = QLineEdit()
        self.title_edit.setPlaceholderText(tr("可不填"))
        self.confidential = QCheckBox(tr("保密：只发给该检查组，检查开始前不显示单位名称"))
        form.addRow(tr("被检查单位"), self.unit)
        form.addRow(tr("检查类型"), self.kind)
        form.addRow(tr("检查模板"), self.template)
        form.addRow(tr("计划日期"), self.day)
        form.addRow(tr("检查组"), self.team)
        form.addRow(tr("标题"), self.title_edit)
        form.addRow("", self.confidential)
        layout.addWidget(frame)
        self.error = label("", "failedTag", wrap=True)
        self.error.hide()
        layout.addWidget(self.error)
        row = QHBoxLayout()
        row.addStretch(1)
        cancel = button(tr("取消"))
        cancel.clicked.connect(self.reject)
        self.ok = button(tr("保存计划"), "primary")
        self.ok.setEnabled(False)
        self.ok.clicked.connect(self.submit)
        row.addWidget(cancel)
        row.addWidget(self.ok)
        layout.addLayout(row)
        self._kind_changed()
        ctx.tasks.run(data.plan_choices, ctx.store, owner=self, on_done=self._show_choices)

    def _kind_changed(self) -> None:
        self.confidential.setChecked(self.kind.currentData() == VisitKind.UNANNOUNCED)

    def _show_choices(self, choices: data.PlanChoices) -> None:
        for unit_id, name in choices.units:
            self.unit.addItem(name, unit_id)
        self.unit.setCurrentIndex(-1)
        for version_id, title in choices.templates:
            self.template.addItem(title, version_id)
        self.team.addItems(choices.teams)
        self.team.setEditable(choices.role != "leader")
        if choices.role == "leader":
            self.team.setCurrentText(choices.own_team)
        else:
            self.team.setCurrentIndex(-1)
        self.ok.setEnabled(True)

    def form(self) -> TeamPlan:
        unit_index = self.unit.findText(self.unit.currentText().strip())
        unit_id = self.unit.itemData(unit_index) if unit_index >= 0 else ""
        return TeamPlan(unit_id=unit_id or "", kind=self.kind.currentData(),
                        template_version_id=self.template.currentData(),
                        planned_for=date.fromisoformat(self.day.date().toString("yyyy-MM-dd")),
                        team=self.team.currentText().strip(), confidential=self.confidential.isChecked(),
                        title=self.title_edit.text().strip())

    def submit(self) -> None:
        self.ok.setEnabled(False)
        self.ctx.tasks.write(data.plan, self.ctx.store, self.form(), owner=self,
                             on_done=self._planned, on_error=self._failed)

    def _planned(self, visit_id: str) -> None:
        self.planned.emit(visit_id)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.ok.setEnabled(True)
        if isinstance(exc, ValidationError):
            self.error.setText("\n".join([str(exc), *exc.problems]))
            self.error.show()
            return
        from fieldcheck.ui.common.errors import show_exception

        show_exception(self, exc)
