"""A supervisor's desk: completed inspections imported from the server for review.

After the change feed (register, checklists and roster come first), a supervisor's pull lists the
complete inspections on the server and imports each one not yet decided whose revision is newer
than the device's copy: its files, downloaded by SHA-256 and verified before they are kept, then
the inspection with its inspectors, answers and findings through the core workflow
``inspection_copy.import_copy`` (lifecycle and audit log). Imported inspections are never
uploaded as bundles from this device, and a decision taken on one is queued for the review
endpoint (migration ``M_SYNC_REVIEWS``).
"""

import hashlib
from collections.abc import Callable
from pathlib import Path

from inspector import inspection_copy
from inspector.attachments import file_path, has_content, store_bytes
from inspector.errors import UserError
from inspector.inspection_copy import CopyAnswer, CopyAttachment, CopyFinding, InspectionCopy
from inspector.store import Store
from sync.protocol import Bundle, InspectionSummary
from sync.transport import NETWORK_ERRORS, SyncError, Transport, decode

REVIEWER_ROLES = ("supervisor", "admin")
_CHUNK = 1 << 20


def import_completed(
    store: Store, transport: Transport, is_cancelled: Callable[[], bool]
) -> tuple[int, list[str]]:
    """Import what waits for review; returns how many were imported and notes (Chinese).

    Each inspection is one transaction (``inspection_copy.import_copy``); a cancel stops
    between two, and the next pull goes on.
    """
    summaries = [InspectionSummary(**s) for s in transport.call("GET", "/inspections")]
    imported, notes = 0, []
    for summary in summaries:
        if is_cancelled():
            break
        if summary.deleted or not summary.complete or summary.reviewed:
            continue
        if inspection_copy.local_revision(store, summary.inspection_id) >= summary.revision:
            continue
        path = f"/inspections/{summary.inspection_id}/revisions/{summary.revision}"
        bundle = Bundle(**transport.call("GET", path))
        for ref in bundle.attachments:
            download(store, transport, ref.sha256, ref.size)
        try:
            inspection_copy.import_copy(
                store, summary.inspection_id, summary.revision, summary.owner, copy_of(bundle)
            )
        except UserError as exc:
            notes.append(f"检查记录 {summary.inspection_id[:8]} 未导入：{exc}")
            continue
        imported += 1
    if imported:
        notes.append(f"已从服务器取回 {imported} 条待审核的检查记录")
    return imported, notes


def copy_of(bundle: Bundle) -> InspectionCopy:
    """The core's record of a bundle downloaded from the server."""
    record = bundle.inspection
    return InspectionCopy(
        **record.model_dump(exclude={"inspector_ids"}),
        inspector_ids=tuple(record.inspector_ids),
        answers=tuple(CopyAnswer(**a.model_dump()) for a in bundle.answers),
        findings=tuple(CopyFinding(**f.model_dump()) for f in bundle.findings),
        attachments=tuple(CopyAttachment(**a.model_dump()) for a in bundle.attachments),
    )


def download(store: Store, transport: Transport, sha256: str, size: int) -> None:
    """Fetch one file into the local file store unless it is already there; verified by hash."""
    if has_content(store, sha256):
        return
    target = file_path(store, sha256)
    target.parent.mkdir(parents=True, exist_ok=True)
    part = target.with_suffix(".part")
    for attempt in range(transport.retry.attempts):
        try:
            digest = _fetch(transport, sha256, part)
        except NETWORK_ERRORS:
            transport.retry.sleep(transport.retry.delay(attempt))
            continue
        if digest != sha256 or part.stat().st_size != size:
            part.unlink(missing_ok=True)
            raise SyncError(f"从服务器下载的文件 {sha256[:12]} 校验不符，已丢弃，请稍后重试")
        store_bytes(store, part.read_bytes())  # encrypted in an encrypted store
        part.unlink()
        return
    raise SyncError(f"文件 {sha256[:12]} 多次下载失败，请检查网络后重试")


def _fetch(transport: Transport, sha256: str, part: Path) -> str:
    digest = hashlib.sha256()
    with transport.send_once("GET", f"/blobs/{sha256}/content", stream=True) as response:
        if response.status_code != 200:
            decode(response)  # raises with the server's message
            raise SyncError(f"服务器未返回文件 {sha256[:12]}")
        with part.open("wb") as out:
            for chunk in response.iter_content(_CHUNK):
                digest.update(chunk)
                out.write(chunk)
    return digest.hexdigest()
