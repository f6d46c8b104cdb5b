"""Chinese fonts for notices: loading (cached per process), role resolution and glyph checks.

reportlab embeds only TrueType outlines; a CFF face (Noto CJK, Source Han) is served through
cff.py, which converts the characters a notice uses to TrueType outlines. A character missing
from a font would print as an empty box, so every character is looked up in the font's cmap
and, when absent, in the other fonts.
"""

from __future__ import annotations

import io
import logging
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from fieldcheck.i18n import tr
from fieldcheck.notices.cff import CffOutlines, face_name, is_cff, preferred_face
from fieldcheck.notices.errors import FontError
from fieldcheck.notices.fontfiles import (
    GLYPH_FALLBACKS,
    INSTALL_HINT,
    ROLE_NAMES,
    FontRole,
    default_font_dirs,
    font_index,
    parse_role,
    role_candidates,
)

log = logging.getLogger(__name__)


@dataclass(eq=False)
class LoadedFont:
    """A parsed TrueType face registered with reportlab under `name`.

    For a CFF face `cff` holds the source and `ttf`/`name` the converted TrueType font of
    the characters seen so far; `prepare` grows it (a superset each time, so text shaped
    earlier still draws from the newer font).
    """

    name: str
    path: Path
    index: int
    family: str
    cmap: Mapping[int, object]
    ascent: float  # per 1 pt of font size
    descent: float  # negative
    ttf: TTFont
    cff: CffOutlines | None = None
    _generation: int = 0

    def has(self, ch: str) -> bool:
        return ord(ch) in self.cmap

    def width(self, text: str, size: float) -> float:
        if self.cff is not None:
            self.prepare(text)
        return float(pdfmetrics.stringWidth(text, self.name, size))

    def prepare(self, text: str) -> None:
        """Convert the characters of `text` this CFF face has but has not converted yet."""
        if self.cff is None or not self.cff.missing(text):
            return
        with _load_lock:
            if not self.cff.missing(text):
                return
            data = self.cff.build(text)
            self._generation += 1
            name = f"{self.name.split('~')[0]}~{self._generation}"
            font = TTFont(name, io.BytesIO(data))
            pdfmetrics.registerFont(font)
            self.name, self.ttf = name, font


Glyph = tuple[LoadedFont | None, float]  # the face that draws a character, and its advance

_load_lock = threading.RLock()
_loaded: dict[tuple[str, int], LoadedFont | str] = {}  # a face, or why it cannot be used


def load_font(path: Path, index: int = 0, *, need_cjk: bool = True) -> LoadedFont | str:
    """Parse and register a face once per process; returns the font or the reason it failed."""
    key = (str(path.resolve()), index)
    with _load_lock:
        if key not in _loaded:
            _loaded[key] = _parse(path, index, len(_loaded))
        result = _loaded[key]
    if isinstance(result, LoadedFont) and need_cjk and not result.has("中"):
        return tr("{path}：不含中文字形", path=path)
    return result


def _parse(path: Path, index: int, serial: int) -> LoadedFont | str:
    name = f"FC{serial}-{path.stem}-{index}"
    try:
        font = TTFont(name, str(path), subfontIndex=index)
    except (TTFError, OSError, IndexError, KeyError, ValueError) as exc:
        if "postscript" in str(exc).lower() or is_cff(path, index):
            return _parse_cff(path, index, name)
        reason = tr("{path}：无法使用（{reason}）", path=path, reason=exc)
        log.info("font skipped: %s", reason)
        return reason
    pdfmetrics.registerFont(font)
    face = font.face
    scale = 1000.0
    family = face_name(path, index) or (
        face.name.decode("latin-1") if isinstance(face.name, bytes) else str(face.name))
    return LoadedFont(
        name=name, path=path, index=index, family=family,
        cmap=face.charToGlyph, ascent=face.ascent / scale, descent=face.descent / scale,
        ttf=font,
    )


def _parse_cff(path: Path, index: int, name: str) -> LoadedFont | str:
    """A CFF face: read lazily, converted to TrueType outlines character by character."""
    try:
        source = CffOutlines(path, index)
        font = TTFont(name, io.BytesIO(source.build("中")))
    except Exception as exc:  # a damaged font file: any parser error means "cannot use"  # noqa: BLE001
        reason = tr("{path}：无法使用（{reason}）", path=path, reason=exc)
        log.info("font skipped: %s", reason, exc_info=True)
        return reason
    pdfmetrics.registerFont(font)
    face = font.face
    return LoadedFont(name=name, path=path, index=index, family=source.family,
                      cmap=source.cmap, ascent=face.ascent / 1000.0,
                      descent=face.descent / 1000.0, ttf=font, cff=source)


