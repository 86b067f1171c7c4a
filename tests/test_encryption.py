"""Encryption at rest: nothing readable on disk, wrong keys never open nor damage, plain stores
migrate in place (and survive kill -9 midway), the office's recovery key, slowed guessing."""

import hashlib
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import cli
from inspector import accounts, attachments, attempts, encrypt, keys, recovery, registry, unlock
from inspector.errors import StoreError, UserError
from inspector.migrations import LATEST_VERSION, MIGRATIONS
from inspector.model import Organization, OrgKind
from inspector.store import Store, open_store
from tests.org_files import AUTOMATION, make_code

LEGAL_REP = "司马相如"
PHOTO = os.urandom(3000) + "账簿照片".encode() + os.urandom(3000)


def add_known_org(store: Store) -> None:
    code, name = AUTOMATION
    registry.upsert(store, Organization(code, name, OrgKind.SOCIAL_GROUP, legal_rep=LEGAL_REP))


def secrets_found(folder: Path) -> list[str]:
    """Every file under ``folder`` that holds the known organization's name, code, legal
    representative or a slice of the photo, in the clear."""
    needles = [
        AUTOMATION[0].encode(),
        AUTOMATION[1].encode("utf-8"),
        LEGAL_REP.encode("utf-8"),
        PHOTO[1000:1032],
    ]
    return [
        f"{path.name}: {needle[:12]!r}"
        for path in folder.rglob("*")
        if path.is_file()
        for needle in needles
        if needle in path.read_bytes()
    ]


