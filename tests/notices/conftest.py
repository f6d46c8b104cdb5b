"""Fixtures of the notice tests: sample settings and the four sample notices rendered once."""

from __future__ import annotations

import pytest
from notice_pdf import Pdf

from fieldcheck.notices import NoticeSettings, NoticeType, sample_content
from fieldcheck.notices import sample_settings as _sample_settings


@pytest.fixture(scope="session")
def settings() -> NoticeSettings:
    return _sample_settings()


@pytest.fixture(scope="session")
def rendered_samples() -> dict[NoticeType, Pdf]:
    from fieldcheck.notices import render_notice

    settings = _sample_settings()
    return {t: Pdf(render_notice(sample_content(t), settings))
            for t in (NoticeType.RECTIFICATION, NoticeType.RECORD,
                      NoticeType.RECOMMENDATION, NoticeType.SERVICE)}


