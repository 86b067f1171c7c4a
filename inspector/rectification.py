"""The office side of rectification: the organization's report-back with its evidence files.

The status changes themselves go through ``inspector.findings`` (which writes the audit log);
the supervisor's re-check 复查 and escalation are ``findings.recheck`` and ``findings.escalate``,
which check the actor's role.
"""

import json
import mimetypes
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from inspector import attachments, audit, findings
from inspector.attachments import Attachment
from inspector.clock import utc_now
from inspector.errors import UserError
from inspector.store import Store


def report_back(
    store: Store,
    finding_id: str,
    *,
    reported_on: str,
    text: str,
    evidence: Sequence[Path] = (),
    actor: str,
) -> list[str]:
    """Record the organization's report-back and keep its evidence files; returns their ids.

    The files are copied into the store first (by content hash), so a missing file stops the
    report before anything is recorded.
    """
    missing = [str(p) for p in evidence if not Path(p).is_file()]
    if missing:
        raise UserError("找不到整改材料文件：" + "、".join(missing))
    findings.report_back(store, finding_id, reported_on=reported_on, text=text, actor=actor)
    return [_attach(store, finding_id, Path(p), actor=actor) for p in evidence]


@dataclass(frozen=True)
class Report:
    """What the organization last reported back on a finding: when, what it did, its files."""

    reported_on: str
    text: str
    files: list[Attachment]


def latest_report(store: Store, finding_id: str) -> Report | None:
    """The last report-back of a finding (for the 复查), or None before any."""
    row = store.db.execute(
        "SELECT new FROM audit_log WHERE entity = 'finding' AND entity_id = ?"
        " AND action = 'report_back' ORDER BY seq DESC LIMIT 1",
        (finding_id,),
    ).fetchone()
    if row is None:
        return None
    detail = json.loads(row[0])
    files = attachments.for_finding(store, finding_id)
    return Report(str(detail.get("reported_on", "")), str(detail.get("text", "")), files)


def evidence_of(store: Store, finding_id: str) -> list[tuple[str, str]]:
    """(file name, SHA-256) of the report-back files kept for a finding."""
    rows = store.db.execute(
        "SELECT file_name, sha256 FROM attachments WHERE finding_id = ? AND deleted_at IS NULL"
        " ORDER BY created_at, rowid",
        (finding_id,),
    ).fetchall()
    return [(r[0], r[1]) for r in rows]


def _attach(store: Store, finding_id: str, path: Path, *, actor: str) -> str:
    digest = attachments.store_bytes(store, path.read_bytes())
    row = {
        "id": str(uuid.uuid4()),
        "inspection_id": "",
        "item_id": None,
        "finding_id": finding_id,
        "sha256": digest,
        "file_name": path.name,
        "mime_type": mimetypes.guess_type(path.name)[0] or "application/octet-stream",
        "size": path.stat().st_size,
        "created_at": utc_now(),
    }
    with store.transaction() as conn:
        row["inspection_id"] = conn.execute(
            "SELECT inspection_id FROM findings WHERE id = ?", (finding_id,)
        ).fetchone()[0]
        conn.execute(
            f"INSERT INTO attachments ({', '.join(row)}) VALUES ({', '.join(':' + c for c in row)})",
            row,
        )
        audit.record(
            conn,
            actor=actor,
            entity="attachment",
            entity_id=str(row["id"]),
            action="add_report_evidence",
            new=row,
        )
    return str(row["id"])
