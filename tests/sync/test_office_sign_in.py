"""Signing in on an enrolled device with the office server's account, against the real server
(SQLite and PostgreSQL): the first time online, then offline from the local slot; the role is
the server's and each sync refreshes it; the server's refusals in Chinese."""

import base64
import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from inspector import accounts, current_user, keys, lost_device, roles, roster
from inspector.errors import UserError
from inspector.model import Inspector
from inspector.store import Store
from sync import sign_in, state
from sync.client import SyncClient
from sync.server import accounts as server_accounts
from sync.server import device_secrets
from sync.transport import LoginRequired
from tests.sync.sync_support import PASSWORD, LiveServer, client_for, free_port, serving

WANG = "server:wang"  # the supervisor's office account (tests/sync/sync_support.seed)


@pytest.fixture
def enrolled(device: Store, live_server: LiveServer) -> Iterator[Path]:
    """The device after 张伟's sync login (its enrolment); nobody signed in."""
    client_for(device, live_server.url)
    yield device.path
    current_user.end(device)


def _point_at(path: Path, url: str) -> None:
    """Make the key file's server address ``url`` (a closed port: the device is offline)."""
    found = keys.load(path)
    assert found.enrolment is not None
    keys.save(path, dataclasses.replace(found, enrolment={**found.enrolment, "server_url": url}))


def _closed_port() -> str:
    return f"http://127.0.0.1:{free_port()}"


def _holders(path: Path) -> list[str]:
    return [w.holder for w in keys.load(path).wraps]


def test_enrolment_gives_the_server_a_sealed_secret_and_never_the_data_key(
    device: Store, live_server: LiveServer
) -> None:
    client_for(device, live_server.url)
    place = accounts.enrolment(device.path)
    assert place is not None and place.device_id == state.device_id(device)
    assert place.server_url == live_server.url
    storage = live_server.storage()
    secret = device_secrets.secret_for(storage, place.device_id)
    with storage.reading() as conn:
        sealed = conn.execute(
            "SELECT sealed FROM device_secrets WHERE device_id = ?", (place.device_id,)
        ).fetchone()[0]
    assert sealed and secret not in sealed
    assert device.data_key is not None
    if live_server.database is None:  # SQLite: the raw database file holds neither
        raw = (live_server.data_dir / "server.db").read_bytes()
        for needle in (secret.encode(), device.data_key, base64.b64encode(device.data_key)):
            assert needle not in raw


def test_first_sign_in_is_online_then_offline_with_the_server_s_role(enrolled: Path) -> None:
    store, session = sign_in.first_sign_in(enrolled, "wang", PASSWORD)
    assert (session.role, session.actor, session.holder) == ("supervisor", "wang", WANG)
    roles.require_supervisor(store, session.actor)  # the core checks the server's role
    audit_actor = store.db.execute(
        "SELECT actor FROM audit_log WHERE action = 'office_sign_in'"
    ).fetchone()[0]
    assert audit_actor == "wang"
    assert state.get(store, state.USERNAME) == "wang"  # the device now syncs as wang
    accounts.sign_out(store)
    assert [a.server_account for a in accounts.listed(enrolled)].count("wang") == 1

    _point_at(enrolled, _closed_port())  # no network now
    again, offline = sign_in.sign_in_known(enrolled, WANG, PASSWORD)
    assert offline.role == "supervisor"
    accounts.sign_out(again)
    with pytest.raises(UserError, match="密码不正确"):
        sign_in.sign_in_known(enrolled, WANG, "not-wangs-password")


def test_the_server_s_refusals_in_chinese(
    enrolled: Path, live_server: LiveServer, device: Store
) -> None:
    with pytest.raises(UserError, match="用户名或密码不正确"):
        sign_in.first_sign_in(enrolled, "wang", "wrong-password")
    server_accounts.disable_user(live_server.storage(), "li")
    with pytest.raises(UserError, match="已被单位停用"):
        sign_in.first_sign_in(enrolled, "li", PASSWORD)

    _point_at(enrolled, _closed_port())
    with pytest.raises(UserError, match="第一次在本机登录必须联网"):
        sign_in.first_sign_in(enrolled, "wang", PASSWORD)

    with serving(live_server.data_dir, wrap=_always_503, database=live_server.database) as down:
        _point_at(enrolled, down.url)
        with pytest.raises(UserError, match=r"暂时无法处理登录（HTTP 503）"):
            sign_in.first_sign_in(enrolled, "wang", PASSWORD)

    _point_at(enrolled, live_server.url)
    server_accounts.revoke_device(live_server.storage(), state.device_id(device))
    with pytest.raises(UserError, match="本设备已被单位吊销"):
        sign_in.first_sign_in(enrolled, "wang", PASSWORD)
    assert WANG not in _holders(enrolled)


