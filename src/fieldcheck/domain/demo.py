"""A realistic fictional city for demonstrations, tests and benchmarks.

The same seed gives the same records (ids included), so running twice with one seed adds
nothing new. Demo records are bulk-inserted with one audit event and no outbox rows:
fictional data must never reach a real server.
"""

from __future__ import annotations

import json
import random
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from fieldcheck import templates as tpl
from fieldcheck.domain.changes import audit, untracked
from fieldcheck.domain.checklist import latest_template_versions, publish_shipped_templates
from fieldcheck.domain.people import actor_of
from fieldcheck.ids import DEMO_ID_BASE_MS, answer_id
from fieldcheck.models import (
    Answer,
    Finding,
    Inspector,
    Observation,
    Unit,
    UnitKind,
    Visit,
    VisitKind,
    VisitStatus,
)
from fieldcheck.paths import resources_dir

BASE_TIME = datetime(2026, 1, 1, tzinfo=UTC)  # when the city's units and inspectors "joined"
BASE_MS = DEMO_ID_BASE_MS  # demo ids are stamped in the demo era (fieldcheck.ids.is_demo_id)
DETAILED_VISITS = 400  # visits past this many get no answers, to keep 100 000-visit stores quick


def _city() -> dict[str, Any]:
    with (resources_dir() / "demo" / "city.json").open(encoding="utf-8") as f:
        data: dict[str, Any] = json.load(f)
    return data


class _Ids:
    """Deterministic UUIDv7-shaped ids from a seeded generator."""

    def __init__(self, rng: random.Random, start: int = 0) -> None:
        self.rng = rng
        self.n = start

    def __call__(self) -> str:
        self.n += 1
        value = ((BASE_MS + self.n) & ((1 << 48) - 1)) << 80
        value |= 0x7 << 76 | (self.rng.getrandbits(12) << 64) | (0b10 << 62)
        value |= self.rng.getrandbits(62)
        return str(uuid.UUID(int=value))


@dataclass
class _Plan:
    kind: str
    unit_kind: str
    template_key: str


PLANS = [
    _Plan(VisitKind.UNANNOUNCED, UnitKind.SERVICE_WINDOW, "window_unannounced"),
    _Plan(VisitKind.OPEN, UnitKind.SERVICE_WINDOW, "window_unannounced"),
    _Plan(VisitKind.PROJECT, UnitKind.PROJECT, "key_project"),
    _Plan(VisitKind.OPEN, UnitKind.ENTERPRISE, "enterprise_visit"),
    _Plan(VisitKind.OPEN, UnitKind.DEPARTMENT, "approval_items"),
    _Plan(VisitKind.PROJECT, UnitKind.DEPARTMENT, "penalty_cases"),
]


def _candidates(item: tpl.Item, rng: random.Random, when: datetime, retry: int = 0) -> list[Any]:
    if item.type == "yes_no":
        return ["yes", "no"] + (["na"] if item.allow_na else [])
    if item.type == "single":
        return [o.key for o in item.options]
    if item.type == "multi":
        return [[o.key] for o in item.options]
    if item.type == "number":
        low = int(item.minimum) if item.minimum is not None else 0
        high = int(item.maximum) if item.maximum is not None else low + 60
        if retry:  # drawn again for a constraint: nearer the minimum each time (part ≤ whole)
            return [rng.randint(low, min(high, low + max(0, 20 - retry)))]
        return [rng.randint(low, min(high, low + 20)), rng.randint(low, min(high, low + 90))]
    if item.type == "text" and item.prefill == "unit_contact":
        return [rng.choice(["王立新（办公室主任）", "李海燕（行政部经理）", "赵振华（副总经理）"])]
    if item.type == "text":
        return [rng.choice(["情况正常", "现场查看，符合要求", "已核实相关台账"])]
    if item.type == "datetime":
        if retry:  # drawn again for a constraint: later (离开时间 after 到达时间)
            when += timedelta(minutes=rng.randint(10, 30) * retry)
        # As the checklist's editor writes a moment: the wall clock of this laptop, to the minute.
        return [when.astimezone().strftime("%Y-%m-%dT%H:%M")]
    return []  # photo items need real photos


# Draws of an item's answer before the demo gives up on one its constraint accepts.
CONSISTENT_DRAWS = 30


