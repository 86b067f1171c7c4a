"""Finding changes on the device: sending those made here, applying those made elsewhere.

Made here: each report-back, 复查 or escalation on a finding is queued by the core in its own
transaction (``inspector.outbox.queue_field_change``). ``SyncClient.push`` sends them after the
bundles, each once its inspection is on the server: frozen when its upload starts, evidence files
through the resumable blob upload, then the change again to settle it (``sync.client``). The
server's answer is kept: applied (the finding's new revision), or a conflict — then the office's
status replaces the local one (the local value stays in the audit log), as for every status the
office records.

Made elsewhere: the change feed's ``finding_change`` entries are applied here before their page's
cursor is stored, through the core (``findings.apply_field_change``: lifecycle, audit log in the
name of the person who made it, evidence files downloaded and verified first); conflicts are kept
on the finding (``findings.record_field_conflict``) and listed in the pull report, so the
supervisor sees both sides. Changes on findings not on this device yet are kept and applied once
a supervisor's desk imports the inspection (``apply_deferred``).
"""

from dataclasses import dataclass
from typing import Any

from inspector import findings
from inspector import outbox as queued
from inspector.errors import UserError
from inspector.model import FindingStatus
from inspector.outbox import FieldChangeRow
from inspector.store import Store
from sync import desk
from sync.protocol import FIELD_CHANGE, EvidenceRef, FieldChange
from sync.transport import Transport

KIND_LABELS = findings.FIELD_CHANGE_LABELS


@dataclass(frozen=True)
class Item:
    row: FieldChangeRow

    @property
    def key(self) -> str:
        return f"change:{self.row.change_id}#{self.row.base_revision}"  # one '#', as records

    @property
    def label(self) -> str:
        where = self.row.organization or self.row.inspection_id[:8]
        return (
            f"{KIND_LABELS.get(self.row.kind, self.row.kind)}「{where}」{_short(self.row.finding)}"
        )

    @property
    def path(self) -> str:
        return f"/findings/{self.row.finding_id}/changes/{self.row.change_id}"


def waiting(store: Store) -> list[Item]:
    return [Item(row) for row in queued.waiting_field_changes(store)]


def unsettled(store: Store) -> list[Item]:
    return [Item(row) for row in queued.unsettled_field_changes(store)]


def inspection_on_server(store: Store, item: Item) -> bool:
    """A change goes up only after its inspection's bundle (or it is an office copy)."""
    return queued.inspection_uploaded(store, item.row.inspection_id)


def frozen(store: Store, item: Item) -> FieldChange:
    """The change as sent: built (and kept) on the first attempt, then always the same."""
    row = queued.field_change(store, item.row.seq)  # an earlier change may have set its base
    if row.change is not None:
        return FIELD_CHANGE.validate_json(row.change)
    detail = row.detail
    fields: dict[str, Any] = {"kind": row.kind, "base_revision": row.base_revision}
    fields |= {"made_by": row.actor, "made_at": row.made_at}
    if row.kind == "report_back":
        fields |= {key: detail.get(key, "") for key in ("reported_on", "text")}
        fields["evidence"] = detail.get("evidence", [])
    elif row.kind == "escalate":
        fields |= {"reason": detail.get("reason", ""), "escalation": detail.get("escalation")}
    else:
        fields |= {"reason": detail.get("reason", ""), "new_deadline": detail.get("deadline")}
    change = FIELD_CHANGE.validate_python(fields)
    queued.freeze_field_change(store, row.seq, change.model_dump_json())
    return change


def settled(store: Store, item: Item, answer: dict[str, Any]) -> tuple[str, str]:
    """Keep the server's answer to a settled change; returns (outcome, message)."""
    revision, status = int(answer["revision"]), str(answer["status"])
    if answer["outcome"] == "applied":
        message = f"已上传，服务器已记录（问题为第 {revision} 版）"
        queued.settle_field_change(
            store, item.row, "done", message, revision=revision, status=status
        )
        return "uploaded", message
    message = f"与科室记录冲突，未采用：{answer['detail']}"
    queued.settle_field_change(
        store, item.row, "conflict", message, revision=revision, status=status
    )
    _take_office_status(store, item.row.finding_id, status, "科室记录（冲突未采用本机变更）")
    return "conflict", message


