"""Checklist work on a visit: pinned template versions, answers, progress and finish checks."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fieldcheck import templates as tpl
from fieldcheck.domain.changes import record_change
from fieldcheck.domain.people import actor_of
from fieldcheck.domain.visits import ensure_editable, get_visit
from fieldcheck.errors import ValidationError
from fieldcheck.i18n import tr
from fieldcheck.ids import answer_id
from fieldcheck.models import Answer, Finding, Photo, TemplateVersion, Visit
from fieldcheck.models.coltypes import utcnow

# Shipped templates carry one fixed publication time, so every laptop holds identical records.
SHIPPED_AT = datetime(2026, 1, 1, tzinfo=UTC)
TEMPLATE_NAMESPACE = uuid.UUID("6f1c2a52-9d0e-4c1b-8a44-3f0e5b7d2c10")


def template_version_id(key: str, version: int) -> str:
    """The same (key, version) gets the same id on every laptop, so two offline devices that
    publish a shipped template never create two records of one version."""
    return str(uuid.uuid5(TEMPLATE_NAMESPACE, f"{key}:{version}"))


def publish_template(
    session: Session, template: tpl.Template, published_at: datetime | None = None
) -> TemplateVersion:
    """Publish a validated template version; an already published (key, version) is returned
    unchanged, since a published version is immutable and visits pin it."""
    exists = session.scalars(
        select(TemplateVersion).where(
            TemplateVersion.key == template.key, TemplateVersion.version == template.version
        )
    ).first()
    if exists is not None:
        return exists
    when = published_at or utcnow()
    version = TemplateVersion(
        id=template_version_id(template.key, template.version),
        key=template.key,
        version=template.version,
        title=template.title,
        body=dict(template.raw),
        published_at=when,
        created_at=when,
        updated_at=when,
    )
    session.add(version)
    record_change(session, actor_of(session), "template.publish", version)
    return version


def publish_shipped_templates(session: Session) -> list[TemplateVersion]:
    """Make every shipped template version available (cheap when they already are)."""
    return [publish_template(session, t, SHIPPED_AT) for t in tpl.load_shipped_templates()]


def latest_template_versions(session: Session) -> list[TemplateVersion]:
    newest = (
        select(TemplateVersion.key, func.max(TemplateVersion.version).label("v"))
        .where(TemplateVersion.deleted.is_(False))
        .group_by(TemplateVersion.key)
        .subquery()
    )
    query = select(TemplateVersion).join(
        newest, (TemplateVersion.key == newest.c.key) & (TemplateVersion.version == newest.c.v)
    )
    return list(session.scalars(query.order_by(TemplateVersion.title)))


# Published template versions are immutable, so a parsed version is cached by its id alone:
# answering an item neither re-reads nor re-serialises the template body.
_parsed: dict[str, tpl.Template] = {}


def template_of(session: Session, visit: Visit) -> tpl.Template:
    """The template version the visit pinned (parsed once per process)."""
    version_id = visit.template_version_id
    if version_id is None:
        raise ValidationError(tr("该检查没有选择检查模板。"))
    template = _parsed.get(version_id)
    if template is None:
        version = session.get(TemplateVersion, version_id)
        assert version is not None
        template = tpl.parse_template(version.body, f"template_version:{version_id}")
        _parsed[version_id] = template
    return template


def answers_of(session: Session, visit_id: str) -> dict[str, Any]:
    """The visit's answers by item key. A photo item's answer is its number of photos,
    derived from the photos themselves (never stored or replicated, DESIGN §6)."""
    rows = session.scalars(
        select(Answer).where(Answer.visit_id == visit_id, Answer.deleted.is_(False))
    )
    answers = {a.item_key: a.value for a in rows if a.value is not None}
    counts = photo_counts(session, visit_id)
    visit = session.get(Visit, visit_id)
    if visit is not None and visit.template_version_id is not None:
        for item in template_of(session, visit).items:
            if item.type == "photo":
                answers.pop(item.key, None)
                if counts.get(item.key):
                    answers[item.key] = counts[item.key]
    return answers


def notes_of(session: Session, visit_id: str) -> dict[str, str]:
    rows = session.scalars(select(Answer).where(Answer.visit_id == visit_id))
    return {a.item_key: a.note for a in rows if a.note}


def photo_counts(session: Session, visit_id: str) -> dict[str, int]:
    rows = session.execute(
        select(Photo.item_key, func.count())
        .where(Photo.visit_id == visit_id, Photo.deleted.is_(False), Photo.item_key != "")
        .group_by(Photo.item_key)
    )
    return {key: n for key, n in rows}


def answer_item(
    session: Session, visit_id: str, item_key: str, value: Any, note: str | None = None
) -> Answer:
    """Save one answer at once (there is no Save button); None clears the answer."""
    visit = get_visit(session, visit_id)
    ensure_editable(visit)
    template = template_of(session, visit)
    item = template.get_item(item_key)
    if item is None:
        raise ValidationError(tr("模板中没有条目 {key}。", key=item_key))
    if value is not None:
        tpl.validate_answer(item, value)
    answer = session.scalars(
        select(Answer).where(Answer.visit_id == visit_id, Answer.item_key == item_key)
    ).first()
    actor = actor_of(session)
    if answer is None:
        answer = Answer(id=answer_id(visit_id, item_key), visit_id=visit_id, item_key=item_key)
        session.add(answer)
    elif answer.value == value and (note is None or answer.note == note) and not answer.deleted:
        return answer  # nothing changed: no audit noise
    answer.value = value
    answer.deleted = False
    if note is not None:
        answer.note = note
    answer.answered_by = actor.name
    answer.answered_at = utcnow()
    record_change(session, actor, "answer.set", answer, {"item": item_key, "value": value})
    return answer


@dataclass
class ChecklistState:
    """Everything the checklist screen shows, computed from the store in one go."""

    template: tpl.Template
    answers: dict[str, Any]
    notes: dict[str, str]
    visible_keys: set[str]
    failed_keys: list[str]
    progress: Any
    score: Any
    photo_counts: dict[str, int] = field(default_factory=dict)


def checklist_state(session: Session, visit_id: str) -> ChecklistState:
    visit = get_visit(session, visit_id)
    template = template_of(session, visit)
    answers = answers_of(session, visit_id)
    visible = tpl.visible_items(template, answers)
    failed = [i.key for i in tpl.failed_items(template, answers)]
    return ChecklistState(
        template=template,
        answers=answers,
        notes=notes_of(session, visit_id),
        visible_keys={i.key for i in visible},
        failed_keys=failed,
        progress=tpl.progress(template, answers),
        score=tpl.score(template, answers),
        photo_counts=photo_counts(session, visit_id),
    )


def finish_problems(session: Session, visit: Visit) -> list[str]:
    """Exactly what stops a visit from finishing, one human sentence per problem."""
    problems: list[str] = []
    template = template_of(session, visit)
    answers = answers_of(session, visit.id)
    for item in tpl.missing_required(template, answers):
        problems.append(tr("必答条目未填写：{label}", label=item.label))
    for item, message in tpl.constraint_violations(template, answers):
        problems.append(tr("条目“{label}”的答案不合理：{message}", label=item.label,
                           message=message))
    counts = photo_counts(session, visit.id)
    for item in tpl.photo_required_missing(template, answers, counts):
        problems.append(tr("条目“{label}”不合格，需要附照片作为证据。", label=item.label))
    findings = session.scalars(
        select(Finding).where(Finding.visit_id == visit.id, Finding.deleted.is_(False))
    )
    for n, finding in enumerate(findings, start=1):
        for missing in finding_gaps(finding):
            problems.append(tr("问题 {n}：{missing}", n=n, missing=missing))
    return problems


def unrecorded_failures(session: Session, visit: Visit) -> list[tpl.Item]:
    """不合格 items (shown, failed) that no finding of the visit is linked to, in order."""
    template = template_of(session, visit)
    linked = set(session.scalars(
        select(Finding.item_key).where(Finding.visit_id == visit.id, Finding.deleted.is_(False))
    ))
    return [item for item in tpl.failed_items(template, answers_of(session, visit.id))
            if item.key not in linked]


def finding_gaps(finding: Finding) -> list[str]:
    gaps = []
    if not finding.category:
        gaps.append(tr("未选择问题类别"))
    if not finding.description.strip():
        gaps.append(tr("未填写问题描述"))
    if finding.requirement.strip() and finding.deadline is None:
        gaps.append(tr("有整改要求但未设整改期限"))
    if finding.deadline is not None and not finding.requirement.strip():
        gaps.append(tr("设了整改期限但未填写整改要求"))
    return gaps
