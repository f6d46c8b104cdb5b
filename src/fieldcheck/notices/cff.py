"""OpenType-CFF faces (Noto Serif CJK, Source Han, many vendors' 仿宋/小标宋) made embeddable.

reportlab embeds only TrueType (glyf) outlines. For a CFF face the characters a notice uses
are converted to quadratic TrueType outlines with fontTools (cu2qu) and built into a small
TrueType font that reportlab parses and subsets as usual. Converted glyphs are kept, so a
later notice converts only characters not seen before; the full face is read lazily (its
cmap and advance widths), never converted whole (tens of thousands of glyphs).
"""

from __future__ import annotations

import io
import threading
from pathlib import Path

from fontTools.fontBuilder import FontBuilder
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection, TTFont, TTLibError

MAX_ERROR = 1.0  # font units: the quadratic outline stays within 1/1000 em of the cubic one
_NOTDEF = ".notdef"


def is_cff(path: Path, index: int = 0) -> bool:
    """True if the face at `path` (subfont `index` of a collection) has CFF outlines."""
    try:
        font = TTFont(str(path), fontNumber=index, lazy=True)
    except (TTLibError, OSError, ValueError, IndexError):
        return False
    with font:
        return "CFF " in font or "CFF2" in font


def face_name(path: Path, index: int = 0) -> str:
    """The face's full name as the font states it (AR PL UMing CN), "" if unreadable."""
    try:
        font = TTFont(str(path), fontNumber=index, lazy=True)
    except (TTLibError, OSError, ValueError, IndexError):
        return ""
    with font:
        try:
            return _name(font, 4) or _name(font, 1)
        except (KeyError, TTLibError):
            return ""


def preferred_face(path: Path) -> int:
    """The subfont of a collection meant for Simplified Chinese (Noto/Source Han ship JP, KR,
    SC, TC … in one .ttc), else the first."""
    if path.suffix.lower() not in (".ttc", ".otc"):
        return 0
    try:
        collection = TTCollection(str(path), lazy=True)
    except (TTLibError, OSError, ValueError):
        return 0
    with collection:
        for k, font in enumerate(collection.fonts):
            family = _name(font, 1)
            if any(tag in family for tag in (" SC", " CN", "GB", "简")):
                return k
    return 0


class CffOutlines:
    """One CFF face: its cmap and metrics, and the characters converted so far."""

    def __init__(self, path: Path, index: int = 0) -> None:
        self.path, self.index = path, index
        self._font = TTFont(str(path), fontNumber=index, lazy=True)
        self.cmap: dict[int, str] = dict(self._font.getBestCmap() or {})
        self._glyph_set = self._font.getGlyphSet()
        self._metrics = self._font["hmtx"].metrics
        self._converted: dict[str, object] = {}
        self.chars: set[str] = set()
        self.family = _name(self._font, 4) or _name(self._font, 1) or path.stem
        self._lock = threading.Lock()

    def missing(self, text: str) -> set[str]:
        """Characters of `text` the face has but that are not converted yet."""
        return {ch for ch in text if ch not in self.chars and ord(ch) in self.cmap}

    def build(self, text: str) -> bytes:
        """A TrueType font holding every character converted so far plus those of `text`."""
        with self._lock:
            self.chars |= self.missing(text)
            names = [_NOTDEF]
            mapping: dict[int, str] = {}
            for ch in sorted(self.chars):
                glyph = self.cmap[ord(ch)]
                if glyph not in names:
                    names.append(glyph)
                mapping[ord(ch)] = glyph
            glyphs = {name: self._outline(name) for name in names}
            return self._assemble(names, mapping, glyphs)

    def _outline(self, name: str) -> object:
        if name not in self._converted:
            pen = TTGlyphPen(None)
            if name in self._glyph_set:
                self._glyph_set[name].draw(Cu2QuPen(pen, MAX_ERROR, reverse_direction=True))
            self._converted[name] = pen.glyph()
        return self._converted[name]

    def _assemble(self, names: list[str], mapping: dict[int, str],
                  glyphs: dict[str, object]) -> bytes:
        src = self._font
        builder = FontBuilder(src["head"].unitsPerEm, isTTF=True)
        builder.setupGlyphOrder(names)
        builder.setupCharacterMap(mapping)
        builder.setupGlyf(glyphs)
        builder.setupHorizontalMetrics({n: self._metrics.get(n, (0, 0)) for n in names})
        hhea, os2 = src["hhea"], src["OS/2"]
        builder.setupHorizontalHeader(ascent=hhea.ascent, descent=hhea.descent)
        builder.setupOS2(sTypoAscender=os2.sTypoAscender, sTypoDescender=os2.sTypoDescender,
                         usWinAscent=os2.usWinAscent, usWinDescent=os2.usWinDescent,
                         fsType=os2.fsType)  # the face's own embedding permission
        ps_name = (_name(src, 6) or self.family).replace(" ", "")
        builder.setupNameTable({"familyName": _name(src, 1) or self.family,
                                "styleName": _name(src, 2) or "Regular", "psName": ps_name})
        builder.setupPost()
        out = io.BytesIO()
        builder.save(out)
        return out.getvalue()


def _name(font: TTFont, name_id: int) -> str:
    table = font["name"]
    for lang in (0x804, 0x409):  # Chinese (PRC) first, then English
        record = table.getName(name_id, 3, 1, lang)
        if record is not None:
            return str(record.toUnicode())
    record = table.getDebugName(name_id)
    return str(record) if record else ""
