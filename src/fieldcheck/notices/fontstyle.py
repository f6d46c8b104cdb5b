"""Which face fills each notice role, and a plain warning when it is of another style.

GB/T 9704 names the faces: 仿宋 for the body, 小标宋 for the issuer mark and title, 黑体 and
楷体 for headings. A machine without them prints with what it has (AR PL UMing, a 明体, for
仿宋; WenQuanYi Zen Hei, a 黑体, for 小标宋), which a document clerk notices at once; the
settings screen and the preview say so instead of leaving it to be found on paper.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from fieldcheck.i18n import tr
from fieldcheck.notices.errors import FontError
from fieldcheck.notices.fontfiles import ROLE_NAMES, FontRole
from fieldcheck.notices.fonts import FontBook

# Face styles recognised from family names (Chinese and English names of common fonts).
_STYLES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("小标宋", re.compile(r"小标宋|XiaoBiaoSong|FZXBS|XBS", re.I)),
    ("仿宋", re.compile(r"仿宋|Fang ?Song|FS_GB|STFangsong", re.I)),
    ("楷体", re.compile(r"楷|Kai|WenKai", re.I)),
    ("黑体", re.compile(r"黑|Hei|YaHei|Sans", re.I)),
    ("宋体", re.compile(r"宋|Song|Sun|Ming|Serif", re.I)),
)
# What each role should be printed in; 宋体 (page numbers) also takes a 明体/Serif face.
_WANTED = {
    FontRole.FANGSONG: "仿宋",
    FontRole.TITLE: "小标宋",
    FontRole.HEITI: "黑体",
    FontRole.KAITI: "楷体",
    FontRole.SONG: "宋体",
}
STYLE_NAMES_EN = {"小标宋": "Xiaobiaosong", "仿宋": "FangSong", "楷体": "KaiTi", "黑体": "HeiTi",
                  "宋体": "SongTi (Ming)"}


def face_style(family: str) -> str:
    """The style a family name says (仿宋, 小标宋, 楷体, 黑体, 宋体), or "" if it does not say."""
    for style, pattern in _STYLES:
        if pattern.search(family):
            return style
    return ""


@dataclass(frozen=True)
class RoleFace:
    role: FontRole
    role_name: str  # 仿宋
    family: str  # AR PL UMing CN ("" when no face was found)
    path: str
    style: str  # the face's own style, "" if unknown
    warning: str  # "" when the face is of the role's style
    converted: bool = False  # an OpenType-CFF face converted for embedding

    @property
    def line(self) -> str:
        """One line for a settings screen: 仿宋：AR PL UMing CN（/usr/share/…/uming.ttc）."""
        if not self.family:
            return tr("{role}：未找到字体", role=self.role_name)
        return tr("{role}：{family}（{path}）", role=self.role_name, family=self.family,
                  path=self.path)


def role_faces(book: FontBook,
               roles: tuple[FontRole, ...] = (FontRole.FANGSONG, FontRole.TITLE, FontRole.HEITI,
                                              FontRole.KAITI)) -> list[RoleFace]:
    """The face filling each role, with a warning where it is a stand-in of another style."""
    out = []
    for role in roles:
        name = ROLE_NAMES[role]
        try:
            font = book.font(role)
        except FontError as exc:
            out.append(RoleFace(role, name, "", "", "", str(exc)))
            continue
        style = face_style(font.family)
        wanted = _WANTED[role]
        warning = ""
        if style != wanted:
            if style:
                warning = tr("“{role}”现由 {family} 代替，它是{style}类字体，不是{role}，打印效果与"
                             "公文规定不同。请安装{role}字体，或在文书设置中指定{role}字体文件。",
                             role=name, family=font.family, style=style)
            else:
                warning = tr("“{role}”现由 {family} 代替，无法确认它是{role}字体；请核对打印效果，"
                             "或在文书设置中指定{role}字体文件。", role=name, family=font.family)
        out.append(RoleFace(role, name, font.family, str(font.path), style, warning,
                            font.cff is not None))
    return out


def stand_in_warnings(book: FontBook) -> list[str]:
    return [face.warning for face in role_faces(book) if face.warning]
