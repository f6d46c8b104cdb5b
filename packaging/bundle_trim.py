"""What the FieldCheck bundle leaves out of what PyInstaller collected (used by fieldcheck.spec).

PyInstaller's Qt hooks take every plugin of each Qt module with the libraries those plugins
link. Some serve hardware or desktops a laptop app does not need and drag in large stacks:
the virtual keyboard (Qt Quick and QML), the GTK 3 theme (GTK, cairo, pango), framebuffer and
EGL-only platforms. They are dropped, then every shared library that nothing left in the
bundle links to is dropped too (on Linux, by each file's DT_NEEDED entries).
"""

from __future__ import annotations

import fnmatch
import re
import subprocess
import sys
from pathlib import PurePosixPath

PLUGINS = "PySide6/Qt/plugins/"
DROPPED_PLUGINS = (
    "platforminputcontexts/libqtvirtualkeyboardplugin.so",  # Qt Quick + QML, 20 MB
    "platformthemes/libqgtk3.so",  # the GTK 3 stack; Qt's own dialogs serve instead
    "platforms/libqeglfs.so", "platforms/libqlinuxfb.so", "platforms/libqvnc.so",
    "platforms/libqvkkhrdisplay.so", "platforms/libqminimalegl.so",
    "egldeviceintegrations/*", "generic/*",  # input and screens of the framebuffer platforms
    "wayland-graphics-integration-client/libvulkan-server.so",
    "*.dll.a", "*.lib",
)
# Qt's own catalogs: only the Chinese ones the UI installs (Qt's source language is English).
KEPT_TRANSLATIONS = ("*_zh_CN.qm",)
TRANSLATIONS = "PySide6/Qt/translations/"


def dropped(dest: str) -> bool:
    dest = dest.replace("\\", "/")
    if dest.startswith(PLUGINS):
        rest = dest[len(PLUGINS):]
        return any(fnmatch.fnmatch(rest, pattern) for pattern in DROPPED_PLUGINS)
    if dest.startswith(TRANSLATIONS):
        name = dest[len(TRANSLATIONS):]
        return not any(fnmatch.fnmatch(name, pattern) for pattern in KEPT_TRANSLATIONS)
    return False


_NEEDED = re.compile(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]")


def needed(path: str) -> list[str]:
    """The sonames an ELF file links to (readelf, from binutils, which PyInstaller needs too)."""
    out = subprocess.run(["readelf", "-d", path], capture_output=True, text=True, check=False)
    return _NEEDED.findall(out.stdout)


def is_library(dest: str) -> bool:
    """A shared library other files link to (not a Python extension, plugin or the interpreter)."""
    path = PurePosixPath(dest.replace("\\", "/"))
    if path.name.startswith("libpython") or dest.startswith(PLUGINS):
        return False
    if ".cpython-" in path.name or path.name.endswith(".abi3.so"):
        return False
    return path.name.startswith("lib") and ".so" in path.name


def trim(binaries: list, datas: list) -> tuple[list, list]:
    """(binaries, datas) without the dropped plugins, catalogs and the libraries they alone used."""
    datas = [entry for entry in datas if not dropped(entry[0])]
    binaries = [entry for entry in binaries if not dropped(entry[0])]
    if not sys.platform.startswith("linux"):
        return binaries, datas
    by_name = {}
    for entry in binaries:
        by_name.setdefault(PurePosixPath(entry[0]).name, entry)
    roots = [entry for entry in binaries if not is_library(entry[0])]
    kept: set[str] = set()
    todo = list(roots)
    while todo:
        entry = todo.pop()
        if entry[2] == "SYMLINK":  # (name, target relative to the link's folder, "SYMLINK")
            names = [PurePosixPath(entry[1]).name]
        else:
            names = needed(entry[1])
        for soname in names:
            found = by_name.get(soname)
            if found is not None and soname not in kept:
                kept.add(soname)
                todo.append(found)
    # Loaded with dlopen by name rather than linked: Qt's TLS backend opens OpenSSL.
    kept.update(name for name in by_name if name.startswith(("libssl.so", "libcrypto.so")))
    binaries = [entry for entry in binaries
                if not is_library(entry[0]) or PurePosixPath(entry[0]).name in kept]
    return binaries, datas