class FontBook:
    """The faces one bureau's notices use, each character resolved to a face that has it."""

    def __init__(self, configured: Mapping[FontRole, Path], dirs: tuple[Path, ...]) -> None:
        self.configured = dict(configured)
        self.dirs = dirs
        self.problems: list[str] = []
        self._roles: dict[FontRole, LoadedFont] = {}
        self._resolved: dict[tuple[str, FontRole], LoadedFont | None] = {}
        self._glyphs: dict[tuple[FontRole, float], dict[str, Glyph]] = {}
        self._lock = threading.RLock()

    def font(self, role: FontRole) -> LoadedFont:
        """The face for a role, found in discovery order; FontError when there is none."""
        with self._lock:
            if role not in self._roles:
                self._roles[role] = self._discover(role)
            return self._roles[role]

    def resolve(self, ch: str, role: FontRole) -> LoadedFont | None:
        """The role's face if it has `ch`, else the first other face that has it, else None."""
        key = (ch, role)
        found = self._resolved.get(key, False)
        if found is not False:
            return found  # type: ignore[return-value]
        with self._lock:
            primary = self.font(role)
            result = primary if primary.has(ch) else self._fallback(ch)
            self._resolved[key] = result
            return result

    def prepare(self, text: str, role: FontRole | None = None) -> None:
        """Convert, in one batch, the characters of `text` a CFF face will draw (no-op for
        TrueType faces); without a role, for every role."""
        roles = [role] if role is not None else list(FontRole)
        for r in roles:
            try:
                font = self.font(r)
            except FontError:
                continue
            if font.cff is not None:
                font.prepare(text)

    def glyph_table(self, role: FontRole, size: float) -> dict[str, Glyph]:
        """Character → (face, advance) already resolved for a role and size (read-only)."""
        return self._glyphs.get((role, size), {})

    def glyph(self, ch: str, role: FontRole, size: float) -> Glyph:
        """Resolve `ch` (with fallback) and measure it; None as face means no font has it."""
        font = self.resolve(ch, role)
        glyph: Glyph = (font, font.width(ch, size) if font is not None else size)
        with self._lock:
            self._glyphs.setdefault((role, size), {})[ch] = glyph
        return glyph

    def describe(self) -> dict[str, str]:
        """Role name → the file used, for a settings screen."""
        out: dict[str, str] = {}
        for role in FontRole:
            try:
                font = self.font(role)
            except FontError:
                continue
            out[ROLE_NAMES[role]] = f"{font.family} ({font.path})"
        return out

    def _discover(self, role: FontRole) -> LoadedFont:
        for path, index in self._paths(role):
            result = load_font(path, index)
            if isinstance(result, LoadedFont):
                return result
            self.problems.append(result)
        raise FontError(self._missing_message(role))

    def _paths(self, role: FontRole) -> Iterator[tuple[Path, int]]:
        if role in self.configured:
            path = self.configured[role]
            yield path, preferred_face(path)
        index = font_index(self.dirs)
        for cand in role_candidates(role):
            found = index.get(cand.file.lower())
            if found is not None:
                yield found, cand.index

    def _fallback(self, ch: str) -> LoadedFont | None:
        for font in self._fallback_fonts():
            if font.has(ch):
                return font
        return None

    def _fallback_fonts(self) -> Iterator[LoadedFont]:
        for role in FontRole:
            try:
                yield self.font(role)
            except FontError:
                continue
        index = font_index(self.dirs)
        for cand in GLYPH_FALLBACKS:
            path = index.get(cand.file.lower())
            if path is not None:
                result = load_font(path, cand.index, need_cjk=False)
                if isinstance(result, LoadedFont):
                    yield result

    def _missing_message(self, role: FontRole) -> str:
        message = tr(
            "找不到可用于公文“{face}”的中文 TrueType 字体。请安装字体（{hint}），"
            "或在设置中配置仿宋、黑体、楷体字体文件的路径（Windows 自带 simfang.ttf、simhei.ttf、"
            "simkai.ttf）。",
            face=ROLE_NAMES[role], hint=INSTALL_HINT,
        )
        if self.problems:
            message += tr("已跳过：{problems}", problems="；".join(dict.fromkeys(self.problems)))
        return message


_books_lock = threading.Lock()
_books: dict[tuple[tuple[tuple[FontRole, str], ...], tuple[Path, ...]], FontBook] = {}


def font_book(font_paths: Mapping[str, Path] | None = None,
              font_dirs: list[Path] | tuple[Path, ...] | None = None) -> FontBook:
    """The cached FontBook for a configuration, so a second notice parses no font again."""
    configured: dict[FontRole, Path] = {}
    for name, path in (font_paths or {}).items():
        role = parse_role(str(name))
        if role is not None:
            configured[role] = Path(path)
    dirs = tuple(font_dirs) if font_dirs is not None else default_font_dirs()
    key = (tuple(sorted((role, str(path)) for role, path in configured.items())), dirs)
    with _books_lock:
        if key not in _books:
            _books[key] = FontBook(configured, dirs)
        return _books[key]

