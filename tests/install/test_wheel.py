"""A built wheel is a working install: its resources travel inside the package.

The wheel is built from a copy of the source tree, installed into a fresh virtual environment
(its dependencies are borrowed from the test environment's site-packages), and run from a
folder far from the checkout with no FIELDCHECK_RESOURCES: a notice rendered from it carries
the texts of resources/notices.
"""

from __future__ import annotations

import os
import shutil
import site
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pdfplumber
import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("src", "resources", "pyproject.toml", "setup.py", "MANIFEST.in", "README.md")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tree = tmp_path_factory.mktemp("tree")
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, tree / name, ignore=shutil.ignore_patterns(
                "__pycache__", "*.egg-info"))
        else:
            shutil.copy2(source, tree / name)
    out = tmp_path_factory.mktemp("wheels")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(out),
                    str(tree)], check=True)
    (built,) = out.glob("fieldcheck-*.whl")
    return built


def test_the_wheel_carries_every_resource_file(wheel: Path) -> None:
    shipped = {p.relative_to(ROOT / "resources").as_posix()
               for p in (ROOT / "resources").rglob("*") if p.is_file()}
    with zipfile.ZipFile(wheel) as archive:
        inside = {name.removeprefix("fieldcheck/resources/") for name in archive.namelist()
                  if name.startswith("fieldcheck/resources/")}
        migrations = [n for n in archive.namelist() if n.startswith("fieldcheck/store/migrations/")]
    assert shipped and shipped <= inside, sorted(shipped - inside)
    assert any(n.endswith("0001_workbench.py") for n in migrations)


def test_a_notice_renders_from_the_installed_wheel(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index",
                    str(wheel)], check=True)
    # Dependencies from this environment, after the fresh one's own site-packages (a .pth
    # line only adds the folder: the editable install's own .pth files there are not run).
    fresh_site = Path(subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True).stdout.strip())
    borrowed = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"],
                *site.getsitepackages()}
    (fresh_site / "borrowed-dependencies.pth").write_text("\n".join(sorted(borrowed)) + "\n")
    env = {k: v for k, v in os.environ.items()
           if k not in ("FIELDCHECK_RESOURCES", "PYTHONPATH", "FIELDCHECK_DATA_DIR")}
    work = tmp_path / "elsewhere"
    work.mkdir()

    where = subprocess.run(
        [str(python), "-c", "import fieldcheck.paths as p; print(p.resources_dir())"],
        cwd=work, env=env, capture_output=True, text=True, check=True).stdout.strip()
    assert Path(where) == fresh_site / "fieldcheck" / "resources"

    pdf = work / "notice.pdf"
    result = subprocess.run([str(venv / "bin" / "fieldcheck"), "notice", "sample", "--type",
                             "rectification", "--out", str(pdf)],
                            cwd=work, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    with pdfplumber.open(pdf) as doc:
        text = "".join(page.extract_text() or "" for page in doc.pages)
        pages = len(doc.pages)
    flat = "".join(text.split())
    assert "效能监察整改通知书" in flat  # the title in resources/notices/rectification.json
    assert "举一反三建立长效机制" in flat  # one of its paragraphs
    assert "衡水市监察局" in flat and pages >= 2  # resources/notices/samples.json
