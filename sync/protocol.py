"""The sync protocol (HTTP + JSON under ``/api/v1``): the models client and server share.

Idempotency: an inspection bundle is keyed by its device-made UUID and revision; the server
compares the canonical hash of the content (``content_hash``), never raw bytes, so a client that
re-serialises still matches. Attachments are addressed by SHA-256 and sent separately.
"""

import hashlib
import json
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, field_validator

API_PREFIX = "/api/v1"
PROTOCOL_VERSION = 1
CLIENT_VERSION_HEADER = "X-Inspector-Client"
MIN_CLIENT_VERSION = 1
MAX_ATTACHMENT_BYTES = (
    512 * 1024 * 1024
)  # one file; photos are 1-10 MB, scans and video less common
SHA256_PATTERN = r"^[0-9a-f]{64}$"
UUID_PATTERN = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"

NO_NUL = r"^[^\x00]*$"  # text that reaches a database column or query: PostgreSQL refuses NUL
Role = Literal["inspector", "supervisor", "admin"]
EntityKind = Literal[
    "organization", "checklist", "roster", "task", "finding_status", "review", "finding_change"
]
FieldChangeKind = Literal["report_back", "recheck_passed", "recheck_failed", "escalate"]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LoginRequest(Model):
    username: str = Field(min_length=1, max_length=100, pattern=NO_NUL)
    password: str = Field(min_length=1, max_length=200)
    device_id: str = Field(pattern=UUID_PATTERN)
    device_name: str = Field(default="", max_length=200, pattern=NO_NUL)


class LoginResponse(Model):
    token: str
    username: str
    role: Role
    roster_id: str | None
    expires_at: str


class DeviceKey(Model):
    """The device's unlock secret (base64), kept by the server for this device only: the
    device's key file holds its data key wrapped under it, so an office account that signs in
    here for the first time can open the store (see docs/security.md)."""

    secret: str


class DeviceSignIn(LoginResponse):
    """A first (or online) sign-in of an office account on an enrolled device: the account's
    role and a token, with the device's unlock secret."""

    device_secret: str


class DeviceAccount(Model):
    """An office account that has signed in on this device, as the server has it now."""

    username: str
    role: Role
    roster_id: str | None
    disabled: bool


class Problem(Model):
    """Every error answer: a Chinese message and a stable machine code."""

    detail: str
    code: str


MAX_VALUE_DEPTH = 16  # an answer's value is a scalar or a small list/table, never deeper


class Answer(Model):
    item_id: str = Field(min_length=1, max_length=200)
    value: Any = None
    note: str = Field(default="", max_length=20_000)

    @field_validator("value")
    @classmethod
    def _shallow(cls, value: Any) -> Any:
        if _depth(value) > MAX_VALUE_DEPTH:
            raise ValueError(f"答案嵌套超过 {MAX_VALUE_DEPTH} 层")
        return value


def _depth(value: Any) -> int:
    """Nesting depth of a JSON value, without recursion (a hostile value may be very deep)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, level)
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, level + 1) for child in children)
    return deepest


class Finding(Model):
    id: str = Field(pattern=UUID_PATTERN)
    item_id: str | None = Field(default=None, max_length=200)
    description: str = Field(max_length=20_000)
    legal_basis: str = Field(default="", max_length=20_000)
    severity: str = Field(max_length=20)
    requirement: str = Field(default="", max_length=20_000)
    rectification_days: int | None = Field(default=None, ge=0, le=10_000)
    deadline: str | None = Field(default=None, max_length=40)
    follow_up: str = Field(default="", max_length=20_000)
    refund_due: str = Field(default="", max_length=40)


class AttachmentRef(Model):
    """One manifest entry: the server must hold this exact content for the bundle to count."""

    id: str = Field(pattern=UUID_PATTERN)
    sha256: str = Field(pattern=SHA256_PATTERN)
    size: int = Field(ge=0, le=MAX_ATTACHMENT_BYTES)
    file_name: str = Field(min_length=1, max_length=500)
    mime_type: str = Field(default="", max_length=200)
    item_id: str | None = Field(default=None, max_length=200)
    finding_id: str | None = Field(default=None, max_length=40)


class InspectionRecord(Model):
    """The inspection's own fields. Workflow state set at the office (approval) is not here."""

    organization_id: str = Field(max_length=40)
    organization_credit_code: str = Field(default="", max_length=18)
    task_id: str | None = Field(default=None, max_length=40, pattern=NO_NUL)
    checklist_id: str = Field(max_length=200)
    checklist_version: int = Field(ge=1, le=1_000_000)
    method: str = Field(default="on_site", max_length=40)
    started_at: str = Field(max_length=40)
    completed_at: str | None = Field(default=None, max_length=40)
    place: str = Field(default="", max_length=2_000)
    representative: str = Field(default="", max_length=200)
    inspector_ids: list[Annotated[str, Field(max_length=200, pattern=NO_NUL)]] = Field(
        default_factory=list, max_length=20
    )


class Bundle(Model):
    """One revision of one inspection, with everything recorded on it."""

    inspection: InspectionRecord
    answers: list[Answer] = Field(default_factory=list, max_length=5_000)
    findings: list[Finding] = Field(default_factory=list, max_length=2_000)
    attachments: list[AttachmentRef] = Field(default_factory=list, max_length=5_000)

    def content_hash(self) -> str:
        """SHA-256 of the canonical JSON: the same content always gives the same hash."""
        text = json.dumps(
            self.model_dump(mode="json"), ensure_ascii=False, sort_keys=True, separators=(",", ":")
        )
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


class MissingBlob(Model):
    sha256: str
    size: int
    offset: int = Field(description="bytes of this file the server already holds")


