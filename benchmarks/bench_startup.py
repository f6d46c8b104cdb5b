"""Start to usable main window with 10 000 visits, against a bare PySide6 window (DESIGN §10).

`startup_frozen` times the packaged bundle (packaging/build-linux.sh; FIELDCHECK_BUNDLE names
its `fieldcheck` executable, default build/package/fieldcheck/fieldcheck) on the same store,
against the same bare window; it is left out when no bundle was built.

Both run as fresh processes on the offscreen platform; the time is from spawning the
process to the line it prints once its main window has been shown and the event loop
has painted it. FIELDCHECK_EXIT_WHEN_SHOWN=1 makes the app print that line and quit.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import result  # noqa: E402

BARE = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv)
w = QMainWindow()
w.resize(1280, 800)
w.show()
def done():
    print("FIELDCHECK_SHOWN", flush=True)
    app.quit()
QTimer.singleShot(0, done)
app.exec()
"""


def _time_to_shown(cmd: list[str], env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    assert proc.stdout is not None
    for line in proc.stdout:
        if "FIELDCHECK_SHOWN" in line:
            elapsed = time.perf_counter() - t0
            break
    else:
        proc.wait()
        raise RuntimeError(f"{cmd} exited without showing a window (exit {proc.returncode})")
    proc.wait(timeout=60)
    return elapsed


def _bundle() -> Path | None:
    default = Path(__file__).resolve().parents[1] / "build" / "package" / "fieldcheck" / "fieldcheck"
    path = Path(os.environ.get("FIELDCHECK_BUNDLE") or default)
    return path if path.is_file() else None


def run(quick: bool) -> list[dict]:
    visits = 10_000
    repeat = 3 if quick else 7
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", FIELDCHECK_EXIT_WHEN_SHOWN="1")
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "store"
        subprocess.run([sys.executable, "-m", "fieldcheck.cli", "demo", "--data-dir", str(data),
                        "--visits", str(visits), "--seed", "1"], check=True, capture_output=True)
        subprocess.run([sys.executable, "-m", "fieldcheck.cli", "whoami", "--data-dir", str(data),
                        "--name", "基准测试", "--credential", "0"], check=True, capture_output=True)
        app_cmd = [sys.executable, "-m", "fieldcheck.cli", "--data-dir", str(data)]
        bare_cmd = [sys.executable, "-c", BARE]
        bundle = _bundle()
        frozen_cmd = [str(bundle), "--data-dir", str(data)] if bundle else None
        _time_to_shown(app_cmd, env)  # first run after migration and file-cache warm-up
        if frozen_cmd:
            _time_to_shown(frozen_cmd, env)
        app_times, bare_times, frozen_times = [], [], []
        for _ in range(repeat):
            bare_times.append(_time_to_shown(bare_cmd, env))
            app_times.append(_time_to_shown(app_cmd, env))
            if frozen_cmd:
                frozen_times.append(_time_to_shown(frozen_cmd, env))
    app, bare = statistics.median(app_times), statistics.median(bare_times)
    results = [result(f"startup_{visits}", app, "s", bare)]
    if frozen_times:
        results.append(result("startup_frozen", statistics.median(frozen_times), "s", bare))
    else:
        print("startup_frozen: no bundle (run packaging/build-linux.sh build/package)",
              file=sys.stderr)
    return results


if __name__ == "__main__":
    import json

    for r in run("--quick" in sys.argv):
        print(json.dumps(r, ensure_ascii=False))
