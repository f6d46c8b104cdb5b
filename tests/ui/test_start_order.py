"""Start-up's order, with real processes: the window paints before anything the store needs is
loaded, the first read on a worker touches no Qt module, and the start-up probe the benchmarks
use ends on a store without visits."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytestmark = pytest.mark.gui

CLI = [sys.executable, "-m", "fieldcheck.cli"]


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", FIELDCHECK_LANG="zh",
               HOME=str(tmp_path / "home"), XDG_CONFIG_HOME=str(tmp_path / "home" / ".config"),
               **extra)
    env.pop("FIELDCHECK_DATA_DIR", None)
    return env


def _empty_store(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    made = subprocess.run([*CLI, "whoami", "--data-dir", str(data), "--name", "王建国",
                           "--credential", "清监字第2026001号"], capture_output=True, text=True,
                          env=_env(tmp_path), timeout=120, check=False)
    assert made.returncode == 0, made.stderr
    return data


def test_the_startup_probe_ends_on_a_store_without_visits(tmp_path: Path) -> None:
    data = _empty_store(tmp_path)
    run = subprocess.run([*CLI, "--data-dir", str(data)], capture_output=True, text=True,
                         env=_env(tmp_path, FIELDCHECK_EXIT_WHEN_SHOWN="1"), timeout=120, check=False)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["FIELDCHECK_WINDOW", "FIELDCHECK_SHOWN"]
    log = (data / "logs" / "fieldcheck.log").read_text(encoding="utf-8")
    # logged before the log file opened (after the first page), kept and written first
    assert log.index("starting, data dir") < log.index("listening for a second start")
    assert "Traceback" not in log


def test_the_window_paints_before_the_store_is_touched(tmp_path: Path) -> None:
    data = _empty_store(tmp_path)
    script = textwrap.dedent("""
        import sys
        from pathlib import Path
        from PySide6.QtCore import QTimer
        from fieldcheck.ui.app import build, make_application

        app = make_application()
        window, boot, tasks = build(Path(sys.argv[1]), demo=False)
        seen = {}

        def painted():
            seen["at_paint"] = set(sys.modules)
            QTimer.singleShot(0, app.quit)

        window.first_painted.connect(painted)
        app.exec()
        tasks.wait()
        print(" ".join(sorted(seen["at_paint"])))
    """)
    out = subprocess.run([sys.executable, "-c", script, str(data)], capture_output=True,
                         text=True, env=_env(tmp_path), timeout=120, check=True)
    loaded = set(out.stdout.split())
    assert "fieldcheck.ui.main_window" in loaded  # the probe did run at the first paint
    for later in ("sqlalchemy", "sqlite3", "fieldcheck.store", "fieldcheck.ui.visits.data",
                  "fieldcheck.ui.common.errors", "logging.handlers", "PySide6.QtNetwork"):
        assert later not in loaded, later


def test_the_first_read_on_a_worker_imports_no_module_that_uses_qt(tmp_path: Path) -> None:
    data = _empty_store(tmp_path)
    script = textwrap.dedent("""
        import sys
        from pathlib import Path
        from fieldcheck.ui.boot import read_first_screen

        before = set(sys.modules)
        first = read_first_screen(Path(sys.argv[1]))
        assert first is not None and first[1].page.rows == []
        new = sorted(set(sys.modules) - before)
        print(" ".join(new))
        for name in new:
            for value in list(vars(sys.modules[name]).values()):
                origin = getattr(value, "__module__", None) or getattr(value, "__name__", "")
                if isinstance(origin, str) and origin.startswith(("PySide6", "shiboken6")):
                    print("QT", name)
                    break
    """)
    out = subprocess.run([sys.executable, "-c", script, str(data)], capture_output=True,
                         text=True, env=_env(tmp_path), timeout=120, check=True)
    assert "fieldcheck.ui.visits.data" in out.stdout.split()  # the check saw what was read
    assert "QT " not in out.stdout, out.stdout
