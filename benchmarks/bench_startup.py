"""Start-up with 10 000 visits against a bare PySide6 window, and memory (DESIGN §10).

Every figure is a fresh process on the offscreen platform, timed from spawning it to the line
it prints once the thing is painted (FIELDCHECK_EXIT_WHEN_SHOWN=1, ui/startup_probe.py):
The app is started as a person starts it, through the installed `fieldcheck` script.
- `startup_window`: the main window painted, against the bare window painted (goal ≤ 1.5 ×).
- `startup_first_page`: the visit list painted with its first page of 10 000 visits, against
  the bare window (goal ≤ 3 ×). This was `startup_10000` before the list was read ahead of
  the ORM.
- `rss_10000`: resident memory once the app has opened a visit with 200 photos (thumbnails
  shown) in the 10 000-visit store, against the bare window's; `startup_rss_detail` on stderr
  names the stages (Qt, window, SQLAlchemy and the models, the open visit).

Bytecode: this machine sets PYTHONDONTWRITEBYTECODE, so an editable install would compile
every FieldCheck module at every start; an installed app has its .pyc files. The children
share a private PYTHONPYCACHEPREFIX that the untimed warm-up run fills.
- `startup_frozen`: the packaged bundle (packaging/build-linux.sh; FIELDCHECK_BUNDLE names
  its `fieldcheck` executable, default build/package/fieldcheck/fieldcheck) on the same store,
  first page painted, against the same bare window; left out when no bundle was built.

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
from pathlib import Path
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
class Window(QMainWindow):
    painted = False
    def paintEvent(self, event):
        super().paintEvent(event)
        if not self.painted:  # timed as the app's window: once its first paint is done
            self.painted = True
            QTimer.singleShot(0, done)
def done():
    rss = [l for l in Path("/proc/self/status").read_text().splitlines() if l.startswith("VmRSS:")]
    print("FIELDCHECK_WINDOW", flush=True)
    print("FIELDCHECK_SHOWN", flush=True)
    print("FIELDCHECK_RSS", rss[0].split()[1], flush=True)
    app.quit()
app = QApplication(sys.argv)
w = Window()
w.resize(1280, 800)
w.show()
app.exec()
"""

# Resident memory at each stage of what the app loads, in one process (for the detail line).
STAGES = """
import sys
from pathlib import Path
def rss():
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
stages = {"python": rss()}
from PySide6.QtWidgets import QApplication
stages["PySide6 imported"] = rss()
from fieldcheck.ui.app import make_application
from fieldcheck.ui.main_window import MainWindow
app = make_application()
w = MainWindow(); w.show(); app.processEvents()
stages["window shown (app style, fonts)"] = rss()
import fieldcheck.store, fieldcheck.models, fieldcheck.domain.queries
from fieldcheck.store import open_store
store = open_store(Path(sys.argv[1]))
stages["SQLAlchemy, models, store open"] = rss()
import fieldcheck.ui.visit.workspace, fieldcheck.ui.sync.data
stages["visit screens and sync modules imported"] = rss()
print(stages)
"""


def _time_lines(cmd: list[str], env: dict[str, str]) -> dict[str, float | str]:
    """Seconds from spawn to each FIELDCHECK_* line; FIELDCHECK_RSS keeps its text."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    assert proc.stdout is not None
    seen: dict[str, float | str] = {}
    for line in proc.stdout:
        word, _, rest = line.strip().partition(" ")
        if word.startswith("FIELDCHECK_"):
            seen[word] = rest if word == "FIELDCHECK_RSS" else time.perf_counter() - t0
    proc.wait(timeout=120)
    if "FIELDCHECK_SHOWN" not in seen:
        raise RuntimeError(f"{cmd} exited without showing its list (exit {proc.returncode})")
    return seen


def _photo_visit(data: Path, photos: int) -> str:
    """A visit in progress with `photos` imported photos (~1 MB, 8 MP each), through the domain."""
    script = f"""
import io, sys
from datetime import datetime, timedelta
from pathlib import Path
from PIL import Image
from fieldcheck.domain.evidence import import_photos
from fieldcheck.domain.queries import VisitFilter, page_visits
from fieldcheck.domain.visits import start_visit
from fieldcheck.store import open_store
store = open_store(Path(sys.argv[1]))
with store.write() as s:
    row = page_visits(s, VisitFilter(status="planned"), 0, 1)[0]
    start_visit(s, row.id)
card = Path(sys.argv[1]).parent / "card"
card.mkdir()
base = Image.effect_noise((3264, 2448), 30).convert("RGB")
paths = []
for n in range({photos}):
    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9003] = (datetime.now() + timedelta(seconds=n)).strftime("%Y:%m:%d %H:%M:%S")
    path = card / f"IMG_{{n:04d}}.JPG"
    base.save(path, quality=70, exif=exif)
    paths.append(path)
