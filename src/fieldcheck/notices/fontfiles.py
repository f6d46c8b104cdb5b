"""Where Chinese fonts are looked for, and which files can play which role.

Discovery order (DESIGN §5): configured paths → the standard Windows fonts (and 方正小标宋 if a
bureau installed it) → free TrueType CJK fonts → nothing, which is a FontError. Only file names
are matched here; parsing and the glyph check happen in fonts.py.
"""

from __future__ import annotations

import os
import sys
import threading
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

FONT_DIRS_ENV = "FIELDCHECK_FONT_DIRS"
FONT_SUFFIXES = (".ttf", ".ttc", ".otf", ".otc")


class FontRole(StrEnum):
    FANGSONG = "fangsong"  # 仿宋: body text, 1. and （1） headings
    HEITI = "heiti"  # 黑体: 一、 headings, table heads
    KAITI = "kaiti"  # 楷体: （一） headings
    SONG = "song"  # 宋体: page numbers
    TITLE = "title"  # 小标宋: issuer mark and title


ROLE_NAMES = {
    FontRole.FANGSONG: "仿宋",
    FontRole.HEITI: "黑体",
    FontRole.KAITI: "楷体",
    FontRole.SONG: "宋体",
    FontRole.TITLE: "小标宋",
}
_ALIASES = {name: role for role, name in ROLE_NAMES.items()} | {"标题": FontRole.TITLE}


def parse_role(key: str) -> FontRole | None:
    """A configured key: an English role (fangsong) or the Chinese face name (仿宋)."""
    key = key.strip()
    if key in _ALIASES:
        return _ALIASES[key]
    try:
        return FontRole(key.lower())
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class Candidate:
    file: str  # file name, matched case-insensitively
    index: int = 0  # subfont of a .ttc collection


_UMING = Candidate("uming.ttc")  # index 0 is AR PL UMing CN (mainland punctuation placement)
_UKAI = Candidate("ukai.ttc")
_ZENHEI = Candidate("wqy-zenhei.ttc")
_MICROHEI = Candidate("wqy-microhei.ttc")
_WENKAI = Candidate("LXGWWenKai-Regular.ttf")
_WENKAI_BOLD = Candidate("LXGWWenKai-Bold.ttf")
_DROID = Candidate("DroidSansFallbackFull.ttf")

_WINDOWS: dict[FontRole, tuple[Candidate, ...]] = {
    FontRole.FANGSONG: (Candidate("simfang.ttf"), Candidate("FS_GB2312.ttf"),
                        Candidate("仿宋_GB2312.ttf"), Candidate("STFANGSO.TTF")),
    FontRole.HEITI: (Candidate("simhei.ttf"), Candidate("STHEITI.TTF"), Candidate("msyh.ttc")),
    FontRole.KAITI: (Candidate("simkai.ttf"), Candidate("KAITI_GB2312.ttf"),
                     Candidate("楷体_GB2312.ttf"), Candidate("STKAITI.TTF")),
    FontRole.SONG: (Candidate("simsun.ttc"), Candidate("simsun.ttf"), Candidate("STSONG.TTF")),
    # 方正小标宋 first; without it the boldest face available, never a faked bold.
    FontRole.TITLE: (Candidate("FZXBSJW.TTF"), Candidate("FZXBSK.TTF"),
                     Candidate("方正小标宋简体.ttf"), Candidate("方正小标宋_GBK.ttf"),
                     Candidate("FZXiaoBiaoSong-B05S.ttf"), Candidate("simhei.ttf"),
                     Candidate("msyhbd.ttc")),
}
_FREE: dict[FontRole, tuple[Candidate, ...]] = {
    FontRole.FANGSONG: (_UMING,),
    FontRole.HEITI: (_ZENHEI, _MICROHEI),
    FontRole.KAITI: (_WENKAI, _UKAI),
    FontRole.SONG: (_UMING,),
    FontRole.TITLE: (_ZENHEI, _MICROHEI, _WENKAI_BOLD),
}
# Any CJK TrueType face beats no document at all.
_LAST_RESORT = (_UMING, _ZENHEI, _WENKAI, _UKAI, _MICROHEI, _DROID,
                Candidate("simsun.ttc"), Candidate("simhei.ttf"), Candidate("msyh.ttc"))
# Searched only for characters no role font has: rare (Ext-B) characters and symbols.
GLYPH_FALLBACKS = (Candidate("simsunb.ttf"), Candidate("mingliub.ttc"), Candidate("HanaMinA.ttf"),
                   Candidate("HanaMinB.ttf"), Candidate("BabelStoneHan.ttf"), _ZENHEI, _UMING,
                   _WENKAI, _UKAI, _DROID, Candidate("DejaVuSans.ttf"))

INSTALL_HINT = "sudo apt install fonts-arphic-uming fonts-arphic-ukai fonts-wqy-zenhei fonts-lxgw-wenkai"


def role_candidates(role: FontRole) -> tuple[Candidate, ...]:
    return _WINDOWS[role] + _FREE[role] + _LAST_RESORT


def default_font_dirs() -> tuple[Path, ...]:
    """The folders searched unless FIELDCHECK_FONT_DIRS or the settings name others."""
    override = os.environ.get(FONT_DIRS_ENV)
    if override is not None:
        return tuple(Path(p) for p in override.split(os.pathsep) if p)
    home = Path.home()
    if sys.platform == "win32":
        windir = Path(os.environ.get("WINDIR", r"C:\Windows"))
        local = Path(os.environ.get("LOCALAPPDATA", home / "AppData" / "Local"))
        return (windir / "Fonts", local / "Microsoft" / "Windows" / "Fonts")
    if sys.platform == "darwin":
        return (Path("/System/Library/Fonts"), Path("/Library/Fonts"), home / "Library" / "Fonts")
    return (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"),
            home / ".local" / "share" / "fonts", home / ".fonts")


_index_lock = threading.Lock()
_indexes: dict[tuple[Path, ...], dict[str, Path]] = {}


def font_index(dirs: tuple[Path, ...]) -> dict[str, Path]:
    """Lower-cased file name → path of every font file under `dirs` (first found wins)."""
    with _index_lock:
        if dirs not in _indexes:
            _indexes[dirs] = _scan(dirs)
        return _indexes[dirs]


def _scan(dirs: tuple[Path, ...]) -> dict[str, Path]:
    found: dict[str, Path] = {}
    for root in dirs:
        if not root.is_dir():
            continue
        for folder, _subdirs, files in os.walk(root, followlinks=True):
            for name in sorted(files):
                if name.lower().endswith(FONT_SUFFIXES):
                    found.setdefault(name.lower(), Path(folder) / name)
    return found


def forget_font_index() -> None:
    """Drop the cached folder scans (after fonts were installed, and in tests)."""
    with _index_lock:
        _indexes.clear()