def make_plain_store(path: Path) -> Store:
    """A store as it was before encryption: plain SQLite at the latest schema."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(path) as conn:
        for number, script in enumerate(MIGRATIONS, start=1):
            conn.executescript(script + f"\nPRAGMA user_version = {number};")
    conn.close()
    store = open_store(path)
    assert store.data_key is None
    return store


def test_the_store_and_its_files_hold_nothing_readable(store: Store) -> None:
    add_known_org(store)
    digest = attachments.store_bytes(store, PHOTO)
    assert attachments.read_bytes(store, digest) == PHOTO
    assert secrets_found(store.path.parent) == []  # with the WAL file still there
    store.close()
    assert secrets_found(store.path.parent) == []
    assert not store.path.read_bytes().startswith(b"SQLite format 3")


def test_a_wrong_password_never_opens_and_never_damages(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_known_org(store)
    store.close()
    keys.forget(store.path)
    before = {p: p.read_bytes() for p in store.path.parent.iterdir() if p.is_file()}
    monkeypatch.setenv(unlock.PASSWORD_ENV, "wrong-password")
    with pytest.raises(UserError, match="密码不正确"):
        open_store(store.path)
    assert {p: p.read_bytes() for p in store.path.parent.iterdir() if p.is_file()} == before
    monkeypatch.setenv(unlock.PASSWORD_ENV, "test-password")
    reopened = open_store(store.path)
    assert reopened.db["organizations"].count == 1
    reopened.close()


def test_a_store_encrypted_with_a_key_not_ours_is_refused_untouched(tmp_path: Path) -> None:
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
    ours, theirs = open_store(tmp_path / "a" / "x.db"), open_store(tmp_path / "b" / "x.db")
    add_known_org(ours)
    ours.close()
    theirs.close()
    shutil.copy(keys.key_path(theirs.path), keys.key_path(ours.path))
    keys.forget(ours.path)
    before = ours.path.read_bytes()
    with pytest.raises(StoreError, match="别的密钥加密"):
        open_store(ours.path)
    assert ours.path.read_bytes() == before


def test_a_missing_key_file_is_named_and_nothing_changes(store: Store) -> None:
    store.close()
    keys.forget(store.path)
    keys.key_path(store.path).unlink()
    before = store.path.read_bytes()
    with pytest.raises(StoreError, match=r"缺少密钥文件 inspector\.db\.keys\.json"):
        open_store(store.path)
    assert store.path.read_bytes() == before


def test_a_new_store_needs_a_password(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(unlock.PASSWORD_ENV)
    with pytest.raises(StoreError, match="INSPECTOR_PASSWORD"):
        open_store(tmp_path / "new.db")
    assert not (tmp_path / "new.db").exists()


def test_a_plain_store_is_encrypted_in_place_and_keeps_everything(tmp_path: Path) -> None:
    plain = make_plain_store(tmp_path / "old" / "inspector.db")
    add_known_org(plain)
    digest = attachments.store_bytes(plain, PHOTO)
    old_backup = plain.path.with_name("inspector.db.v3-20260101T000000Z.bak")
    with sqlite3.connect(old_backup) as copy:
        plain.db.conn.backup(copy)
    copy.close()
    plain.close()
    assert secrets_found(plain.path.parent)  # the test can see plaintext when it is there

    report = encrypt.encrypt_store(plain.path, keys.ADMIN, keys.ADMIN_LABEL, "new-password")

    assert report.files == 1 and report.rows > 0
    assert secrets_found(plain.path.parent) == []
    assert not encrypt.backup_path(plain.path).exists()
    keys.forget(plain.path)
    store, session = accounts.sign_in(plain.path, keys.ADMIN, "new-password")
    assert session.role == "admin"
    assert store.db.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION
    assert store.db.execute("SELECT name FROM organizations").fetchone()[0] == AUTOMATION[1]
    assert attachments.read_bytes(store, digest) == PHOTO
    accounts.sign_out(store)


def test_encrypting_an_encrypted_store_is_refused(store: Store) -> None:
    store.close()
    with pytest.raises(UserError, match="已经加密"):
        encrypt.encrypt_store(store.path, keys.ADMIN, keys.ADMIN_LABEL, "test-password")


ORGS, FILES = 8_000, 200


@pytest.fixture(scope="module")
def plain_original(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("plain") / "inspector.db"
    store = make_plain_store(path)
    orgs = [
        Organization(make_code(n), f"测试协会{n}", OrgKind.SOCIAL_GROUP, legal_rep="某人")
        for n in range(ORGS)
    ]
    registry.upsert_many(store, orgs)
    for n in range(FILES):
        attachments.store_bytes(store, os.urandom(20_000) + str(n).encode())
    store.close()
    return path


def assert_whole(path: Path) -> str:
    """One of the two stores is whole: returns which."""
    keys.forget(path)
    if unlock.is_plain(path):
        conn = sqlite3.connect(path)
        assert conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT COUNT(*) FROM organizations").fetchone()[0] == ORGS
        conn.close()
        which = "plain"
    else:
        store = open_store(path)
        assert store.db["organizations"].count == ORGS
        store.close()
        keys.forget(path)
        which = "encrypted"
    store = open_store(path)
    for name in [f.name for f in store.files_dir.glob("*/*") if len(f.name) == 64]:
        assert hashlib.sha256(attachments.read_bytes(store, name)).hexdigest() == name
    store.close()
    keys.forget(path)
    return which


KILL_POINTS = {
    "the plain copy is made": lambda db: encrypt.backup_path(db).exists(),
    "the export is under way": lambda db: db.with_name(db.name + ".encrypting").exists(),
    "the files are being encrypted": lambda db: db.stat().st_size > 0 and not unlock.is_plain(db),
}


def kill_when(process: subprocess.Popen[bytes], reached: Callable[[], bool]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if reached():
            os.kill(process.pid, signal.SIGKILL)
            process.wait()
            return
        time.sleep(0.002)
    pytest.fail(f"the migration ended (status {process.returncode}) before it could be killed")


@pytest.mark.slow
@pytest.mark.parametrize("point", KILL_POINTS)
def test_kill_9_during_the_migration_leaves_one_store_whole(
    plain_original: Path, tmp_path: Path, point: str
) -> None:
    path = tmp_path / "inspector.db"
    shutil.copy(plain_original, path)
    shutil.copytree(
        plain_original.with_name("inspector.db.files"), path.with_name(path.name + ".files")
    )
    command = [sys.executable, "-m", "inspector", "--db", str(path), "store", "encrypt"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    kill_when(process, lambda: KILL_POINTS[point](path))

    expected = "encrypted" if point == "the files are being encrypted" else "plain"
    assert assert_whole(path) == expected
    assert encrypt.needs_encryption(path)
    finish = subprocess.run(command, capture_output=True, text=True)
    assert finish.returncode == 0, finish.stderr
    assert assert_whole(path) == "encrypted"
    assert not encrypt.backup_path(path).exists()
    assert not list(path.parent.glob("*.encrypting"))


def test_the_recovery_key_opens_a_store_whose_password_is_forgotten(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    private, public = recovery.write_pair(tmp_path / "office", "office-passphrase")
    monkeypatch.setenv(unlock.RECOVERY_ENV, str(public))
    (tmp_path / "laptop").mkdir()
    store = open_store(tmp_path / "laptop" / "inspector.db")
    add_known_org(store)
    store.close()
    keys.forget(store.path)
    with pytest.raises(UserError, match="口令不正确"):
        recovery.reset_password(store.path, private.read_bytes(), "wrong", keys.ADMIN, "x" * 8)
    other, _ = recovery.write_pair(tmp_path / "other-office", "office-passphrase")
    with pytest.raises(UserError, match="不是本数据库登记的单位恢复密钥"):
        recovery.reset_password(
            store.path, other.read_bytes(), "office-passphrase", keys.ADMIN, "x" * 8
        )

    recovery.reset_password(
        store.path, private.read_bytes(), "office-passphrase", keys.ADMIN, "reset-by-office"
    )

    assert accounts.listed(store.path)[-1].must_change
    opened, _ = accounts.sign_in(store.path, keys.ADMIN, "reset-by-office")
    assert opened.db["organizations"].count == 1
    accounts.sign_out(opened)


def test_without_a_registered_recovery_key_the_message_says_so(
    store: Store, tmp_path: Path
) -> None:
    private, _ = recovery.write_pair(tmp_path / "office", "office-passphrase")
    with pytest.raises(UserError, match="没有登记单位恢复公钥"):
        recovery.reset_password(
            store.path, private.read_bytes(), "office-passphrase", keys.ADMIN, "x" * 8
        )


def test_wrong_passwords_slow_down_and_a_right_one_clears(store: Store) -> None:
    path = store.path
    waits = [attempts.failed(path, "someone", now=1000.0) for _ in range(6)]
    assert waits == [0.0, 0.0, 2.0, 4.0, 8.0, 16.0]
    with pytest.raises(UserError, match="请 17 秒后再试"):
        attempts.check(path, "someone", now=1000.0)
    attempts.check(path, "someone", now=1016.5)
    attempts.check(path, "another", now=1000.0)
    attempts.succeeded(path, "someone")
    attempts.check(path, "someone", now=1000.0)
    assert store.db.execute("SELECT COUNT(*) FROM roster").fetchone()[0] == 0  # nothing wiped


def test_sign_in_refuses_during_the_wait(store: Store) -> None:
    for _ in range(3):
        with pytest.raises(UserError, match="密码不正确"):
            accounts.sign_in(store.path, keys.ADMIN, "wrong-password")
    with pytest.raises(UserError, match="后再试"):
        accounts.sign_in(store.path, keys.ADMIN, "test-password")  # even the right one, for now


def test_the_cli_reads_the_password_from_stdin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "cli.db"
    monkeypatch.setenv(unlock.PASSWORD_ENV, "")  # restored afterwards: the CLI sets it
    runner = CliRunner()
    stdin = ["--db", str(db), "--password-stdin"]
    made = runner.invoke(cli, [*stdin, "orgs", "search", "协会"], "cli-password\n")
    assert made.exit_code == 0, made.output
    status = runner.invoke(cli, ["--db", str(db), "store", "status"])
    assert "已加密" in status.output and "管理员" in status.output
    keys.forget(db)
    monkeypatch.setenv(unlock.PASSWORD_ENV, "")
    wrong = runner.invoke(cli, [*stdin, "orgs", "search", "协会"], "nope-nope\n")
    assert isinstance(wrong.exception, UserError) and "密码不正确" in str(wrong.exception)
    keys.forget(db)
    monkeypatch.setenv(unlock.PASSWORD_ENV, "")
    empty = runner.invoke(cli, [*stdin, "orgs", "search", "协会"], "\n")
    assert isinstance(empty.exception, UserError) and "标准输入的第一行" in str(empty.exception)
