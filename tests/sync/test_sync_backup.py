"""Backup and restore, checked by restoring into a fresh folder (and database) and comparing."""

import hashlib
from pathlib import Path

import requests
from click.testing import CliRunner

from cli.main import cli
from inspector.errors import UserError
from inspector.store import Store
from sync.server import bundles
from tests.sync.postgres import PostgresCluster
from tests.sync.sync_support import CompleteFn, LiveServer, client_for, headers, photo, serving


def run(*args: str) -> tuple[int, str]:
    """Exit code and what the user reads (a ``UserError`` is shown by ``cli.main.main``)."""
    result = CliRunner().invoke(cli, list(args))
    if isinstance(result.exception, UserError):
        return 1, result.exception.message
    return result.exit_code, result.output


def test_a_restored_backup_holds_the_same_records_and_files(
    live_server: LiveServer,
    device: Store,
    complete_inspection: CompleteFn,
    tmp_path: Path,
    postgres: PostgresCluster | None,
) -> None:
    pictures = {"IMG_1.jpg": photo("backup-1", 200_000), "IMG_2.jpg": photo("backup-2", 90_000)}
    inspection_id = complete_inspection(pictures)
    assert client_for(device, live_server.url).push().ok
    target = tmp_path / "backup"
    code, output = run("server", "backup", str(target), "--data", str(live_server.data_dir))
    assert code == 0, output
    assert "2 个文件" in output

    fresh, database = tmp_path / "restored", postgres.create() if postgres else None
    restore = ["server", "restore", str(target), "--data", str(fresh)]
    code, output = run(*restore, *(["--database", database] if database else []))
    assert code == 0, output
    assert "2 个文件（290000 字节）均已核对" in output

    with serving(fresh, database=database) as restored:
        assert bundles.stats(restored.storage()) == bundles.stats(live_server.storage())
        for data in pictures.values():
            assert (
                restored.storage().blob_path(hashlib.sha256(data).hexdigest()).read_bytes() == data
            )
        token = client_for(device, restored.url).transport.token  # the accounts came along
        url = restored.api(f"/inspections/{inspection_id}/revisions/1")
        assert requests.get(url, headers=headers(token), timeout=5).status_code == 200
    if postgres and database:
        postgres.drop(database)


def test_a_damaged_backup_is_refused_on_restore(
    live_server: LiveServer,
    device: Store,
    complete_inspection: CompleteFn,
    tmp_path: Path,
    postgres: PostgresCluster | None,
) -> None:
    data = photo("damaged-backup", 50_000)
    complete_inspection({"IMG_3.jpg": data})
    assert client_for(device, live_server.url).push().ok
    target = tmp_path / "backup"
    assert run("server", "backup", str(target), "--data", str(live_server.data_dir))[0] == 0
    sha = hashlib.sha256(data).hexdigest()
    (target / "blobs" / sha[:2] / sha).write_bytes(data[:-1] + b"!")
    database = postgres.create() if postgres else None
    restore = ["server", "restore", str(target), "--data", str(tmp_path / "restored")]
    code, output = run(*restore, *(["--database", database] if database else []))
    assert code == 1
    assert f"恢复后的文件 {sha[:12]}… 缺失或与数据库记录不符" in output
    if postgres and database:
        postgres.drop(database)


def test_a_backup_never_overwrites_a_folder(live_server: LiveServer, tmp_path: Path) -> None:
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "keep.txt").write_text("x")
    code, output = run(
        "server", "backup", str(tmp_path / "old"), "--data", str(live_server.data_dir)
    )
    assert code == 1 and "不是空的" in output
    assert (tmp_path / "old" / "keep.txt").read_text() == "x"