def refused(store: Store, item: Item, outcome: str, message: str) -> None:
    """The server refused the change (4xx): ``conflict`` (409) or ``rejected``."""
    queued.settle_field_change(store, item.row, outcome, message)


def note(store: Store, item: Item, message: str) -> None:
    """Keep why a change still waits; its state is left as it is."""
    queued.note_field_change(store, item.row.seq, message)


def _take_office_status(store: Store, finding_id: str, status: str, reason: str) -> None:
    with store.transaction():
        findings.apply_office_status(
            store, finding_id, FindingStatus(status), by="server", reason=reason
        )


def apply_received(store: Store, transport: Transport, changes: list[Any]) -> list[str]:
    """Apply the page's ``finding_change`` entries (each its own transaction); returns notes."""
    notes = []
    for change in changes:
        if change.entity == "finding_change" and change.data is not None:
            note = _apply(store, transport, change.data)
            if note:
                notes.append(note)
    return notes


def apply_deferred(store: Store, transport: Transport) -> list[str]:
    """Changes and office statuses received before their finding was on this device (a desk
    imports inspections after the change feed), applied now that it is."""
    notes = [
        note for data in queued.deferred_changes(store) if (note := _apply(store, transport, data))
    ]
    for finding_id, status, by, reason in queued.stale_statuses(store):
        with store.transaction():
            findings.apply_office_status(
                store, finding_id, FindingStatus(status), by=by, reason=reason
            )
    return notes


def _apply(store: Store, transport: Transport, data: dict[str, Any]) -> str | None:
    change = _received(data)
    if not findings.exists(store, change.finding_id):
        queued.defer_received_change(store, change.change_id, change.finding_id, data)
        return None
    label = f"问题「{_short(_description(store, change.finding_id))}」"
    if data["outcome"] == "conflict":
        recorded = findings.record_field_conflict(
            store, change, office_status=str(data["status"]), why=str(data["detail"])
        )
        if not recorded:
            return None
        return (
            f"{label}：{change.made_by} 的{KIND_LABELS[change.kind]}与科室记录冲突，未采用"
            f"（{data['detail']}）；已记录，请科室负责人处理"
        )
    try:
        files = tuple(_downloaded(store, transport, ref) for ref in data.get("evidence", []))
        note = findings.apply_field_change(
            store, findings.FieldChange(**{**change.__dict__, "evidence": files})
        )
    except UserError as exc:
        return f"{label}的{KIND_LABELS[change.kind]}（{change.made_by}）未能采用：{exc}"
    return f"{label}：{note}" if note else None


def _received(data: dict[str, Any]) -> findings.FieldChange:
    detail = {
        key: data[key]
        for key in ("reported_on", "text", "reason", "new_deadline", "escalation")
        if data.get(key)
    }
    return findings.FieldChange(
        change_id=str(data["change_id"]),
        finding_id=str(data["finding_id"]),
        kind=str(data["kind"]),
        made_by=str(data["made_by"]),
        made_at=str(data["made_at"]),
        via=str(data.get("by", "")),
        revision=int(data["revision"]),
        detail=detail,
    )


def _downloaded(store: Store, transport: Transport, ref: dict[str, Any]) -> findings.Evidence:
    evidence = EvidenceRef(**ref)
    desk.download(store, transport, evidence.sha256, evidence.size)
    return findings.Evidence(
        sha256=evidence.sha256,
        file_name=evidence.file_name,
        mime_type=evidence.mime_type,
        size=evidence.size,
        id=evidence.id,
    )


def _description(store: Store, finding_id: str) -> str:
    return findings.description_of(store, finding_id)


def _short(text: str) -> str:
    return text if len(text) <= 16 else text[:15] + "…"
