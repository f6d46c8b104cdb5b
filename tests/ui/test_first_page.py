"""The visit list's first page, read with sqlite3 before the ORM is loaded, is the ORM's list."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from fieldcheck.datadir import DB_NAME
from fieldcheck.domain.demo import seed_demo
from fieldcheck.domain.visit_list import VisitFilter
from fieldcheck.store import SCHEMA_HEAD, Store, open_store
from fieldcheck.ui.boot import read_first_screen
from fieldcheck.ui.common.context import AppContext
from fieldcheck.ui.common.tasks import Tasks
from fieldcheck.ui.main_window import MainWindow
from fieldcheck.ui.visits.data import FileLister, StoreLister

pytestmark = pytest.mark.gui


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    store = open_store(Path(tmp_path_factory.mktemp("city")))
    store.set_identity("王建国", "清监字第2026001号")
    with store.write() as s:
        seed_demo(s, visits=800, seed=5)
    yield store
    store.close()


def _filters() -> list[VisitFilter]:
    today = date.today()
    return [
        VisitFilter(),
        VisitFilter(status="planned"),
        VisitFilter(status="completed", kind="unannounced"),
        VisitFilter(text="局"),
        VisitFilter(date_from=today - timedelta(days=60), date_to=today),
        VisitFilter(planned_on=today, status="planned"),
    ]


def test_both_listers_read_the_same_rows(city: Store) -> None:
    file = FileLister.open(city.path, SCHEMA_HEAD)
    orm = StoreLister(city)
    assert file is not None
    shown = []
    for f in _filters():
        first = file.first_page(f, 100)
        assert first == orm.first_page(f, 100), f
        if first.rows:  # the next page, by key, as scrolling asks for it
            after = first.rows[-1].id
            assert file.page(f, after, 100) == orm.page(f, after, 100), f
        shown += first.rows
    assert file.todays_plan(date.today()) == orm.todays_plan(date.today())
    assert file.in_progress() == orm.in_progress()
    # The comparison covered what could drift: dates, times, counts, the hidden unit.
    assert any(r.finding_count for r in shown) and any(r.started_at for r in shown)
    assert any(r.planned_for for r in shown)
    assert any(r.confidential and r.started_at is None and r.unit_name.startswith("保密单位")
               for r in shown)
    assert file.todays_plan(date.today()) != []


def test_a_store_of_another_schema_version_is_not_read_early(city: Store, tmp_path: Path) -> None:
    assert FileLister.open(city.path, "0001") is None
    assert FileLister.open(tmp_path / DB_NAME, SCHEMA_HEAD) is None  # and no file is made
    assert not (tmp_path / DB_NAME).exists()


def test_the_first_screen_shows_without_importing_sqlalchemy(city: Store) -> None:
    script = textwrap.dedent("""
        import sys
        from pathlib import Path
        from fieldcheck.ui.app import make_application
        from fieldcheck.ui.boot import read_first_screen
        from fieldcheck.ui.common.tasks import Tasks
        from fieldcheck.ui.main_window import MainWindow

        app = make_application()
        window = MainWindow()
        window.show()
        window.show_first_screen(Tasks(app), read_first_screen(Path(sys.argv[1])))
        app.processEvents()
        loaded = sorted(m for m in sys.modules if m.split(".")[0] == "sqlalchemy")
        print(window.visits.model.rowCount(), window.visits.model.total, len(loaded))
    """)
    out = subprocess.run([sys.executable, "-c", script, str(city.data_dir)], check=True,
                         capture_output=True, text=True, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    rows, total, sqlalchemy_modules = map(int, out.stdout.split())
    assert rows == 200 and total == 800 and sqlalchemy_modules == 0


def test_a_visit_opened_before_the_store_is_ready_opens_once_it_is(
    qtbot: QtBot, city: Store
) -> None:
    tasks = Tasks()
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    first = read_first_screen(city.data_dir)
    assert first is not None
    window.show_first_screen(tasks, first)
    assert window.visits is not None
    row = window.visits.model.rows[3]

    window.visits.open_visit.emit(row.id)  # double-clicked while the ORM still loads
    window.visits.start_requested.emit()  # …then 开始检查…: the last request wins
    window.visits.open_visit.emit(row.id)
    assert window.workspace is None and window.ctx is None
    assert "稍候" in window.visits.busy.text()

    window.attach(AppContext(city, tasks, city.identity()))
    assert window.workspace is not None and window.workspace.visit_id == row.id
    assert window.start_dialog is None
    window.close()
    tasks.wait()


def test_the_list_switches_to_the_store_once_it_is_open(qtbot: QtBot, city: Store) -> None:
    tasks = Tasks()
    window = MainWindow()
    qtbot.addWidget(window)
    first = read_first_screen(city.data_dir)
    assert first is not None
    window.show_first_screen(tasks, first)
    assert window.visits is not None
    shown = list(window.visits.model.rows)
    window.attach(AppContext(city, tasks, city.identity()))
    assert isinstance(window.visits.model.lister, StoreLister)
    assert window.visits.model.rows == shown  # nothing re-read, nothing lost
    window.visits.model.reload()
    qtbot.waitUntil(lambda: not window.visits.model.loading and len(window.visits.model.rows) == 200)
    assert window.visits.model.rows == shown
    window.close()
    tasks.wait()
