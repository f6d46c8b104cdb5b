"""Recurring inspections create their planned visits once, month by month or half-yearly."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from fieldcheck.domain import recurring
from fieldcheck.domain.people import add_unit
from fieldcheck.errors import ValidationError
from fieldcheck.models import OutboxOp, Visit
from fieldcheck.store import Store


def test_occurrences_cap_the_day_to_short_months() -> None:
    plan = recurring.RecurringPlan("服务窗口月度检查", "open", None, ("u",), 1, 31, date(2027, 1, 31),
                                   date(2027, 4, 30))
    assert recurring.occurrences(plan) == [date(2027, 1, 31), date(2027, 2, 28), date(2027, 3, 31),
                                           date(2027, 4, 30)]
    half = recurring.RecurringPlan("案卷检查", "project", None, ("u",), 6, 15, date(2026, 12, 15),
                                   date(2028, 1, 1))
    assert recurring.occurrences(half) == [date(2026, 12, 15), date(2027, 6, 15), date(2027, 12, 15)]


def test_schedule_creates_planned_visits_once_and_records_them(store: Store, template_version_id: str) -> None:
    with store.write() as s:
        units = (add_unit(s, "清河市市场监督管理局", "department").id,
                 add_unit(s, "清河市行政审批局", "department").id)
        plan = recurring.RecurringPlan("涉企行政处罚案卷半年检查", "project", template_version_id, units, 6,
                                       10, date(2027, 1, 10), date(2027, 12, 31))
        made = recurring.schedule(s, plan)
        assert len(made) == 4
        assert recurring.schedule(s, plan) == []  # running it again plans nothing twice
    with store.read() as s:
        visits = s.scalars(select(Visit).where(Visit.title == "涉企行政处罚案卷半年检查")).all()
        assert sorted({v.planned_for for v in visits}) == [date(2027, 1, 10), date(2027, 7, 10)]
        assert {v.status for v in visits} == {"planned"}
        assert s.scalars(select(OutboxOp).where(OutboxOp.entity == "visit")).all()  # they sync
    with store.write() as s, pytest.raises(ValidationError):
        recurring.schedule(s, recurring.RecurringPlan(" ", "open", None, units, 1, 1, date(2027, 1, 1),
                                                      date(2027, 2, 1)))
