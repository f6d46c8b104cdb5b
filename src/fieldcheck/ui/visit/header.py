"""The visit header: who is inspected, how, since when, how far along, and the lifecycle
buttons (开始检查 / 结束检查 / 重新打开)."""

from __future__ import annotations

from datetime import datetime
from importlib.util import find_spec

from PySide6.QtWidgets import QFrame, QHBoxLayout, QProgressBar, QVBoxLayout, QWidget

from fieldcheck.domain.checklist import ChecklistState
from fieldcheck.i18n import tr
from fieldcheck.models import VisitStatus
from fieldcheck.ui.common.style import ACCENT, NAVY, STATUS_COLOURS
from fieldcheck.ui.common.widgets import Badge, button, label
from fieldcheck.ui.visit.data import VisitInfo

NOTICES_AVAILABLE = find_spec("fieldcheck.ui.notices") is not None


def local_time(moment: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return moment.astimezone().strftime(fmt) if moment else ""


class VisitHeader(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("headerCard")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 12, 18, 12)
        layout.setSpacing(6)
        layout.addLayout(self._title_row())
        self.facts = label("", "muted", wrap=True)
        layout.addWidget(self.facts)
        layout.addLayout(self._progress_row())

    def _title_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setSpacing(10)
        self.back = button(tr("← 返回列表"), "link")
        row.addWidget(self.back)
        self.unit = label("", "unitTitle")
        row.addWidget(self.unit)
        self.kind = Badge()
        self.status = Badge()
        self.secret = Badge(tr("保密"), ACCENT)
        self.secret.setToolTip(tr("暗访计划保密，仅检查组可见"))
        for badge in (self.kind, self.status, self.secret):
            row.addWidget(badge)
        row.addStretch(1)
        self.start = button(tr("开始检查"), "primary")
        self.finish = button(tr("结束检查"), "primary")
        self.reopen = button(tr("重新打开…"))
        self.reopen.setToolTip(tr("重新打开已结束的检查（须填写理由，将被记录）"))
        self.notices = button(tr("文书…"), tip=tr("现场检查记录、整改通知书等：签名、签发、打印"))
        self.notices.setVisible(False)
        self.reschedule = button(tr("改期…"))
        self.reschedule.setToolTip(tr("把尚未开始的计划检查改到另一天（须填写理由，将被记录）"))
        self.cancel = button(tr("取消检查…"), "danger")
        self.cancel.setToolTip(tr("检查不再进行（须填写理由，将被记录）；已记录的内容保留"))
        for widget in (self.cancel, self.reschedule, self.notices, self.start, self.finish, self.reopen):
            row.addWidget(widget)
        return row

    def _progress_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setSpacing(12)
        self.progress_text = label("", "bigNumber")
        self.bar = QProgressBar()
        self.bar.setTextVisible(False)
        self.bar.setFixedWidth(220)
        self.bar.setFixedHeight(8)
        self.score = label("", "bigNumber")
        self.failed = label("", "failedTag")
        row.addWidget(self.progress_text)
        row.addWidget(self.bar)
        row.addSpacing(16)
        row.addWidget(self.score)
        row.addSpacing(16)
        row.addWidget(self.failed)
        row.addStretch(1)
        return row

    def show_visit(self, info: VisitInfo) -> None:
        self.unit.setText(info.unit_name)
        self.kind.show_text(info.kind_name, NAVY)
        self.status.show_text(info.status_name, STATUS_COLOURS.get(info.status, "#666"))
        self.secret.setVisible(info.confidential)
        facts = [tr("模板：{t}", t=info.template_title or "—")]
        if info.place:
            facts.append(tr("地点：{p}", p=info.place))
        if info.members:
            facts.append(tr("检查组：{names}", names="、".join(info.members)))
        if info.started_at:
            facts.append(tr("开始：{t}", t=local_time(info.started_at)))
        if info.ended_at and info.status == VisitStatus.COMPLETED:
            facts.append(tr("结束：{t}", t=local_time(info.ended_at, "%H:%M")))
        if info.planned_for and not info.started_at:
            facts.append(tr("计划日期：{d}", d=info.planned_for.isoformat()))
        self.facts.setText("　·　".join(facts))
        self.start.setVisible(info.status == VisitStatus.PLANNED)
        self.finish.setVisible(info.status == VisitStatus.IN_PROGRESS)
        self.reopen.setVisible(info.status == VisitStatus.COMPLETED)
        self.cancel.setVisible(info.status in (VisitStatus.PLANNED, VisitStatus.IN_PROGRESS))
        self.reschedule.setVisible(info.status == VisitStatus.PLANNED)
        self.notices.setVisible(NOTICES_AVAILABLE and info.status in (
            VisitStatus.IN_PROGRESS, VisitStatus.COMPLETED))

    def show_checklist(self, state: ChecklistState) -> None:
        p = state.progress
        self.progress_text.setText(tr("已答 {answered} / 必答 {required}",
                                      answered=p.required_answered, required=p.required)
                                   + "　" + tr("（共答 {n}/{total} 项）", n=p.answered, total=p.total_visible))
        self.bar.setRange(0, max(p.required, 1))
        self.bar.setValue(p.required_answered if p.required else 1)
        percent = state.score.percent
        self.score.setText(tr("得分 {earned:g} / {possible:g}（{pct:.0f}%）", earned=state.score.earned,
                              possible=state.score.possible, pct=percent)
                           if percent is not None else tr("得分 —"))
        n = len(state.failed_keys)
        self.failed.setText(tr("不合格 {n} 项", n=n) if n else "")
