"""A real store issues numbered notices only under the bureau's own issuer and 机关代字."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from fieldcheck.domain import findings, notices, numbering
from fieldcheck.domain.notice_settings import load_settings, mark_demo_store
from fieldcheck.errors import ValidationError
from fieldcheck.models import NumberUse
from fieldcheck.notices import NoticeType
from fieldcheck.store import Store
from own_issuer import configure_bureau


@pytest.fixture
def draft_id(store: Store, visit_id: str) -> str:
    with store.write() as s:
        findings.record_finding(s, visit_id, category="overtime", description="办件超承诺时限 3 个工作日",
                                requirement="立即整改并书面报告", deadline=date(2026, 12, 31))
        return notices.create_draft(s, visit_id, "rectification", load_settings(store.data_dir)).id


def test_a_fresh_store_refuses_a_number_under_the_demo_issuer(store: Store, draft_id: str) -> None:
    settings = load_settings(store.data_dir)
    assert settings.notice.issuer_name == "清河市监察局" and not settings.demo
    with pytest.raises(ValidationError) as err:
        notices.issue_notice(store, draft_id, settings, numbering.LocalAuthority())
    problems = "".join(err.value.problems)
    assert "清河市监察局" in problems and "文书设置" in problems and "清监整改" in problems
    with store.read() as s:
        assert s.scalars(select(NumberUse)).all() == []  # no number spent
    # The draft still prints, watermarked, for review.
    assert notices.render_draft(store, draft_id, settings).startswith(b"%PDF")


def test_the_bureaus_own_issuer_lets_it_issue(store: Store, draft_id: str) -> None:
    settings = configure_bureau(store.data_dir)
    notice = notices.issue_notice(store, draft_id, settings, numbering.LocalAuthority())
    assert notice.number and notice.number.startswith("衡监整改〔")


def test_the_demo_store_keeps_its_fictional_bureau(store: Store, draft_id: str) -> None:
    mark_demo_store(store.data_dir)
    settings = load_settings(store.data_dir)
    assert settings.demo and settings.unconfigured(NoticeType.RECTIFICATION) == []
    notice = notices.issue_notice(store, draft_id, settings, numbering.LocalAuthority())
    assert notice.number and notice.number.startswith("清监整改〔")
