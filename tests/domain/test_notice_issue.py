"""Issuing notices: numbers never printed twice, frozen content, corrections, refusals."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select, update

from fieldcheck.domain import findings, notices, numbering
from fieldcheck.domain.notice_settings import load_settings
from fieldcheck.errors import ReadOnlyError, ValidationError
from fieldcheck.models import AuditEvent, Notice, NumberUse
from fieldcheck.notices import NoticeType
from fieldcheck.notices.strokes import strokes_png
from fieldcheck.store import Store, open_store

# Issuing needs the bureau's own issuer and 机关代字 in 文书设置 (not the demo's).
pytestmark = pytest.mark.usefixtures("own_issuer")


WAVE = [[(float(x), 50.0 + (x % 20) - 10) for x in range(20, 280, 4)]]  # a signature's strokes


@pytest.fixture
def settings(store: Store):  # type: ignore[no-untyped-def]
    return load_settings(store.data_dir)


@pytest.fixture
def draft_id(store: Store, visit_id: str, settings) -> str:  # type: ignore[no-untyped-def]
    with store.write() as s:
        findings.record_finding(s, visit_id, category="overtime", description="不动产登记办件超承诺时限 3 个工作日",
                                requirement="立即整改并书面报告", deadline=date(2026, 12, 31))
        return notices.create_draft(s, visit_id, "rectification", settings).id


def test_draft_is_prefilled_from_the_visit(store: Store, draft_id: str) -> None:
    with store.read() as s:
        content = notices.content_from_json(notices.get_notice(s, draft_id).content)
    assert content.unit_name == "清河市政务服务中心不动产登记综合窗口"
    assert content.findings[0].description == "不动产登记办件超承诺时限 3 个工作日"
    assert content.findings[0].category_name == "超时限办理"
    assert content.findings[0].deadline == date(2026, 12, 31)
    assert content.inspectors == [("王建国", "清监字第2026001号")]  # the laptop's user led it
    assert any("衡水市监察局" in p for p in content.paragraphs)  # the configured issuer


def test_issue_numbers_freezes_and_hashes(store: Store, draft_id: str, settings) -> None:  # type: ignore[no-untyped-def]
    with store.write() as s:
        notices.sign(s, draft_id, "inspector", "王建国", WAVE)
    notice = notices.issue_notice(store, draft_id, settings, numbering.LocalAuthority())
    year = date.today().year
    assert notice.number == f"衡监整改〔{year}〕1号"
    pdf = notices.issued_pdf(store, draft_id)
    assert hashlib.sha256(pdf).hexdigest() == notice.pdf_sha256
    with store.read() as s:
        saved = notices.get_notice(s, draft_id)
        assert saved.status == "issued" and saved.content["number"] == notice.number
        assert saved.content["qr_payload"].startswith(f"FC1:{draft_id}:")
        assert s.scalars(select(AuditEvent.action).where(AuditEvent.entity_id == draft_id)).all()[-1] == "notice.issue"
    with store.write() as s, pytest.raises(ReadOnlyError):
        notices.update_draft(s, draft_id, title="改过的标题")
    with store.write() as s, pytest.raises(ReadOnlyError):
        notices.sign(s, draft_id, "recipient", "张三", WAVE)


def test_tampered_pdf_is_detected(store: Store, draft_id: str, settings) -> None:  # type: ignore[no-untyped-def]
    notices.issue_notice(store, draft_id, settings, numbering.LocalAuthority())
    path = notices.pdf_path(store, draft_id)
    path.write_bytes(path.read_bytes().replace(b"%%EOF", b"%%EOF\n% edited"))
    with pytest.raises(ValidationError):
        notices.issued_pdf(store, draft_id)


def test_crash_between_reserving_and_saving_burns_the_number(store: Store, draft_id: str, settings, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def power_cut(*args: object, **kwargs: object) -> None:
        raise OSError("power cut while writing the PDF")

    monkeypatch.setattr(notices, "write_durably", power_cut)
    with pytest.raises(OSError):
        notices.issue_notice(store, draft_id, settings, numbering.LocalAuthority())
    monkeypatch.undo()
    with store.write() as s:
        assert numbering.recover_interrupted(s) == [1]
    notice = notices.issue_notice(store, draft_id, settings, numbering.LocalAuthority())
    assert notice.number is not None and notice.number.endswith(f"〔{date.today().year}〕2号")
    with store.read() as s:
        states = {u.seq: u.state for u in s.scalars(select(NumberUse))}
    assert states == {1: "burnt", 2: "used"}


def test_retry_in_the_same_run_never_reuses_the_number(store: Store, draft_id: str, settings, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    calls = {"n": 0}
    real = notices.render_checked

    def fail_once(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 2:  # the render after the number was reserved (1 is the pre-flight)
            raise RuntimeError("printer driver crashed")
        return real(*args, **kwargs)

    monkeypatch.setattr(notices, "render_checked", fail_once)
    with pytest.raises(RuntimeError):
        notices.issue_notice(store, draft_id, settings, numbering.LocalAuthority())
    notice = notices.issue_notice(store, draft_id, settings, numbering.LocalAuthority())
    assert notice.number_seq == 2


def test_no_number_left_only_a_draft_can_be_printed(store: Store, draft_id: str, settings) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(numbering.NoNumberLeftError):
        notices.issue_notice(store, draft_id, settings, authority=None)
    pdf = notices.render_draft(store, draft_id, settings)
    assert pdf.startswith(b"%PDF")
    with store.read() as s:
        assert notices.get_notice(s, draft_id).status == "draft"


def test_block_runs_low_and_is_renewed_locally(store: Store, settings) -> None:  # type: ignore[no-untyped-def]
    year = date.today().year
    with store.write() as s:
        numbering.add_block(s, "record", year, numbering.LocalAuthority(), size=6)
        assert numbering.remaining(s, "record", year) == 6
        numbering.reserve_number(s, "record", year, "n1")
        numbering.reserve_number(s, "record", year, "n2")
        assert numbering.is_running_low(s, "record", year, authority=None)
        # A device that is its own authority just makes another block: nothing to warn about.
        assert not numbering.is_running_low(s, "record", year, numbering.LocalAuthority())
        assert numbering.peek_next(s, "record", year, None) == 3
        block = numbering.add_block(s, "record", year, numbering.LocalAuthority(), size=6)
        assert block.first_seq == 7


def test_correction_supersedes_and_voids_with_reason(store: Store, draft_id: str, settings) -> None:  # type: ignore[no-untyped-def]
    old = notices.issue_notice(store, draft_id, settings, numbering.LocalAuthority())
    old_pdf = notices.issued_pdf(store, draft_id)
    with store.write() as s:
        new_id = notices.start_correction(s, draft_id, "整改期限填写错误", settings).id
        notices.update_draft(s, new_id, paragraphs=["更正后的正文。"])
    new = notices.issue_notice(store, new_id, settings, numbering.LocalAuthority())
    assert new.number != old.number
    with store.read() as s:
        voided = notices.get_notice(s, draft_id)
        assert voided.status == "voided" and new.number in voided.void_reason
        assert notices.get_notice(s, new_id).supersedes_id == draft_id
    assert notices.issued_pdf(store, draft_id) == old_pdf  # the old PDF stays retrievable


def test_record_needs_signature_or_refusal(store: Store, visit_id: str, settings) -> None:  # type: ignore[no-untyped-def]
    with store.write() as s:
        nid = notices.create_draft(s, visit_id, NoticeType.RECORD, settings).id
    with pytest.raises(ValidationError):
        notices.issue_notice(store, nid, settings, numbering.LocalAuthority())
    with store.write() as s, pytest.raises(ValidationError):
        notices.record_refusal(s, nid, "窗口负责人", "认为检查结论不实", witness_name="")
    with store.write() as s:
        notices.sign(s, nid, "inspector", "王建国", WAVE)
        notices.record_refusal(s, nid, "窗口负责人", "认为检查结论不实", witness_name="李丽华")
    notice = notices.issue_notice(store, nid, settings, numbering.LocalAuthority())
    text = subprocess.run(["pdftotext", str(notices.pdf_path(store, nid)), "-"], capture_output=True, text=True).stdout
    text = "".join(text.split())  # table cells wrap; compare the text itself
    assert "拒绝签字" in text and "认为检查结论不实" in text and "李丽华" in text
    assert notice.number and "衡监记" in notice.number


RESERVER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from fieldcheck.domain import numbering
    from fieldcheck.store import open_store
    for attempt in range(100):  # three processes start at once on a busy machine
        try:
            store = open_store(Path(sys.argv[1]))
            break
        except Exception as exc:
            if "占用" not in str(exc) and "locked" not in str(exc):
                raise
    got = []
    for n in range(int(sys.argv[2])):
        while True:
            try:
                with store.write() as s:
                    if numbering.remaining(s, "rectification", 2026) == 0:
                        numbering.add_block(s, "rectification", 2026, numbering.LocalAuthority(), size=7)
                    got.append(numbering.reserve_number(s, "rectification", 2026, f"{sys.argv[3]}-{n}"))
                break
            except Exception as exc:  # a busy database: try again, as a person would
                if "占用" not in str(exc) and "locked" not in str(exc):
                    raise
    print(" ".join(map(str, got)))
    """
)


