"""What the device says when things go wrong: a server fault is not a network problem, every
per-file message names the photo, a damaged photo is caught before sending, a refused token
logs the device out, and an audit chain rewritten after upload no longer matches the office."""

import hashlib
import json
from typing import Any

import pytest
from click.testing import CliRunner

from cli.main import cli
from inspector import audit
from inspector.attachments import file_path
from inspector.store import Store
from sync import outbox, state
from sync.client import SyncClient
from sync.server import accounts
from sync.transport import LoginRequired, RetryPolicy, SyncError
from tests.sync.sync_support import (
    CompleteFn,
    LiveServer,
    client_for,
    free_port,
    photo,
    serving,
)


def pushes_fail(app: Any) -> Any:
    """ASGI wrapper: every bundle push is answered 500 (the server's own fault)."""

    async def wrapped(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["method"] == "PUT":
            body = b'{"detail":"injected","code":"server_error"}'
            await send({"type": "http.response.start", "status": 500, "headers": []})
            await send({"type": "http.response.body", "body": body})
            return
        await app(scope, receive, send)

    return wrapped


def test_a_server_fault_is_reported_as_such_not_as_the_network(
    server_dir: Any, device: Store, complete_inspection: CompleteFn
) -> None:
    complete_inspection()
    with serving(server_dir, wrap=pushes_fail) as server:
        report = client_for(device, server.url).push()
    assert report.stopped.startswith("服务器出错，已记录（HTTP 500")
    assert "网络" not in report.stopped
    assert outbox.counts(device) == {"sending": 1}  # frozen, sent again next time


def test_an_unreachable_server_is_still_called_a_network_problem(device: Store) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    state.set_values(device, **{state.SERVER_URL: url, state.TOKEN: "t"})
    quick = RetryPolicy(attempts=2, base_delay=0.01, max_delay=0.01)
    with pytest.raises(SyncError, match="请检查网络"):
        SyncClient(device, url, retry=quick).pull()


def test_a_damaged_photo_is_named_and_not_sent(
    live_server: LiveServer, device: Store, complete_inspection: CompleteFn
) -> None:
    data = photo("damaged", 30_000)
    complete_inspection({"IMG_0777.jpg": data})
    local = file_path(device, hashlib.sha256(data).hexdigest())
    local.write_bytes(b"\0" * len(data))  # same size, other bytes: only a hash check sees it
    [result] = client_for(device, live_server.url).push().results
    assert (result.outcome, result.message) == (
        "rejected",
        "照片 IMG_0777.jpg 在本机已损坏（内容与登记的校验值不符），无法上传",
    )
    assert not live_server.storage().partial_path(hashlib.sha256(data).hexdigest()).exists()


def test_a_revoked_token_no_longer_shows_logged_in(
    live_server: LiveServer, device: Store, complete_inspection: CompleteFn
) -> None:
    client = client_for(device, live_server.url)
    assert outbox.summary(device)["logged_in"] is True
    accounts.revoke_device(live_server.storage(), state.device_id(device))
    complete_inspection()
    report = client.push()
    assert report.login_required
    assert outbox.summary(device)["logged_in"] is False
    client_for(device, live_server.url)
    accounts.revoke_device(live_server.storage(), state.device_id(device))
    with pytest.raises(LoginRequired):
        client.pull()
    assert outbox.summary(device)["logged_in"] is False


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def test_a_chain_rewritten_after_upload_no_longer_matches_the_office(
    live_server: LiveServer, device: Store, complete_inspection: CompleteFn
) -> None:
    complete_inspection()
    assert client_for(device, live_server.url).push().ok
    db = str(device.path)
    code, output = invoke("--db", db, "audit", "verify", "--against-server")
    assert code == 0, output
    assert "服务器保存的 1 个链头均与本机一致" in output
    rewrite_chain(device, seq=2)
    assert audit.verify(device) is None  # consistently re-hashed: locally it holds
    code, output = invoke("--db", db, "audit", "verify", "--against-server")
    assert code == 1
    assert "与上报科室时不符（上传后被改写）" in output


def rewrite_chain(store: Store, seq: int) -> None:
    """What a forger would do: change one entry and re-hash every entry after it."""
    conn = store.db.conn
    cursor = conn.execute(
        "SELECT seq, at, actor, entity, entity_id, action, old, new, prev_hash, hash"
        " FROM audit_log ORDER BY seq"
    )
    names = [c[0] for c in cursor.description]
    rows = [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]
    prev = audit.GENESIS_HASH
    with store.transaction() as tx:
        for row in rows:
            if row["seq"] == seq:
                row["new"] = json.dumps({"forged": True})
            row["prev_hash"] = prev
            row["hash"] = audit._entry_hash(row)
            prev = row["hash"]
            tx.execute(
                "UPDATE audit_log SET new = ?, prev_hash = ?, hash = ? WHERE seq = ?",
                (row["new"], row["prev_hash"], row["hash"], row["seq"]),
            )
