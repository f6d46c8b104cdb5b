"""Font discovery, embedding, glyph fallback and the missing-font and missing-glyph errors."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from notice_pdf import Pdf, render

from fieldcheck.notices import (
    FONT_DIRS_ENV,
    FontError,
    FontRole,
    MissingGlyphError,
    NoticeType,
    build_notice,
    font_book,
    render_notice,
    sample_content,
)
from fieldcheck.notices.fontfiles import forget_font_index
from fieldcheck.notices.fonts import load_font

UMING = Path("/usr/share/fonts/truetype/arphic/uming.ttc")
ZENHEI = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
UKAI = Path("/usr/share/fonts/truetype/arphic/ukai.ttc")
NOTO_CFF = sorted(Path("/usr/share/fonts/opentype/noto").glob("NotoSerifCJK*.tt*"))
needs_poppler = pytest.mark.skipif(shutil.which("pdffonts") is None, reason="poppler-utils missing")


@pytest.fixture(autouse=True)
def _fresh_index():
    forget_font_index()
    yield
    forget_font_index()


def test_no_cjk_font_gives_a_clear_error(tmp_path, monkeypatch, settings) -> None:
    monkeypatch.setenv(FONT_DIRS_ENV, str(tmp_path))
    with pytest.raises(FontError) as err:
        render_notice(sample_content(NoticeType.RECORD), settings)
    message = str(err.value)
    assert "apt install fonts-arphic-uming" in message
    assert "仿宋" in message and "simfang.ttf" in message


def test_font_dirs_setting_restricts_the_search(tmp_path, settings) -> None:
    with pytest.raises(FontError):
        render_notice(sample_content(NoticeType.RECORD), replace(settings, font_dirs=[tmp_path]))


def test_a_font_folder_with_only_free_fonts_is_enough(tmp_path, settings) -> None:
    (tmp_path / "uming.ttc").symlink_to(UMING)
    pdf = render(sample_content(NoticeType.SERVICE), replace(settings, font_dirs=[tmp_path]))
    assert all("UMing" in c["fontname"] for c in pdf.chars())  # every role falls back to UMing


def test_windows_font_names_come_first(tmp_path) -> None:
    # A file named like the Windows 黑体 (here UKai in disguise) beats the free Zen Hei beside it.
    (tmp_path / "simhei.ttf").symlink_to(UKAI)
    (tmp_path / "wqy-zenhei.ttc").symlink_to(ZENHEI)
    (tmp_path / "uming.ttc").symlink_to(UMING)
    book = font_book({}, [tmp_path])
    assert "UKai" in book.font(FontRole.HEITI).family
    assert "UKai" in book.font(FontRole.TITLE).family  # no 小标宋: the Windows 黑体 next
    assert "UMing" in book.font(FontRole.FANGSONG).family


def test_configured_path_beats_discovery(settings) -> None:
    book = font_book({"仿宋": ZENHEI}, None)
    assert book.font(FontRole.FANGSONG).path.resolve() == ZENHEI.resolve()
    assert book.font(FontRole.KAITI).family.startswith("LXGW")


NOTO_SERIF = Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc")
NOTO_SERIF_BOLD = Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc")


@pytest.mark.skipif(not NOTO_SERIF.exists(), reason="fonts-noto-cjk not installed")
@needs_poppler
def test_an_opentype_cff_face_fills_a_role_and_is_embedded(settings, tmp_path) -> None:
    # Noto Serif CJK is OpenType-CFF: reportlab cannot embed it as it is, so the characters a
    # notice uses are converted to TrueType outlines and embedded as a subset.
    configured = replace(settings, font_paths={"仿宋": NOTO_SERIF, "小标宋": NOTO_SERIF_BOLD})
    book = font_book(configured.font_paths, None)
    body = book.font(FontRole.FANGSONG)
    assert body.cff is not None and "Noto Serif CJK SC" in body.family  # the SC face of the .ttc
    content = sample_content(NoticeType.RECTIFICATION)
    path = tmp_path / "noto.pdf"
    path.write_bytes(render_notice(content, configured))
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True,
                           check=True).stdout
    noto = [row for row in fonts.splitlines() if "NotoSerifCJK" in row]
    assert any("Bold" in row for row in noto) and any("Regular" in row for row in noto)
    for row in fonts.splitlines()[2:]:
        assert row.split()[-5:-2] == ["yes", "yes", "yes"], row  # embedded, subset, unicode
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    flat = re.sub(r"—\d+—", "", "".join(text.split()))
    assert "".join(content.paragraphs[0].split()) in flat
    # Rendering again converts nothing new and gives the same bytes (an issued PDF is hashed).
    assert render_notice(content, configured) == path.read_bytes()


def test_a_stand_in_of_another_style_is_named_plainly() -> None:
    from fieldcheck.notices.fontstyle import face_style, role_faces

    assert face_style("AR PL UMing CN") == "宋体"
    assert face_style("文泉驿正黑") == "黑体"
    assert face_style("FangSong") == "仿宋" and face_style("方正小标宋简体") == "小标宋"
    book = font_book({"仿宋": UMING, "小标宋": ZENHEI, "楷体": UKAI}, None)
    faces = {face.role_name: face for face in role_faces(book)}
    assert "AR PL UMing" in faces["仿宋"].family and faces["仿宋"].path.endswith("uming.ttc")
    assert "宋体" in faces["仿宋"].warning and "不是仿宋" in faces["仿宋"].warning
    assert "黑体" in faces["小标宋"].warning
    assert faces["楷体"].warning == ""


def test_fonts_are_parsed_once_per_process(settings) -> None:
    first = font_book(settings.font_paths, settings.font_dirs)
    first.font(FontRole.FANGSONG)
    second = font_book(settings.font_paths, settings.font_dirs)
    assert second is first
    assert load_font(UMING) is load_font(UMING)


def test_a_character_missing_from_the_role_font_falls_back() -> None:
    content = sample_content(NoticeType.RECTIFICATION)
    content.paragraphs = ["当事人姓名中有扩展A区的字㐀，仍应正常打印。"]
    pdf = render(content)
    rare = [c for c in pdf.chars() if c["text"] == "㐀"]
    assert rare and "ZenHei" in rare[0]["fontname"]  # UMing lacks it, Zen Hei has it
    assert "UMing" in next(c for c in pdf.chars() if c["text"] == "姓")["fontname"]


def test_a_character_no_font_has_is_reported_not_boxed_silently(settings) -> None:
    content = sample_content(NoticeType.RECTIFICATION)
    content.paragraphs = ["被检查人姓名：王\ue000明，住址：𠀀村。"]
    with pytest.raises(MissingGlyphError) as err:
        render_notice(content, settings)
    assert err.value.characters == ["\ue000", "𠀀"]
    assert "U+E000" in str(err.value) and "U+20000" in str(err.value)
    # The preview path draws a visible code-point box instead and lists the characters.
    result = build_notice(content, settings)
    assert result.missing_glyphs == ["\ue000", "𠀀"]
    text = Pdf(result.pdf).text()
    assert "E000" in text and "20000" in text
    assert "\ue000" not in text


@needs_poppler
def test_pdffonts_shows_embedded_subsets_only(rendered_samples, tmp_path) -> None:
    for kind, pdf in rendered_samples.items():
        path = tmp_path / f"{kind}.pdf"
        path.write_bytes(pdf.data)
        out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True,
                             check=True).stdout
        rows = out.splitlines()[2:]
        assert rows, out
        for row in rows:
            name, *_rest = row.split()
            emb, sub, uni = row.split()[-5:-2]
            assert "+" in name, row  # subset tag
            assert (emb, sub, uni) == ("yes", "yes", "yes"), row


@needs_poppler
def test_pdftotext_gives_back_the_chinese_text(rendered_samples, tmp_path) -> None:
    content = sample_content(NoticeType.RECTIFICATION)
    path = tmp_path / "notice.pdf"
    path.write_bytes(rendered_samples[NoticeType.RECTIFICATION].data)
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                         check=True).stdout
    # A paragraph running over a page reads on past the page number (— 1 —) and the page break.
    flat = re.sub(r"—\d+—", "", "".join(out.split()))
    assert "效能监察整改通知书" in flat
    assert "衡监整改〔2026〕7号" in flat
    for paragraph in content.paragraphs:
        if not paragraph.startswith("〖"):
            assert "".join(paragraph.split()) in flat


def test_tabs_and_invisible_characters_do_not_print_boxes(settings) -> None:
    content = sample_content(NoticeType.RECTIFICATION)
    content.paragraphs = ["检查\t发现\u200b问题\ufeff，\u3000见附件。"]
    result = build_notice(content, settings)
    assert result.missing_glyphs == []
    assert "检查发现问题，见附件。" in "".join(Pdf(result.pdf).text().split())
