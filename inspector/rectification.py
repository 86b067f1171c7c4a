"""The office side of rectification: the organization's report-back with its evidence files.

The status changes themselves go through ``inspector.findings`` (which writes the audit log);
the supervisor's re-check 复查 and escalation are ``findings.recheck`` and ``findings.escalate``,
which check the actor's role.
"""

import json
import mimetypes
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from inspector import attachments, findings
from inspector.attachments import Attachment
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

    The files' contents are copied into the store first (by content hash), so a missing file
    stops the report before anything is recorded; the status, the files' rows and the change
    queued for the office are then one transaction (``findings.report_back``).
    """
    missing = [str(p) for p in evidence if not Path(p).is_file()]
    if missing:
        raise UserError("找不到整改材料文件：" + "、".join(missing))
    files = [_stored(store, Path(p)) for p in evidence]
    return findings.report_back(
        store, finding_id, reported_on=reported_on, text=text, actor=actor, evidence=files
    )


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


def _stored(store: Store, path: Path) -> findings.Evidence:
    data = path.read_bytes()
    return findings.Evidence(
        sha256=attachments.store_bytes(store, data),
        file_name=path.name,
        mime_type=mimetypes.guess_type(path.name)[0] or "application/octet-stream",
        size=len(data),
    )
