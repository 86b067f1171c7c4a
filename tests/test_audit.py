"""The hash chain catches edited, deleted and reordered entries, in the core and the CLI."""

import subprocess
import sys
from pathlib import Path

import pytest

from inspector import audit
from inspector.store import Store, open_store


def fill(store: Store, entries: int = 5) -> None:
    for i in range(entries):
        with store.transaction() as conn:
            audit.record(
                conn,
                actor="张伟",
                entity="answer",
                entity_id=f"i/{i}",
                action="set_answer",
                old=None,
                new={"value": i},
            )


def run_verify(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "inspector", "--db", str(path), "audit", "verify"],
        capture_output=True,
        text=True,
        check=False,
    )


def test_intact_chain_verifies(store: Store) -> None:
    fill(store)
    assert audit.verify(store) is None


def test_record_outside_a_transaction_is_a_programming_error(store: Store) -> None:
    with pytest.raises(RuntimeError):
        audit.record(store.db.conn, actor="x", entity="e", entity_id="1", action="a")


@pytest.mark.parametrize(
    ("tamper", "seq", "reason"),
    [
        ("UPDATE audit_log SET new = '{\"value\":99}' WHERE seq = 3", 3, "内容被改动"),
        ("UPDATE audit_log SET actor = '李四' WHERE seq = 2", 2, "内容被改动"),
        ("DELETE FROM audit_log WHERE seq = 2", 2, "缺失"),
        ("DELETE FROM audit_log WHERE seq = 5", 5, "缺失"),
        (
            "UPDATE audit_log SET seq = -3 WHERE seq = 3; UPDATE audit_log SET seq = 3 WHERE seq = 4;"
            " UPDATE audit_log SET seq = 4 WHERE seq = -3;",
            3,
            "不衔接",
        ),
    ],
)
def test_tampering_is_reported_at_the_first_bad_entry(
    store: Store, tamper: str, seq: int, reason: str
) -> None:
    fill(store)
    store.db.conn.executescript(tamper)
    problem = audit.verify(store)
    assert problem is not None
    assert problem.seq == seq
    assert reason in problem.reason


def test_cli_verify_exit_status(store_path: Path) -> None:
    store = open_store(store_path)
    fill(store)
    store.close()
    ok = run_verify(store_path)
    assert ok.returncode == 0
    assert "共 5 条记录" in ok.stdout
    store = open_store(store_path)
    store.db.execute("UPDATE audit_log SET action = 'approve' WHERE seq = 4")
    store.close()
    bad = run_verify(store_path)
    assert bad.returncode == 1
    assert "第4条记录内容被改动" in bad.stderr
