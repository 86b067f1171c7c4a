"""Server schema migrations: a database at every earlier version is brought to the newest one
with its data kept and usable (inspections keep their owner, stored files their holder)."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from sync.protocol import LoginRequest
from sync.server import accounts, auth, bundles, uploads
from sync.server.migrations import MIGRATIONS
from sync.server.storage import ServerStore, User
from tests.sync.postgres import PostgresCluster

EARLIER = [number for number, _ in MIGRATIONS[:-1]]
DEVICE = "11111111-2222-4333-8444-555555555555"
INSPECTION = "aaaaaaaa-2222-4333-8444-555555555555"
SHA = "b" * 64
FINDING = "ffffffff-2222-4333-8444-555555555555"


def build_at(data_dir: Path, version: int, database: str | None) -> None:
    """A database that stopped at ``version``, holding what that version could hold."""
    store = ServerStore.__new__(ServerStore)
    store.data_dir = data_dir
    data_dir.mkdir(parents=True, exist_ok=True)
    store.engine = ServerStore._engine_for(data_dir, database)
    store.engine.migrate(target=version)
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO users (username, role, password_hash, roster_id, created_at)"
            " VALUES ('zhang', 'inspector', ?, 'roster-zhang', '2026-01-01')",
            (auth.hash_password("correct-horse-1"),),
        )
        conn.execute(
            "INSERT INTO inspections (inspection_id, owner) VALUES (?, 'zhang')", (INSPECTION,)
        )
        conn.execute(
            "INSERT INTO bundles (inspection_id, revision, content_hash, body, complete,"
            " received_at) VALUES (?, 1, 'h', '{}', 1, '2026-01-01')",
            (INSPECTION,),
        )
        conn.execute(
            "INSERT INTO bundle_files (inspection_id, revision, sha256, size) VALUES (?, 1, ?, 5)",
            (INSPECTION, SHA),
        )
        conn.execute(
            "INSERT INTO blobs (sha256, size, stored_at) VALUES (?, 5, '2026-01-01')", (SHA,)
        )
        conn.execute(
            "INSERT INTO findings (finding_id, inspection_id) VALUES (?, ?)", (FINDING, INSPECTION)
        )
        if version >= 3:  # owners and holders, which version 3 keeps itself
            conn.execute(
                "INSERT INTO inspection_owners (inspection_id, username) VALUES (?, 'zhang')",
                (INSPECTION,),
            )
            conn.execute("INSERT INTO blob_holders (sha256, username) VALUES (?, 'zhang')", (SHA,))
    store.close()


@pytest.fixture
def server_database(postgres: PostgresCluster | None) -> Iterator[str | None]:
    """An empty database (SQLite: none yet in the data folder)."""
    url = postgres.create() if postgres else None
    yield url
    if postgres and url:
        postgres.drop(url)


@pytest.mark.parametrize("version", EARLIER)
def test_every_earlier_version_migrates_to_the_newest(
    tmp_path: Path, version: int, server_database: str | None
) -> None:
    data_dir = tmp_path / "server"
    build_at(data_dir, version, server_database)
    store = ServerStore(data_dir, server_database)
    assert store.schema_version() == MIGRATIONS[-1][0]
    request = LoginRequest(username="zhang", password="correct-horse-1", device_id=DEVICE)
    login = accounts.login(store, request, "127.0.0.1")
    assert login.username == "zhang"
    zhang = User("zhang", "inspector", "roster-zhang")
    [summary] = bundles.summaries(store, zhang)
    assert (summary.inspection_id, summary.owner, summary.complete) == (INSPECTION, "zhang", True)
    assert uploads.offset(store, accounts.Credentials(login.token), SHA).complete  # held
    with store.reading() as conn:
        assert bundles.usage_and_quota_in(conn, zhang) == (5, accounts.DEFAULT_QUOTA_BYTES)
    with store.reading() as conn:  # findings count their revisions from 0 (version 4)
        row = conn.execute("SELECT status, revision FROM findings").fetchone()
    assert tuple(row) == ("open", 0)
    store.close()
    again = ServerStore(data_dir, server_database)  # opening again changes nothing
    assert again.schema_version() == MIGRATIONS[-1][0]
    again.close()
