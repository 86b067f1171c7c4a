"""The audit log 执法全过程记录: who changed what, when, old → new, as a hash chain.

Every entry is written in the same transaction as the change it records, and carries the
SHA-256 of the entry before it, so an edited, deleted or reordered entry breaks the chain.
"""

import hashlib
import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from inspector.clock import utc_now
from inspector.store import Store

GENESIS_HASH = "0" * 64


@dataclass(frozen=True)
class ChainBreak:
    """The first entry at which the chain does not hold, and why (Chinese)."""

    seq: int
    reason: str


def _canonical(value: Any) -> str | None:
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _entry_hash(row: dict[str, Any]) -> str:
    fields = [
        row["seq"],
        row["at"],
        row["actor"],
        row["entity"],
        row["entity_id"],
        row["action"],
        row["old"],
        row["new"],
        row["prev_hash"],
    ]
    payload = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def record(
    conn: sqlite3.Connection,
    *,
    actor: str,
    entity: str,
    entity_id: str,
    action: str,
    old: Any = None,
    new: Any = None,
) -> None:
    """Append one entry. Call inside the transaction that makes the change."""
    if not conn.in_transaction:
        raise RuntimeError("audit.record must run inside the change's transaction")
    last = conn.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    seq, prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS_HASH)
    row = {
        "seq": seq,
        "at": utc_now(),
        "actor": actor,
        "entity": entity,
        "entity_id": entity_id,
        "action": action,
        "old": _canonical(old),
        "new": _canonical(new),
        "prev_hash": prev_hash,
    }
    row["hash"] = _entry_hash(row)
    conn.execute(
        "INSERT INTO audit_log (seq, at, actor, entity, entity_id, action, old, new, prev_hash, hash)"
        " VALUES (:seq, :at, :actor, :entity, :entity_id, :action, :old, :new, :prev_hash, :hash)",
        row,
    )


def verify(store: Store) -> ChainBreak | None:
    """Walk the chain in order; return the first break, or None when it holds."""
    conn = store.db.conn
    cursor = conn.execute(
        "SELECT seq, at, actor, entity, entity_id, action, old, new, prev_hash, hash"
        " FROM audit_log ORDER BY seq"
    )
    names = [column[0] for column in cursor.description]
    expected_seq, prev_hash = 1, GENESIS_HASH
    for values in cursor:
        entry = dict(zip(names, values, strict=True))
        seq = entry["seq"]
        if seq != expected_seq:
            return ChainBreak(expected_seq, f"第{expected_seq}条记录缺失（被删除）")
        if entry["prev_hash"] != prev_hash:
            return ChainBreak(seq, f"第{seq}条记录与前一条不衔接（被删除或调换顺序）")
        if _entry_hash(entry) != entry["hash"]:
            return ChainBreak(seq, f"第{seq}条记录内容被改动")
        expected_seq, prev_hash = seq + 1, entry["hash"]
    # AUTOINCREMENT remembers the highest seq ever used, so removing the newest entries shows.
    highest = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'audit_log'").fetchone()
    if highest and highest[0] >= expected_seq:
        return ChainBreak(expected_seq, f"第{expected_seq}条及以后的记录缺失（被删除）")
    return None


def entry_count(store: Store) -> int:
    """How many entries the log holds."""
    return int(store.db.execute("SELECT COUNT(*) FROM audit_log").fetchone()[0])


def head(store: Store) -> tuple[int, str] | None:
    """The newest entry's (seq, hash): the chain's head, which the device sends to the office."""
    row = store.db.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    return (int(row[0]), str(row[1])) if row else None


def verify_heads(store: Store, heads: list[tuple[int, str]]) -> ChainBreak | None:
    """Check that every head the office received is still in the chain, unchanged: a chain
    rewritten after upload (even a consistently re-hashed one) no longer matches."""
    for seq, digest in heads:
        row = store.db.execute("SELECT hash FROM audit_log WHERE seq = ?", (seq,)).fetchone()
        if row is None:
            return ChainBreak(seq, f"第{seq}条记录已上报科室，但本机已没有这一条（上传后被删除）")
        if row[0] != digest:
            return ChainBreak(seq, f"第{seq}条记录与上报科室时不符（上传后被改写）")
    return None
