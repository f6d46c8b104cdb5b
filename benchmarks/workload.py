"""Write real records into a laptop store through the domain, as an inspector would.

    python benchmarks/workload.py --data-dir D --visits N --seed S [--photos-per-visit K]
                                  [--photo-bytes B] [--no-notices]

Unlike `fieldcheck.domain.demo` (bulk-inserted, untracked, never synced), every edit here is
its own `with store.write()` transaction through the domain functions the screens call, so
each writes its audit event and its outbox row and the records are ordinary synced records:
units added in the field, visits planned then started (or started ad hoc), visible checklist
items answered, observations logged, findings recorded, photos imported into photo items and
findings, rectification notices (整改通知书) issued for some visits, visits finished.

The choices (which unit, which answers, how many findings…) and the photo bytes depend only
on the seed; record ids are the store's own (time-ordered), as on a real laptop. Photos are
JPEGs of incompressible grain at about --photo-bytes each, every one with its own hash.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from PIL import Image
from sqlalchemy import func, select

from fieldcheck import templates as tpl
from fieldcheck.domain import numbering
from fieldcheck.domain.checklist import (
    answer_item,
    answers_of,
    latest_template_versions,
    publish_shipped_templates,
    template_of,
)
from fieldcheck.domain.demo import sample_answer
from fieldcheck.domain.evidence import import_photos
from fieldcheck.domain.findings import categories, record_finding
from fieldcheck.domain.notice_settings import BureauSettings, load_settings, save_settings
from fieldcheck.domain.notices import create_draft, issue_notice
from fieldcheck.domain.observations import add_observation, quick_codes
from fieldcheck.domain.people import add_unit
from fieldcheck.domain.visits import (
    finish_visit,
    get_visit,
    plan_visit,
    start_new_visit,
    start_visit,
)
from fieldcheck.errors import FieldCheckError
from fieldcheck.models import Inspector, LocalIdentity, OutboxOp, UnitKind, VisitKind
from fieldcheck.notices import NoticeType
from fieldcheck.store.database import Store, open_store

# (visit kind, unit kind, template key): the kinds of work an inspector does.
PLANS = (
    (VisitKind.UNANNOUNCED, UnitKind.SERVICE_WINDOW, "window_unannounced"),
    (VisitKind.OPEN, UnitKind.SERVICE_WINDOW, "window_unannounced"),
    (VisitKind.PROJECT, UnitKind.PROJECT, "key_project"),
    (VisitKind.OPEN, UnitKind.ENTERPRISE, "enterprise_visit"),
    (VisitKind.OPEN, UnitKind.DEPARTMENT, "approval_items"),
    (VisitKind.PROJECT, UnitKind.DEPARTMENT, "penalty_cases"),
)
UNIT_NAMES = {
    UnitKind.SERVICE_WINDOW: ("清河区政务服务中心{n}号窗口", "临江县不动产登记中心第{n}窗口"),
    UnitKind.PROJECT: ("城南污水处理厂扩建工程（{n}期）", "滨江大道综合管廊项目第{n}标段"),
    UnitKind.ENTERPRISE: ("清河市第{n}机械制造有限公司", "临江县{n}号食品加工厂"),
    UnitKind.DEPARTMENT: ("清河区市场监督管理局第{n}科", "临江县自然资源局第{n}所"),
}
PLACES = ("一楼大厅", "二楼审批区", "项目现场", "办公区", "档案室")
NOTICE_EVERY = 4  # one visit in this many with findings gets an issued 整改通知书
BUREAU_CODES = {NoticeType.RECORD: "记", NoticeType.RECTIFICATION: "整改",
                NoticeType.RECOMMENDATION: "建", NoticeType.SERVICE: "送",
                NoticeType.CIRCULAR: "通", NoticeType.ACCOUNTABILITY: "责"}
_TIME_PLACEHOLDER = b"2024:05:01 10:00:00"


@dataclass
class WorkloadReport:
    visits: int = 0
    answers: int = 0
    observations: int = 0
    findings: int = 0
    photos: int = 0
    photo_bytes: int = 0
    notices: int = 0
    outbox_ops: int = 0
    audit_events: int = 0
    seconds: float = 0.0


def write_workload(store: Store, visits: int, seed: int, *, photos_per_visit: int = 0,
                   photo_bytes: int = 3_000_000, notices: bool = True) -> WorkloadReport:
    """Add `visits` worked visits to the store; returns what was written."""
    start = time.perf_counter()
    rng = random.Random(seed)
    report = WorkloadReport()
    with store.write() as s:
        publish_shipped_templates(s)
    with store.read() as s:
        versions = {v.key: v.id for v in latest_template_versions(s)}
        team = _team(s)
    units = _units(store, rng, max(4, visits // 3))
    settings = _own_bureau(store)
    with tempfile.TemporaryDirectory(prefix="fieldcheck-workload-") as tmp:
        card = _PhotoCard(Path(tmp), seed, photo_bytes)
        for n in range(visits):
            kind, unit_kind, key = rng.choice(PLANS)
            unit_id = rng.choice(units[unit_kind])
            visit_id = _start(store, rng, n, kind=kind, unit_id=unit_id, team=team,
                              template_version_id=versions[key])
            findings = _work(store, rng, visit_id, card, photos_per_visit, report)
            if notices and findings and n % NOTICE_EVERY == 0 and _issue(store, visit_id, settings):
                report.notices += 1
            try:
                with store.write() as s:
                    finish_visit(s, visit_id)
            except FieldCheckError:
                pass  # left in progress, as happens: something required is still missing
            report.visits += 1
        report.photo_bytes = card.bytes_written
    with store.read() as s:
        report.outbox_ops = int(s.scalar(select(func.count()).select_from(OutboxOp)
                                          .where(OutboxOp.status == "pending")) or 0)
        from fieldcheck.models import AuditEvent

        report.audit_events = int(s.scalar(select(func.count()).select_from(AuditEvent)) or 0)
    report.seconds = round(time.perf_counter() - start, 2)
    return report


def _team(session: Any) -> str:
    inspector_id = session.scalar(select(LocalIdentity.inspector_id))
    person = session.get(Inspector, inspector_id) if inspector_id else None
    return person.team if person is not None else ""


def _units(store: Store, rng: random.Random, count: int) -> dict[str, list[str]]:
    units: dict[str, list[str]] = {kind: [] for kind in UNIT_NAMES}
    kinds = list(UNIT_NAMES)
    for n in range(count):
        kind = kinds[n % len(kinds)]
        name = rng.choice(UNIT_NAMES[kind]).format(n=n + 1 + rng.randint(0, 9) * 100)
        with store.write() as s:
            unit = add_unit(s, name, kind, address=f"清河市{rng.choice(PLACES)}{n + 1}号",
                            contact="王主任", phone=f"0571-{rng.randint(10000000, 99999999)}")
            units[kind].append(unit.id)
    return units


def _start(store: Store, rng: random.Random, n: int, **plan: Any) -> str:
    plan["place"] = rng.choice(PLACES)
    if rng.random() < 0.5:  # planned the day before, started on site
        plan["planned_for"] = date(2026, 3, 1) + timedelta(days=n)
        with store.write() as s:
            visit_id = plan_visit(s, **plan).id
        with store.write() as s:
            start_visit(s, visit_id)
        return visit_id
    with store.write() as s:
        return start_new_visit(s, **plan).id


def _work(store: Store, rng: random.Random, visit_id: str, card: _PhotoCard,
          photos: int, report: WorkloadReport) -> int:
    """Answer the visible items in order, log observations, record findings, add photos."""
    with store.read() as s:
        visit = get_visit(s, visit_id)
        template = template_of(s, visit)
        unannounced = visit.kind == VisitKind.UNANNOUNCED
    when = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
    answers: dict[str, Any] = {}
    photo_items: list[str] = []
    suggestions: list[tuple[str, tpl.SuggestedFinding]] = []
    for item in template.items:
        if item not in tpl.visible_items(template, answers):
            continue
        if item.type == "photo":
            photo_items.append(item.key)
            continue
        # As the demo draws them: never two answers that contradict each other (a
        # constraint), so every visit the workload completes could be finished.
        value = sample_answer(item, rng, when, template, answers, fail_rate=0.08)
        if value is None:
            continue
        with store.write() as s:
            answer_item(s, visit_id, item.key, value, note=rng.choice(("", "", "已与窗口负责人核实")))
            answers = answers_of(s, visit_id)
        report.answers += 1
        suggestion = tpl.suggested_finding(item, value, tpl.condition_env(template, answers))
        if suggestion is not None:
            suggestions.append((item.key, suggestion))
    for k in range(rng.randint(1, 4) if unannounced else rng.randint(0, 1)):
        code = rng.choice(quick_codes())
        with store.write() as s:
            add_observation(s, visit_id, code.text, code.code, at=when + timedelta(minutes=5 + 7 * k))
        report.observations += 1
    finding_ids = []
    if not suggestions and rng.random() < 0.3:  # a problem seen outside the checklist
        category = rng.choice(categories()).key
        suggestions.append(("", tpl.SuggestedFinding(category, "现场发现办事群众反映材料被多次退回补正。")))
    for item_key, suggestion in suggestions:
        with store.write() as s:
            finding = record_finding(
                s, visit_id, category=suggestion.category, description=suggestion.text,
                legal_basis=suggestion.basis, severity=suggestion.severity, item_key=item_key,
                requirement=suggestion.requirement or "立即整改，并将整改情况书面报送效能室。",
                deadline=date(2026, 3, 16))
            finding_ids.append(finding.id)
        report.findings += 1
    # Failed items that ask for a photo get one first; the rest go to photo items.
    needing = [key for key, _ in suggestions if key] + photo_items
    for k in range(photos):
        target = needing[k % len(needing)] if needing else ""
        finding_id = finding_ids[k % len(finding_ids)] if finding_ids and k % 3 == 2 else None
        result = import_photos(store, visit_id, [card.next()], finding_id=finding_id,
                               item_key="" if finding_id else target)
        report.photos += len(result.added)
    return len(finding_ids)


def _own_bureau(store: Store) -> BureauSettings:
    """The store's notice settings; one still at the shipped example issuer (which issues no
    numbered notice) is first given a bureau of its own, as 文书设置 would."""
    settings = load_settings(store.data_dir)
    if settings.unconfigured(NoticeType.RECTIFICATION):
        prefixes = {kind: f"临监{code}" for kind, code in BUREAU_CODES.items()}
        settings.notice = replace(settings.notice, issuer_name="临江市监察局", issuer_mark="",
                                  prefixes=prefixes)
        save_settings(store.data_dir, settings)
    return settings


def _issue(store: Store, visit_id: str, settings: Any) -> bool:
    """Draft and issue a 整改通知书; False when the laptop has no document number left."""
    with store.write() as s:
        notice_id = create_draft(s, visit_id, "rectification", settings).id
    try:
        issue_notice(store, notice_id, settings, numbering.LocalAuthority())
    except numbering.NoNumberLeftError:
        return False  # an enrolled laptop without a leased block prints a draft instead
    return True


class _PhotoCard:
    """A camera card: JPEGs of about `size` bytes, one encoding, each copy its own EXIF time."""

    def __init__(self, folder: Path, seed: int, size: int) -> None:
        self.folder = folder
        self.seed = seed
        self.size = size
        self.count = 0
        self.bytes_written = 0
        self._jpeg: bytes | None = None

    def next(self) -> Path:
        if self._jpeg is None:
            self._jpeg = encode_photo(self.seed, self.size)
        self.count += 1
        n = self.count
        stamp = f"2024:05:{1 + n // 86400 % 28:02d} {n // 3600 % 24:02d}:{n // 60 % 60:02d}:{n % 60:02d}"
        path = self.folder / f"IMG_{n:05d}.JPG"
        data = self._jpeg.replace(_TIME_PLACEHOLDER, stamp.encode())
        path.write_bytes(data)
        self.bytes_written += len(data)
        return path


def encode_photo(seed: int, size: int) -> bytes:
    """A JPEG of about `size` bytes: seeded grain (no entropy coder shrinks it much) with a
    phone's EXIF time, which `_PhotoCard` rewrites to give every copy its own hash."""
    rng = random.Random(seed)
    per_pixel = 0.9  # bytes per pixel of grain at quality 90
    width = max(64, int((size / per_pixel * 4 / 3) ** 0.5))
    height = width * 3 // 4
    image = Image.frombytes("RGB", (width, height), rng.randbytes(width * height * 3))
    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9003] = _TIME_PLACEHOLDER.decode()
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90, exif=exif)
    data = out.getvalue()
    if data.count(_TIME_PLACEHOLDER) != 1:
        raise RuntimeError("EXIF time placeholder not found exactly once")
    return data


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--visits", type=int, required=True)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--photos-per-visit", type=int, default=0)
    parser.add_argument("--photo-bytes", type=int, default=3_000_000)
    parser.add_argument("--no-notices", action="store_true", help="issue no 整改通知书")
    args = parser.parse_args(argv)
    store = open_store(args.data_dir)
    try:
        if not store.identity().is_set:
            store.set_identity("王检查", "JC-0001")
        report = write_workload(store, args.visits, args.seed, photos_per_visit=args.photos_per_visit,
                                photo_bytes=args.photo_bytes, notices=not args.no_notices)
    finally:
        store.close()
    print(json.dumps(asdict(report), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
