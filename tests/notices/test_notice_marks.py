"""Seal, signatures, draft watermark and the verification QR code."""

from __future__ import annotations

import io
import subprocess
from dataclasses import replace

import pytest
from notice_pdf import BOTTOM, LEFT, MM, PAGE_H, PAGE_W, RIGHT, Pdf, jpeg_bytes, render, seal_png
from PIL import Image

from fieldcheck.notices import (
    NoticeError,
    NoticeType,
    SignatureEntry,
    build_notice,
    render_notice,
    sample_content,
)
from fieldcheck.notices.marks import QR_SIZE, qr_modules


def test_seal_presses_on_issuer_name_and_date(tmp_path, settings) -> None:
    sealed = replace(settings, seal_png=seal_png(tmp_path / "seal.png"))
    pdf = render(sample_content(NoticeType.RECTIFICATION), sealed)
    last = pdf.pages[-1]
    assert len(last["images"]) == 1
    seal = last["images"][0]
    assert seal["width"] == pytest.approx(40 * MM, abs=1)
    date = next(ln for ln in pdf.body_lines(len(pdf.pages) - 1) if ln.text == "2026年11月27日")
    name = next(ln for ln in pdf.body_lines(len(pdf.pages) - 1) if ln.text == "衡水市监察局")
    # 日期右空四字; the name centred over the date; both under the seal's centre.
    assert date.x1 == pytest.approx(RIGHT - 4 * 156 * MM / 28, abs=1)
    assert (name.x0 + name.x1) / 2 == pytest.approx((date.x0 + date.x1) / 2, abs=1)
    centre_x = seal["x0"] + seal["width"] / 2
    centre_y = seal["top"] + seal["height"] / 2
    assert centre_x == pytest.approx((date.x0 + date.x1) / 2, abs=1)
    assert seal["top"] < name.top < centre_y < date.top < seal["bottom"] + 1


def test_a_seal_that_is_not_a_png_is_refused(tmp_path, settings) -> None:
    fake = tmp_path / "seal.png"
    fake.write_bytes(jpeg_bytes())
    with pytest.raises(NoticeError, match="PNG"):
        render_notice(sample_content(NoticeType.RECTIFICATION), replace(settings, seal_png=fake))
    garbage = tmp_path / "garbage.png"
    garbage.write_bytes(b"not an image at all")
    with pytest.raises(NoticeError, match="PNG"):
        render_notice(sample_content(NoticeType.RECTIFICATION), replace(settings, seal_png=garbage))
    with pytest.raises(NoticeError, match="印章"):
        render_notice(sample_content(NoticeType.RECTIFICATION),
                      replace(settings, seal_png=tmp_path / "missing.png"))


def test_a_signature_that_is_not_a_png_is_refused(settings) -> None:
    content = sample_content(NoticeType.RECORD)
    content.signatures = [SignatureEntry("inspector", "王建国", jpeg_bytes())]
    with pytest.raises(NoticeError, match="签名图片"):
        render_notice(content, settings)


def test_roles_without_a_signature_leave_room_to_sign_by_hand(settings) -> None:
    content = sample_content(NoticeType.RECORD)
    content.signatures = []
    text = render(content, settings).text().replace("\u3000", "")
    # Each of the two inspectors, the 记录人, the unit's person and the witness.
    assert text.count("年月日") == 5


def test_refusal_without_witness_is_still_printed(settings) -> None:
    content = sample_content(NoticeType.SERVICE)
    content.signatures = [SignatureEntry("recipient", "孙立新", refused=True,
                                         refusal_reason="称负责人不在")]
    assert "拒绝签字（理由：称负责人不在）" in render(content, settings).text()


def test_draft_has_a_watermark_on_every_page_and_no_number_or_qr(settings) -> None:
    content = replace(sample_content(NoticeType.RECTIFICATION), draft=True)
    pdf = render(content, settings)
    assert len(pdf.pages) >= 2
    for page in range(len(pdf.pages)):
        assert watermark(pdf, page) == ["草", "稿"]
    assert "〔2026〕" not in pdf.text()
    assert not qr_rects(pdf)
    numbered = render(replace(content, draft=False, number=None), settings)
    assert watermark(numbered, 0) == ["草", "稿"]
    assert watermark(render(sample_content(NoticeType.RECORD), settings), 0) == []


def watermark(pdf: Pdf, page: int) -> list[str]:
    """Characters set at 45 degrees: the 草稿 mark."""
    return [c["text"] for c in pdf.pages[page]["chars"] if c["matrix"][1] > 0.5]


