"""The wire protocol between a laptop and the bureau's server (DESIGN §6).

Every request carries the header ``X-FieldCheck-Schema: <SCHEMA_VERSION>``; a server that
does not speak it answers 426 with code ``upgrade_required`` and the client keeps its outbox.
Authenticated routes take ``Authorization: Bearer <device token>``. Errors are JSON
``{"error": {"code": "...", "message": "..."}}`` with a stable ``code``.

Routes (all under /api/v1 unless said otherwise):

- ``POST /enroll`` (EnrollRequest → EnrollResponse): user name and password give this device a
  token of its own; enrolling the same device_id again replaces (and so revokes) its old token.
- ``POST /push`` (PushRequest → PushResponse): operations in outbox order. Each op is applied
  exactly once: its result is stored with the op id in the same server transaction as the
  change, and a replayed op id returns the stored result unchanged. A permanently rejected op
  becomes a ``rejection`` record (synced to the device's team like any record) and never
  blocks the ops behind it; a ``deferred`` op (a photo whose bytes have not arrived) stays in
  the outbox, and so do later ops on the same record. The request carries the device's feed
  cursor. An op is ``settled`` when the server can tell that the record it wrote equals the
  device's copy: the op created the record, or every field it named was taken and the
  version it changed was one the device already held (its own settled write, or one at or
  below its cursor). The result then carries the server's time stamp (``updated_at``) and the
  device's pulls skip that version. A field's base value counts as the device's reading of
  the server's value only when the write that put that value there is one the device could
  have seen when it made the edit (its own, or at or below the op's ``seen`` cursor); another
  device's write the device had not pulled is a concurrent change, a conflict, even when both
  happen to hold the same value. A record the server did not take a value for (a conflict,
  a refusal) is sent through the feed again at a new version, so the device that holds the
  refused value ends with the server's state even when its cursor had passed the record.
- ``GET /pull?cursor=N&limit=L`` (→ PullResponse): the records visible to the device whose
  feed version is above N, oldest first. Versions come from a counter incremented inside the
  committing transaction, so a cursor never runs ahead of data that is still committing.
- ``POST /audit`` (AuditPush → AuditPushResponse): the device's audit events after the head the
  server holds; a break in the hash chain is refused with 409 ``audit_chain_broken``.
- ``POST /blobs/check`` (BlobCheck → BlobCheckResponse), ``PUT /blobs/{sha256}?offset=N``
  (raw bytes → BlobPutResponse), ``GET /blobs/{sha256}``: photo originals, one blob per
  SHA-256, resumable from the confirmed offset, verified by hash before they count.
- ``GET /audit/head``: the head (seq, hash) the server holds for the calling device.
- ``PUT /blobs/{sha256}?offset=N&size=S``: with the photo's full size the server refuses a
  wrong upload at once (``size_mismatch``) and hashes only when the last byte arrives; a chunk
  past the confirmed offset gets 409 ``offset_mismatch`` (ask ``/blobs/check`` again).
- ``GET /admin/devices``, ``POST /admin/devices/{id}/revoke``: admin accounts only.
- ``POST /numbers/lease`` (LeaseRequest → LeaseResponse): a block of document numbers for one
  notice type and year; the same (device, lease_key) always returns the same block.
- ``GET /verify/{notice_id}`` (no login): HTML for a phone, JSON (VerifyResponse) when asked
  with ``Accept: application/json``.
- ``GET /health``.

Error codes: HTTP ``unauthorized``, ``device_revoked``, ``forbidden``, ``rate_limited``,
``upgrade_required``, ``too_large``, ``invalid_request``, ``not_found``, ``offset_mismatch``,
``size_mismatch``, ``hash_mismatch``, ``audit_chain_broken``, ``year_closed``,
``lease_key_used``, ``internal_error``; op rejections ``server_owned``, ``invalid_field``,
``immutable_field``, ``notice_issued``, ``forbidden``, ``unknown_parent``,
``incomplete_record``; a deferred op ``blob_missing``. An applied op may carry ``number_clash``:
an issued notice whose 文号 another notice, or another device's leased block, holds is recorded
as printed (the paper is in a unit's hands), the number stays with its holder, and a
``rejection`` record with that code tells the team and the bureau to issue a 更正.

Teams: inspectors and leaders create or move visits only within their own team; supervisors
and admins plan for any team, confidential plans included.

Field-level merge (server side, entity rules in ``fieldcheck.sync.entities``): an op names the
fields it changed with their new values (``changed``) and, for an update, the values it
changed them from (``base``). For each field: the server value equal to the new one, or equal
to the base, takes the new value; anything else keeps the server value and makes a
``conflict`` record holding both values, who made each and when. A field without a base (a
create that meets an existing record, or an op migrated from an older store) merges the same
way with "no base": equal values merge, different values conflict.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

# 2: follow-up events, finding milestones, unit predecessors; 3: settled ops; 4: an op's `seen`;
# 5: template items' `constraint` (an app before it refuses such a template when a visit starts
# with it), and an issued notice whose 文号 clashes is recorded with code `number_clash`
SCHEMA_VERSION = 5
SCHEMA_HEADER = "X-FieldCheck-Schema"
MAX_OPS_PER_PUSH = 500
MAX_PULL_LIMIT = 1000
MAX_AUDIT_PER_PUSH = 2000
MAX_BLOB_CHUNK = 8 * 1024 * 1024
MAX_BLOB_SIZE = 200 * 1024 * 1024
ID_PATTERN = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
SHA256_PATTERN = r"^[0-9a-f]{64}$"

Entity = Literal[
    "unit", "inspector", "template_version", "visit", "answer", "observation", "finding",
    "photo", "notice", "signature", "followup_event", "conflict", "rejection",
]
Role = Literal["inspector", "leader", "supervisor", "admin"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ErrorBody(Strict):
    code: str
    message: str


class ErrorResponse(Strict):
    error: ErrorBody


class UserInfo(Strict):
    username: str
    name: str
    role: Role
    team: str
    inspector_id: str
    credential_no: str = ""


class EnrollRequest(Strict):
    username: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=1, max_length=200)
    device_id: str = Field(pattern=ID_PATTERN)
    device_name: str = Field(default="", max_length=200)
    app_version: str = Field(default="", max_length=40)
    # The account's device this laptop was before it was restored from a backup: the new
    # device continues it (its chain, its leased numbers) and the old one stops.
    restored_from: str | None = Field(default=None, pattern=ID_PATTERN)


class EnrollResponse(Strict):
    device_id: str
    token: str
    user: UserInfo
    server_id: str


class Op(Strict):
    op_id: str = Field(pattern=ID_PATTERN)
    entity: Entity
    entity_id: str = Field(pattern=ID_PATTERN)
    kind: Literal["create", "update"]
    changed: dict[str, Any]
    base: dict[str, Any] = Field(default_factory=dict)
    made_at: str = Field(max_length=40)  # the laptop's clock: shown to people, never used to order
    made_by: str = Field(default="", max_length=100)
    # The feed version the device had pulled to when the edit was made (None: not known,
    # the push's cursor stands in): a base value equal to the server's current one counts
    # only if the device could have read it, i.e. the write that put it there is at or below
    # this version or was the device's own.
    seen: int | None = Field(default=None, ge=0, le=2**62)


class PushRequest(Strict):
    device_id: str = Field(pattern=ID_PATTERN)
    ops: list[Op] = Field(max_length=MAX_OPS_PER_PUSH)
    cursor: int = Field(default=0, ge=0, le=2**62)  # the feed version the device has pulled to


OpStatus = Literal["applied", "conflict", "rejected", "deferred"]


class OpResult(Strict):
    op_id: str
    status: OpStatus
    # Feed version of the change (applied/conflict/rejected): once a pull has passed it,
    # the local replica holds the outcome and the outbox row can go.
    version: int | None = None
    code: str = ""
    message: str = ""
    # The record now equals the device's copy but for this server time stamp; the device's
    # pulls will not send it back (see the module docstring).
    settled: bool = False
    updated_at: str | None = None


class PushResponse(Strict):
    results: list[OpResult]


class FeedRecord(Strict):
    entity: Entity
    id: str
    version: int
    data: dict[str, Any]


class PullResponse(Strict):
    records: list[FeedRecord]
    cursor: int
    more: bool
    # The last of this device's audit events the server holds: more than the laptop has means
    # the laptop was restored from a backup (or lost events), which it must not sync past.
    audit_head: int = 0


class AuditEventWire(Strict):
    seq: int
    id: str = Field(pattern=ID_PATTERN)
    at: str
    actor: str = Field(max_length=100)
    device_id: str = Field(pattern=ID_PATTERN)
    action: str = Field(max_length=60)
    entity: str = Field(max_length=40)
    entity_id: str = Field(max_length=36)
    detail: Any = None
    record_hash: str = Field(default="", max_length=64)
    prev_hash: str = Field(pattern=SHA256_PATTERN)
    hash: str = Field(pattern=SHA256_PATTERN)


class AuditPush(Strict):
    device_id: str = Field(pattern=ID_PATTERN)
    events: list[AuditEventWire] = Field(max_length=MAX_AUDIT_PER_PUSH)


class AuditPushResponse(Strict):
    head_seq: int
    head_hash: str


class BlobCheck(Strict):
    sha256: list[str] = Field(max_length=2000)


class BlobState(Strict):
    sha256: str
    have: bool
    offset: int  # bytes already confirmed (0 when nothing arrived yet)


class BlobCheckResponse(Strict):
    blobs: list[BlobState]


class BlobPutResponse(Strict):
    sha256: str
    offset: int
    complete: bool


class LeaseRequest(Strict):
    lease_key: str = Field(pattern=ID_PATTERN)
    notice_type: str = Field(min_length=1, max_length=30)
    year: int = Field(ge=2000, le=2100)
    size: int = Field(ge=1, le=1000)


class LeaseResponse(Strict):
    block_id: str
    lease_key: str
    notice_type: str
    year: int
    first_seq: int
    last_seq: int
    leased_at: str
    expires_at: str


class VerifyResponse(Strict):
    notice_id: str
    genuine: bool
    number: str | None = None
    type: str = ""
    unit: str = ""
    issued_at: str | None = None
    status: str = ""  # issued / voided
    voided_by: str | None = None  # the notice that superseded it
    void_reason: str = ""
    pdf_sha256: str = ""
    # Issued under a 文号 another notice holds (printed twice before enrolment): genuine, and
    # to be corrected under a number of its own.
    number_clash: bool = False
