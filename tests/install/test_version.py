"""`fieldcheck --version` and `fieldcheck about`: the version, the build and where things are."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from fieldcheck import __version__, buildinfo
from fieldcheck.paths import resources_dir


def fieldcheck(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, FIELDCHECK_LANG="zh", QT_QPA_PLATFORM="offscreen")
    return subprocess.run([sys.executable, "-m", "fieldcheck.cli", *args], capture_output=True,
                          text=True, check=False, env=env)


def test_version_of_a_source_run() -> None:
    result = fieldcheck("--version")
    assert result.returncode == 0
    assert result.stdout.startswith("FieldCheck 效能监察现场检查 " + __version__)
    assert "源码运行" in result.stdout


def test_a_packaged_build_names_its_build(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / buildinfo.BUILD_FILE).write_text(json.dumps(
        {"built": "2026-12-02 04:40 UTC", "commit": "git 1a2b3c4d5e", "target": "linux-amd64"}))
    monkeypatch.setattr(buildinfo, "files", lambda package: tmp_path)
    text = buildinfo.version_text()
    assert "构建 2026-12-02 04:40 UTC git 1a2b3c4d5e，linux-amd64" in text
    assert __version__ in text


def test_about_reports_resources_fonts_and_qt(tmp_path: Path) -> None:
    result = fieldcheck("about", "--format", "json")
    assert result.returncode == 0, result.stderr
    about = json.loads(result.stdout)
    assert about["version"] == __version__ and about["frozen"] is False
    assert Path(about["resources"]) == resources_dir()
    assert about["fonts"]["仿宋"]  # the CI machine has the free CJK fonts
    assert "qtbase_zh_CN.qm" in about["qt"]["zh_catalogs"]
    assert {"svg", "pdf"} <= set(about["qt"]["image_formats"])
    text = fieldcheck("about")
    assert text.returncode == 0 and "Qt 中文译文：qtbase_zh_CN.qm" in text.stdout
