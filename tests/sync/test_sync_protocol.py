"""The API's edges: version check, auth, roles, malformed requests, and paged pull."""

import json

import pytest
import requests

from inspector import audit
from inspector.store import Store
from sync import state
from sync.client import PAGE_SIZE, SyncClient
from sync.server import accounts, catalog
from sync.server.storage import ServerStore
from sync.transport import LoginRequired, SyncError
from tests.sync.sync_support import PASSWORD, CompleteFn, LiveServer, Watched, client_for, headers

DEVICE = "11111111-2222-4333-8444-555555555555"


def token_for(server: LiveServer, user: str = "zhang", device: str = DEVICE) -> str:
    body = {"username": user, "password": PASSWORD, "device_id": device}
    return str(
        requests.post(server.api("/auth/login"), json=body, headers=headers(), timeout=5).json()[
            "token"
        ]
    )


def test_openapi_is_served_and_lists_the_push_endpoint(live_server: LiveServer) -> None:
    document = requests.get(live_server.api("/openapi.json"), timeout=5).json()
    assert "/api/v1/inspections/{inspection_id}/revisions/{revision}" in document["paths"]


@pytest.mark.parametrize(
    ("path", "sent_headers"),
    [
        ("/api/v1/changes", {}),
        ("/api/v1/changes", {"X-Inspector-Client": "0"}),
        ("/api/v0/sync", {}),
    ],
)
def test_an_old_client_is_told_to_update(
    shared_server: LiveServer, path: str, sent_headers: dict[str, str]
) -> None:
    answer = requests.get(shared_server.url + path, headers=sent_headers, timeout=5)
    assert answer.status_code == 426
    assert "请更新" in answer.json()["detail"]


def test_wrong_password_and_missing_token_are_401_in_chinese(live_server: LiveServer) -> None:
    body = {"username": "zhang", "password": "wrong-password", "device_id": DEVICE}
    bad = requests.post(live_server.api("/auth/login"), json=body, headers=headers(), timeout=5)
    assert (bad.status_code, bad.json()["detail"]) == (401, "用户名或密码不正确")
    anonymous = requests.get(live_server.api("/changes"), headers=headers(), timeout=5)
    assert (anonymous.status_code, anonymous.json()["detail"]) == (401, "请先登录")


def test_a_revoked_device_must_log_in_again(live_server: LiveServer) -> None:
    token = token_for(live_server)
    assert requests.get(live_server.api("/changes"), headers=headers(token), timeout=5).ok
    assert accounts.revoke_device(live_server.storage(), DEVICE) == 1
    answer = requests.get(live_server.api("/changes"), headers=headers(token), timeout=5)
    assert answer.status_code == 401
    assert "重新登录" in answer.json()["detail"]


def test_a_token_outlives_a_month_offline(live_server: LiveServer) -> None:
    token_for(live_server)
    store = live_server.storage()
    with store.reading() as conn:
        created, expires = conn.execute("SELECT created_at, expires_at FROM devices").fetchone()
    assert expires[:10] > "2000" and expires > created
    from datetime import datetime, timedelta

    assert datetime.fromisoformat(expires) - datetime.fromisoformat(created) > timedelta(days=30)


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        ("put", "/inspections/not-a-uuid/revisions/1", {}, 422),
        ("put", "/inspections/11111111-2222-4333-8444-555555555555/revisions/0", {}, 422),
        ("put", "/inspections/11111111-2222-4333-8444-555555555555/revisions/1", {"x": 1}, 422),
        ("put", "/inspections/11111111-2222-4333-8444-555555555555/revisions/1", "[", 422),
        ("get", "/changes?cursor=-1", None, 422),
        ("get", "/changes?limit=100000", None, 422),
        ("get", "/blobs/abc", None, 422),
        ("get", "/blobs/" + "a" * 64, None, 404),
        ("patch", "/blobs/" + "a" * 64, None, 422),
        (
            "post",
            "/findings/11111111-2222-4333-8444-555555555555/status",
            {"status": "closed", "reason": "ok"},
            403,
        ),
        ("get", "/nothing-here", None, 404),
        ("delete", "/changes", None, 404),
    ],
)
def test_malformed_requests_get_a_4xx_with_a_chinese_message(
    shared_server: LiveServer,
    malformed_token: str,
    method: str,
    path: str,
    body: object,
    status: int,
) -> None:
    live_server, token = shared_server, malformed_token
    kwargs: dict[str, object] = {"headers": headers(token), "timeout": 5}
    if isinstance(body, str):
        kwargs["data"] = body
        kwargs["headers"] = {**headers(token), "Content-Type": "application/json"}
    elif body is not None:
        kwargs["json"] = body
    answer = requests.request(method, live_server.api(path), **kwargs)  # type: ignore[arg-type]
    assert answer.status_code == status, answer.text
    detail = answer.json()["detail"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in detail), detail


