"""The bureau's notice settings as the settings dialog edits them (Qt-free).

Checks use the rendering engine's own readers, so what the dialog accepts is what a notice
can print: a seal must decode as a PNG, a font must parse as an embeddable TrueType face.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field, replace
from pathlib import Path

from PIL import Image

from fieldcheck.domain.notice_settings import (
    BureauSettings,
    load_settings,
    placeholder_settings,
    record_settings_saved,
    save_settings,
)
from fieldcheck.domain.notices import TYPE_NAMES
from fieldcheck.errors import ValidationError, os_error_text
from fieldcheck.i18n import tr
from fieldcheck.notices import NoticeError, NoticeType
from fieldcheck.notices.cff import preferred_face
from fieldcheck.notices.fontfiles import FONT_SUFFIXES, parse_role
from fieldcheck.notices.fonts import LoadedFont, font_book, load_font
from fieldcheck.notices.fontstyle import role_faces
from fieldcheck.notices.images import read_png
from fieldcheck.store import Store

# The notice types issued from a visit, whose 机关代字 the bureau sets here.
# Every numbered type: a real store issues none under the shipped example's 代字, so each
# must be one the bureau can fill in here (通报 and 责任追究建议书 included).
PREFIX_TYPES = (NoticeType.RECORD, NoticeType.RECTIFICATION, NoticeType.RECOMMENDATION,
                NoticeType.SERVICE, NoticeType.CIRCULAR, NoticeType.ACCOUNTABILITY)
# Font roles a bureau may point at its own files (Chinese face names, as the file stores them).
FONT_FACES = ("仿宋", "黑体", "楷体", "小标宋")


@dataclass(frozen=True)
class SealCheck:
    problem: str = ""  # the image cannot be used
    warning: str = ""  # usable, but the printout will show why not ideal

    @property
    def ok(self) -> bool:
        return not self.problem


def check_seal(path: Path) -> SealCheck:
    """A seal must be a real PNG; one without transparency would hide the date under it."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return SealCheck(tr("无法读取 {path}：{reason}", path=path, reason=os_error_text(exc)))
    try:
        read_png(raw, tr("印章图片“{name}”", name=path.name))
    except NoticeError as exc:
        return SealCheck(str(exc))
    with Image.open(io.BytesIO(raw)) as image:
        transparent = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    if not transparent:
        return SealCheck(warning=tr("这张 PNG 没有透明背景，盖在日期上时会遮住文字。"
                                    "建议使用透明背景的印章图片。"))
    return SealCheck()


@dataclass(frozen=True)
class FaceInUse:
    face: str  # 仿宋
    line: str  # AR PL UMing CN（/usr/share/fonts/…/uming.ttc）
    warning: str  # a stand-in of another style, or no face at all


def faces_in_use(fonts: dict[str, str]) -> list[FaceInUse]:
    """Which file fills each role with the paths in the form (empty: found automatically),
    and a plain warning for a stand-in of another style. Parses fonts: run off the GUI."""
    configured = {face: Path(path) for face, path in fonts.items()
                  if path.strip() and Path(path).is_file()}
    book = font_book(configured)
    return [FaceInUse(face.role_name,
                      tr("{family}（{path}）", family=face.family, path=face.path)
                      if face.family else tr("未找到字体"), face.warning)
            for face in role_faces(book)]


def check_font(path: Path) -> str:
    """Why the file cannot be a notice font, or "" when it can (parses the font: ~0.2 s)."""
    if not path.is_file():
        return tr("找不到字体文件 {path}。", path=path)
    if path.suffix.lower() not in FONT_SUFFIXES:
        return tr("{name} 不是字体文件（应为 .ttf、.ttc 或 .otf）。", name=path.name)
    result = load_font(path, preferred_face(path))
    return "" if isinstance(result, LoadedFont) else result