class PushResult(Model):
    """The answer to a bundle push; ``complete`` only once every manifest file is on the server."""

    inspection_id: str
    revision: int
    content_hash: str
    complete: bool
    missing: list[MissingBlob]
    received_at: str


class BlobOffset(Model):
    sha256: str
    offset: int
    complete: bool


class Change(Model):
    seq: int
    entity: EntityKind
    entity_id: str
    deleted: bool = False
    data: dict[str, Any] | None = None


class ChangesPage(Model):
    """One page of changes after ``cursor``; continue from ``next_cursor`` while ``more``."""

    changes: list[Change]
    next_cursor: int
    more: bool


class FindingStatusChange(Model):
    status: Literal["open", "reported", "closed", "not_rectified", "escalated"]
    reason: str = Field(min_length=1, max_length=2_000, pattern=NO_NUL)


class InspectionSummary(Model):
    inspection_id: str
    revision: int
    owner: str
    complete: bool
    deleted: bool
    received_at: str
    reviewed: bool = Field(default=False, description="a decision exists on this revision")
    withdraw_reason: str = Field(default="", description="why the office withdrew it, if it did")


class WithdrawRequest(Model):
    """A supervisor withdraws an inspection from the office's records (never a deletion)."""

    reason: str = Field(min_length=1, max_length=2_000, pattern=NO_NUL)


class AuditHead(Model):
    """The head of a device's audit-log chain as the server received it with a bundle."""

    seq: int
    hash: str
    received_at: str


class ReviewRequest(Model):
    """A supervisor's decision on one revision of a complete inspection."""

    decision: Literal["approve", "return"]
    reason: str = Field(default="", max_length=2_000, pattern=NO_NUL)
    revision: int = Field(ge=1, le=1_000_000)


class ReviewResult(Model):
    """A recorded decision; the same one is published in the change feed as entity ``review``."""

    inspection_id: str
    revision: int
    decision: Literal["approve", "return"]
    reason: str
    reviewer: str
    reviewer_name: str
    decided_at: str
    seq: int


class NoticeNumberRequest(Model):
    """Ask the office for the next ``count`` notice numbers of one authority and year."""

    authority_code: str = Field(min_length=1, max_length=64, pattern=NO_NUL)
    year: int = Field(ge=2000, le=2200)
    count: int = Field(ge=1, le=10_000)


class NoticeNumberBlock(Model):
    """Numbers ``first``..``last`` (inclusive) are this device's; nobody else gets them."""

    authority_code: str
    year: int
    first: int
    last: int


class EvidenceRef(Model):
    """A file the organization sent with its report-back (uploaded by SHA-256 like photos)."""

    id: str = Field(pattern=UUID_PATTERN)
    sha256: str = Field(pattern=SHA256_PATTERN)
    size: int = Field(ge=0, le=MAX_ATTACHMENT_BYTES)
    file_name: str = Field(min_length=1, max_length=500, pattern=NO_NUL)
    mime_type: str = Field(default="", max_length=200, pattern=NO_NUL)


SAID = r"^[^\x00]*\S[^\x00]*$"  # says something (not only spaces), no NUL


class _FieldChangeBase(Model):
    base_revision: int = Field(ge=0, le=1_000_000_000)
    made_by: str = Field(min_length=1, max_length=200, pattern=NO_NUL)
    made_at: str = Field(min_length=1, max_length=40, pattern=NO_NUL)

    def content_hash(self) -> str:
        text = json.dumps(
            self.model_dump(mode="json"), ensure_ascii=False, sort_keys=True, separators=(",", ":")
        )
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


class ReportBackChange(_FieldChangeBase):
    """The organization's report-back 整改情况报告: when, what it did, its files."""

    kind: Literal["report_back"]
    reported_on: str = Field(default="", max_length=40, pattern=NO_NUL)
    text: str = Field(min_length=1, max_length=20_000, pattern=SAID)
    evidence: list[EvidenceRef] = Field(default_factory=list, max_length=200)


class RecheckChange(_FieldChangeBase):
    """A 复查 result: passed, or failed (with a new deadline when one was given)."""

    kind: Literal["recheck_passed", "recheck_failed"]
    reason: str = Field(min_length=1, max_length=2_000, pattern=SAID)
    new_deadline: str | None = Field(default=None, max_length=40, pattern=NO_NUL)


class EscalationChange(_FieldChangeBase):
    kind: Literal["escalate"]
    reason: str = Field(min_length=1, max_length=2_000, pattern=SAID)
    escalation: Literal["interview", "abnormal_list", "penalty_referral"]


FieldChange = Annotated[
    ReportBackChange | RecheckChange | EscalationChange, Field(discriminator="kind")
]
"""A finding's status change recorded on a device after its inspection went up.

``PUT /findings/{finding_id}/changes/{change_id}``: the key is the change's device-made UUID;
``base_revision`` is the finding's server revision the device had when it was made (0: as
uploaded with the inspection)."""
FIELD_CHANGE = TypeAdapter(FieldChange)


def evidence_of(change: FieldChange) -> list[EvidenceRef]:
    return change.evidence if isinstance(change, ReportBackChange) else []


class FieldChangeResult(Model):
    """The server's answer: ``waiting`` for evidence files (``missing``), ``applied`` (the
    finding moved to ``status`` at ``revision``) or ``conflict`` (recorded, not applied: the
    office's ``status`` stays; ``detail`` says why, in Chinese)."""

    change_id: str
    finding_id: str
    outcome: Literal["waiting", "applied", "conflict"]
    revision: int
    status: str
    detail: str
    missing: list[MissingBlob]
    received_at: str
