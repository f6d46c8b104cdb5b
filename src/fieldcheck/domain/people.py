"""The laptop's user, inspectors and the unit directory."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldcheck.domain.changes import Actor, audit, record_change, untracked
from fieldcheck.errors import ValidationError
from fieldcheck.i18n import tr
from fieldcheck.models import Inspector, LocalIdentity, Unit, UnitKind

UNIT_KIND_NAMES = {
    UnitKind.DEPARTMENT: "部门",
    UnitKind.SERVICE_WINDOW: "服务窗口",
    UnitKind.ENTERPRISE: "企业",
    UnitKind.PROJECT: "重点项目",
}


def actor_of(session: Session) -> Actor:
    ident = session.scalars(select(LocalIdentity)).one()
    # Stored in the audit chain, so it stays the same whatever the UI language.
    return Actor(name=ident.user_name or "未登记用户", device_id=ident.device_id)


def set_laptop_user(session: Session, user_name: str, credential_no: str) -> Inspector:
    """Record who uses this laptop; also registers them as an inspector for visit teams."""
    user_name = user_name.strip()
    credential_no = credential_no.strip()
    if not user_name:
        raise ValidationError(tr("请填写使用人姓名。"))
    ident = session.scalars(select(LocalIdentity)).one()
    inspector = session.get(Inspector, ident.inspector_id) if ident.inspector_id else None
    if inspector is None:
        inspector = session.scalars(
            select(Inspector).where(Inspector.name == user_name, Inspector.credential_no == credential_no)
        ).first()
    if inspector is None:
        inspector = Inspector(name=user_name, credential_no=credential_no)
        session.add(inspector)
    else:
        inspector.name, inspector.credential_no = user_name, credential_no
    ident.user_name, ident.credential_no = user_name, credential_no
    session.flush()
    ident.inspector_id = inspector.id
    actor = Actor(user_name, ident.device_id)
    record_change(session, actor, "inspector.save", inspector)
    audit(session, actor, "laptop.user", "inspector", inspector.id, {"name": user_name})
    return inspector


def add_inspector(
    session: Session, name: str, credential_no: str = "", team: str = "", role: str = "inspector"
) -> Inspector:
    if not name.strip():
        raise ValidationError(tr("请填写检查人员姓名。"))
    inspector = Inspector(name=name.strip(), credential_no=credential_no.strip(), team=team, role=role)
    session.add(inspector)
    record_change(session, actor_of(session), "inspector.add", inspector)
    return inspector


def add_unit(
    session: Session,
    name: str,
    kind: str,
    *,
    parent_id: str | None = None,
    code: str = "",
    address: str = "",
    contact: str = "",
    phone: str = "",
) -> Unit:
    """Add a unit to the directory (inspectors may add one in the field)."""
    name = name.strip()
    if not name:
        raise ValidationError(tr("请填写被检查单位名称。"))
    if kind not in set(UnitKind):
        raise ValidationError(tr("未知的单位类型：{kind}", kind=kind))
    if len(name) > 200:
        raise ValidationError(tr("单位名称过长（最多 200 字）。"))
    unit = Unit(
        name=name, kind=kind, parent_id=parent_id, code=code.strip(), address=address,
        contact=contact, phone=phone,
    )
    session.add(unit)
    record_change(session, actor_of(session), "unit.add", unit)
    return unit


def find_units(session: Session, text: str = "", limit: int = 50) -> list[Unit]:
    query = select(Unit).where(Unit.deleted.is_(False))
    if text:
        query = query.where(Unit.name.contains(text, autoescape=True))
    return list(session.scalars(query.order_by(Unit.name).limit(limit)))


def list_inspectors(session: Session) -> list[Inspector]:
    return list(session.scalars(select(Inspector).where(Inspector.deleted.is_(False)).order_by(Inspector.name)))


def adopt_account(
    session: Session, *, server_url: str, username: str, name: str, role: str, team: str,
    inspector_id: str, credential_no: str = "",
) -> None:
    """Enrolment: the laptop now belongs to a server account. Every local record and its audit
    trail stay; visits led or joined by the self-declared identity name the account's inspector
    (as ordinary edits, so they sync); numbers from self-made blocks are not used any more."""
    from fieldcheck.models import NumberBlock, OutboxOp, Visit

    ident = session.scalars(select(LocalIdentity)).one()
    old = ident.inspector_id
    actor = Actor(name, ident.device_id)
    with untracked(session):  # the inspector record is the server's; the pull brings it
        inspector = session.get(Inspector, inspector_id)
        if inspector is None:
            inspector = Inspector(id=inspector_id)
            session.add(inspector)
        inspector.name, inspector.credential_no = name, credential_no
        inspector.team, inspector.role = team, role
    if old and old != inspector_id:
        for visit in session.scalars(select(Visit).where(Visit.lead_inspector_id == old)):
            visit.lead_inspector_id = inspector_id
            record_change(session, actor, "visit.lead", visit, {"from": old, "to": inspector_id})
        for visit in session.scalars(select(Visit).where(Visit.member_ids.contains(old))):
            visit.member_ids = [inspector_id if m == old else m for m in visit.member_ids]
            record_change(session, actor, "visit.members", visit, {"from": old, "to": inspector_id})
        stale = session.get(Inspector, old)
        if stale is not None:  # self-declared, never on the server: it leaves with its ops
            session.query(OutboxOp).filter(OutboxOp.entity_id == old).delete()
            session.delete(stale)
            audit(session, actor, "inspector.remove", "inspector", old, {"replaced_by": inspector_id})
    session.query(OutboxOp).filter(OutboxOp.entity.in_(("inspector", "template_version"))).delete()
    for block in session.scalars(select(NumberBlock).where(
            NumberBlock.source == "local", NumberBlock.next_seq <= NumberBlock.last_seq)):
        audit(session, actor, "number.close", "number_block", block.id,
              {"unused_from": block.next_seq, "last": block.last_seq})
        block.next_seq = block.last_seq + 1
    ident.user_name, ident.credential_no = name, credential_no or ident.credential_no
    ident.inspector_id = inspector_id
    ident.server_url, ident.username, ident.role, ident.team = server_url, username, role, team
    from fieldcheck.models.coltypes import utcnow

    ident.enrolled_at = utcnow()
    session.flush()
    audit(session, actor, "device.enroll", "inspector", inspector_id,
          {"server": server_url, "username": username, "previous_inspector": old})
