"""Applying pulled changes to the local store, one page per transaction with its cursor.

Finding status rule (documented in docs/sync.md): the office is the record of truth for a
finding's status once the inspection is uploaded. A pulled status replaces the local one; if they
differ, the local value stays in the audit log (actor ``office:<user>``) and the change is listed
in the pull report, so nothing is overwritten silently.
"""

import json
from collections.abc import Callable, Iterator
from typing import Any

from inspector import checklist_store, findings, outbox, registry, roster, tasks
from inspector.checklist_store import StoredChecklist
from inspector.clock import utc_now
from inspector.model import FindingStatus
from inspector.store import INTEGRITY_ERRORS, Store
from sync.protocol import Change

_CHECKLIST_COLUMNS = [
    "id",
    "version",
    "title",
    "kind",
    "applies_to",
    "effective_date",
    "definition",
    "content_hash",
]


def apply_page(store: Store, changes: list[Change]) -> list[str]:
    """Apply a page inside the caller's transaction; returns notes (Chinese) for the report.

    Fast path: the whole page at once. If any change clashes with local data, the page is
    rolled back and applied change by change, skipping (and reporting) the ones that clash.
    """
    try:
        with store.savepoint():
            return [note for run in _runs(changes) if (note := _apply_run(store, run))]
    except INTEGRITY_ERRORS:
        return [note for change in changes if (note := _apply_alone(store, change))]


def _runs(changes: list[Change]) -> Iterator[list[Change]]:
    """The page in order, consecutive published organizations together (written in bulk)."""
    run: list[Change] = []
    for change in changes:
        if _is_organization(change):
            run.append(change)
            continue
        if run:
            yield run
            run = []
        yield [change]
    if run:
        yield run


def _is_organization(change: Change) -> bool:
    return change.entity == "organization" and not change.deleted and change.data is not None


def _apply_run(store: Store, run: list[Change]) -> str | None:
    if _is_organization(run[0]):
        registry.apply_office_records(store, [change.data for change in run if change.data])
        return None
    return _apply(store, run[0])


def _apply(store: Store, change: Change) -> str | None:
    if change.deleted:
        return _removed(store, change)
    return _APPLY[change.entity](store, change.data) if change.data is not None else None


def _removed(store: Store, change: Change) -> str | None:
    """A record the office withdrew from what it publishes; only organizations so far."""
    if change.entity != "organization":
        return None
    reason = str((change.data or {}).get("reason", ""))
    kept = registry.apply_office_removal(store, change.entity_id, reason)
    if kept is None:
        return None
    return f"科室已从名录中删除社会组织“{kept}”（{reason}）；本机有其检查记录或任务，予以保留"


def _apply_alone(store: Store, change: Change) -> str | None:
    try:
        with store.savepoint():
            return _apply(store, change)
    except INTEGRITY_ERRORS as exc:
        return f"服务器下发的{_NAMES[change.entity]} {change.entity_id} 与本机数据不相容，已跳过（{exc}）"


def _checklist(store: Store, data: dict[str, Any]) -> None:
    row = {c: data[c] for c in _CHECKLIST_COLUMNS}
    row["applies_to"] = _as_json(row["applies_to"])
    row["definition"] = _as_json(row["definition"])
    checklist_store.insert(store, StoredChecklist(**row), imported_at=utc_now())


def _finding_status(store: Store, data: dict[str, Any]) -> str | None:
    status, reason = FindingStatus(data["status"]), data.get("reason", "")
    by = data.get("by", "")
    revision = int(data.get("revision", 0))  # the base of later changes made on this device
    if revision < outbox.office_revision(store, data["finding_id"]):
        return None  # a field change on this page, applied first, is newer
    replaced = findings.apply_office_status(store, data["finding_id"], status, by=by, reason=reason)
    outbox.remember_office_status(store, data["finding_id"], revision, status.value, by, reason)
    if replaced is None:
        return None
    return f"问题状态已按科室记录更新：{replaced.label} → {status.label}（{reason}）；本机原状态保留在执法记录中"


def _review(store: Store, data: dict[str, Any]) -> None:
    """Applied before the page through the workflows (``sync.reviews``), not here."""


def _field_change(store: Store, data: dict[str, Any]) -> None:
    """Applied before the page through the workflows (``sync.field_changes``): a report-back
    brings files to download first, which is no work for inside a transaction."""


def _as_json(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


_APPLY: dict[str, Callable[[Store, dict[str, Any]], str | None]] = {
    "organization": registry.apply_office_record,
    "checklist": _checklist,
    "roster": roster.apply_office_record,
    "task": tasks.apply_office_record,
    "finding_status": _finding_status,
    "review": _review,
    "finding_change": _field_change,
}
_NAMES = {
    "organization": "社会组织",
    "checklist": "检查表",
    "roster": "执法人员",
    "task": "检查任务",
    "finding_status": "问题状态",
    "review": "审核意见",
    "finding_change": "问题变更",
}
