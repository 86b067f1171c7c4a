"""``kill -9`` in the middle of a large import: the store stays consistent and the import
can be run again to completion."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from inspector.registry import BATCH_SIZE
from inspector.store import DATABASE_ERRORS
from tests.org_files import make_code, write_csv
from tests.raw_store import raw_connection

ROWS = 30_000  # 15 batches: enough to land a kill mid-way, quick enough for CI
DISTRICTS = ["越秀区", "海珠区", "天河区", "白云区", "黄埔区", "番禺区"]
TAILS = ["协会", "学会", "促进会", "服务中心", "培训学校", "基金会"]


def large_register(path: Path) -> Path:
    rows = [
        [
            make_code(n, kind_digit="123"[n % 3]),
            f"广州市{DISTRICTS[n % 6]}第{n}{TAILS[n % 6]}",
            "",
            "张三",
            DISTRICTS[n % 6],
            "2015-03-01",
            "30万元",
            "正常",
        ]
        for n in range(ROWS)
    ]
    return write_csv(path, rows)


def import_command(db: Path, register: Path) -> list[str]:
    return [sys.executable, "-m", "inspector", "--db", str(db), "orgs", "import", str(register)]


def count_rows(db: Path) -> int:
    if not db.exists():
        return 0
    if db.stat().st_size == 0:
        return 0
    conn = raw_connection(db)
    try:
        return int(conn.execute("SELECT COUNT(*) FROM organizations").fetchone()[0])
    except DATABASE_ERRORS:  # the schema is not there yet
        return 0
    finally:
        conn.close()


def kill_once_rows_appear(process: subprocess.Popen[bytes], db: Path) -> int:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the import ended (status {process.returncode}) before it could be killed")
        if count_rows(db) > 0:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()
            return count_rows(db)
        time.sleep(0.01)
    process.kill()
    pytest.fail("no rows appeared within two minutes")


@pytest.mark.slow
def test_import_killed_midway_leaves_whole_batches_and_reruns_to_completion(
    tmp_path: Path,
) -> None:
    db = tmp_path / "inspector.db"
    register = large_register(tmp_path / "large.csv")
    process = subprocess.Popen(
        import_command(db, register), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )

    survived = kill_once_rows_appear(process, db)

    assert 0 < survived < ROWS
    assert survived % BATCH_SIZE == 0
    with raw_connection(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()

    rerun = subprocess.run(import_command(db, register), capture_output=True, text=True)

    assert rerun.returncode == 0, rerun.stderr
    assert f"导入 {ROWS - survived} 条，更新 0 条，未变 {survived} 条，拒绝 0 条" in rerun.stdout
    with raw_connection(db) as conn:
        counts = conn.execute(
            "SELECT COUNT(*), COUNT(DISTINCT credit_code), COUNT(DISTINCT id) FROM organizations"
        ).fetchone()
        assert counts == (ROWS, ROWS, ROWS)
        fts_check = (
            "INSERT INTO organizations_fts(organizations_fts, rank) VALUES ('integrity-check', 1)"
        )
        conn.execute(fts_check)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