@dataclass
class SettingsForm:
    """What the dialog shows and edits, in plain values."""

    issuer_name: str
    issuer_mark: str
    prefixes: dict[str, str]
    seal_png: str
    contact_line: str
    fonts: dict[str, str] = field(default_factory=dict)  # 仿宋 … → path or ""
    reply_days: int = 15
    copies: int = 2


def form_of(settings: BureauSettings) -> SettingsForm:
    n = settings.notice
    fonts = dict.fromkeys(FONT_FACES, "")
    for key, path in n.font_paths.items():
        role = parse_role(key)
        face = next((f for f in FONT_FACES if parse_role(f) == role), None)
        if face is not None:
            fonts[face] = str(path)
    shipped = placeholder_settings()

    def own(value: str, example: str) -> str:
        """A real store shows the shipped example as empty, to be filled with its own."""
        return value if settings.demo or value != example else ""

    return SettingsForm(
        issuer_name=own(n.issuer_name, shipped.issuer_name),
        issuer_mark=own(n.issuer_mark, shipped.issuer_mark),
        prefixes={str(t): own(n.prefixes.get(t, ""), shipped.prefixes.get(t, ""))
                  for t in PREFIX_TYPES},
        seal_png=str(n.seal_png) if n.seal_png else "",
        contact_line=own(n.contact_line or "", shipped.contact_line or ""),
        fonts=fonts, reply_days=settings.reply_days, copies=settings.copies,
    )


def problems_of(form: SettingsForm) -> list[str]:
    problems = []
    if not form.issuer_name.strip():
        problems.append(tr("请填写发文机关名称。"))
    for kind in PREFIX_TYPES:
        if not form.prefixes.get(str(kind), "").strip():
            problems.append(tr("请填写“{name}”的机关代字（文号的前缀，如 清监整改）。",
                               name=type_name(kind)))
    if form.seal_png and not Path(form.seal_png).is_file():
        problems.append(tr("找不到印章图片 {path}，请重新选择。", path=form.seal_png))
    for face, path in form.fonts.items():
        if path and not Path(path).is_file():
            problems.append(tr("找不到{face}字体文件 {path}。", face=face, path=path))
    if not 1 <= form.reply_days <= 365:
        problems.append(tr("整改回复期限应在 1 到 365 天之间。"))
    if not 1 <= form.copies <= 10:
        problems.append(tr("打印份数应在 1 到 10 份之间。"))
    return problems


def settings_of(form: SettingsForm, old: BureauSettings) -> BureauSettings:
    """The edited form over the old settings (other types' 代字, verification URL kept)."""
    prefixes = dict(old.notice.prefixes)
    prefixes.update({NoticeType(k): v.strip() for k, v in form.prefixes.items()})
    shown_roles = {parse_role(face) for face in FONT_FACES}
    fonts = {k: v for k, v in old.notice.font_paths.items() if parse_role(k) not in shown_roles}
    fonts.update({face: Path(path) for face, path in form.fonts.items() if path.strip()})
    notice = replace(
        old.notice, issuer_name=form.issuer_name.strip(), issuer_mark=form.issuer_mark.strip(),
        prefixes=prefixes, seal_png=Path(form.seal_png) if form.seal_png else None,
        contact_line=form.contact_line.strip() or None, font_paths=fonts,
    )
    return BureauSettings(notice, form.reply_days, form.copies, old.demo)


def save_form(data_dir: Path, form: SettingsForm, store: Store | None = None) -> BureauSettings:
    """Save the settings file; with the store, the change is audited too."""
    problems = problems_of(form)
    if problems:
        raise ValidationError(tr("设置未保存，请先改正以下问题："), problems)
    before = load_settings(data_dir)
    settings = settings_of(form, before)
    save_settings(data_dir, settings)
    if store is not None:
        with store.write() as s:
            record_settings_saved(s, before, settings)
    return settings



def type_name(kind: NoticeType) -> str:
    return tr(TYPE_NAMES[kind])
