"""Every way a command used to end in a traceback now ends in one clear message naming the
file or record, with a non-zero exit (and the demo command's input checked)."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from fieldcheck.domain import findings, notices, numbering
from fieldcheck.domain.notice_settings import load_settings
from fieldcheck.store import Store


def fieldcheck(*args: str, stdout: object = subprocess.PIPE, shell: str | None = None
               ) -> subprocess.CompletedProcess[str]:
    if shell is not None:  # a pipe or a redirection, as typed in a terminal
        command = f"{sys.executable} -m fieldcheck.cli {' '.join(args)} {shell}"
        return subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=180)
    return subprocess.run([sys.executable, "-m", "fieldcheck.cli", *args], stdout=stdout,
                          stderr=subprocess.PIPE, text=True, timeout=180)


def one_clear_message(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr and "Exception ignored" not in result.stderr, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("错误："), result.stderr
    for word in words:
        assert word in lines[0], (word, lines[0])


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("cli") / "data"
    result = fieldcheck("demo", "--data-dir", str(data), "--visits", "60")
    assert result.returncode == 0, result.stderr
    return data


def test_export_into_a_pipe_closed_early(demo_dir: Path) -> None:
    result = fieldcheck("export", "--data-dir", str(demo_dir), shell="| head -c 10 >/dev/null; exit ${PIPESTATUS[0]}")
    one_clear_message(result, "提前结束")


def test_export_onto_a_full_disk(demo_dir: Path) -> None:
    one_clear_message(fieldcheck("export", "--data-dir", str(demo_dir), shell="> /dev/full"),
                      "标准输出", "磁盘空间已满")


def test_export_with_stdout_closed(demo_dir: Path) -> None:
    one_clear_message(fieldcheck("export", "--data-dir", str(demo_dir), shell=">&-"), "标准输出已关闭")


def test_notice_sample_into_a_missing_folder_or_onto_a_folder(tmp_path: Path) -> None:
    missing = tmp_path / "没有这个文件夹" / "样例.pdf"
    one_clear_message(fieldcheck("notice", "sample", "--type", "record", "--out", str(missing)),
                      str(missing), "不存在")
    one_clear_message(fieldcheck("notice", "sample", "--type", "record", "--out", str(tmp_path)),
                      str(tmp_path), "文件夹")


STROKE = [[(0.0, 0.0), (60.0, 20.0)]]  # a signature's strokes (its image is drawn from them)


@pytest.fixture
def issued(store: Store, visit_id: str, own_issuer: None) -> dict[str, str]:
    with store.write() as s:
        findings.record_finding(s, visit_id, category="overtime", description="超时限办理",
                                requirement="立即整改", deadline=date(2026, 12, 31))
    settings = load_settings(store.data_dir)
    with store.write() as s:
        draft = notices.create_draft(s, visit_id, "rectification", settings)
        notices.sign(s, draft.id, "inspector", "王建国", STROKE)
    notice = notices.issue_notice(store, draft.id, settings, numbering.LocalAuthority())
    with store.write() as s:
        other = notices.create_draft(s, visit_id, "record", settings)
    store.close()
    return {"issued": notice.id, "number": notice.number or "", "draft": other.id}


def test_notice_render_into_a_missing_folder(store: Store, issued: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "missing" / "通知书.pdf"
    one_clear_message(fieldcheck("notice", "render", "--data-dir", str(store.data_dir),
                                 "--notice", issued["draft"], "--out", str(out)), str(out))


def test_an_issued_pdf_that_was_deleted_is_named_by_its_number(
        store: Store, issued: dict[str, str], tmp_path: Path) -> None:
    (store.data_dir / "notices" / f"{issued['issued']}.pdf").unlink()
    result = fieldcheck("notice", "render", "--data-dir", str(store.data_dir), "--notice",
                        issued["issued"], "--out", str(tmp_path / "x.pdf"))
    one_clear_message(result, issued["number"], "无法读取")


@pytest.mark.parametrize("content, words", [
    ("[1, 2, 3]", ("JSON 对象", "列表")),
    ('{"a":' * 100_000 + "1" + "}" * 100_000, ("嵌套层数过多",)),
])
def test_notice_settings_that_are_not_an_object(store: Store, issued: dict[str, str], tmp_path: Path,
                                                content: str, words: tuple[str, ...]) -> None:
    settings_file = store.data_dir / "notice_settings.json"
    settings_file.write_text(content, encoding="utf-8")
    result = fieldcheck("notice", "render", "--data-dir", str(store.data_dir), "--notice",
                        issued["draft"], "--out", str(tmp_path / "x.pdf"))
    one_clear_message(result, str(settings_file), *words)


def test_a_deeply_nested_template_file_is_a_template_problem(tmp_path: Path) -> None:
    from fieldcheck.templates import load_template
    from fieldcheck.templates.problems import MalformedTemplateError

    path = tmp_path / "嵌套.json"
    path.write_text('{"key": "x", "sections": ' + "[" * 100_000 + "]" * 100_000 + "}", encoding="utf-8")
    with pytest.raises(MalformedTemplateError) as info:
        load_template(path)
    assert "嵌套.json" in str(info.value) and "嵌套层数过多" in str(info.value)


# --- demo: its own folder, a sane size, marked, never synced -----------------------------------

def test_demo_needs_a_named_folder_and_a_sane_number_of_visits(tmp_path: Path) -> None:
    one_clear_message(fieldcheck("demo", "--visits", "3"), "--data-dir")
    for bad in ("-1", "0", "1000001", str(10**12)):
        one_clear_message(fieldcheck("demo", "--data-dir", str(tmp_path / "d"), "--visits", bad), "--visits")
    assert not (tmp_path / "d").exists()


def test_demo_records_are_marked_in_the_export(demo_dir: Path) -> None:
    data = json.loads(fieldcheck("export", "--data-dir", str(demo_dir)).stdout)
    assert len(data["visit"]) == 60 and all(v.get("demo") is True for v in data["visit"])
    assert all(a.get("demo") is True for a in data["answer"])
    assert not any(t.get("demo") for t in data["template_version"])  # shipped templates are real


# --- what an interrupted issue leaves, when only the command line is used ---------------------

def test_a_writing_command_burns_reserved_numbers_and_removes_notice_temps(tmp_path: Path) -> None:
    import os
    import time

    from sqlalchemy import select

    from fieldcheck.models import AuditEvent, NumberUse
    from fieldcheck.store import open_store

    store = open_store(tmp_path)
    store.set_identity("王建国", "清监字第2026001号")
    with store.write() as s:
        numbering.add_block(s, "rectification", 2026, numbering.LocalAuthority(), size=5)
        numbering.reserve_number(s, "rectification", 2026, "a-notice-that-never-finished")
    store.close()  # the issue died before its PDF was saved
    (tmp_path / "notices").mkdir(exist_ok=True)
    stale = tmp_path / "notices" / ".tmp-abc123.pdf"
    stale.write_bytes(b"%PDF-1.4 half written")
    os.utime(stale, (time.time() - 7200, time.time() - 7200))
    fresh = tmp_path / "notices" / ".tmp-def456.pdf"  # another program may be writing it now
    fresh.write_bytes(b"%PDF")

    assert fieldcheck("whoami", "--data-dir", str(tmp_path), "--name", "王建国").returncode == 0
    store = open_store(tmp_path)
    with store.read() as s:
        assert s.scalars(select(NumberUse.state)).all() == ["burnt"]
        assert s.scalars(select(AuditEvent).where(AuditEvent.action == "number.burn")).one()
        assert numbering.peek_next(s, "rectification", 2026, None) == 2  # never reused
    store.close()
    assert not stale.exists() and fresh.exists()
