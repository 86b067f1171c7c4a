"""A lost device: the office revokes it on the server; at its next contact the client forgets
its token (nothing more syncs) and asks the app to lock; the audit log says so."""

import pytest

from inspector import lost_device, sync_state
from inspector.store import Store
from sync import state
from sync.server import accounts
from sync.transport import LoginRequired
from tests.sync.sync_support import CompleteFn, LiveServer, client_for


def test_a_revoked_device_forgets_its_token_and_asks_to_lock(
    live_server: LiveServer, device: Store
) -> None:
    client = client_for(device, live_server.url)
    assert client.pull().applied >= 0 and not lost_device.lock_requested(device)
    revoked = accounts.revoke_device(live_server.storage(), state.device_id(device))
    assert revoked == 1

    with pytest.raises(LoginRequired, match="重新登录"):
        client.pull()

    assert sync_state.get(device, state.TOKEN) is None
    assert client.transport.token is None
    assert lost_device.lock_requested(device)
    entries = device.db.execute("SELECT actor, entity, action FROM audit_log").fetchall()
    assert ("单位服务器", "device", "refused") in entries
    lost_device.lock_done(device)
    assert not lost_device.lock_requested(device)


def test_a_push_refused_for_a_revoked_device_keeps_the_record_and_forgets_the_token(
    live_server: LiveServer, device: Store, complete_inspection: CompleteFn
) -> None:
    client = client_for(device, live_server.url)
    complete_inspection()
    accounts.revoke_device(live_server.storage(), state.device_id(device))

    report = client.push()

    assert report.login_required and not report.ok
    assert [r.outcome for r in report.results] == ["waiting"]  # kept for after a new login
    assert sync_state.get(device, state.TOKEN) is None
    assert lost_device.lock_requested(device)
