"""Stored checklist versions: import, read, list.

A stored version never changes. Importing an id + version that is stored with other content is
refused; importing it again with the same content does nothing; a new version must be above
every stored version of that id. An inspection keeps the version it started with, so old
versions stay readable through ``get_checklist``.
"""

import hashlib
import json
import sqlite3
from dataclasses import asdict, dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

from checklists.loader import load_file
from checklists.problems import ChecklistError, Problem
from inspector import audit, checklist_store
from inspector.checklist_model import Checklist
from inspector.checklist_store import StoredChecklist
from inspector.clock import today, utc_now
from inspector.errors import UserError
from inspector.model import OrgKind
from inspector.store import Store

BUILTIN_FILES = ("spot-check-general.yaml", "fee-audit.yaml", "nonprofit-review.yaml")


# Item fields added after checklists were first stored: left out while unset, so a stored
# checklist keeps its content hash and an unchanged file still imports as "unchanged".
_LATER_ITEM_FIELDS = {"constraint": None, "constraint_message": "", "answer_labels": None}


def canonical_json(checklist: Checklist) -> str:
    """The stored JSON: sorted keys, no spaces, Chinese kept as is."""
    data = checklist.model_dump(mode="json")
    for section in data["sections"]:
        for item in section["items"]:
            for name, unset in _LATER_ITEM_FIELDS.items():
                if item.get(name) == unset:
                    del item[name]
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def content_hash(checklist: Checklist) -> str:
    """SHA-256 of the canonical JSON; equal content gives an equal hash."""
    return hashlib.sha256(canonical_json(checklist).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ImportOutcome:
    id: str
    version: int
    imported: bool  # False: the same content was already stored


@dataclass(frozen=True)
class ChecklistSummary:
    id: str
    version: int
    title: str
    kind: str
    applies_to: list[str]
    effective_date: str
    item_count: int

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def import_checklists(
    store: Store, sources: list[tuple[str, Checklist]], *, actor: str
) -> list[ImportOutcome]:
    """Store valid checklists (file name, checklist) in one transaction: all or nothing."""
    outcomes: list[ImportOutcome] = []
    problems: list[Problem] = []
    with store.transaction() as conn:
        for file, checklist in sources:
            problem = _version_problem(conn, checklist)
            if problem is not None:
                problems.append(Problem(file, "", None, problem))
                continue
            outcomes.append(_store_one(store, conn, checklist, actor))
        if problems:
            raise ChecklistError(problems)  # rolls the whole transaction back
    return outcomes


def _version_problem(conn: sqlite3.Connection, checklist: Checklist) -> str | None:
    stored_hash = checklist_store.content_hash(conn, checklist.id, checklist.version)
    if stored_hash is not None:
        if stored_hash == content_hash(checklist):
            return None
        return (
            f"检查表 {checklist.id} 的第 {checklist.version} 版已存储且内容不同；"
            "已存储的版本不可更改，请提高版本号（version）后再导入"
        )
    highest = checklist_store.highest_version(conn, checklist.id)
    if highest is not None and checklist.version < highest:
        return (
            f"检查表 {checklist.id} 的版本号 {checklist.version} 不高于已存储的版本 {highest}；"
            f"新版本的版本号须大于 {highest}"
        )
    return None


def _store_one(
    store: Store, conn: sqlite3.Connection, checklist: Checklist, actor: str
) -> ImportOutcome:
    row = StoredChecklist(
        id=checklist.id,
        version=checklist.version,
        title=checklist.title,
        kind=checklist.kind.value,
        applies_to=json.dumps([kind.value for kind in checklist.applies_to]),
        effective_date=checklist.effective_date.isoformat(),
        definition=canonical_json(checklist),
        content_hash=content_hash(checklist),
    )
    if not checklist_store.insert(store, row, imported_at=utc_now()):
        return ImportOutcome(checklist.id, checklist.version, imported=False)
    summary = {
        "id": row.id,
        "version": row.version,
        "title": row.title,
        "content_hash": row.content_hash,
    }
    audit.record(
        conn,
        actor=actor,
        entity="checklist",
        entity_id=f"{checklist.id}@{checklist.version}",
        action="import",
        new=summary,
    )
    return ImportOutcome(checklist.id, checklist.version, imported=True)


def builtin_paths() -> list[Path]:
    """The YAML files of the three built-in checklists."""
    folder = resources.files("checklists") / "builtin"
    return [Path(str(folder / name)) for name in BUILTIN_FILES]


def import_builtin_checklists(store: Store, *, actor: str = "system") -> list[ImportOutcome]:
    """Load the built-in checklists; importing them again changes nothing."""
    sources = [(str(path), load_file(path).checklist) for path in builtin_paths()]
    return import_checklists(store, sources, actor=actor)


def get_checklist(store: Store, checklist_id: str, version: int | None = None) -> Checklist:
    """A stored version (the highest when ``version`` is None)."""
    stored = checklist_store.get(store, checklist_id, version)
    if stored is None:
        shown = checklist_id if version is None else f"{checklist_id}@{version}"
        raise UserError(f"找不到检查表：{shown}")
    return Checklist.model_validate_json(stored.definition)


def list_checklists(store: Store) -> list[ChecklistSummary]:
    """Every stored version, ordered by id then version."""
    return [
        summarize(Checklist.model_validate_json(stored.definition))
        for stored in checklist_store.all_versions(store)
    ]


def summarize(checklist: Checklist) -> ChecklistSummary:
    return ChecklistSummary(
        id=checklist.id,
        version=checklist.version,
        title=checklist.title,
        kind=checklist.kind.value,
        applies_to=[kind.value for kind in checklist.applies_to],
        effective_date=checklist.effective_date.isoformat(),
        item_count=len(checklist.items()),
    )


def latest_for_kind(
    store: Store, org_kind: OrgKind | str, on: date | None = None
) -> list[Checklist]:
    """For each checklist applying to ``org_kind``, its highest version in effect on ``on``.

    ``on`` defaults to today: a version whose effective date is still ahead is not yet used
    for new inspections.
    """
    kind = OrgKind(org_kind)
    cutoff = (on or today()).isoformat()
    checklists = [
        Checklist.model_validate_json(stored.definition)
        for stored in checklist_store.in_effect(store, cutoff)
    ]
    return [checklist for checklist in checklists if kind in checklist.applies_to]
