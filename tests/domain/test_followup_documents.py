"""通报 and 责任追究建议 from the records, and the period reports (JSON, CSV, XLSX) read back."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pdfplumber
import pytest
from openpyxl import load_workbook

from fieldcheck.domain import circulars, findings, followup, notices, numbering
from fieldcheck.domain.followup_board import current_flags, load_records, local_zone
from fieldcheck.domain.notice_settings import load_settings
from fieldcheck.domain.people import add_unit
from fieldcheck.domain.visits import start_new_visit
from fieldcheck.models import Finding
from fieldcheck.store import Store
from followup_helpers import issue_todays_circular

# A real store issues numbered notices only under the bureau's own issuer (文书设置).
pytestmark = pytest.mark.usefixtures("own_issuer")


def _visit_with_finding(store: Store, unit_id: str, template_version_id: str, category: str,
                        text: str, responsible: str = "") -> str:
    settings = load_settings(store.data_dir)
    with store.write() as s:
        visit = start_new_visit(s, unit_id=unit_id, kind="unannounced",
                                template_version_id=template_version_id, place="大厅")
        f = findings.record_finding(s, visit.id, category=category, description=text,
                                    requirement="立即整改", responsible=responsible,
                                    deadline=date.today() - timedelta(days=3))
        draft = notices.create_draft(s, visit.id, "rectification", settings).id
    notices.issue_notice(store, draft, settings, numbering.LocalAuthority())
    return f.id


def _text(pdf: bytes) -> str:
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        return "".join((p.extract_text() or "") for p in doc.pages).replace("\n", "")


@pytest.fixture
def history(store: Store, unit_id: str, template_version_id: str) -> dict[str, str]:
    """A window circulated twice in a row for 工作纪律作风, its deadline already passed."""
    first = _visit_with_finding(store, unit_id, template_version_id, "discipline",
                                "窗口工作人员上班时间离岗", "窗口负责人 刘敏")
    c1 = issue_todays_circular(store, datetime.now(UTC) - timedelta(hours=2))
    second = _visit_with_finding(store, unit_id, template_version_id, "discipline",
                                 "窗口工作人员玩手机不理睬群众", "窗口负责人 刘敏")
    # A finding is circulated once: the second 通报 of the same days names only the new one.
    c2 = issue_todays_circular(store, datetime.now(UTC) - timedelta(hours=1))
    return {"first": first, "second": second, "c1": c1, "c2": c2}


def test_circular_names_units_groups_by_category_and_ends_with_the_formula(
        store: Store, history: dict[str, str]) -> None:
    with store.read() as s:
        pdf = notices.issued_pdf(store, notices.get_notice(s, _notice_id(s, history["c2"])).id)
    text = _text(pdf)
    assert "清河市政务服务中心不动产登记综合窗口" in text
    assert "工作纪律作风" in text and "玩手机" in text
    assert "特此通报。" in text and history["c2"] in text
    assert "连续两次通报" in text


def _notice_id(s, number: str) -> str:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from fieldcheck.models import Notice

    return s.scalars(select(Notice.id).where(Notice.number == number)).one()


def test_accountability_recommendation_cites_notices_circulars_and_people(
        store: Store, history: dict[str, str]) -> None:
    settings = load_settings(store.data_dir)
    with store.read() as s:
        records = load_records(s)
    flags = current_flags(records, datetime.now(UTC), local_zone())
    repeat = next(f for f in flags if f.reason == "repeat")
    assert repeat.evidence.circulars == (history["c1"], history["c2"])
    content = circulars.accountability_content(records, repeat, datetime.now(UTC), local_zone(), settings)
    with store.write() as s:
        nid = circulars.create_accountability_draft(s, content, repeat.unit_id).id
    issued = circulars.issue_accountability(store, nid, settings, numbering.LocalAuthority())
    text = _text(notices.issued_pdf(store, nid))
    assert issued.number and issued.number in text
    for number in (history["c1"], history["c2"], *repeat.evidence.notices):
        assert number in text
    assert "窗口负责人刘敏" in text.replace(" ", "")
    assert "责任追究" in text
    with store.read() as s:
        assert {s.get(Finding, i).status for i in repeat.evidence.findings} == {"escalated"}  # type: ignore[union-attr]
        events = followup.events_of(s, history["second"])
    assert [e.kind for e in events][-1] == "escalated" and events[-1].notice_id == nid


def _cli(*args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "fieldcheck.cli", *args], capture_output=True, check=False)


def test_report_cli_json_csv_xlsx_agree(store: Store, history: dict[str, str], tmp_path: Path) -> None:
    today = date.today().isoformat()
    d = str(store.data_dir)
    store.close()
    out = _cli("report", "--data-dir", d, "--from", "2020-01-01", "--to", today, "--format", "json")
    assert out.returncode == 0, out.stderr.decode()
    data = json.loads(out.stdout)
    assert data["totals"]["findings"] == 2
    assert data["repeat_offenders"][0]["circulars"] == [history["c1"], history["c2"]]
    assert data["repeat_offenders"][0]["notices"][0].startswith("衡监整改〔")
    assert {o["finding_id"] for o in data["overdue"]} == {history["first"], history["second"]}
    csv_out = _cli("report", "--data-dir", d, "--from", "2020-01-01", "--to", today, "--format", "csv")
    assert csv_out.stdout.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    rows = csv_out.stdout.decode("utf-8-sig").splitlines()
    assert rows[0].startswith("单位,问题类别") and len([r for r in rows[1:3] if "逾期" in r or "是" in r]) == 2
    xlsx = tmp_path / "report.xlsx"
    res = _cli("report", "--data-dir", d, "--from", "2020-01-01", "--to", today, "--format", "xlsx",
               "--out", str(xlsx))
    assert res.returncode == 0, res.stderr.decode()
    book = load_workbook(xlsx)
    assert book.sheetnames[0] == "问题清单"
    assert book["问题清单"].max_row == 1 + data["totals"]["findings"]
    by_cat = {r[0]: r[1] for r in book["按类别"].iter_rows(min_row=2, values_only=True)}
    assert by_cat == {c["category"]: c["findings"] for c in data["by_category"]}
    bad = _cli("report", "--data-dir", d, "--from", "2026-13-01", "--to", today)
    assert bad.returncode == 2 and "2026-13-01" in bad.stderr.decode()
    backwards = _cli("report", "--data-dir", d, "--from", today, "--to", "2020-01-01")
    assert backwards.returncode == 2
    no_file = _cli("report", "--data-dir", d, "--from", "2020-01-01", "--to", today, "--format", "xlsx")
    assert no_file.returncode == 2 and "--out" in no_file.stderr.decode() and no_file.stdout == b""


def test_circular_cli_draft_is_watermarked_and_issue_numbers_it(store: Store, history: dict[str, str],
                                                                tmp_path: Path) -> None:
    today = date.today().isoformat()
    d = str(store.data_dir)
    store.close()
    draft = tmp_path / "draft.pdf"
    res = _cli("circular", "--data-dir", d, "--from", "2020-01-01", "--to", today, "--out", str(draft))
    assert res.returncode == 0, res.stderr.decode()
    text = _text(draft.read_bytes())
    assert "特此通报。" in text and "衡监通〔" not in text  # a draft: no number (草稿 watermark)
    issued = tmp_path / "issued.pdf"
    res = _cli("circular", "--data-dir", d, "--from", "2020-01-01", "--to", today, "--out", str(issued),
               "--issue")
    assert res.returncode == 0, res.stderr.decode()
    assert "衡监通〔" in _text(issued.read_bytes())


def test_a_merged_unit_answers_for_its_predecessors_record(store: Store, unit_id: str,
                                                          history: dict[str, str]) -> None:
    with store.write() as s:
        merged = add_unit(s, "清河市政务服务中心综合受理窗口", "service_window")
        followup.set_predecessors(s, merged.id, [unit_id])
    with store.read() as s:
        records = load_records(s)
    assert records.units[merged.id].predecessor_ids == (unit_id,)
    from fieldcheck.domain.followup_rules import lineage

    assert lineage(merged.id, records.units) == {merged.id, unit_id}
    with store.write() as s, pytest.raises(Exception, match="自身"):
        followup.set_predecessors(s, merged.id, [merged.id])
