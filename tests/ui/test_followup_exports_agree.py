"""The demo's quarter on 跟踪问效: the charts and the XLSX report of the same period say what the
board says, and the workbook reads back with its Chinese sheet names, headers and formats."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from PySide6.QtCharts import QBarCategoryAxis, QBarSeries, QHorizontalBarSeries
from pytestqt.qtbot import QtBot
from test_followup_screen import _screen

from fieldcheck.domain.demo import seed_demo
from fieldcheck.domain.demo_quarter import tell_quarter
from fieldcheck.domain.followup_board import local_zone
from fieldcheck.domain.notice_settings import mark_demo_store
from fieldcheck.domain.reports import BOARD_COLUMNS, build_report, report_xlsx
from fieldcheck.models.coltypes import utcnow
from fieldcheck.store import Store
from fieldcheck.ui.common.context import AppContext
from fieldcheck.ui.followup.charts import _without_shared_place


def _bars(view: object) -> list[tuple[str, int]]:
    """(label, value) of a chart as drawn, top to bottom or left to right."""
    chart = view.chart()  # type: ignore[attr-defined]
    series = chart.series()[0]
    values = [int(v) for v in (series.barSets()[0].at(i) for i in range(series.barSets()[0].count()))]
    axis = next(a for a in chart.axes() if isinstance(a, QBarCategoryAxis))
    pairs = list(zip(axis.categories(), values, strict=True))
    return pairs[::-1] if isinstance(series, QHorizontalBarSeries) else pairs


def test_charts_and_the_xlsx_say_what_the_board_says(qtbot: QtBot, ctx: AppContext, store: Store) -> None:
    mark_demo_store(store.data_dir)
    with store.write() as s:
        seed_demo(s, visits=20, seed=5)
    assert tell_quarter(store)
    screen = _screen(qtbot, ctx)
    board = screen.board
    assert board is not None and board.total > 0 and board.stats.overdue > 0
    flt = screen.current_filter()
    with store.read() as s:
        rep = build_report(s, flt.date_from, flt.date_to, utcnow(), local_zone())  # type: ignore[arg-type]
    book = load_workbook(io.BytesIO(report_xlsx(rep)))
    assert book.sheetnames == ["问题清单", "汇总", "按单位", "按类别", "按检查方式", "按月份", "追责提示"]

    # The findings sheet: the board's rows in the board's order, overdue ones marked and in red.
    sheet = book["问题清单"]
    assert [c.value for c in sheet[1]] == list(BOARD_COLUMNS)
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == board.total
    shown = [(screen.table.item(r, 0).toolTip(), screen.table.item(r, 2).toolTip())
             for r in range(screen.table.rowCount())]
    assert [(r[0], r[2]) for r in rows[:len(shown)]] == shown
    late = [i for i, r in enumerate(rows, start=2) if r[9] == "是"]
    assert len(late) == board.stats.overdue
    assert str(sheet.cell(late[0], 1).font.color.rgb).endswith("B00020")

    # 汇总: the figures of the charts' summary line, the rate as a percentage.
    summary = {r[0]: r[1] for r in book["汇总"].iter_rows(values_only=True)}
    assert summary["问题总数"] == board.stats.total == board.total
    assert (summary["已下达整改通知"], summary["已复查销号"]) == (board.stats.notified, board.stats.verified)
    rate = book["汇总"]["B5"]
    assert rate.number_format == "0.0%" and rate.value == board.stats.rectification_rate
    assert f"问题 {board.stats.total} 个" in screen.stats.summary.text()

    # Each chart: the sheet's counts, largest first (at most the chart's bars).
    charts = {view.chart().title(): view for view in screen.stats.views}
    for title, sheet_name in (("按问题类别", "按类别"), ("按单位", "按单位"), ("按检查方式", "按检查方式"),
                              ("按月份", "按月份")):
        drawn = _bars(charts[title])
        listed = [(str(k), int(n)) for k, n in book[sheet_name].iter_rows(min_row=2, values_only=True)]
        assert [n for _k, n in drawn] == [n for _k, n in listed[:len(drawn)]], title
        for (label, _n), (name, _m) in zip(drawn, listed, strict=False):
            assert label.rstrip("…") in name, (title, label, name)
    assert isinstance(charts["按月份"].chart().series()[0], QBarSeries)


def test_bars_name_units_without_the_city_they_share_but_keep_a_county() -> None:
    names = ["清河市市场监督管理局", "清河市政务服务中心不动产登记综合窗口", "清河县人民政府",
             "清河经济开发区新能源汽车零部件产业园项目", "清河市绿源环保科技有限公司"]
    assert _without_shared_place(names) == [
        "市场监督管理局", "政务服务中心不动产登记综合窗口", "清河县人民政府",
        "清河经济开发区新能源汽车零部件产业园项目", "绿源环保科技有限公司"]
    assert _without_shared_place(["超时限办理", "慢作为"]) == ["超时限办理", "慢作为"]  # categories
    assert _without_shared_place(["清河市行政审批局"]) == ["清河市行政审批局"]  # nothing shared
