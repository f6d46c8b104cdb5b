"""Official notices (现场检查记录, 整改通知书, 效能监察建议书, 送达回证 …) as GB/T 9704 PDFs.

Pure rendering from plain data: no database, no Qt. Numbering and issuing live in
numbering.py and service.py.
"""

from __future__ import annotations

from fieldcheck.notices.errors import FontError, MissingGlyphError, NoticeError
from fieldcheck.notices.fontfiles import FONT_DIRS_ENV, FontRole
from fieldcheck.notices.fonts import FontBook, font_book
from fieldcheck.notices.model import (
    FINDINGS_PLACEHOLDER,
    FindingEntry,
    NoticeContent,
    NoticeSettings,
    NoticeType,
    SignatureEntry,
    format_date,
    format_number,
    format_period,
    verification_payload,
)
from fieldcheck.notices.render import RenderedNotice, build_notice, render_checked, render_notice
from fieldcheck.notices.sample import sample_content, sample_settings
from fieldcheck.notices.texts import default_paragraphs, default_title

__all__ = [
    "FINDINGS_PLACEHOLDER",
    "FONT_DIRS_ENV",
    "FindingEntry",
    "FontBook",
    "FontError",
    "FontRole",
    "MissingGlyphError",
    "NoticeContent",
    "NoticeError",
    "NoticeSettings",
    "NoticeType",
    "RenderedNotice",
    "SignatureEntry",
    "build_notice",
    "default_paragraphs",
    "default_title",
    "font_book",
    "format_date",
    "format_number",
    "format_period",
    "render_checked",
    "render_notice",
    "sample_content",
    "sample_settings",
    "verification_payload",
]