def sample_answer(
    item: tpl.Item, rng: random.Random, when: datetime, template: tpl.Template,
    answers: dict[str, Any], fail_rate: float = 0.05,
) -> Any:
    """Mostly a passing answer; now and then (`fail_rate`: about one item in twenty) a failing one.

    Never one that contradicts an answer already drawn (抽查案卷数量 above 案件总数): the
    item is drawn again until its constraints hold, and left unanswered if they never do.
    """
    env = tpl.condition_env(template, answers)
    values = _candidates(item, rng, when)
    if item.constraint is not None or any(item.key in i.constraint_refs for i in template.items):
        before = {i.key for i, _ in tpl.constraint_violations(template, answers)}

        def consistent(value: Any) -> bool:
            after = tpl.constraint_violations(template, {**answers, item.key: value})
            return {i.key for i, _ in after} <= before

        values = [v for v in values if consistent(v)]
        for retry in range(1, CONSISTENT_DRAWS):
            if values:
                break
            values = [v for v in _candidates(item, rng, when, retry) if consistent(v)]
    if not values:
        return None
    passing = [v for v in values if not tpl.is_failed(item, v, env)]
    failing = [v for v in values if tpl.is_failed(item, v, env)]
    if failing and (rng.random() < fail_rate or not passing):
        return rng.choice(failing)
    return passing[0] if passing else None


def seed_demo(session: Session, visits: int, seed: int, today: date | None = None) -> int:
    """Add the fictional city and `visits` visits; returns how many visits were added."""
    rng = random.Random(seed)
    ids = _Ids(rng)
    today = today or date.today()
    city = _city()
    publish_shipped_templates(session)
    versions = {v.key: v for v in latest_template_versions(session)}
    with untracked(session):  # demo records never enter the sync outbox
        units = _units(session, city, ids)
        inspectors = _inspectors(session, city, ids, rng)
    existing = set(session.scalars(select(Visit.id)))
    rows: dict[str, list[dict[str, Any]]] = {"visit": [], "answer": [], "finding": [], "observation": []}
    for n in range(visits):
        # Each visit draws from its own generator, so skipping one already present
        # (a second run with the same seed) leaves every other visit unchanged.
        vrng = random.Random(f"{seed}:{n}")
        vids = _Ids(vrng, start=1_000 + n * 256)
        _visit(n, visits, vrng, vids, city, units, inspectors, versions, today, existing, rows)
    for cls, key in ((Visit, "visit"), (Answer, "answer"), (Finding, "finding"), (Observation, "observation")):
        for start in range(0, len(rows[key]), 5000):
            session.execute(insert(cls), rows[key][start : start + 5000])
    audit(session, actor_of(session), "demo.seed", "visit", "", {"visits": len(rows["visit"]), "seed": seed})
    return len(rows["visit"])


def _units(session: Session, city: dict[str, Any], ids: _Ids) -> dict[str, list[tuple[str, str]]]:
    by_kind: dict[str, list[tuple[str, str]]] = {k: [] for k in UnitKind}
    centre = ids()
    specs: list[tuple[str, str, UnitKind, str | None]] = [
        (centre, city["service_centre"], UnitKind.DEPARTMENT, None)
    ]
    specs += [(ids(), n, UnitKind.DEPARTMENT, None) for n in city["departments"]]
    specs += [(ids(), f"{city['service_centre']}{w}", UnitKind.SERVICE_WINDOW, centre) for w in city["windows"]]
    specs += [(ids(), n, UnitKind.ENTERPRISE, None) for n in city["enterprises"]]
    specs += [(ids(), n, UnitKind.PROJECT, None) for n in city["projects"]]
    for n, (uid, name, kind, parent) in enumerate(specs):
        if session.get(Unit, uid) is None:
            code = f"91131100MA0{n:07d}" if kind == UnitKind.ENTERPRISE else ""
            session.add(Unit(id=uid, name=name, kind=kind, parent_id=parent, code=code,
                             address=f"{city['city']}人民路 {100 + n} 号", contact="", phone="",
                             created_at=BASE_TIME, updated_at=BASE_TIME))
        by_kind[kind].append((uid, name))
    session.flush()
    return by_kind


def _inspectors(session: Session, city: dict[str, Any], ids: _Ids, rng: random.Random) -> list[tuple[str, str, str]]:
    people = []
    for n in range(12):
        iid = ids()
        name = rng.choice(city["surnames"]) + rng.choice(city["given"])
        team = city["teams"][n % len(city["teams"])]
        if session.get(Inspector, iid) is None:
            session.add(Inspector(id=iid, name=name, credential_no=f"清监字第{2026000 + n + 1}号", team=team,
                                  role="team_leader" if n % 4 == 0 else "inspector",
                                  created_at=BASE_TIME, updated_at=BASE_TIME))
        people.append((iid, name, team))
    session.flush()
    return people


