"""The visit list: a paged Qt model over a few thousand demo visits, filters and search."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from fieldcheck.domain.demo import seed_demo
from fieldcheck.domain.queries import VisitFilter, count_visits, page_visits
from fieldcheck.models import Visit
from fieldcheck.store import Store, open_store
from fieldcheck.ui.common.context import AppContext
from fieldcheck.ui.common.tasks import Tasks
from fieldcheck.ui.visits.data import StoreLister
from fieldcheck.ui.visits.model import PAGE_SIZE, VisitTableModel
from fieldcheck.ui.visits.screen import VisitsScreen

pytestmark = pytest.mark.gui
VISITS = 2500


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    store = open_store(Path(tmp_path_factory.mktemp("demo")))
    store.set_identity("王建国", "清监字第2026001号")
    with store.write() as s:
        seed_demo(s, visits=VISITS, seed=11)
    yield store
    store.close()


@pytest.fixture
def demo_ctx(qapp: object, demo_store: Store) -> Iterator[AppContext]:
    tasks = Tasks()
    yield AppContext(demo_store, tasks, demo_store.identity(), demo=True)
    tasks.wait()


def load(qtbot: QtBot, model: VisitTableModel, f: VisitFilter) -> None:
    model.set_filter(f)
    qtbot.waitUntil(lambda: not model.loading, timeout=10_000)


def test_pages_are_fetched_as_the_view_needs_them(qtbot: QtBot, demo_ctx: AppContext) -> None:
    model = VisitTableModel(demo_ctx.tasks, StoreLister(demo_ctx.store))
    load(qtbot, model, VisitFilter())
    assert model.total == VISITS
    assert model.rowCount() == PAGE_SIZE
    assert model.canFetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    qtbot.waitUntil(lambda: model.rowCount() == 2 * PAGE_SIZE and not model.loading)
    ids = [r.id for r in model.rows]
    assert len(set(ids)) == len(ids)  # no overlap between the pages
    with demo_ctx.store.read() as s:  # and in the list's order, newest day first
        assert ids == [r.id for r in page_visits(s, VisitFilter(), 0, 2 * PAGE_SIZE)]
    days = [r.planned_for or r.started_at.astimezone().date() for r in model.rows]  # type: ignore[union-attr]
    assert days == sorted(days, reverse=True)


def test_filters_and_chinese_search_narrow_the_rows(qtbot: QtBot, demo_ctx: AppContext) -> None:
    model = VisitTableModel(demo_ctx.tasks, StoreLister(demo_ctx.store))
    load(qtbot, model, VisitFilter(status="cancelled"))
    with demo_ctx.store.read() as s:
        assert model.total == count_visits(s, VisitFilter(status="cancelled"))
    assert 0 < model.total < VISITS
    assert {r.status for r in model.rows} == {"cancelled"}

    load(qtbot, model, VisitFilter(kind="unannounced", text="社保"))
    assert 0 < model.total < VISITS
    assert all(r.kind == "unannounced" and "社保" in r.unit_name for r in model.rows)

    load(qtbot, model, VisitFilter(text="不存在的单位名称"))
    assert model.total == 0 and model.rowCount() == 0
    assert not model.canFetchMore(QModelIndex())


def test_screen_filter_bar_drives_the_model(qtbot: QtBot, demo_ctx: AppContext) -> None:
    screen = VisitsScreen.for_store(demo_ctx)
    qtbot.addWidget(screen)
    screen.resize(1200, 800)
    screen.show()
    screen.load()
    qtbot.waitUntil(lambda: screen.model.total == VISITS and screen.filters.unit.count() > 1)
    screen.table.scrollToBottom()  # the view asks for the next page itself
    qtbot.waitUntil(lambda: screen.model.rowCount() > PAGE_SIZE and not screen.model.loading)

    bar = screen.filters
    bar.kind.setCurrentIndex(bar.kind.findData("project"))
    qtbot.waitUntil(lambda: not screen.model.loading and screen.model.filter.kind == "project")
    assert {r.kind for r in screen.model.rows} == {"project"}

    bar.unit.setCurrentIndex(1)
    bar.emit_filter()
    unit_id = bar.unit.currentData()
    qtbot.waitUntil(lambda: not screen.model.loading and screen.model.filter.unit_id == unit_id)
    assert screen.model.total <= VISITS

    bar.clear()
    today = date.today()
    bar.date_from.setDate(today - timedelta(days=30))
    bar.date_to.setDate(today)
    qtbot.waitUntil(lambda: not screen.model.loading and screen.model.filter.date_to == today)
    assert 0 < screen.model.total < VISITS

    bar.clear()
    bar.search.setText("清河")
    qtbot.waitUntil(lambda: screen.model.filter.text == "清河" and not screen.model.loading)
    # Every demo unit is in 清河市, but an unstarted confidential plan does not tell its unit.
    with demo_ctx.store.read() as s:
        hidden = s.scalar(select(func.count(Visit.id)).where(
            Visit.confidential.is_(True), Visit.started_at.is_(None)))
    assert hidden and screen.model.total == VISITS - hidden

    qtbot.waitUntil(lambda: screen.plan_title.text() != "今日计划")
    assert screen.plan_title.text().startswith("今日计划（")


def test_double_click_opens_the_visit(qtbot: QtBot, demo_ctx: AppContext) -> None:
    screen = VisitsScreen.for_store(demo_ctx)
    qtbot.addWidget(screen)
    screen.show()
    screen.load()
    qtbot.waitUntil(lambda: screen.model.rowCount() > 0)
    with qtbot.waitSignal(screen.open_visit) as opened:
        screen.table.doubleClicked.emit(screen.model.index(3, 0))
    assert opened.args == [screen.model.rows[3].id]
