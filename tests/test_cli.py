"""The command line as a person meets it: results on stdout, errors in words on stderr with a
non-zero exit, no store made by a typo, labelled output, and the same notice types as the
README and the GUI."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from fieldcheck.cli import NOTICE_TYPES, build_parser, cmd_gui, gui_args
from fieldcheck.domain.checklist import publish_shipped_templates
from fieldcheck.domain.people import add_unit
from fieldcheck.domain.visits import plan_visit
from fieldcheck.store import open_store

ROOT = Path(__file__).resolve().parents[1]
GUI_ADVICE = ("点击", "按钮", "“重新打开”", "“开始检查”")


def fieldcheck(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, FIELDCHECK_LANG="zh")
    env.pop("FIELDCHECK_DATA_DIR", None)
    return subprocess.run([sys.executable, "-m", "fieldcheck.cli", *args], capture_output=True,
                          text=True, check=False, env=env)


@pytest.mark.parametrize("command", [
    ["export", "--format", "json"], ["whoami"], ["import-photos", "--visit", "v", "x.jpg"],
    ["notice", "render", "--notice", "n", "--out", "x.pdf"]])
def test_a_mistyped_data_dir_is_an_error_and_creates_nothing(tmp_path: Path, command: list[str]) -> None:
    typo = tmp_path / "fieldchek"
    args = [*command[:2], "--data-dir", str(typo), *command[2:]] if command[0] == "notice" \
        else [command[0], "--data-dir", str(typo), *command[1:]]
    result = fieldcheck(*args)
    assert result.returncode == 2
    assert result.stdout == ""
    assert f"数据目录 {typo} 不存在" in result.stderr and "--data-dir" in result.stderr
    assert not typo.exists()


def test_whoami_creates_a_store_on_purpose_and_prints_labelled_fields(tmp_path: Path) -> None:
    new = tmp_path / "laptop"
    made = fieldcheck("whoami", "--data-dir", str(new), "--name", "王建国", "--credential", "清监字第2026001号")
    assert made.returncode == 0, made.stderr
    lines = made.stdout.splitlines()
    assert lines[:2] == ["使用人：王建国", "检查证号：清监字第2026001号"]
    assert lines[2].startswith("本机设备标识：") and lines[3] == f"数据目录：{new}"
    assert "\t" not in made.stdout and made.stderr == ""
    again = fieldcheck("whoami", "--data-dir", str(new))
    assert again.stdout == made.stdout


def test_demo_reports_on_stdout(tmp_path: Path) -> None:
    result = fieldcheck("demo", "--data-dir", str(tmp_path / "demo"), "--visits", "6")
    assert result.returncode == 0 and result.stderr == ""
    assert "已添加 6 条演示检查记录" in result.stdout


def test_import_errors_are_in_chinese_without_gui_advice(tmp_path: Path) -> None:
    store = open_store(tmp_path / "data")
    store.set_identity("王建国", "清监字第2026001号")
    with store.write() as s:
        versions = publish_shipped_templates(s)
        unit = add_unit(s, "清河市市场监督管理局", "department")
        visit_id = plan_visit(s, unit_id=unit.id, kind="open", template_version_id=versions[0].id).id
    store.close()
    photo = tmp_path / "a.jpg"
    Image.new("RGB", (64, 48), (9, 9, 9)).save(photo, "JPEG")

    planned = fieldcheck("import-photos", "--data-dir", str(tmp_path / "data"), "--visit", visit_id, str(photo))
    assert planned.returncode == 2 and planned.stdout == ""
    assert "该检查尚未开始" in planned.stderr
    assert not any(word in planned.stderr for word in GUI_ADVICE)

    store = open_store(tmp_path / "data")
    with store.write() as s:
        from fieldcheck.domain.visits import start_visit

        start_visit(s, visit_id)
    store.close()
    missing = fieldcheck("import-photos", "--data-dir", str(tmp_path / "data"), "--visit", visit_id,
                         str(tmp_path / "nowhere.jpg"), str(photo))
    assert missing.returncode == 1
    assert "导入 1 张" in missing.stdout  # the result on stdout, the refused file on stderr
    assert "nowhere.jpg" in missing.stderr and "文件或文件夹不存在" in missing.stderr
    assert "No such file" not in missing.stderr + missing.stdout

    unwritable = fieldcheck("notice", "sample", "--type", "record", "--out", str(tmp_path / "no" / "dir" / "x.pdf"))
    assert unwritable.returncode == 2 and "文件或文件夹不存在" in unwritable.stderr
    assert "No such file" not in unwritable.stderr


def test_readme_cli_and_gui_offer_the_same_notice_types() -> None:
    from fieldcheck.ui.notices.data import VISIT_TYPES

    sample = next(a for a in build_parser()._subparsers._group_actions[0].choices["notice"]  # noqa: SLF001
                  ._subparsers._group_actions[0].choices["sample"]._actions if a.dest == "type")  # noqa: SLF001
    assert tuple(sample.choices) == NOTICE_TYPES
    assert tuple(str(t) for t in VISIT_TYPES) == NOTICE_TYPES
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    row = next(line for line in readme.splitlines() if "notice sample" in line)
    assert tuple(re.findall(r"`([a-z]+)` ", row)) == NOTICE_TYPES


@pytest.mark.parametrize("argv", [
    [], ["--demo"], ["--data-dir", "D"], ["--data-dir=D"], ["--demo", "--data-dir", "数据 目录"],
    ["--data-dir", "D", "--demo"], ["--data-dir="],
])
def test_the_window_starts_with_the_options_the_command_parser_reads(argv: list[str]) -> None:
    fast = gui_args(argv)
    full = build_parser().parse_args(argv)
    assert fast is not None and full.func is cmd_gui and fast.func is cmd_gui
    assert (fast.data_dir, fast.demo) == (full.data_dir, full.demo)


@pytest.mark.parametrize("argv", [
    ["--help"], ["--version"], ["verify"], ["--demo", "--demo"], ["--data-dir"], ["--data", "D"],
    ["--data-dir", "--demo"], ["--data-dir", "D", "--data-dir", "E"], ["-x"], ["demo", "--data-dir", "D"],
])
def test_anything_else_goes_to_the_command_parser(argv: list[str]) -> None:
    assert gui_args(argv) is None
