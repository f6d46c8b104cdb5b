"""One writer per data folder, with real processes: a second GUI start brings the first
window forward and exits; a writing command is refused while the GUI runs; the OS frees the
lock when the GUI is killed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fieldcheck.datadir import DataDirLock

pytestmark = pytest.mark.gui

CLI = [sys.executable, "-m", "fieldcheck.cli"]


def _env(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", FIELDCHECK_LANG="zh",
               HOME=str(tmp_path / "home"), XDG_CONFIG_HOME=str(tmp_path / "home" / ".config"))
    env.pop("FIELDCHECK_DATA_DIR", None)
    return env


def _run(tmp_path: Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, *args], capture_output=True, text=True, env=_env(tmp_path),
                          timeout=timeout, check=False)


def _wait_for(condition, what: str, timeout: float = 60) -> None:  # type: ignore[no-untyped-def]
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def _log(data: Path) -> str:
    path = data / "logs" / "fieldcheck.log"
    return path.read_text(encoding="utf-8") if path.exists() else ""


def test_second_start_brings_the_window_forward_and_writers_wait_for_the_lock(tmp_path: Path) -> None:
    data = tmp_path / "data"
    made = _run(tmp_path, "whoami", "--data-dir", str(data), "--name", "王建国", "--credential", "清监字第2026001号")
    assert made.returncode == 0, made.stderr
    first = subprocess.Popen([*CLI, "--data-dir", str(data)], env=_env(tmp_path),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        _wait_for(lambda: "listening for a second start" in _log(data) or first.poll() is not None,
                  "the first window")
        assert first.poll() is None, first.communicate()
        assert not DataDirLock(data).try_acquire()  # held by the first window's process

        second = _run(tmp_path, "--data-dir", str(data))
        assert second.returncode == 0, second.stderr
        assert "已切换到正在运行的窗口" in second.stdout
        _wait_for(lambda: "brought forward" in _log(data), "the first window to come forward")
        assert first.poll() is None  # the first one goes on

        refused = _run(tmp_path, "whoami", "--data-dir", str(data), "--name", "李志强")
        assert refused.returncode == 3
        assert "正由另一个 FieldCheck 程序使用" in refused.stderr and f"进程 {first.pid}" in refused.stderr
        assert refused.stdout == ""
        shown = _run(tmp_path, "whoami", "--data-dir", str(data))  # reading is fine
        assert shown.returncode == 0 and "使用人：王建国" in shown.stdout
    finally:
        first.send_signal(signal.SIGKILL)  # dies without releasing anything itself
        first.communicate(timeout=30)
    after = _run(tmp_path, "whoami", "--data-dir", str(data), "--name", "李志强")
    assert after.returncode == 0, after.stderr
    assert "使用人：李志强" in after.stdout
