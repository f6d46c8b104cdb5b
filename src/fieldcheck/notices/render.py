"""render_notice: NoticeContent + NoticeSettings → PDF bytes, laid out per GB/T 9704-2012."""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass, field

from reportlab import rl_config
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from fieldcheck.i18n import tr
from fieldcheck.notices.document import NoticeDocument
from fieldcheck.notices.errors import MissingGlyphError
from fieldcheck.notices.fontfiles import FontRole
from fieldcheck.notices.fonts import FontBook, font_book
from fieldcheck.notices.forms import signature_table, write_form
from fieldcheck.notices.imprint import write_imprint
from fieldcheck.notices.model import NoticeContent, NoticeSettings, NoticeType
from fieldcheck.notices.official import write_official
from fieldcheck.notices.texts import NoticeTexts, load_texts

# Binary (Flate only) streams: ~20 % smaller files and no pure-Python ASCII85 pass on every save.
# reportlab is used by nothing else in FieldCheck, so the process-wide switch is safe.
rl_config.useA85 = 0
_render_lock = threading.Lock()  # reportlab's font registry and subset state are shared


@dataclass
class RenderedNotice:
    pdf: bytes
    pages: int
    missing_glyphs: list[str] = field(default_factory=list)  # drawn as framed code-point boxes


def build_notice(content: NoticeContent, settings: NoticeSettings) -> RenderedNotice:
    """Render and report; characters without a glyph are drawn as visible boxes and listed."""
    with _render_lock:
        return _build(content, settings)


def _build(content: NoticeContent, settings: NoticeSettings) -> RenderedNotice:
    texts = load_texts(NoticeType(content.type))
    book = font_book(settings.font_paths, settings.font_dirs)
    book.font(FontRole.FANGSONG)  # no body font: FontError before anything else
    total = None
    if texts.page_footer:  # 第X页 共Y页: lay the form out once to count its pages
        total = _write(io.BytesIO(), content, settings, texts, book, None).flow.page
    buffer = io.BytesIO()
    doc = _write(buffer, content, settings, texts, book, total)
    return RenderedNotice(buffer.getvalue(), doc.flow.page, list(doc.ts.missing))


def _write(buffer: io.BytesIO, content: NoticeContent, settings: NoticeSettings,
           texts: NoticeTexts, book: FontBook, total: int | None) -> NoticeDocument:
    body = book.font(FontRole.FANGSONG)
    # An embedded initial font keeps the non-embedded Helvetica out of the file.
    canvas = Canvas(buffer, pagesize=A4, invariant=True, pageCompression=1,
                    initialFontName=body.name, initialFontSize=16)
    title = content.title or texts.title
    canvas.setTitle(f"{title} {content.number}" if content.number else title)
    canvas.setAuthor(settings.issuer_name)
    canvas.setSubject(content.unit_name)
    canvas.setCreator("FieldCheck")
    # invariant=True keeps the bytes reproducible (an issued PDF is hashed) but would date the
    # file 2000-01-01: the notice's own date is its creation date, with no time or zone.
    issued = content.issued_on
    canvas.setDateFormatter(lambda *_now: f"D:{issued.year:04d}{issued.month:02d}{issued.day:02d}")
    if book.configured:  # convert a CFF face's characters in one batch, not paragraph by paragraph
        book.prepare(notice_text(content, texts, settings))
    doc = NoticeDocument(canvas, book, content, settings, texts)
    doc.total_pages = total
    if texts.layout == "form":
        write_form(doc)
    else:
        write_official(doc)
        if content.signatures:
            doc.write_table(signature_table(doc))
        write_imprint(doc)
    doc.finish()
    canvas.save()
    return doc


def notice_text(content: NoticeContent, texts: NoticeTexts, settings: NoticeSettings) -> str:
    """Every character the notice is likely to print (a superset is harmless)."""
    parts: list[str] = [settings.issuer_name, settings.mark, settings.contact_line or "",
                        "0123456789年月日时分第页共〔〕（）：，。、；—"]
    for value in vars(content).values():
        parts.append(_flatten(value))
    parts.append(_flatten(texts.common))
    parts += [texts.title, texts.recipient, *texts.paragraphs]
    parts += [f.label for f in texts.fields] + [label for _role, label in texts.signatures]
    parts += [c.label for c in texts.columns]
    return "".join(sorted(set("".join(parts))))


def _flatten(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return "".join(_flatten(v) for v in value.values())
    if isinstance(value, list | tuple):
        return "".join(_flatten(v) for v in value)
    if hasattr(value, "__dataclass_fields__"):
        return _flatten(list(vars(value).values()))
    return ""


def render_notice(content: NoticeContent, settings: NoticeSettings) -> bytes:
    """The notice as PDF bytes; MissingGlyphError if any character has no glyph in any font."""
    return render_checked(content, settings).pdf


def render_checked(content: NoticeContent, settings: NoticeSettings) -> RenderedNotice:
    """The notice with its page count; MissingGlyphError if any character has no glyph."""
    result = build_notice(content, settings)
    if result.missing_glyphs:
        listed = "、".join(f"“{ch}”(U+{ord(ch):04X})" for ch in result.missing_glyphs)
        raise MissingGlyphError(
            tr("以下字符在已安装的字体中都没有字形，打印出来会是空框：{chars}。"
               "请安装包含这些字的字体（如 Windows 的 SimSun-ExtB），在设置中配置字体路径，"
               "或修改文字后重试。", chars=listed),
            result.missing_glyphs,
        )
    return result