def test_a_known_account_signs_in_from_its_slot_while_the_server_fails(
    enrolled: Path, live_server: LiveServer
) -> None:
    store, _ = sign_in.first_sign_in(enrolled, "wang", PASSWORD)
    accounts.sign_out(store)
    with serving(live_server.data_dir, wrap=_always_503, database=live_server.database) as down:
        _point_at(enrolled, down.url)
        again, session = sign_in.sign_in_known(enrolled, WANG, PASSWORD)
    assert session.role == "supervisor"
    accounts.sign_out(again)


def test_a_role_lowered_on_the_server_is_enforced_after_the_next_sync(
    enrolled: Path, live_server: LiveServer, device: Store
) -> None:
    store, session = sign_in.first_sign_in(enrolled, "wang", PASSWORD)
    roles.require_supervisor(store, session.actor)
    server_accounts.add_user(live_server.storage(), "wang", "inspector", PASSWORD, "roster-wang")

    report = SyncClient(store).pull()

    assert any("角色已由单位改为检查人员" in note for note in report.notes)
    assert WANG not in _holders(enrolled)  # the slot is gone: sign in online again
    assert lost_device.lock_requested(store)
    assert "请退出登录" in (lost_device.lock_reason(store) or "")
    with pytest.raises(UserError, match=r"仅限审核人员|无法确认审核权限"):
        roles.require_supervisor(store, session.actor)
    with pytest.raises(UserError, match="角色已由单位改为检查人员"):
        accounts.unlock_again(store, PASSWORD)
    accounts.sign_out(store)

    lowered, now = sign_in.first_sign_in(enrolled, "wang", PASSWORD)
    assert now.role == "inspector"
    with pytest.raises(UserError, match="仅限审核人员"):
        roles.require_supervisor(lowered, now.actor)
    accounts.sign_out(lowered)


def test_a_role_kept_is_confirmed_and_another_account_s_slot_stays(
    enrolled: Path, device: Store
) -> None:
    store, _ = sign_in.first_sign_in(enrolled, "wang", PASSWORD)
    accounts.sign_out(store)
    zhao, _ = sign_in.first_sign_in(enrolled, "zhao", PASSWORD)
    labels = {a.holder: a.label for a in accounts.listed(enrolled)}
    assert (labels[WANG], labels["server:zhao"]) == ("wang", "赵敏（zhao）")  # 赵敏: on the roster
    roster.add(zhao, Inspector("王主任", "G-009", role="supervisor", id="roster-wang"))

    report = SyncClient(zhao).pull()

    assert not [note for note in report.notes if "已删除" in note]
    assert {WANG, "server:zhao"} <= set(_holders(enrolled))
    assert {a.holder: a.label for a in accounts.listed(enrolled)}[WANG] == "王主任（wang）"
    assert not lost_device.lock_requested(zhao)
    accounts.sign_out(zhao)


def test_a_password_changed_on_the_server_replaces_the_old_slot(
    enrolled: Path, live_server: LiveServer
) -> None:
    store, _ = sign_in.first_sign_in(enrolled, "wang", PASSWORD)
    accounts.sign_out(store)
    server_accounts.add_user(live_server.storage(), "wang", "supervisor", "new-password-2")

    with pytest.raises(UserError, match="旧密码"):
        sign_in.sign_in_known(enrolled, WANG, PASSWORD)
    assert WANG not in _holders(enrolled)

    store, _ = sign_in.first_sign_in(enrolled, "wang", "new-password-2")
    accounts.sign_out(store)
    _point_at(enrolled, _closed_port())
    offline, _ = sign_in.sign_in_known(enrolled, WANG, "new-password-2")
    assert current_user.require(offline).role == "supervisor"
    accounts.sign_out(offline)


def test_an_account_disabled_while_syncing_loses_its_slot_and_locks(
    enrolled: Path, live_server: LiveServer
) -> None:
    store, _ = sign_in.first_sign_in(enrolled, "wang", PASSWORD)  # syncs with wang's token
    server_accounts.disable_user(live_server.storage(), "wang")

    with pytest.raises(LoginRequired, match="停用"):
        SyncClient(store).pull()

    assert WANG not in _holders(enrolled)
    assert "已被单位停用" in (lost_device.lock_reason(store) or "")
    accounts.sign_out(store)


def _always_503(app: Any) -> Any:
    async def refused(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        await send({"type": "http.response.start", "status": 503, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    return refused
