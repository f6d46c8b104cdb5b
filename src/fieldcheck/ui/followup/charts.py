"""Statistics as QtCharts bar charts: the same numbers as the board and the XLSX."""

from __future__ import annotations

from collections import Counter

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QValueAxis,
)
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QPainter
from PySide6.QtWidgets import QGridLayout, QLabel, QWidget

from fieldcheck.domain.followup_board import Statistics
from fieldcheck.i18n import tr

BAR = QColor("#2f6ea5")
MAX_BARS = 8  # the rest is in the table and the XLSX


def _short(text: str, width: int = 14) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


DIVISIONS = "省市县区州盟旗"  # the characters that end a place name (清河市, 清河县, 开发区)
PLACE_WITHIN = 6  # a place name at the start of a unit's name is at most this long


def _place(name: str) -> str:
    """清河市市场监督管理局 → 清河市; 清河县人民政府 → 清河县; no place at its start → ""."""
    for i, char in enumerate(name[:PLACE_WITHIN]):
        if char in DIVISIONS and i > 0:
            return name[: i + 1]
    return ""


def _without_shared_place(names: list[str]) -> list[str]:
    """The place most of the names start with is dropped from those names, so a bar says
    which body it is: 清河市市场监督管理局 → 市场监督管理局, while 清河县人民政府 keeps its 县
    (a different body from the city's) and a name with no such place stays whole."""
    counts = Counter(p for p in map(_place, names) if p)
    shared = [p for p, n in counts.most_common() if n >= 2]
    if not shared:
        return names
    place = shared[0]
    return [n[len(place):] if n.startswith(place) and len(n) > len(place) else n for n in names]


def bar_chart(title: str, pairs: list[tuple[str, int]], horizontal: bool) -> QChartView:
    pairs = pairs[:MAX_BARS]
    if horizontal:  # long names: keep the part that tells them apart
        pairs = list(zip(_without_shared_place([n for n, _ in pairs]), [c for _, c in pairs], strict=True))
    chart = QChart()
    chart.setTitle(title)
    chart.legend().hide()
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    bars = QBarSet(title)
    bars.setColor(BAR)
    labels = []
    for name, n in (reversed(pairs) if horizontal else pairs):
        bars.append(n)
        labels.append(_short(name))
    series = QHorizontalBarSeries() if horizontal else QBarSeries()
    series.append(bars)
    series.setLabelsVisible(True)
    chart.addSeries(series)
    names = QBarCategoryAxis()
    names.append(labels)
    small = QFont(names.labelsFont())
    small.setPointSizeF(8.5)
    names.setLabelsFont(small)  # overlapping labels would be elided to "…"
    values = QValueAxis()
    values.setLabelFormat("%d")
    top = max([n for _, n in pairs] + [1])
    step = max(1, -(-top // 5))  # whole numbers on the axis: at most six ticks
    values.setRange(0, step * -(-top // step))
    values.setTickCount(-(-top // step) + 1)
    if horizontal:
        chart.addAxis(names, Qt.AlignmentFlag.AlignLeft)
        chart.addAxis(values, Qt.AlignmentFlag.AlignBottom)
    else:
        chart.addAxis(names, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(values, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(names)
    series.attachAxis(values)
    view = QChartView(chart)
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setMinimumHeight(300)
    return view


class StatisticsView(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.grid = QGridLayout(self)
        self.summary = QLabel()
        self.summary.setObjectName("sectionTitle")
        self.summary.setWordWrap(True)
        self.grid.addWidget(self.summary, 0, 0, 1, 2)
        self.views: list[QChartView] = []

    def show_statistics(self, stats: Statistics) -> None:
        for view in self.views:
            self.grid.removeWidget(view)
            view.deleteLater()
        rate = "—" if stats.rectification_rate is None else f"{stats.rectification_rate:.0%}"
        mean = "—" if stats.mean_days_to_rectify is None else f"{stats.mean_days_to_rectify:.1f}"
        self.summary.setText(tr(
            "问题 {total} 个；已下达整改通知 {notified} 个，复查销号 {verified} 个；整改率 {rate}；"
            "平均整改用时 {mean} 天", total=stats.total, notified=stats.notified,
            verified=stats.verified, rate=rate, mean=mean))
        self.views = [
            bar_chart(tr("按问题类别"), stats.by_category, True),
            bar_chart(tr("按单位"), stats.by_unit, True),
            bar_chart(tr("按月份"), stats.by_month, False),
            bar_chart(tr("按检查方式"), stats.by_visit_kind, False),
        ]
        for k, view in enumerate(self.views):
            self.grid.addWidget(view, 1 + k // 2, k % 2)
