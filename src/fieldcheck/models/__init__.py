"""SQLAlchemy entities of FieldCheck; no Qt, no HTTP."""

from fieldcheck.models.base import Base, Replicated
from fieldcheck.models.entities import (
    Answer,
    Finding,
    Inspector,
    Observation,
    Photo,
    TemplateVersion,
    Unit,
    Visit,
)
from fieldcheck.models.enums import (
    FindingStatus,
    InspectorRole,
    Severity,
    UnitKind,
    VisitKind,
    VisitStatus,
)
from fieldcheck.models.followup import FollowupEvent
from fieldcheck.models.local import AuditEvent, LocalIdentity, LocalSetting, OutboxOp
from fieldcheck.models.notices import Notice, NumberBlock, NumberUse, Signature
from fieldcheck.models.sync import Conflict, Rejection

# Replicated entities by their wire name, in dependency order (parents first).
REPLICATED: dict[str, type[Base]] = {
    "unit": Unit,
    "inspector": Inspector,
    "template_version": TemplateVersion,
    "visit": Visit,
    "answer": Answer,
    "observation": Observation,
    "finding": Finding,
    "photo": Photo,
    "notice": Notice,
    "signature": Signature,
    "followup_event": FollowupEvent,
    "conflict": Conflict,
    "rejection": Rejection,
}

__all__ = [
    "REPLICATED",
    "Answer",
    "AuditEvent",
    "Conflict",
    "Base",
    "Finding",
    "FollowupEvent",
    "FindingStatus",
    "Inspector",
    "InspectorRole",
    "LocalIdentity",
    "LocalSetting",
    "Notice",
    "NumberBlock",
    "NumberUse",
    "Observation",
    "OutboxOp",
    "Photo",
    "Rejection",
    "Replicated",
    "Severity",
    "Signature",
    "TemplateVersion",
    "Unit",
    "UnitKind",
    "Visit",
    "VisitKind",
    "VisitStatus",
]
