"""What one file upload costs the server in database statements, transactions and (on
PostgreSQL) round trips. The cost is paid per request: a push of 1,000 photos pays it 1,000
times, so it is counted here (the time it takes is measured in ``bench.bench_sync``)."""

import hashlib
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests

from inspector.store import Store
from sync import outbox
from sync.server import accounts, bundles
from sync.server.storage import ServerStore, User
from tests.sync.round_trips import RoundTrips
from tests.sync.sync_support import (
    PASSWORD,
    CompleteFn,
    LiveServer,
    client_for,
    headers,
    photo,
    serving,
)

DEVICE = "11111111-2222-4333-8444-555555555555"


def counted(store: ServerStore, counts: Counter[str]) -> None:
    """Count the store's one-statement reads, read transactions and write transactions from
    now on (the real ones still run)."""
    for name in ("read_row", "reading", "transaction"):
        real: Callable[..., Any] = getattr(store, name)

        def calling(*args: Any, real: Callable[..., Any] = real, name: str = name) -> Any:
            counts[name] += 1
            return real(*args)

        setattr(store, name, calling)


def login(server: LiveServer, user: str = "zhang") -> str:
    body = {"username": user, "password": PASSWORD, "device_id": DEVICE}
    answer = requests.post(server.api("/auth/login"), json=body, headers=headers(), timeout=5)
    assert answer.status_code == 200, answer.text
    return str(answer.json()["token"])


def serving_store(server_dir: Path, database: str | None) -> tuple[Any, list[ServerStore]]:
    """``serving`` over the app's own store, which the returned list receives."""
    stores: list[ServerStore] = []

    def keep(app: Any) -> Any:
        stores.append(app.state.store)
        return app

    return serving(server_dir, keep, database), stores


def missing_file(
    live: LiveServer, device: Store, complete_inspection: CompleteFn, token: str
) -> tuple[bytes, str]:
    """A photo of a pushed inspection, not yet uploaded, and its hash."""
    data = photo("cost", 200_000)
    sha = hashlib.sha256(data).hexdigest()
    inspection_id = complete_inspection({"IMG_0001.jpg": data})
    url = live.api(f"/inspections/{inspection_id}/revisions/1")
    body = outbox.build_bundle(device, inspection_id).model_dump(mode="json")
    pushed = requests.put(url, json=body, headers=headers(token), timeout=5)
    assert [m["sha256"] for m in pushed.json()["missing"]] == [sha]
    return data, sha


def upload(live: LiveServer, token: str, sha: str, data: bytes) -> None:
    sent = requests.patch(
        live.api(f"/blobs/{sha}"),
        data=data,
        headers={**headers(token), "Upload-Offset": "0"},
        timeout=5,
    )
    assert sent.json() == {"sha256": sha, "offset": len(data), "complete": True}


def test_a_new_file_costs_one_statement_and_one_write(
    server_dir: Path, server_database: str | None, device: Store, complete_inspection: CompleteFn
) -> None:
    """The token and the file's admission (expected size, team holds, quota) are read in one
    statement, then the verified file is recorded (quota checked again) in one write."""
    server, stores = serving_store(server_dir, server_database)
    counts: Counter[str] = Counter()
    with server as live:
        token = login(live)
        data, sha = missing_file(live, device, complete_inspection, token)
        counted(stores[0], counts)
        offset = requests.get(live.api(f"/blobs/{sha}"), headers=headers(token), timeout=5)
        assert offset.json() == {"sha256": sha, "offset": 0, "complete": False}
        assert counts == {"read_row": 1}
        counts.clear()
        upload(live, token, sha, data)
        assert counts == {"read_row": 1, "transaction": 1}
        assert live.storage().blob_path(sha).read_bytes() == data


def test_a_new_record_costs_four_round_trips_to_postgresql(
    server_dir: Path, server_database: str | None, device: Store, complete_inspection: CompleteFn
) -> None:
    """A bundle ``PUT``, first and confirming alike: the token; then ``BEGIN``, the writer lock
    and every read the checks need, sent together; the answer's two reads; the writes with the
    ``COMMIT``. The writer lock is held for three round trips, not one per statement."""
    if server_database is None:
        pytest.skip("round trips to a database server (SQLite is in the process)")
    inspection_id = complete_inspection({"IMG_0001.jpg": photo("cost", 1000)})
    body = outbox.build_bundle(device, inspection_id).model_dump(mode="json")
    relay = RoundTrips(server_database)
    try:
        with serving(server_dir, database=relay.url) as live:
            token = login(live)
            url = live.api(f"/inspections/{inspection_id}/revisions/1")
            for _ in ("stored", "confirmed"):
                before = relay.count
                pushed = requests.put(url, json=body, headers=headers(token), timeout=5)
                assert pushed.status_code == 200, pushed.text
                assert relay.count - before == 4
    finally:
        relay.close()