report = import_photos(store, row.id, paths)
assert len(report.added) == {photos}, report.summary()
print(row.id)
"""
    out = subprocess.run([sys.executable, "-c", script, str(data)], check=True,
                         capture_output=True, text=True)
    return out.stdout.split()[-1]


def _launcher() -> list[str]:
    """What a person starts: the installed `fieldcheck` script beside this interpreter (no
    runpy, which `python -m` adds), or `python -m fieldcheck.cli` where there is none."""
    script = Path(sys.executable).with_name("fieldcheck")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "fieldcheck.cli"]


def _bundle() -> Path | None:
    default = Path(__file__).resolve().parents[1] / "build" / "package" / "fieldcheck" / "fieldcheck"
    path = Path(os.environ.get("FIELDCHECK_BUNDLE") or default)
    return path if path.is_file() else None


def run(quick: bool) -> list[dict]:
    visits = 10_000
    repeat = 3 if quick else 7
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", FIELDCHECK_EXIT_WHEN_SHOWN="1",
                   PYTHONPYCACHEPREFIX=str(Path(tmp) / "pycache"))
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        data = Path(tmp) / "store"
        subprocess.run([sys.executable, "-m", "fieldcheck.cli", "demo", "--data-dir", str(data),
                        "--visits", str(visits), "--seed", "1"], check=True, capture_output=True)
        subprocess.run([sys.executable, "-m", "fieldcheck.cli", "whoami", "--data-dir", str(data),
                        "--name", "基准测试", "--credential", "0"], check=True, capture_output=True)
        app_cmd = [*_launcher(), "--data-dir", str(data)]
        bare_cmd = [sys.executable, "-c", BARE]
        bundle = _bundle()
        frozen_cmd = [str(bundle), "--data-dir", str(data)] if bundle else None
        _time_lines(app_cmd, env)  # first run: bytecode written, file cache warm
        _time_lines(bare_cmd, env)
        if frozen_cmd:
            _time_lines(frozen_cmd, env)
        app_runs, bare_runs, frozen_runs = [], [], []
        for _ in range(repeat):
            bare_runs.append(_time_lines(bare_cmd, env))
            app_runs.append(_time_lines(app_cmd, env))
            if frozen_cmd:
                frozen_runs.append(_time_lines(frozen_cmd, env))
        photo_visit = _photo_visit(data, 20 if quick else 200)
        rss_env = dict(env, FIELDCHECK_OPEN_VISIT=photo_visit)
        _time_lines(app_cmd, rss_env)  # the photo visit's display path warm, as the others
        app_rss = statistics.median(int(str(_time_lines(app_cmd, rss_env)["FIELDCHECK_RSS"]).split()[0])
                                    for _ in range(3))
        stages = subprocess.run([sys.executable, "-c", STAGES, str(data)], check=True,
                                capture_output=True, text=True, env=env).stdout.strip()
    bare_rss = statistics.median(int(str(run["FIELDCHECK_RSS"])) for run in bare_runs)

    def median(runs: list[dict[str, float | str]], key: str) -> float:
        return statistics.median(float(run[key]) for run in runs)

    bare = median(bare_runs, "FIELDCHECK_SHOWN")
    print({"name": "startup_rss_detail", "kB": stages, "app_kB": app_rss, "bare_kB": bare_rss,
           "app_window_s": [round(float(r["FIELDCHECK_WINDOW"]), 3) for r in app_runs],
           "app_first_page_s": [round(float(r["FIELDCHECK_SHOWN"]), 3) for r in app_runs],
           "bare_s": [round(float(r["FIELDCHECK_SHOWN"]), 3) for r in bare_runs]},
          file=sys.stderr, flush=True)
    results = [
        result("startup_window", median(app_runs, "FIELDCHECK_WINDOW"), "s", bare),
        result("startup_first_page",
               median(app_runs, "FIELDCHECK_SHOWN"), "s", bare),
        result(f"rss_{visits}", app_rss / 1024, "MB", bare_rss / 1024),
    ]
    if frozen_runs:
        results.append(result("startup_frozen", median(frozen_runs, "FIELDCHECK_SHOWN"), "s", bare))
    else:
        print("startup_frozen: no bundle (run packaging/build-linux.sh build/package)",
              file=sys.stderr)
    return results


if __name__ == "__main__":
    import json

    for line in run("--quick" in sys.argv):
        print(json.dumps(line, ensure_ascii=False))
