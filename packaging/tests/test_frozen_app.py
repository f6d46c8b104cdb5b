"""The frozen bundle on a machine without Python: every command, the notice, the GUI.

Run by packaging/test-linux.sh against what packaging/build-linux.sh built.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

import pdfplumber
import pytest

from conftest import Frozen, bundle_snapshot

SUBCOMMANDS = ("demo", "export", "import-photos", "whoami", "verify", "enroll", "sync",
               "conflicts", "about", "notice")


def test_version_names_the_build(frozen: Frozen) -> None:
    result = frozen.run("--version")
    assert result.returncode == 0, result.stderr
    assert "FieldCheck" in result.stdout and "0." in result.stdout
    assert "构建" in result.stdout and "git " in result.stdout and "源码" not in result.stdout


def test_every_subcommand_answers(frozen: Frozen) -> None:
    result = frozen.run("--help")
    assert result.returncode == 0
    for name in SUBCOMMANDS:
        assert name in result.stdout
        sub = frozen.run(name, "--help")
        assert sub.returncode == 0, (name, sub.stderr)


def test_notice_sample_renders_with_the_system_fonts(frozen: Frozen) -> None:
    out = frozen.home / "整改通知书.pdf"
    result = frozen.run("notice", "sample", "--type", "rectification", "--out", str(out))
    assert result.returncode == 0, result.stderr
    with pdfplumber.open(out) as pdf:
        text = "".join("".join((page.extract_text() or "").split()) for page in pdf.pages)
    assert "效能监察整改通知书" in text and "举一反三建立长效机制" in text


def test_demo_export_verify_and_the_commands_that_need_a_store(frozen: Frozen) -> None:
    data = frozen.home / "store"
    result = frozen.run("demo", "--data-dir", str(data), "--visits", "20", "--seed", "3")
    assert result.returncode == 0, result.stderr
    exported = frozen.run("export", "--data-dir", str(data), "--format", "json")
    assert exported.returncode == 0, exported.stderr
    records = json.loads(exported.stdout)
    assert records and "Traceback" not in exported.stderr
    assert frozen.run("verify", "--data-dir", str(data)).returncode == 0
    who = frozen.run("whoami", "--data-dir", str(data), "--name", "王建国", "--credential", "清监字001")
    assert who.returncode == 0 and "王建国" in frozen.run("whoami", "--data-dir", str(data)).stdout
    assert frozen.run("conflicts", "--data-dir", str(data)).returncode == 0
    # Not enrolled: said in words, no traceback (the sync modules load in the bundle).
    sync = frozen.run("sync", "--data-dir", str(data))
    assert sync.returncode == 2 and sync.stderr.startswith("错误") and "Traceback" not in sync.stderr
    photo = frozen.run("import-photos", "--data-dir", str(data), "--visit", "nope", "x.jpg")
    assert photo.returncode in (1, 2) and "Traceback" not in photo.stderr


def test_about_finds_resources_fonts_qt_plugins_and_chinese_catalogs(frozen: Frozen,
                                                                      bundle: Path) -> None:
    result = frozen.run("about", "--format", "json", QT_QPA_PLATFORM="offscreen")
    assert result.returncode == 0, result.stderr
    about = json.loads(result.stdout)
    inside = bundle.parent / "_internal"
    assert about["frozen"] is True
    assert Path(about["resources"]).is_relative_to(inside)
    assert (Path(about["resources"]) / "i18n" / "en.json").is_file()
    assert about["fonts"]["仿宋"] and about["fonts"]["黑体"]
    qt = about["qt"]
    assert Path(qt["plugins"]).is_relative_to(inside)
    assert {"qxcb", "qoffscreen"} <= set(qt["platforms"])
    assert {"png", "jpeg", "svg", "pdf"} <= set(qt["image_formats"])
    assert "cupsprintersupport" in qt["print_support"]
    assert "qtbase_zh_CN.qm" in qt["zh_catalogs"]
    assert about["data_dir"].startswith(str(frozen.home))


def test_only_the_qt_modules_the_app_uses_are_bundled(bundle: Path) -> None:
    qt_lib = bundle.parent / "_internal" / "PySide6" / "Qt" / "lib"
    names = {p.name.split(".so")[0] for p in qt_lib.iterdir()}
    for unwanted in ("libQt6Quick", "libQt6Qml", "libQt6WebEngineCore", "libQt6Multimedia",
                     "libQt6VirtualKeyboard", "libQt63DCore"):
        assert unwanted not in names
    assert {"libQt6Widgets", "libQt6Pdf", "libQt6PrintSupport", "libQt6Svg"} <= names
    assert not list((bundle.parent / "_internal").glob("libgtk-3*"))


def test_every_bundled_library_finds_what_it_links_to(bundle: Path) -> None:
    inside = bundle.parent / "_internal"
    missing = []
    for path in [bundle, *inside.rglob("*.so*")]:
        if path.is_symlink() or not path.is_file():
            continue
        out = subprocess.run(["ldd", str(path)], capture_output=True, text=True, check=False,
                             env={"LD_LIBRARY_PATH": f"{inside}:{inside / 'PySide6/Qt/lib'}"})
        missing += [f"{path.name}: {line.strip()}" for line in out.stdout.splitlines()
                    if "not found" in line]
    assert not missing, missing


def _start_xvfb(home: Path) -> tuple[subprocess.Popen[bytes], str]:
    for number in range(140, 160):
        if not Path(f"/tmp/.X11-unix/X{number}").exists():
            break
    display = f":{number}"
    xvfb = subprocess.Popen(["/usr/bin/Xvfb", display, "-screen", "0", "1600x1000x24",
                             "-nolisten", "tcp"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 20
    while not Path(f"/tmp/.X11-unix/X{number}").exists():
        assert time.monotonic() < deadline, "Xvfb did not start"
        time.sleep(0.1)
    return xvfb, display


def test_the_gui_starts_on_a_real_x_display_and_writes_only_the_data_folder(
        frozen: Frozen, bundle: Path) -> None:
    before = bundle_snapshot(bundle.parent)
    xvfb, display = _start_xvfb(frozen.home)
    try:
        result = frozen.run("--demo", timeout=180, DISPLAY=display, FIELDCHECK_EXIT_WHEN_SHOWN="1")
    finally:
        xvfb.terminate()
        xvfb.wait(timeout=10)
    assert result.returncode == 0, result.stderr
    assert "FIELDCHECK_SHOWN" in result.stdout
    data = frozen.home / ".local" / "share" / "FieldCheck-demo"
    assert (data / "fieldcheck.db").is_file()
    log = (data / "logs" / "fieldcheck.log").read_text(encoding="utf-8")
    assert "Traceback" not in log
    assert bundle_snapshot(bundle.parent) == before


@pytest.mark.skipif(os.geteuid() != 0, reason="installing a .deb needs root (CI runs as root)")
def test_the_deb_installs_puts_fieldcheck_on_path_and_leaves_data_on_removal(
        deb: Path, tmp_path: Path) -> None:
    def apt(*args: str) -> None:
        subprocess.run(["apt-get", "-y", "-qq", *args], check=True, capture_output=True,
                       env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})

    apt("install", "--no-install-recommends", str(deb))
    try:
        assert Path("/usr/bin/fieldcheck").resolve() == Path("/opt/fieldcheck/fieldcheck")
        desktop = Path("/usr/share/applications/fieldcheck.desktop").read_text(encoding="utf-8")
        assert "Name=效能监察现场检查" in desktop and "Icon=fieldcheck" in desktop
        assert Path("/usr/share/icons/hicolor/scalable/apps/fieldcheck.svg").is_file()
        desktop_check = subprocess.run(["desktop-file-validate",
                                        "/usr/share/applications/fieldcheck.desktop"],
                                       capture_output=True, text=True, check=False)
        assert desktop_check.returncode == 0, desktop_check.stdout
        home = tmp_path / "home"
        home.mkdir()
        env = {"PATH": "/usr/bin:/bin", "HOME": str(home), "LANG": "C.UTF-8"}
        data = home / ".local" / "share" / "FieldCheck"
        made = subprocess.run(["fieldcheck", "demo", "--data-dir", str(data), "--visits", "5"],
                              env=env, capture_output=True, text=True, check=False)
        assert made.returncode == 0, made.stderr
    finally:
        apt("purge", "fieldcheck")
    assert not Path("/opt/fieldcheck").exists() and not Path("/usr/bin/fieldcheck").exists()
    assert (data / "fieldcheck.db").is_file()  # the inspector's data outlives the program
