"""Follow-up histories shared by the domain and UI tests."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from fieldcheck.domain import circulars, numbering
from fieldcheck.domain.followup_board import load_records, local_zone
from fieldcheck.domain.notice_settings import load_settings
from fieldcheck.store import Store


def issue_todays_circular(store: Store, issued_at: datetime) -> str:
    """A 通报 of yesterday and today, drafted from the records and issued at `issued_at`: its 文号."""
    settings = load_settings(store.data_dir)
    today = date.today()
    with store.write() as s:
        draft = circulars.circular_content(load_records(s), today - timedelta(days=1), today,
                                           datetime.now(UTC), local_zone(), settings)
        cid = circulars.create_circular_draft(s, draft).id
    return circulars.issue_circular(store, cid, settings, numbering.LocalAuthority(),
                                    issued_at=issued_at).number or ""
