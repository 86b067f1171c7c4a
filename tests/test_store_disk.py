"""The store tells the truth about the disk: each way a file or folder can be unusable has
its own message, found before anything is written, and the file is left as it was."""

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from inspector import keys, register_import
from inspector.errors import StoreError
from inspector.migrations import APPLICATION_ID
from inspector.store import DiskFullError, open_store
from tests.disks import fill, remount, small_disk
from tests.org_files import make_code, write_csv
from tests.raw_store import raw_connection


def test_new_store_carries_our_application_id(store_path: Path) -> None:
    open_store(store_path).close()
    with raw_connection(store_path) as conn:
        assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID


def test_missing_folder_is_named_and_not_created(tmp_path: Path) -> None:
    path = tmp_path / "U盘" / "inspector.db"
    with pytest.raises(StoreError, match="文件夹不存在"):
        open_store(path)
    assert not path.parent.exists()


def test_zero_length_file_is_refused_not_made_a_new_store(store_path: Path) -> None:
    store_path.touch()
    with pytest.raises(StoreError, match="空文件"):
        open_store(store_path)
    assert store_path.read_bytes() == b""
    assert sorted(p.name for p in store_path.parent.iterdir()) == [store_path.name]


def _foreign_file(path: Path) -> bytes:
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT)")
        conn.execute("INSERT INTO moz_places (url) VALUES ('https://www.mca.gov.cn/')")
    conn.close()
    return path.read_bytes()


def test_another_programs_sqlite_file_is_never_changed(store_path: Path) -> None:
    before = _foreign_file(store_path)
    with pytest.raises(StoreError, match=r"另一个程序的 SQLite 数据库.*moz_places"):
        open_store(store_path)
    assert store_path.read_bytes() == before
    assert sorted(p.name for p in store_path.parent.iterdir()) == [store_path.name]


def test_a_file_with_another_application_id_is_refused(store_path: Path) -> None:
    with sqlite3.connect(store_path) as conn:
        conn.execute("PRAGMA application_id = 1234")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("CREATE TABLE organizations (id TEXT)")
    conn.close()
    before = store_path.read_bytes()
    with pytest.raises(StoreError, match="程序标识 0x4d2"):
        open_store(store_path)
    assert store_path.read_bytes() == before
    assert sorted(p.name for p in store_path.parent.iterdir()) == [store_path.name]


HOLD_LOCK = """
import sys
from pathlib import Path
from tests.raw_store import raw_connection
conn = raw_connection(Path(sys.argv[1]))
conn.execute("PRAGMA locking_mode=EXCLUSIVE")
conn.execute("BEGIN EXCLUSIVE")
conn.execute("INSERT INTO settings (key, value) VALUES ('held', 'by another program')")
print("locked", flush=True)
sys.stdin.read()
"""


def test_store_locked_by_another_process_says_so(store_path: Path) -> None:
    open_store(store_path).close()
    with subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(store_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    ) as holder:
        assert holder.stdout is not None
        assert holder.stdout.readline() == b"locked\n"
        try:
            with pytest.raises(StoreError, match="正被另一个程序使用"):
                open_store(store_path)
        finally:
            holder.kill()
    open_store(store_path).close()  # the lock gone, the store opens again


def test_read_only_folder_is_named_and_the_store_left_alone(tmp_path: Path) -> None:
    with small_disk(tmp_path / "disk", "4m") as disk:
        path = disk / "inspector.db"
        store = open_store(path)
        store.db["settings"].insert({"key": "office", "value": "渭南市民政局"})
        store.close()
        before = path.read_bytes()
        remount(disk, "ro")
        with pytest.raises(StoreError, match="只读"):
            open_store(path)
        assert path.read_bytes() == before


def test_full_disk_is_named_before_anything_is_written(tmp_path: Path) -> None:
    with small_disk(tmp_path / "disk", "4m") as disk:
        path = disk / "inspector.db"
        open_store(path).close()
        fill(disk)
        before = path.read_bytes()
        with pytest.raises(StoreError, match="磁盘空间已满"):
            open_store(path)
        assert path.read_bytes() == before
        (disk / "filler.bin").unlink()
        open_store(path).close()


def test_full_disk_during_a_write_is_reported_and_nothing_half_saved(tmp_path: Path) -> None:
    with small_disk(tmp_path / "disk", "2m") as disk:
        store = open_store(disk / "inspector.db")
        saved = 0
        with pytest.raises(StoreError, match=r"磁盘空间已满.*本次更改未保存"):
            for batch in range(1000):
                with store.transaction() as conn:
                    conn.executemany(
                        "INSERT INTO settings (key, value) VALUES (?, ?)",
                        [(f"k{batch}-{n}", "x" * 500) for n in range(100)],
                    )
                saved += 100
        assert saved > 0
        assert store.db["settings"].count == saved
        store.close()


def test_closing_checkpoints_so_the_database_file_alone_holds_everything(
    store_path: Path, tmp_path: Path
) -> None:
    reader = open_store(store_path)  # e.g. the GUI's connection while a worker writes
    writer = open_store(store_path)
    writer.db["settings"].insert({"key": "office", "value": "渭南市民政局"})
    writer.close()
    copy = tmp_path / "copy" / "inspector.db"
    copy.parent.mkdir()
    copy.write_bytes(store_path.read_bytes())  # the main file only, no -wal
    shutil.copy(keys.key_path(store_path), keys.key_path(copy))  # (and its key file)
    with raw_connection(copy) as conn:
        assert conn.execute("SELECT value FROM settings").fetchall() == [("渭南市民政局",)]
    conn.close()
    reader.close()


def test_full_disk_during_an_import_says_what_was_saved_and_a_rerun_completes(
    tmp_path: Path,
) -> None:
    rows = [
        [make_code(n), f"渭南市第{n}社会服务中心", "", "张三", "临渭区", "2015-03-01", "3", "正常"]
        for n in range(20_000)
    ]
    register = write_csv(tmp_path / "名录.csv", rows)
    with small_disk(tmp_path / "disk", "3m") as disk:
        store = open_store(disk / "inspector.db")
        with pytest.raises(DiskFullError) as refused:
            register_import.import_file(store, register)
        saved = store.db["organizations"].count
        assert 0 < saved < len(rows)
        assert f"已保存 {saved} 条" in refused.value.message
        assert f"未保存 {len(rows) - saved} 条" in refused.value.message
        store.close()
        remount(disk, "size=64m")
        store = open_store(disk / "inspector.db")
        report = register_import.import_file(store, register)
        assert store.db["organizations"].count == len(rows)
        assert report.inserted == len(rows) - saved
        store.close()
