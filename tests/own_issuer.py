"""A bureau that configured its own issuer and 机关代字 in 文书设置, as a real store must
before it issues a numbered notice (the shipped 清河市监察局 is an example for the demo)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from fieldcheck.domain.notice_settings import BureauSettings, load_settings, save_settings
from fieldcheck.notices import NoticeType

ISSUER = "衡水市监察局"
PREFIXES = {NoticeType.RECORD: "衡监记", NoticeType.RECTIFICATION: "衡监整改",
            NoticeType.RECOMMENDATION: "衡监建", NoticeType.SERVICE: "衡监送",
            NoticeType.CIRCULAR: "衡监通", NoticeType.ACCOUNTABILITY: "衡监责"}
CONTACT = "联系人：衡水市监察局效能监察室，电话：0318-2000000"


def configure_bureau(data_dir: Path) -> BureauSettings:
    settings = load_settings(data_dir)
    settings.notice = replace(settings.notice, issuer_name=ISSUER, issuer_mark="",
                              prefixes=dict(PREFIXES), contact_line=CONTACT)
    save_settings(data_dir, settings)
    return settings