def test_a_new_file_costs_three_round_trips_to_postgresql(
    server_dir: Path, server_database: str | None, device: Store, complete_inspection: CompleteFn
) -> None:
    """One for the admission; two for the write: ``BEGIN``, the writer lock and the quota
    re-check travel together, then the recording's statements with the ``COMMIT``."""
    if server_database is None:
        pytest.skip("round trips to a database server (SQLite is in the process)")
    relay = RoundTrips(server_database)
    try:
        with serving(server_dir, database=relay.url) as live:
            token = login(live)
            data, sha = missing_file(live, device, complete_inspection, token)
            before = relay.count
            upload(live, token, sha, data)
            assert relay.count - before == 3
    finally:
        relay.close()


def test_a_token_unused_for_an_hour_is_touched_even_by_a_refused_upload(
    live_server: LiveServer,
) -> None:
    token = login(live_server)
    store = live_server.storage()
    an_hour_ago = (datetime.now(UTC) - accounts.TOUCH_INTERVAL - timedelta(minutes=1)).isoformat()
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).isoformat(timespec="seconds")
    with store.transaction() as conn:
        conn.execute("UPDATE devices SET last_seen_at = ?, expires_at = ?", (an_hour_ago, tomorrow))
    unknown = hashlib.sha256(b"listed nowhere").hexdigest()
    refused = requests.patch(
        live_server.api(f"/blobs/{unknown}"),
        data=b"listed nowhere",
        headers={**headers(token), "Upload-Offset": "0"},
        timeout=5,
    )
    assert refused.status_code == 404
    with store.reading() as conn:
        seen, expires = conn.execute("SELECT last_seen_at, expires_at FROM devices").fetchone()
    assert seen > an_hour_ago
    assert expires > (datetime.now(UTC) + accounts.auth.TOKEN_LIFETIME / 2).isoformat()


def test_a_file_counts_once_against_each_holder_s_quota(
    live_server: LiveServer, device: Store, complete_inspection: CompleteFn
) -> None:
    """The usage kept per user is what summing their files gives: a file on two of one
    user's records counts once, and against another user only once they sent its bytes."""
    shared, own = photo("shared", 70_000), photo("own", 30_000)
    complete_inspection({"IMG_0001.jpg": shared})
    second = complete_inspection({"IMG_0002.jpg": shared, "IMG_0003.jpg": own})
    assert client_for(device, live_server.url).push().ok
    theirs = outbox.build_bundle(device, second)
    theirs.inspection.inspector_ids = ["roster-li"]  # li's own record, listing the same photos
    li = login(live_server, "li")
    url = live_server.api("/inspections/22222222-2222-4333-8444-555555555555/revisions/1")
    body = theirs.model_dump(mode="json")
    assert requests.put(url, json=body, headers=headers(li), timeout=5).status_code == 200
    proved = requests.patch(
        live_server.api(f"/blobs/{hashlib.sha256(shared).hexdigest()}"),
        data=shared,
        headers={**headers(li), "Upload-Offset": "0"},
        timeout=5,
    )
    assert proved.json()["complete"]
    store = live_server.storage()
    with store.reading() as conn:
        kept = {
            name: bundles.usage_and_quota_in(conn, User(name, "inspector", None))[0]
            for name in ("zhang", "zhao", "li")
        }
        summed = dict(
            conn.execute(
                "SELECT u.username, COALESCE(SUM(b.size), 0) FROM users u"
                " LEFT JOIN blob_holders h ON h.username = u.username"
                " LEFT JOIN blobs b ON b.sha256 = h.sha256"
                " WHERE u.username IN ('zhang', 'zhao', 'li') GROUP BY u.username"
            ).fetchall()
        )
    assert kept == summed == {"zhang": len(shared) + len(own), "zhao": 0, "li": len(shared)}