@pytest.mark.slow
def test_numbers_are_unique_across_concurrent_processes(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    store.set_identity("王建国", "清监字第2026001号")
    store.close()
    procs = [subprocess.Popen([sys.executable, "-c", RESERVER, str(tmp_path), "40", f"p{k}"],
                              stdout=subprocess.PIPE, text=True) for k in range(3)]
    numbers: list[int] = []
    for proc in procs:
        out, _ = proc.communicate(timeout=240)
        assert proc.returncode == 0
        numbers += [int(x) for x in out.split()]
    assert len(numbers) == 120
    assert len(set(numbers)) == 120
    with open_store(tmp_path).read() as s:
        assert s.query(Notice).count() == 0
        assert s.query(NumberUse).count() == 120


def test_service_record_serves_the_issued_rectification_notice(store: Store, draft_id: str, visit_id: str, settings) -> None:  # type: ignore[no-untyped-def]
    issued = notices.issue_notice(store, draft_id, settings, numbering.LocalAuthority())
    with store.write() as s:
        service = notices.create_draft(s, visit_id, NoticeType.SERVICE, settings)
        fields = notices.content_from_json(service.content).fields
        service_id = service.id
    assert fields["document_name"] == "效能监察整改通知书"
    assert "时" in fields["served_at"] and "分" in fields["served_at"]  # with hour and minute
    assert fields["document_number"] == issued.number
    assert fields["method"] == "直接送达"
    # It says how many pages were served: those of the issued PDF, read back.
    issued_path = store.data_dir / "issued.pdf"
    issued_path.write_bytes(notices.issued_pdf(store, draft_id))
    info = subprocess.run(["pdfinfo", str(issued_path)], capture_output=True, text=True,
                          check=True).stdout
    pages = int(next(line.split()[1] for line in info.splitlines() if line.startswith("Pages:")))
    assert fields["copies"] == f"一式一份，共{pages}页"
    path = store.data_dir / "service.pdf"
    path.write_bytes(notices.render_draft(store, service_id, settings))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert f"一式一份，共{pages}页" in "".join(text.split())


def test_service_record_leaves_the_page_count_blank_when_not_known(store: Store, draft_id: str, visit_id: str, settings) -> None:  # type: ignore[no-untyped-def]
    notices.issue_notice(store, draft_id, settings, numbering.LocalAuthority())
    with store.write() as s:  # as a notice issued before the page count was kept with it
        old = {k: v for k, v in s.get(Notice, draft_id).content.items() if k != "pages"}
        s.execute(update(Notice).where(Notice.id == draft_id).values(content=old)
                  .execution_options(synchronize_session="fetch"))
        service = notices.create_draft(s, visit_id, NoticeType.SERVICE, settings)
        assert notices.content_from_json(service.content).fields["copies"] == "一式一份，共　页"


def test_draft_preview_marks_a_missing_glyph_and_issuing_refuses_it(store: Store, draft_id: str, settings) -> None:  # type: ignore[no-untyped-def]
    with store.write() as s:
        notices.update_draft(s, draft_id, paragraphs=["私用区字符\ue000不应悄悄变成方框。"])
    pdf = notices.render_draft(store, draft_id, settings)
    assert pdf.startswith(b"%PDF")
    from fieldcheck.notices import MissingGlyphError

    with pytest.raises(MissingGlyphError):
        notices.issue_notice(store, draft_id, settings, numbering.LocalAuthority())
    with store.read() as s:
        assert s.query(NumberUse).count() == 0  # refused before a number was spent


def test_draft_shows_findings_recorded_after_it_was_created(store: Store, draft_id: str, visit_id: str) -> None:
    with store.write() as s:
        findings.record_finding(s, visit_id, category="discipline", description="窗口人员未佩戴工作牌")
    with store.read() as s:
        content = notices.content_for_render(s, notices.get_notice(s, draft_id))
    assert [f.description for f in content.findings][-1] == "窗口人员未佩戴工作牌"


@pytest.mark.parametrize("kind", ["record", "rectification", "recommendation", "service"])
def test_notice_sample_cli(tmp_path: Path, kind: str) -> None:
    out = tmp_path / f"{kind}.pdf"
    result = subprocess.run([sys.executable, "-m", "fieldcheck.cli", "notice", "sample", "--type", kind,
                             "--out", str(out)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True).stdout
    assert "— 1 —" in text
    if kind != "service":  # the 送达回证 is one page by nature
        assert "— 2 —" in text


def test_notice_render_cli_gives_draft_then_frozen_pdf(store: Store, draft_id: str, settings) -> None:  # type: ignore[no-untyped-def]
    def render(out: Path) -> bytes:
        result = subprocess.run([sys.executable, "-m", "fieldcheck.cli", "notice", "render", "--data-dir",
                                 str(store.data_dir), "--notice", draft_id, "--out", str(out)],
                                capture_output=True, text=True, check=False)
        assert result.returncode == 0, result.stderr
        return out.read_bytes()

    draft = render(store.data_dir / "draft.pdf")
    text = subprocess.run(["pdftotext", str(store.data_dir / "draft.pdf"), "-"],
                          capture_output=True, text=True).stdout
    assert "草" in text and "稿" in text  # the diagonal watermark (drawn one character at a time)
    assert "〔" not in text  # a draft carries no document number
    notices.issue_notice(store, draft_id, settings, numbering.LocalAuthority())
    frozen = render(store.data_dir / "issued.pdf")
    assert frozen == notices.issued_pdf(store, draft_id) and frozen != draft


def test_cc_list_is_printed_in_the_imprint_and_frozen(store: Store, draft_id: str, settings) -> None:  # type: ignore[no-untyped-def]
    with store.write() as s:
        notices.update_draft(s, draft_id, cc=["市纪委监委", "市政务服务管理办公室"])
    notices.issue_notice(store, draft_id, settings, numbering.LocalAuthority())
    text = subprocess.run(["pdftotext", str(notices.pdf_path(store, draft_id)), "-"],
                          capture_output=True, text=True).stdout
    flat = "".join(text.split())
    assert "抄送：市纪委监委" in flat and "印发" in flat
    with store.read() as s:
        content = notices.content_from_json(notices.get_notice(s, draft_id).content)
    assert content.cc == ["市纪委监委", "市政务服务管理办公室"]



def test_a_signature_is_its_strokes_and_prints_the_image_drawn_from_them(store: Store, draft_id: str) -> None:
    with store.write() as s:
        with pytest.raises(ValidationError, match="签名为空"):
            notices.sign(s, draft_id, "inspector", "王建国", [])
        with pytest.raises(ValidationError, match="签名为空"):
            notices.sign(s, draft_id, "inspector", "王建国", [[]])
        signed = notices.sign(s, draft_id, "inspector", "王建国", WAVE)
        # The image every other laptop draws from the same strokes (sync.apply): one look.
        assert signed.png == strokes_png(WAVE) and signed.strokes == WAVE
        printed = notices.content_for_render(s, notices.get_notice(s, draft_id)).signatures
    assert [(g.name, g.png) for g in printed] == [("王建国", strokes_png(WAVE))]
