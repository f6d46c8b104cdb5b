"""Shared test setup: Qt runs offscreen; fixtures give a real store in a temporary folder."""

from __future__ import annotations

import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("FIELDCHECK_LANG", "zh")

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

from own_issuer import configure_bureau

# Shared CI machines are noisy: a property test fails on a wrong answer, never on a slow one.
hypothesis_settings.register_profile("fieldcheck", deadline=None)
hypothesis_settings.load_profile("fieldcheck")

from fieldcheck import templates as tpl
from fieldcheck.domain.checklist import publish_template
from fieldcheck.domain.people import add_unit
from fieldcheck.domain.visits import start_new_visit
from fieldcheck.store import Store, open_store

TEMPLATE_FILE = Path(__file__).parent / "data" / "test_template.json"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = open_store(tmp_path / "data")
    s.set_identity("王建国", "清监字第2026001号")
    yield s
    s.close()


@pytest.fixture(autouse=True)
def prefs_of_this_test() -> Iterator[None]:
    """The app's preferences file follows the data folder a test built its app on; the next
    test starts without one (only where the GUI was loaded at all)."""
    yield
    prefs = sys.modules.get("fieldcheck.ui.common.prefs")
    if prefs is not None:
        prefs.use_data_dir(None)


@pytest.fixture(autouse=True)
def qt_garbage_on_the_gui_thread() -> Iterator[None]:
    """Qt objects a test left in reference cycles are destroyed here, on the GUI thread,
    rather than whenever the cyclic collector next runs, which may be on a worker thread in
    a later test (a segfault seen in the sync screen tests)."""
    yield
    if "PySide6.QtCore" in sys.modules:
        import gc

        gc.collect()


@pytest.fixture
def own_issuer(store: Store) -> None:
    """文书设置 filled with the bureau's own issuer and 机关代字: a real store issues numbered
    notices only then (the shipped 清河市监察局 is the demo's)."""
    configure_bureau(store.data_dir)


@pytest.fixture
def template_version_id(store: Store) -> str:
    with store.write() as s:
        return publish_template(s, tpl.load_template(TEMPLATE_FILE)).id


@pytest.fixture
def unit_id(store: Store) -> str:
    with store.write() as s:
        return add_unit(s, "清河市政务服务中心不动产登记综合窗口", "service_window").id


@pytest.fixture
def visit_id(store: Store, unit_id: str, template_version_id: str) -> str:
    with store.write() as s:
        visit = start_new_visit(
            s, unit_id=unit_id, kind="unannounced", template_version_id=template_version_id,
            place="一楼综合服务大厅",
        )
        return visit.id


@pytest.fixture
def in_beijing(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The laptop's zone is Beijing time (the process's TZ, which SQLite's 'localtime' follows too)."""
    import time

    if not hasattr(time, "tzset"):
        pytest.skip("needs time.tzset to change the local zone")
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()
