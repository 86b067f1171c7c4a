"""A large register reaches the device in bulk: a page of organizations is written in a few
statements (not one per row, which made the full-text index flush at every row), with the
pinyin the office computed once, and a record from an older server still gets its pinyin."""

from inspector import registry
from inspector.store import Store
from sync import pull, state
from sync.protocol import Change
from sync.server import catalog
from tests.sync.sync_support import LiveServer, client_for


def organizations(count: int) -> list[dict[str, str]]:
    return [
        {
            "id": f"reg-{i}",
            "credit_code": f"CODE{i:014d}",
            "name": f"重庆市测试协会{i}",
            "kind": "social_group",
        }
        for i in range(count)
    ]


def test_a_page_of_organizations_is_written_in_bulk(live_server: LiveServer, device: Store) -> None:
    catalog.publish_many(live_server.storage(), "organization", organizations(900))
    writes: list[str] = []
    device.db.conn.set_trace_callback(
        lambda sql: writes.append(sql) if sql.startswith("INSERT INTO organizations (") else None
    )
    client_for(device, live_server.url).pull()
    device.db.conn.set_trace_callback(None)
    assert device.db.execute("SELECT COUNT(*) FROM organizations").fetchone()[0] == 901
    # The callback also fires for every trigger run, with the statement (parameters bound).
    assert len(set(writes)) <= 2  # the seeded organization's page and the register's, not 901
    # The search index holds every one of them, found by the pinyin the office sent.
    [row] = device.db.execute(
        "SELECT name, name_initials, name_pinyin FROM organizations WHERE id = 'reg-7'"
    ).fetchall()
    assert row == ("重庆市测试协会7", "cqscsxh7", "chongqingshiceshixiehui7")
    found = device.db.execute(
        "SELECT COUNT(*) FROM organizations_fts WHERE organizations_fts MATCH ?",
        ('name_pinyin:"chongqingshiceshixiehui89"',),
    ).fetchone()[0]
    assert found == 11  # 89 and 890-899


def test_the_office_sends_the_pinyin_it_computed_once(live_server: LiveServer) -> None:
    storage = live_server.storage()
    catalog.publish_many(storage, "organization", organizations(1))
    with storage.reading() as conn:
        [data] = conn.execute(
            "SELECT data FROM entities WHERE entity_id = 'CODE00000000000000'"
        ).fetchone()
    assert '"name_pinyin": "chongqingshiceshixiehui0"' in data


def test_records_without_pinyin_and_with_other_columns_in_one_page(device: Store) -> None:
    """An older server sent no pinyin; records sending different columns share a page."""
    first, second = organizations(2)
    changes = [
        Change(seq=1, entity="organization", entity_id=first["credit_code"], data=first),
        Change(
            seq=2,
            entity="organization",
            entity_id=second["credit_code"],
            data={**second, "district": "渝中区", "registration_status": "deregistered"},
        ),
    ]
    with device.transaction():
        assert pull.apply_page(device, changes) == []
    rows = device.db.execute(
        "SELECT name_pinyin, district, registration_status FROM organizations"
        " WHERE credit_code LIKE 'CODE%' ORDER BY credit_code"
    ).fetchall()
    assert rows == [
        (registry.name_pinyin(first["name"]), "", "active"),
        (registry.name_pinyin(second["name"]), "渝中区", "deregistered"),
    ]


def test_a_few_pages_commit_together_with_their_cursor(
    live_server: LiveServer, device: Store
) -> None:
    catalog.publish_many(live_server.storage(), "organization", organizations(2500))
    client = client_for(device, live_server.url)
    statements: list[str] = []
    device.db.conn.set_trace_callback(statements.append)
    report = client.pull()
    device.db.conn.set_trace_callback(None)
    assert report.applied == 2501 and report.cursor == 2501
    # Three pages in one transaction (then the last-sync time), not a commit per page.
    assert statements.count("COMMIT") == 2
    assert state.get(device, state.PULL_CURSOR) == "2501"
