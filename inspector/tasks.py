"""Inspection tasks 检查任务 the office assigns (``tasks``): stored as the office sends them."""

import json
from collections.abc import Mapping
from typing import Any

from inspector.clock import utc_now
from inspector.store import Store

TASK_COLUMNS = (
    "id",
    "organization_id",
    "checklist_id",
    "due_date",
    "inspector_ids",
    "status",
    "campaign_id",
)


def apply_office_record(store: Store, values: Mapping[str, Any]) -> None:
    """A task as the office publishes it, inside the caller's transaction.

    The organization is matched by ``organization_credit_code`` (ids differ between devices);
    only the columns sent are written, so a field the office left out keeps its stored value.
    """
    row = {c: values[c] for c in TASK_COLUMNS if c in values}
    local = store.db.execute(
        "SELECT id FROM organizations WHERE credit_code = ?",
        (values.get("organization_credit_code", ""),),
    ).fetchone()
    if local is not None:
        row["organization_id"] = local[0]
    inspector_ids = row.get("inspector_ids", [])
    if not isinstance(inspector_ids, str):
        row["inspector_ids"] = json.dumps(inspector_ids, ensure_ascii=False)
    row["created_at"] = values.get("created_at") or utc_now()
    store.db.table("tasks").upsert(row, pk="id")
