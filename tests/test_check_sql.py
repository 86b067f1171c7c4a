"""``scripts/check_sql.py``: the tree holds no device-store SQL outside inspector/, and the
check really finds a planted violation (file and line) while leaving the server's SQL alone."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "check_sql.py"


def run_check(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), str(root)], capture_output=True, text=True, check=False
    )


def test_the_tree_has_no_sql_outside_the_core() -> None:
    result = run_check(ROOT)
    assert result.returncode == 0, result.stdout


def test_planted_violations_are_listed_by_file_and_line(tmp_path: Path) -> None:
    files = {
        "ui/screen.py": (
            '"""Lists what SELECT shows FROM the screen (a docstring, not SQL)."""\n'
            "def rows(store):\n"
            '    return store.db.execute("SELECT id FROM inspections").fetchall()\n'
        ),
        "reports/late.py": (
            "def bump(conn, table):\n"
            '    sql = f"UPDATE {table} SET done = 1"\n'
            "    conn.executemany(sql, [])\n"
        ),
        "sync/engine.py": 'def count(store):\n    return store.db["outbox"].count\n',
        "cli/tool.py": 'def table(store):\n    store.db.table("roster").upsert({})\n',
        "checklists/keep.py": "def keep(store):\n    with store.db.atomic():\n        pass\n",
        "sync/server/storage.py": 'def get(conn):\n    conn.execute("SELECT 1 FROM entities")\n',
        "inspector/inspections.py": 'def get(store):\n    store.db.execute("SELECT 1")\n',
    }
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    result = run_check(tmp_path)

    assert result.returncode == 1
    listed = result.stdout.splitlines()
    assert listed == [
        "checklists/keep.py:2: .db.atomic",
        "cli/tool.py:2: .db.table",
        "cli/tool.py:2: sqlite-utils .table()",
        "reports/late.py:2: SQL text 'UPDATE x SET done = 1'",
        "reports/late.py:3: .executemany() on a database connection",
        "sync/engine.py:2: sqlite-utils db[...]",
        "ui/screen.py:3: .db.execute",
        "ui/screen.py:3: .execute() on a database connection",
        "ui/screen.py:3: SQL text 'SELECT id FROM inspections'",
    ]
