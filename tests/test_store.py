import sqlite3
from pathlib import Path

import pytest

from inspector.errors import StoreError
from inspector.migrations import LATEST_VERSION, MIGRATIONS
from inspector.store import Store, open_store


def test_new_store_is_at_latest_version_with_wal_and_foreign_keys(store: Store) -> None:
    conn = store.db.conn
    assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    for table in (
        "organizations",
        "roster",
        "checklists",
        "tasks",
        "inspections",
        "answers",
        "findings",
        "attachments",
        "notices",
        "audit_log",
        "sync_state",
    ):
        assert store.db[table].exists(), table


def test_reopening_is_harmless(store_path: Path) -> None:
    open_store(store_path).close()
    store = open_store(store_path)
    assert store.db.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION
    assert not list(store_path.parent.glob("*.bak"))
    store.close()


def test_file_from_a_newer_program_is_refused_untouched(store_path: Path) -> None:
    store = open_store(store_path)
    store.db.conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    store.close()
    before = store_path.read_bytes()
    with pytest.raises(StoreError, match="较新版本"):
        open_store(store_path)
    assert store_path.read_bytes() == before


def test_file_that_is_not_a_database_is_refused_untouched(store_path: Path) -> None:
    store_path.write_text("组织名称,代码\n某协会,123\n", encoding="utf-8")
    before = store_path.read_bytes()
    with pytest.raises(StoreError, match="不是本程序的数据库文件"):
        open_store(store_path)
    assert store_path.read_bytes() == before


def test_corrupt_database_is_refused_untouched(store_path: Path) -> None:
    store = open_store(store_path)
    store.db["settings"].insert_all({"key": f"k{i}", "value": "x" * 500} for i in range(200))
    store.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    data = bytearray(store_path.read_bytes())
    page_size = 4096
    data[page_size * 2 : page_size * 4] = b"\xff" * (page_size * 2)  # smash pages 3-4
    store_path.write_bytes(bytes(data))
    with pytest.raises(StoreError, match="损坏"):
        open_store(store_path)
    assert store_path.read_bytes() == bytes(data)


def test_every_earlier_version_migrates_with_a_backup(tmp_path: Path) -> None:
    for start in range(1, LATEST_VERSION):
        path = tmp_path / f"v{start}.db"
        with sqlite3.connect(path) as conn:
            for number, script in enumerate(MIGRATIONS[:start], start=1):
                conn.executescript(script + f"\nPRAGMA user_version = {number};")
        store = open_store(path)
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION
        store.close()
        backups = list(tmp_path.glob(f"v{start}.db.v{start}-*.bak"))
        assert len(backups) == 1
        with sqlite3.connect(backups[0]) as copy:
            assert copy.execute("PRAGMA user_version").fetchone()[0] == start


def test_failed_transaction_leaves_nothing(store: Store) -> None:
    with pytest.raises(ZeroDivisionError), store.transaction() as conn:
        conn.execute("INSERT INTO settings (key, value) VALUES ('a', 'b')")
        _ = 1 / 0
    assert store.db["settings"].count == 0