def test_watermark_is_diagonal_and_light(settings) -> None:
    pdf = render(replace(sample_content(NoticeType.RECORD), draft=True), settings)
    char = next(c for c in pdf.pages[0]["chars"] if c["text"] == "草")
    a, b, _c, d, _e, _f = char["matrix"]
    assert a == pytest.approx(b, abs=0.01) and a == pytest.approx(d, abs=0.01)  # 45 degrees
    grey = char["non_stroking_color"]
    assert all(0.3 < v < 0.8 for v in grey)


def qr_rects(pdf: Pdf) -> list[dict]:
    last = pdf.pages[-1]
    return [r for r in last["rects"] if r["top"] > BOTTOM and r["fill"]]


def test_issued_notice_carries_a_qr_that_encodes_its_payload(settings, tmp_path) -> None:
    content = sample_content(NoticeType.RECTIFICATION)
    pdf = Pdf(render_notice(content, settings))
    rects = qr_rects(pdf)
    assert rects
    left, top = min(r["x0"] for r in rects), min(r["top"] for r in rects)
    right = max(r["x1"] for r in rects)
    assert right - left == pytest.approx(QR_SIZE, abs=1)
    # Away from the page number: that one sits left on even pages, right on odd ones.
    if len(pdf.pages) % 2 == 0:
        assert right == pytest.approx(RIGHT, abs=1)
    else:
        assert left == pytest.approx(LEFT, abs=1)
    assert modules_in_image(pdf, len(pdf.pages), left, top, tmp_path) == qr_modules(
        content.qr_payload or "")
    # No verification address configured: the caption does not promise 扫码核验真伪.
    assert "扫码核验真伪" not in pdf.text()
    assert "文书核验码" in pdf.text()


def test_a_verification_address_makes_the_caption_promise_a_scan_check(settings) -> None:
    content = replace(sample_content(NoticeType.SERVICE),
                      qr_payload="https://jc.example.gov.cn/v/7c1e4b2a?h=9f2c41d7a0b3")
    assert "扫码核验真伪" in render(content, settings).text()


@pytest.mark.parametrize("kind", list(NoticeType))
def test_qr_and_caption_sit_in_the_printable_area_away_from_the_page_number(settings,
                                                                            kind) -> None:
    pdf = Pdf(render_notice(sample_content(kind), settings))
    last = len(pdf.pages) - 1
    rects = qr_rects(pdf)
    caption = [c for c in pdf.chars(last, 7.0) if c["text"].strip()]
    number = [c for c in pdf.chars(last, 14.0) if c["top"] > BOTTOM]
    assert rects and caption and number
    marks = rects + caption
    ten_mm = 10 * MM
    assert min(m["x0"] for m in marks) >= ten_mm
    assert max(m["x1"] for m in marks) <= PAGE_W - ten_mm
    assert max(m["bottom"] for m in marks) <= PAGE_H - ten_mm
    # Not crowding the page number: at least 10 mm of clear paper between them.
    gap = max(min(n["x0"] for n in number) - max(m["x1"] for m in marks),
              min(m["x0"] for m in marks) - max(n["x1"] for n in number))
    assert gap >= ten_mm


def modules_in_image(pdf: Pdf, page: int, left: float, top: float, tmp_path) -> list[list[bool]]:
    """Rasterise the page with poppler and read the module grid back at module centres."""
    path = tmp_path / "qr.pdf"
    path.write_bytes(pdf.data)
    dpi = 300
    png = subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-f", str(page), "-l", str(page),
                          str(path)], capture_output=True, check=True).stdout
    image = Image.open(io.BytesIO(png)).convert("L")
    count = len(qr_modules(sample_content(NoticeType.RECTIFICATION).qr_payload or ""))
    box = QR_SIZE / count
    scale = dpi / 72
    return [[image.getpixel((int((left + (c + 0.5) * box) * scale),
                             int((top + (r + 0.5) * box) * scale))) < 128
             for c in range(count)] for r in range(count)]


def test_notice_without_payload_has_no_qr(settings) -> None:
    content = replace(sample_content(NoticeType.RECTIFICATION), qr_payload=None)
    assert not qr_rects(render(content, settings))


def test_rendering_is_deterministic(settings) -> None:
    content = sample_content(NoticeType.RECORD)
    assert build_notice(content, settings).pdf == build_notice(content, settings).pdf