def _visit(
    n: int, total: int, rng: random.Random, ids: _Ids, city: dict[str, Any],
    units: dict[str, list[tuple[str, str]]], inspectors: list[tuple[str, str, str]],
    versions: dict[str, Any], today: date, existing: set[str], rows: dict[str, list[dict[str, Any]]],
) -> None:
    vid = ids()
    plan = rng.choice(PLANS)
    unit_id, unit_name = rng.choice(units[plan.unit_kind])
    version = versions.get(plan.template_key)
    lead = rng.choice(inspectors)
    members = [lead[0]] + [p[0] for p in rng.sample(inspectors, 2) if p[0] != lead[0]]
    # The newest few visits are the plan for today and the coming days; the rest are history.
    planned = max(6, total // 20)
    upcoming = n >= total - planned
    # Half of the plan is for today (the inspector's morning list), the rest for the next days;
    # the history reaches back about two years, the newest visit yesterday.
    ahead = 0 if (total - n) % 2 else 1 + (total - n) % 3
    days_ago = 1 + (total - planned - 1 - n) * 700 // max(total, 1)
    day = today + timedelta(days=ahead) if upcoming else today - timedelta(days=days_ago)
    # Office hours on the laptop's clock (9:00–15:00 local), stored in UTC like every time.
    start = datetime(day.year, day.month, day.day, 9, 0).astimezone().astimezone(UTC)
    start += timedelta(minutes=rng.randint(0, 360))
    status = VisitStatus.PLANNED if upcoming else rng.choices(
        [VisitStatus.COMPLETED, VisitStatus.CANCELLED], weights=[96, 4])[0]
    finding_texts: list[str] = []
    if vid in existing:
        return
    detailed = status == VisitStatus.COMPLETED and n < DETAILED_VISITS and version is not None
    if detailed:
        finding_texts = _answers_and_findings(vid, unit_id, version, start, rng, ids, rows, lead[1])
        for k in range(rng.randint(1, 4) if plan.kind == VisitKind.UNANNOUNCED else 0):
            rows["observation"].append(_row(ids(), start + timedelta(minutes=5 + 7 * k), visit_id=vid,
                                            at=start + timedelta(minutes=5 + 7 * k),
                                            text=rng.choice(city["observations"]), quick_code="",
                                            recorded_by=lead[1]))
    done = status == VisitStatus.COMPLETED
    hidden = plan.kind == VisitKind.UNANNOUNCED and not done  # see visits.search_text_of
    rows["visit"].append(_row(
        vid, start, kind=plan.kind, unit_id=unit_id,
        template_version_id=version.id if version else None, team=lead[2],
        lead_inspector_id=lead[0], member_ids=members, planned_for=day,
        started_at=start if done else None, ended_at=start + timedelta(minutes=rng.randint(40, 150)) if done else None,
        place=rng.choice(city["places_by_unit_kind"][plan.unit_kind]), status=status, confidential=plan.kind == VisitKind.UNANNOUNCED,
        parent_visit_id=None, title="", search_text="\n".join(["" if hidden else unit_name, *finding_texts]),
    ))


def _answers_and_findings(
    vid: str, unit_id: str, version: Any, start: datetime, rng: random.Random, ids: _Ids,
    rows: dict[str, list[dict[str, Any]]], who: str,
) -> list[str]:
    template = tpl.parse_template(version.body, version.key)
    texts = []
    answers: dict[str, Any] = {}
    for item in template.items:
        if item not in tpl.visible_items(template, answers):
            continue
        value = sample_answer(item, rng, start, template, answers)
        if value is None:
            continue
        answers[item.key] = value
        rows["answer"].append(_row(answer_id(vid, item.key), start, visit_id=vid, item_key=item.key, value=value,
                                   note="", answered_by=who, answered_at=start))
        suggestion = tpl.suggested_finding(item, value, tpl.condition_env(template, answers))
        if suggestion is not None:
            texts.append(suggestion.text)
            rows["finding"].append(_row(
                ids(), start, visit_id=vid, unit_id=unit_id, category=suggestion.category,
                description=suggestion.text, legal_basis=suggestion.basis, severity=suggestion.severity,
                responsible="", item_key=item.key, requirement=suggestion.requirement or "立即整改，并将整改情况书面报送效能室。",
                # Open until something happens to it: statuses move only through the
                # follow-up rules (demo_quarter tells the last quarter that way).
                deadline=start.date() + timedelta(days=15), status="open",
                revision=1,
            ))
    return texts


def _row(rid: str, stamp: datetime, **fields: Any) -> dict[str, Any]:
    return {"id": rid, "created_at": stamp, "updated_at": stamp, "deleted": False, **fields}


def ensure_demo_store(session: Session, seed: int = 2026) -> bool:
    """Fill an empty demo store once; returns True when data was added."""
    if session.scalars(select(Visit.id).limit(1)).first() is not None:
        return False
    seed_demo(session, visits=60, seed=seed)
    return True


__all__ = ["ensure_demo_store", "seed_demo"]