@pytest.fixture(scope="module")
def malformed_token(shared_server: LiveServer) -> str:
    return token_for(shared_server)


def test_oversized_json_is_refused_before_reading(
    shared_server: LiveServer, malformed_token: str
) -> None:
    live_server, token = shared_server, malformed_token
    answer = requests.put(
        live_server.api("/inspections/11111111-2222-4333-8444-555555555555/revisions/1"),
        data=b"{" + b" " * (17 * 1024 * 1024) + b"}",
        headers={**headers(token), "Content-Type": "application/json"},
        timeout=10,
    )
    assert answer.status_code == 413
    assert "过大" in answer.json()["detail"]


def publish_register(store: ServerStore, count: int) -> None:
    records = [
        {
            "id": f"reg-{i}",
            "credit_code": f"CODE{i:014d}",
            "name": f"测试协会{i}",
            "kind": "social_group",
        }
        for i in range(count)
    ]
    catalog.publish_many(store, "organization", records)


def test_pull_is_paged_resumable_and_only_shows_own_tasks(
    live_server: LiveServer, device: Store
) -> None:
    storage = live_server.storage()
    publish_register(storage, 1200)
    task = {
        "id": "task-1",
        "organization_id": "org-1",
        "organization_credit_code": "51100000500002862F",
        "checklist_id": "cl",
    }
    catalog.add_task(storage, task, ["zhang", "wang"])
    catalog.add_task(storage, {**task, "id": "task-2"}, ["li", "wang"])

    client = client_for(device, live_server.url)
    pages = []
    report = client.pull(Watched(pages.append))
    assert report.applied == 1 + 1200 + 1  # the seeded organization, the register, own task
    assert len(pages) == 2  # PAGE_SIZE (1000) per page
    assert device.db.execute("SELECT COUNT(*) FROM organizations").fetchone()[0] == 1201
    assert [r[0] for r in device.db.execute("SELECT id FROM tasks")] == ["task-1"]
    [ids] = device.db.execute("SELECT inspector_ids FROM tasks").fetchone()
    assert json.loads(ids) == ["roster-zhang", "roster-wang"]
    # Nothing new: the cursor is kept and nothing is applied again.
    assert client.pull().applied == 0
    catalog.publish_many(
        storage,
        "organization",
        [
            {
                "id": "reg-5",
                "credit_code": "CODE00000000000005",
                "name": "改名协会",
                "kind": "social_group",
            }
        ],
    )
    assert client.pull().applied == 1
    assert (
        device.db.execute("SELECT name FROM organizations WHERE id = 'reg-5'").fetchone()[0]
        == "改名协会"
    )


def test_pull_resumes_from_the_last_committed_page(live_server: LiveServer, device: Store) -> None:
    publish_register(live_server.storage(), 1200)
    client = client_for(device, live_server.url)
    calls = []

    def cancel_after_first_page() -> bool:
        calls.append(1)
        return len(calls) > 1

    first = client.pull(Watched(is_cancelled=cancel_after_first_page))
    assert first.cancelled and first.applied == PAGE_SIZE
    assert state.get(device, state.PULL_CURSOR) == str(first.cursor)
    rest = client.pull()
    assert first.applied + rest.applied == 1201


def test_office_finding_status_reaches_the_device_and_is_reported(
    live_server: LiveServer, device: Store, complete_inspection: CompleteFn
) -> None:
    inspection_id = complete_inspection()
    client = client_for(device, live_server.url)
    assert client.push().ok
    [finding_id] = [
        r[0]
        for r in device.db.execute(
            "SELECT id FROM findings WHERE inspection_id = ?", (inspection_id,)
        )
    ]
    supervisor = token_for(live_server, "wang", "22222222-2222-4333-8444-555555555555")
    answer = requests.post(
        live_server.api(f"/findings/{finding_id}/status"),
        json={"status": "closed", "reason": "复查合格"},
        headers=headers(supervisor),
        timeout=5,
    )
    assert answer.ok, answer.text
    report = client.pull()
    assert report.notes == [
        "问题状态已按科室记录更新：待整改 → 已整改（复查合格）；本机原状态保留在执法记录中"
    ]
    assert (
        device.db.execute("SELECT status FROM findings WHERE id = ?", (finding_id,)).fetchone()[0]
        == "closed"
    )
    assert audit.verify(device) is None


def test_client_errors_say_what_to_do(live_server: LiveServer, device: Store) -> None:
    client = SyncClient(device, live_server.url)
    with pytest.raises(SyncError, match="用户名或密码不正确"):
        client.login("zhang", "nope-nope-nope")
    with pytest.raises(LoginRequired, match="请先登录"):
        client.pull()
    with pytest.raises(SyncError, match="尚未设置同步服务器地址"):
        SyncClient(device)  # the failed login saved nothing
