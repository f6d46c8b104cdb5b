"""The version and build the person sees in 关于 and `fieldcheck --version`.

A packaged build carries a `build.json` inside the package (written by packaging/build-linux.sh
or the Windows build): when and from which commit it was built, and for which platform. A
source checkout or a wheel has none and says so.
"""

from __future__ import annotations

import json
import platform
import sys
from dataclasses import dataclass
from importlib.resources import files

from fieldcheck import __version__
from fieldcheck.i18n import tr

BUILD_FILE = "build.json"


@dataclass(frozen=True, slots=True)
class BuildInfo:
    version: str
    build: str  # e.g. "2026-12-02 04:40 UTC git 1a2b3c4" or "" when not a packaged build
    target: str  # e.g. "linux-x86_64"
    frozen: bool


def _current_target() -> str:
    return f"{sys.platform}-{platform.machine().lower()}"


def build_info() -> BuildInfo:
    frozen = bool(getattr(sys, "frozen", False))
    try:
        data = json.loads((files("fieldcheck") / BUILD_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = {}
    if not isinstance(data, dict):
        data = {}
    parts = [str(data[key]) for key in ("built", "commit") if data.get(key)]
    return BuildInfo(version=__version__, build=" ".join(parts),
                     target=str(data.get("target") or _current_target()), frozen=frozen)


def version_text() -> str:
    """One line for `fieldcheck --version` and the about box."""
    info = build_info()
    if info.build:
        build = tr("构建 {build}，{target}", build=info.build, target=info.target)
    else:
        build = tr("源码运行，{target}", target=info.target)
    return tr("FieldCheck 效能监察现场检查 {version}（{build}）", version=info.version, build=build)
