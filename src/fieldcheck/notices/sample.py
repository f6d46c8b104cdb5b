"""Realistic sample notices (resources/notices/samples.json) for previews, the CLI and benchmarks."""

from __future__ import annotations

import io
import json
import math
import random
from dataclasses import replace
from datetime import date, datetime
from functools import cache
from typing import Any

from PIL import Image, ImageDraw

from fieldcheck.notices.drafting import (
    AccountabilityFacts,
    CircularFacts,
    CircularUnit,
    FollowedFinding,
    ResponsiblePerson,
    accountability_content,
    circular_content,
)
from fieldcheck.notices.model import (
    FindingEntry,
    NoticeContent,
    NoticeSettings,
    NoticeType,
    SignatureEntry,
    format_number,
)
from fieldcheck.notices.texts import default_paragraphs, load_texts, notices_dir


@cache
def _data() -> dict[str, Any]:
    with (notices_dir() / "samples.json").open(encoding="utf-8") as f:
        data: dict[str, Any] = json.load(f)
    return data


def sample_settings() -> NoticeSettings:
    raw = _data()["settings"]
    return NoticeSettings(
        issuer_name=raw["issuer_name"],
        issuer_mark=raw.get("issuer_mark", ""),
        prefixes={NoticeType(k): v for k, v in raw["prefixes"].items()},
        contact_line=raw.get("contact_line"),
    )


def sample_content(notice_type: NoticeType | str) -> NoticeContent:
    """A numbered, issued-looking notice: long paragraphs, 10 findings, two pages or more."""
    kind = NoticeType(notice_type)
    if kind == NoticeType.ACCOUNTABILITY:
        return _accountability()
    if kind == NoticeType.CIRCULAR:
        return _circular()
    data, settings = _data(), sample_settings()
    started = datetime.fromisoformat(data["started_at"])
    context = {
        "unit_name": data["unit_name"], "issuer_name": settings.issuer_name,
        "inspection_date": started.date(), "place": data["place"],
        "reply_deadline": date.fromisoformat(data["reply_deadline"]),
        "rectify_days": data["rectify_days"], "period": data["period"],
    }
    number = format_number(settings.prefixes[kind], data["year"], data["serial"])
    return NoticeContent(
        type=kind,
        number=number,
        unit_name=data["unit_name"],
        place=data["place"],
        started_at=started,
        ended_at=datetime.fromisoformat(data["ended_at"]),
        inspectors=[(name, cred) for name, cred in data["inspectors"]],
        findings=_findings(data["findings"]),
        paragraphs=default_paragraphs(kind, context),
        fields=dict(data["fields"].get(kind.value, {})),
        signatures=_signatures(kind, started),
        issued_on=date.fromisoformat(data["issued_on"]),
        notice_id=data["notice_id"],
        qr_payload=f"FC1:{data['notice_id']}:{data['hash_prefix']}",
        cc=list(data.get("cc", [])) if load_texts(kind).layout == "official" else [],
    )


def _with_marks(content: NoticeContent) -> NoticeContent:
    data = _data()
    content.notice_id = data["notice_id"]
    content.qr_payload = f"FC1:{data['notice_id']}:{data['hash_prefix']}"
    return content


def _accountability() -> NoticeContent:
    """Weeks after the 整改通知书 of the sample visit: three items still not rectified."""
    data, settings = _data(), sample_settings()
    raw = data["accountability"]
    every = _findings(data["findings"])
    issued = date.fromisoformat(raw["issued_on"])
    followed = [FollowedFinding(replace(every[k - 1], status=raw["status"][str(k)]), (raw["earlier_number"],))
                for k in raw["findings"]]
    facts = AccountabilityFacts(
        unit_name=data["unit_name"], addressee=raw["addressee"], reason="overdue", findings=followed,
        responsible=[ResponsiblePerson(*person) for person in raw["responsible"]],
        reply_deadline=date.fromisoformat(raw["reply_deadline"]), issued_on=issued,
        recheck_date=date.fromisoformat(raw["recheck_date"]), measure=raw["measure"], basis=raw["basis"],
        number=format_number(settings.prefixes[NoticeType.ACCOUNTABILITY], issued.year, 1),
        cc=list(raw["cc"]),
    )
    return _with_marks(accountability_content(facts, settings))


def _circular() -> NoticeContent:
    """A month of unannounced checks: four units named with what was found at each."""
    data, settings = _data(), sample_settings()
    raw = data["circular"]
    every = _findings(data["findings"])
    issued = date.fromisoformat(raw["issued_on"])
    units = [CircularUnit(name, [every[k - 1] for k in items]) for name, items in raw["units"]]
    facts = CircularFacts(
        period=data["period"], units=units, issued_on=issued,
        reply_deadline=date.fromisoformat(raw["reply_deadline"]),
        visit_kinds=[(kind, count) for kind, count in raw["visit_kinds"]],
        cases=[replace(every[k - 1], unit_name=name) for name, k in raw["cases"]],
        number=format_number(settings.prefixes[NoticeType.CIRCULAR], issued.year, data["serial"]),
        cc=list(raw["cc"]),
    )
    return _with_marks(circular_content(facts, settings))


def _findings(raw: list[dict[str, Any]]) -> list[FindingEntry]:
    return [
        FindingEntry(
            seq=k, category_name=f["category_name"], description=f["description"],
            legal_basis=f.get("legal_basis", ""), requirement=f.get("requirement", ""),
            deadline=date.fromisoformat(f["deadline"]) if f.get("deadline") else None,
        )
        for k, f in enumerate(raw, start=1)
    ]


def _signatures(kind: NoticeType, when: datetime) -> list[SignatureEntry]:
    if kind == NoticeType.RECORD:
        return [
            SignatureEntry("inspector", "王建国", sample_signature_png(1), when),
            SignatureEntry("inspector", "李淑敏", sample_signature_png(2), when),
            SignatureEntry("recipient", "孙立新", None, when, refused=True,
                           refusal_reason="对第5项所述窗口无人值守的时长有异议",
                           witness_name="刘海涛"),
            SignatureEntry("witness", "刘海涛", sample_signature_png(3), when),
        ]
    if kind == NoticeType.SERVICE:
        return [
            SignatureEntry("recipient", "孙立新", sample_signature_png(4), when),
            SignatureEntry("inspector", "王建国", sample_signature_png(1), when),
        ]
    return []


def sample_signature_png(seed: int, size: tuple[int, int] = (480, 150)) -> bytes:
    """A handwriting-like scribble on a transparent background (deterministic per seed)."""
    rng = random.Random(seed)
    image = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    width, height = size
    x = width * 0.08
    for _stroke in range(3):
        points = []
        span = width * rng.uniform(0.2, 0.3)
        for step in range(40):
            t = step / 39
            px = x + span * t + 12 * math.sin(t * 9 + rng.random())
            py = height / 2 + height * 0.32 * math.sin(t * rng.uniform(6, 11) + seed) * (1 - t / 2)
            points.append((px, py))
        draw.line(points, fill=(20, 20, 60, 255), width=5, joint="curve")
        x += span * 1.05
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
