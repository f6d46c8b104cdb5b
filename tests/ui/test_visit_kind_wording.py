"""Wording that fits the visit: an enterprise visit gets enterprise quick entries and notices
written for an enterprise, and its 现场检查记录 takes 检查方式 and 被检查单位负责人 from the
checklist answers that hold them."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from fieldcheck.domain.checklist import answer_item, latest_template_versions
from fieldcheck.domain.notice_settings import load_settings
from fieldcheck.domain.notices import prefill_content
from fieldcheck.domain.people import add_unit
from fieldcheck.domain.visits import start_new_visit
from fieldcheck.notices import NoticeType
from fieldcheck.ui.common.context import AppContext
from fieldcheck.ui.visit.workspace import OBSERVATIONS, VisitWorkspace

pytestmark = pytest.mark.gui

WINDOW_WORDS = ("窗口", "首问首办", "一次性告知")


def _visit(ctx: AppContext, unit: str, unit_kind: str, template: str, kind: str) -> str:
    with ctx.store.write() as s:
        unit_id = add_unit(s, unit, unit_kind).id
        version = next(v for v in latest_template_versions(s) if v.key == template)
        return start_new_visit(s, unit_id=unit_id, kind=kind, template_version_id=version.id,
                               place="企业会议室" if unit_kind == "enterprise" else "一楼综合服务大厅").id


def _quick_texts(qtbot: QtBot, ctx: AppContext, visit_id: str) -> list[str]:
    ws = VisitWorkspace(ctx, visit_id)
    qtbot.addWidget(ws)
    ws.show()
    qtbot.waitUntil(lambda: ws.info is not None)
    ws.tabs.setCurrentIndex(OBSERVATIONS)
    texts = [b.text() for b in ws.observations.quick_buttons]
    assert all(b.isEnabled() for b in ws.observations.quick_buttons)
    ws.close()
    return texts


def test_an_enterprise_visit_gets_enterprise_wording_and_a_prefilled_record(
        qtbot: QtBot, ctx: AppContext) -> None:
    firm = _visit(ctx, "清河华晟纺织有限公司", "enterprise", "enterprise_visit", "open")
    window = _visit(ctx, "清河市政务服务中心社保经办窗口", "service_window", "window_unannounced", "unannounced")

    firm_codes = _quick_texts(qtbot, ctx, firm)
    assert len(firm_codes) == 9 and any("企业反映" in t for t in firm_codes)
    assert not any("窗口" in t for t in firm_codes)
    assert any("窗口无人" in t for t in _quick_texts(qtbot, ctx, window))

    with ctx.store.write() as s:
        answer_item(s, firm, "visit_form", "forum")
        answer_item(s, firm, "enterprise_contact", "王立新（办公室主任）13903180000")
        answer_item(s, window, "check_method", "covert")
    settings = load_settings(ctx.store.data_dir)
    with ctx.store.read() as s:
        notice = prefill_content(s, firm, NoticeType.RECTIFICATION, settings)
        record = prefill_content(s, firm, NoticeType.RECORD, settings)
        window_notice = prefill_content(s, window, NoticeType.RECTIFICATION, settings)
        window_record = prefill_content(s, window, NoticeType.RECORD, settings)
    wording = "".join(notice.paragraphs)
    assert "进企业、访环境" in wording and "清河华晟纺织有限公司" in wording
    assert not any(word in wording for word in WINDOW_WORDS)
    assert not any(word in "".join(record.paragraphs) for word in WINDOW_WORDS)
    assert record.fields["check_kind"] == "召开座谈会"
    assert record.fields["unit_contact"] == "王立新（办公室主任）13903180000"
    assert "首问首办" in "".join(window_notice.paragraphs)
    assert window_record.fields["check_kind"] == "暗访（以办事群众身份）"
