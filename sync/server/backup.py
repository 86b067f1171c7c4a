"""Backup and restore of a server: the database (SQLite backup API or ``pg_dump``) and the files.

Order matters: the database is copied first, then ``blobs/``. A file is always in ``blobs/``
before the database records it, so every file the copied database names is in the copied folder
(the copy may hold a few newer files nobody names yet, which is harmless). A restore checks every
file the database names against its size and SHA-256 before it reports success.
"""

import glob
import hashlib
import json
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from inspector.clock import utc_now
from sync.server.storage import ServerStore

MANIFEST = "manifest.json"


@dataclass(frozen=True)
class Restored:
    files: int
    bytes: int


def backup(store: ServerStore, target: Path) -> dict[str, object]:
    """Write a backup of ``store`` into the new folder ``target``; returns its manifest."""
    if target.exists() and any(target.iterdir()):
        raise ValueError(f"备份目录 {target} 不是空的，请指定一个新目录")
    target.mkdir(parents=True, exist_ok=True)
    if store.is_postgres:
        _pg_tool(
            "pg_dump",
            "--format=custom",
            "--no-owner",
            f"--file={target / 'database.dump'}",
            store.database_url,
        )
        engine = "postgresql"
    else:
        with sqlite3.connect(target / "server.db") as copy:
            store.sqlite_backup(copy)
        engine = "sqlite"
    shutil.copytree(store.blobs_dir, target / "blobs")
    manifest: dict[str, object] = {
        "engine": engine,
        "schema_version": store.schema_version(),
        "made_at": utc_now(),
        "files": sum(1 for p in (target / "blobs").rglob("*") if p.is_file()),
    }
    (target / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), "utf-8")
    return manifest


def restore(source: Path, data_dir: Path, database: str | None) -> Restored:
    """Restore the backup in ``source`` into a new, empty data folder (and empty database)."""
    manifest = json.loads((source / MANIFEST).read_text("utf-8"))
    if data_dir.exists() and any(data_dir.iterdir()):
        raise ValueError(f"数据目录 {data_dir} 不是空的：只能恢复到新的数据目录")
    data_dir.mkdir(parents=True, exist_ok=True)
    if manifest["engine"] == "postgresql":
        if not database:
            raise ValueError("该备份来自 PostgreSQL，恢复时请用 --database 指定一个新的空数据库")
        _pg_tool(
            "pg_restore",
            "--no-owner",
            "--exit-on-error",
            f"--dbname={database}",
            str(source / "database.dump"),
        )
    else:
        if database:
            raise ValueError("该备份来自 SQLite，恢复时不要指定 --database")
        shutil.copy(source / "server.db", data_dir / "server.db")
    shutil.copytree(source / "blobs", data_dir / "blobs")
    store = ServerStore(data_dir, database)
    try:
        return _check_files(store)
    finally:
        store.close()


def _check_files(store: ServerStore) -> Restored:
    with store.reading() as conn:
        rows = conn.execute("SELECT sha256, size FROM blobs ORDER BY sha256").fetchall()
    for sha256, size in rows:
        path = store.blob_path(sha256)
        if not path.is_file() or path.stat().st_size != size or _sha256(path) != sha256:
            raise ValueError(f"恢复后的文件 {sha256[:12]}… 缺失或与数据库记录不符，备份不完整")
    return Restored(files=len(rows), bytes=sum(int(size) for _, size in rows))


def _sha256(path: Path) -> str:
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def _pg_tool(name: str, *args: str) -> None:
    """Run a PostgreSQL client tool of the newest installed major version (Debian layout)."""
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    tool = found[-1] if found else shutil.which(name)
    if tool is None:
        raise ValueError(f"找不到 {name}，请安装 postgresql-client")
    result = subprocess.run([tool, *args], capture_output=True, text=True)
    if result.returncode != 0:
        raise ValueError(f"{name} 失败：{result.stderr.strip()[-500:]}")
