"""The code that differs by platform, run on Linux with the other platform's branch forced.

What cannot run here is named in README ("Windows"): msvcrt itself (a stand-in built on real
POSIX byte-range locks plays it), NTFS, and Windows' printer plugin.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from fieldcheck import datadir
from fieldcheck.datadir import DataDirBusy, DataDirLock
from fieldcheck.notices.fontfiles import FontRole, default_font_dirs, forget_font_index
from fieldcheck.notices.fonts import font_book
from fieldcheck.photos import durable

STANDIN = Path(__file__).parent / "standin"
HOLD_AS_WINDOWS = f"""
import sys
sys.path.insert(0, {str(STANDIN)!r})
from pathlib import Path
from fieldcheck import datadir
datadir._lock, datadir._unlock = datadir.os_lock_functions("win32")
lock = datadir.DataDirLock(Path(sys.argv[1])).acquire()
print("held", flush=True)
sys.stdin.read()
"""


@pytest.fixture
def windows_locks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(STANDIN))
    monkeypatch.delitem(sys.modules, "msvcrt", raising=False)
    lock, unlock = datadir.os_lock_functions("win32")
    monkeypatch.setattr(datadir, "_lock", lock)
    monkeypatch.setattr(datadir, "_unlock", unlock)


def test_windows_lock_branch_keeps_a_second_process_out_until_the_first_ends(
        windows_locks: None, tmp_path: Path) -> None:
    holder = subprocess.Popen([sys.executable, "-c", HOLD_AS_WINDOWS, str(tmp_path)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        second = DataDirLock(tmp_path)
        assert not second.try_acquire()
        with pytest.raises(DataDirBusy) as busy:
            second.acquire()
        assert busy.value.holder_pid == holder.pid
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=30)
    # The OS dropped the holder's lock with its process: the folder is free again.
    with DataDirLock(tmp_path) as lock:
        assert lock.held
    assert DataDirLock(tmp_path).try_acquire()


def test_windows_lock_branch_releases_and_takes_again_in_one_process(
        windows_locks: None, tmp_path: Path) -> None:
    lock = DataDirLock(tmp_path)
    assert lock.try_acquire()
    lock.release()
    assert lock.try_acquire() and lock.held
    lock.release()


def _directory_opens(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records the folders durable.py opens (the real os.open still runs)."""
    opened: list[str] = []
    real_open = os.open

    def recording_open(path: str | os.PathLike[str], flags: int, *args: int) -> int:
        if Path(path).is_dir():
            opened.append(str(path))
        return real_open(path, flags, *args)

    monkeypatch.setattr(durable.os, "open", recording_open)
    return opened


@pytest.mark.parametrize(("platform", "syncs_folder"), [("win32", False), ("linux", True)])
def test_a_durable_write_syncs_the_folder_except_on_windows(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, platform: str, syncs_folder: bool) -> None:
    opened = _directory_opens(monkeypatch)
    monkeypatch.setattr(sys, "platform", platform)
    target = tmp_path / "sub" / "photo.jpg"
    durable.make_dirs_durably(target.parent)
    durable.write_durably(target, b"\xff\xd8 original bytes")
    monkeypatch.undo()
    assert target.read_bytes() == b"\xff\xd8 original bytes"
    assert not list(target.parent.glob(".tmp-*"))
    assert bool(opened) is syncs_folder
    if syncs_folder:
        assert str(target.parent) in opened and str(tmp_path) in opened


def test_windows_font_folders_are_searched_and_simfang_is_the_fangsong_face(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    windir, local = tmp_path / "Windows", tmp_path / "AppData" / "Local"
    (windir / "Fonts").mkdir(parents=True)
    (local / "Microsoft" / "Windows" / "Fonts").mkdir(parents=True)
    # A real TrueType CJK face under Windows' file name for 仿宋 (per-user fonts folder).
    free = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
    if not free.exists():
        pytest.fail("fonts-wqy-zenhei is part of the test machine (.ci/run installs it)")
    shutil.copy(free, local / "Microsoft" / "Windows" / "Fonts" / "SIMFANG.TTF")
    monkeypatch.delenv("FIELDCHECK_FONT_DIRS", raising=False)
    monkeypatch.setenv("WINDIR", str(windir))
    monkeypatch.setenv("LOCALAPPDATA", str(local))
    monkeypatch.setattr(sys, "platform", "win32")
    dirs = default_font_dirs()
    assert dirs == (windir / "Fonts", local / "Microsoft" / "Windows" / "Fonts")
    forget_font_index()
    face = font_book(font_dirs=dirs).font(FontRole.FANGSONG)
    monkeypatch.undo()
    forget_font_index()
    assert face.path == local / "Microsoft" / "Windows" / "Fonts" / "SIMFANG.TTF"


def test_macos_font_folders(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("FIELDCHECK_FONT_DIRS", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setattr(sys, "platform", "darwin")
    assert default_font_dirs() == (Path("/System/Library/Fonts"), Path("/Library/Fonts"),
                                   tmp_path / "Library" / "Fonts")
