"""Fixtures: the real sync server on 127.0.0.1 and a device store with completed inspections."""

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from inspector import attachments, findings, inspections, onsite_record, roster
from inspector.clock import utc_now
from inspector.model import FindingDraft, Inspector, NewInspection, Severity
from inspector.store import Store, open_store
from sync.server.storage import DATABASE_ENV
from tests.onsite import NOBODY_ON_SITE
from tests.stub_checklist import stub_definition
from tests.sync.postgres import PostgresCluster
from tests.sync.sync_support import (
    ORG,
    CompleteFn,
    LiveServer,
    ServerProcess,
    every_third_fails,
    seed,
    serving,
)


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest) -> str:
    """Every server test runs on both engines."""
    return str(request.param)


@pytest.fixture(scope="session")
def postgres(engine: str) -> Iterator[PostgresCluster | None]:
    """One PostgreSQL cluster for the session's PostgreSQL half (None on SQLite)."""
    if engine != "postgresql":
        yield None
        return
    cluster = PostgresCluster()
    cluster.start()
    yield cluster
    cluster.stop()


@dataclass(frozen=True)
class Template:
    data_dir: Path
    database: str | None  # the template database's name on PostgreSQL


@pytest.fixture(scope="session")
def seeded_template(
    tmp_path_factory: pytest.TempPathFactory, postgres: PostgresCluster | None
) -> Template:
    """Seeded once per engine: hashing passwords under scrypt is deliberately slow."""
    data_dir = tmp_path_factory.mktemp("template") / "server"
    if postgres is None:
        seed(data_dir)
        return Template(data_dir, None)
    url = postgres.create()
    seed(data_dir, url)
    return Template(data_dir, url.rsplit("/", 1)[1])


@pytest.fixture
def server_database(
    seeded_template: Template, postgres: PostgresCluster | None, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str | None]:
    """This test's database (a copy of the seeded one; None: SQLite in the data folder), also
    in ``$INSPECTOR_SERVER_DATABASE`` so admin commands and server processes use it."""
    if postgres is None:
        monkeypatch.delenv(DATABASE_ENV, raising=False)
        yield None
        return
    url = postgres.create(template=seeded_template.database)
    monkeypatch.setenv(DATABASE_ENV, url)
    yield url
    postgres.drop(url)


@pytest.fixture
def server_dir(tmp_path: Path, seeded_template: Template, server_database: str | None) -> Path:
    data_dir = tmp_path / "server"
    shutil.copytree(seeded_template.data_dir, data_dir)
    return data_dir


@pytest.fixture
def live_server(server_dir: Path, server_database: str | None) -> Iterator[LiveServer]:
    with serving(server_dir, database=server_database) as server:
        yield server


@pytest.fixture(scope="module")
def shared_server(
    tmp_path_factory: pytest.TempPathFactory, postgres: PostgresCluster | None
) -> Iterator[LiveServer]:
    """One server for tests that only read or send malformed requests."""
    data_dir = tmp_path_factory.mktemp("shared") / "server"
    database = postgres.create() if postgres else None
    seed(data_dir, database)
    with serving(data_dir, database=database) as server:
        yield server
    if postgres and database:
        postgres.drop(database)


@pytest.fixture
def server_process(server_dir: Path) -> Iterator[ServerProcess]:
    proc = ServerProcess(server_dir)
    proc.start()
    yield proc
    if proc.process and proc.process.poll() is None:
        proc.kill()


@pytest.fixture
def device(tmp_path: Path) -> Iterator[Store]:
    (tmp_path / "device").mkdir()
    store = open_store(tmp_path / "device" / "inspector.db")
    store.db["organizations"].insert({**ORG, "kind": "social_group", "updated_at": utc_now()})
    store.db["checklists"].insert(
        {
            "id": "cl",
            "version": 1,
            "title": "测试",
            "kind": "other",
            "applies_to": "[]",
            "effective_date": "2026-01-01",
            "definition": stub_definition(),
            "content_hash": "x",
            "imported_at": utc_now(),
        }
    )
    for i, name in enumerate(("zhang", "zhao")):  # the server's users link to these roster ids
        roster.add(store, Inspector(("张伟", "赵敏")[i], f"G-00{i}", id=f"roster-{name}"))
    yield store
    store.close()


@pytest.fixture
def complete_inspection(device: Store, tmp_path: Path) -> CompleteFn:
    """Make a completed inspection with one answer, one finding and the given photos."""

    def make(photos: dict[str, bytes] | None = None, place: str = "会议室") -> str:
        new = NewInspection(
            "org-1", "cl", 1, ["roster-zhang", "roster-zhao"], utc_now(), place=place
        )
        inspection_id = inspections.start(device, new, actor="张伟")
        inspections.set_answer(device, inspection_id, "ar-01", "not_compliant", actor="张伟")
        findings.add(
            device,
            inspection_id,
            FindingDraft(
                "未按期报送年度工作报告",
                "第二十八条",
                Severity.MINOR,
                "限期报送",
                30,
                "2026-12-21",
                item_id="ar-01",
            ),
            actor="张伟",
        )
        folder = tmp_path / "photos" / inspection_id
        folder.mkdir(parents=True)
        for name, data in (photos or {}).items():
            (folder / name).write_bytes(data)
            attachments.add_file(device, inspection_id, folder / name, actor="张伟")
        onsite_record.complete_on_site(device, inspection_id, NOBODY_ON_SITE, actor="张伟")
        return inspection_id

    return make


@pytest.fixture
def flaky_server(server_dir: Path, server_database: str | None) -> Iterator[LiveServer]:
    """The server, but every third request is answered 500 after it was handled."""
    with serving(server_dir, wrap=every_third_fails, database=server_database) as server:
        yield server
