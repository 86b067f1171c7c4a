"""A hostile or broken client: oversized and deep bodies, bad headers, password guessing,
fetching other people's photos by hash, writing other people's records, quotas, stale uploads."""

import hashlib
import json
import os
import select
import socket
import time
from pathlib import Path
from typing import Any

import pytest
import requests

from inspector.store import Store
from sync import outbox, state
from sync.protocol import Bundle
from sync.server import accounts, bundles, catalog, uploads
from sync.server.app import create_app
from sync.server.storage import User
from tests.sync.sync_support import (
    PASSWORD,
    CompleteFn,
    LiveServer,
    client_for,
    headers,
    photo,
)

INSPECTION = "11111111-2222-4333-8444-555555555555"


def login(server: LiveServer, user: str, device: str = INSPECTION) -> str:
    body = {"username": user, "password": PASSWORD, "device_id": device}
    answer = requests.post(server.api("/auth/login"), json=body, headers=headers(), timeout=5)
    assert answer.status_code == 200, answer.text
    return str(answer.json()["token"])


def is_chinese_problem(answer: requests.Response) -> bool:
    detail = answer.json()["detail"]
    return any("\u4e00" <= ch <= "\u9fff" for ch in detail)


def test_a_huge_chunked_body_without_token_is_refused_after_the_limit(
    shared_server: LiveServer,
) -> None:
    """256 MB, chunked, no Content-Length, no token: refused once 16 MB have been read."""
    host, port = shared_server.url.removeprefix("http://").split(":")
    data = b" " * (1 << 20)
    chunk = b"%x\r\n" % len(data) + data + b"\r\n"
    sent = 0
    with socket.create_connection((host, int(port))) as sock:
        sock.sendall(
            f"PUT /api/v1/inspections/{INSPECTION}/revisions/1 HTTP/1.1\r\nHost: x\r\n"
            "X-Inspector-Client: 1\r\nContent-Type: application/json\r\n"
            "Transfer-Encoding: chunked\r\n\r\n".encode()
        )
        while sent < 256 * len(data):
            if select.select([sock], [], [], 0)[0]:
                break  # the server has answered
            try:
                sock.sendall(chunk)
            except (BrokenPipeError, ConnectionResetError):
                break
            sent += len(data)
        answer = _read_response(sock)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert "请求体过大" in answer.split(b"\r\n\r\n", 1)[1].decode()
    assert sent < 64 * len(data)  # the rest was never read


def _read_response(sock: socket.socket) -> bytes:
    sock.settimeout(10)
    received = b""
    while b"\r\n\r\n" not in received or not received.rstrip().endswith(b"}"):
        try:
            part = sock.recv(65536)
        except (ConnectionResetError, TimeoutError):
            break
        if not part:
            break
        received += part
    return received


def nested(depth: int) -> Any:
    value: Any = "深"
    for _ in range(depth):
        value = [value]
    return value


def bundle_json(answer_value: Any) -> dict[str, Any]:
    return {
        "inspection": {
            "organization_id": "org-1",
            "checklist_id": "cl",
            "checklist_version": 1,
            "started_at": "2026-12-01T09:00:00+00:00",
            "inspector_ids": ["roster-zhang", "roster-zhao"],
        },
        "answers": [{"item_id": "ar-01", "value": answer_value}],
    }


@pytest.mark.parametrize("depth", [20, 220, 300])
def test_a_deeply_nested_answer_is_refused_and_supervisors_still_pull(
    live_server: LiveServer, depth: int
) -> None:
    token = login(live_server, "zhang")
    url = live_server.api(f"/inspections/{INSPECTION}/revisions/1")
    answer = requests.put(url, json=bundle_json(nested(depth)), headers=headers(token), timeout=5)
    assert answer.status_code == 422, answer.text
    assert "嵌套" in answer.json()["detail"]
    supervisor = login(live_server, "wang", "22222222-2222-4333-8444-555555555555")
    listed = requests.get(live_server.api("/inspections"), headers=headers(supervisor), timeout=5)
    assert listed.status_code == 200 and listed.json() == []
    fine = requests.put(url, json=bundle_json(nested(3)), headers=headers(token), timeout=5)
    assert fine.status_code == 200 and fine.json()["complete"]
    read_back = requests.get(url, headers=headers(token), timeout=5)
    assert Bundle(**read_back.json()).answers[0].value == nested(3)


@pytest.mark.parametrize("path", ["/auth/login", "/changes", "/inspections"])
def test_a_bad_header_byte_is_a_4xx_not_a_500(shared_server: LiveServer, path: str) -> None:
    sent = {"X-Inspector-Client": "\xb2"}  # '²' is a digit to str.isdigit()
    method = "POST" if path == "/auth/login" else "GET"
    answer = requests.request(method, shared_server.api(path), headers=sent, timeout=5)
    assert answer.status_code == 426
    assert is_chinese_problem(answer)


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"\xff\xfe{", "application/json"),
        (b"[", "application/json"),
        (b"a=b", "text/plain"),
    ],
)
def test_unparseable_bodies_get_a_chinese_problem(
    shared_server: LiveServer, body: bytes, content_type: str
) -> None:
    answer = requests.put(
        shared_server.api(f"/inspections/{INSPECTION}/revisions/1"),
        data=body,
        headers={**headers(login(shared_server, "zhang")), "Content-Type": content_type},
        timeout=5,
    )
    assert 400 <= answer.status_code < 500
    assert answer.headers["Content-Type"] == "application/json"
    assert is_chinese_problem(answer)


def test_a_nul_character_in_stored_text_is_a_4xx_on_both_engines(shared_server: LiveServer) -> None:
    """PostgreSQL text cannot hold NUL: it was a 500 there."""
    supervisor = login(shared_server, "wang", "22222222-2222-4333-8444-555555555555")
    answer = requests.post(
        shared_server.api(f"/inspections/{INSPECTION}/review"),
        json={"decision": "return", "reason": "缺\u0000照片", "revision": 1},
        headers=headers(supervisor),
        timeout=5,
    )
    assert answer.status_code == 422
    assert is_chinese_problem(answer)


def test_password_guessing_is_throttled_per_user_and_per_address(live_server: LiveServer) -> None:
    def attempt(user: str, password: str) -> requests.Response:
        body = {"username": user, "password": password, "device_id": INSPECTION}
        return requests.post(
            live_server.api("/auth/login"), json=body, headers=headers(), timeout=5
        )

    for _ in range(accounts.MAX_FAILURES_PER_USER):
        assert attempt("zhang", "guess-guess-guess").status_code == 401
    blocked = attempt("zhang", PASSWORD)  # even the right password, for now
    assert blocked.status_code == 429
    assert "登录失败次数过多" in blocked.json()["detail"]
    assert attempt("zhao", PASSWORD).status_code == 200  # other users are not locked out
    for n in range(accounts.MAX_FAILURES_PER_ADDRESS - accounts.MAX_FAILURES_PER_USER):
        attempt(f"nobody-{n}", "guess-guess-guess")
    assert attempt("li", PASSWORD).status_code == 429  # this address guessed too often


def test_an_unknown_user_costs_the_same_scrypt_as_a_known_one(
    shared_server: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []
    real = hashlib.scrypt

    def counted(*args: Any, **kwargs: Any) -> bytes:
        calls.append(kwargs.get("n", 0))
        return real(*args, **kwargs)

    monkeypatch.setattr(hashlib, "scrypt", counted)
    store = shared_server.storage()
    for user in ("zhang", "no-such-user"):
        request = accounts.LoginRequest(username=user, password="wrong-one", device_id=INSPECTION)
        with pytest.raises(accounts.ApiError):
            accounts.login(store, request, "10.0.0.9")
    assert calls == [accounts.auth.SCRYPT_N] * 2


def test_a_photos_hash_and_size_do_not_give_it_to_another_inspector(
    live_server: LiveServer, device: Store, complete_inspection: CompleteFn
) -> None:
    data = photo("private", 50_000)
    sha = hashlib.sha256(data).hexdigest()
    inspection_id = complete_inspection({"IMG_0001.jpg": data})
    assert client_for(device, live_server.url).push().ok
    stolen = outbox.build_bundle(device, inspection_id)
    stolen.inspection.inspector_ids = ["roster-li"]  # li's own record, listing zhang's photo
    thief = login(live_server, "li")
    own = live_server.api("/inspections/22222222-2222-4333-8444-555555555555/revisions/1")
    pushed = requests.put(
        own, json=stolen.model_dump(mode="json"), headers=headers(thief), timeout=5
    )
    assert pushed.status_code == 200
    assert not pushed.json()["complete"]
    assert [m["sha256"] for m in pushed.json()["missing"]] == [sha]
    content = requests.get(
        live_server.api(f"/blobs/{sha}/content"), headers=headers(thief), timeout=5
    )
    assert (content.status_code, content.json()["detail"]) == (
        404,
        "服务器上没有这个文件，或无权下载",
    )
    offset = requests.get(live_server.api(f"/blobs/{sha}"), headers=headers(thief), timeout=5)
    assert offset.json() == {"sha256": sha, "offset": 0, "complete": False}
    fake = requests.patch(
        live_server.api(f"/blobs/{sha}"),
        data=b"x" * len(data),
        headers={**headers(thief), "Upload-Offset": "0"},
        timeout=5,
    )
    assert fake.status_code == 422
    owner_copy = live_server.storage().blob_path(sha).read_bytes()
    assert owner_copy == data  # the stored photo was never touched


def test_a_wrong_size_does_not_reveal_that_the_server_holds_a_file(
    live_server: LiveServer, device: Store, complete_inspection: CompleteFn
) -> None:
    data = photo("held", 40_000)
    inspection_id = complete_inspection({"IMG_0002.jpg": data})
    assert client_for(device, live_server.url).push().ok
    probe = outbox.build_bundle(device, inspection_id)
    probe.inspection.inspector_ids = ["roster-li"]
    unknown = photo("never-uploaded", 40_000)
    probe.attachments = [
        probe.attachments[0].model_copy(update={"size": len(data) + 1}),
        probe.attachments[0].model_copy(
            update={"sha256": hashlib.sha256(unknown).hexdigest(), "size": len(unknown) + 1}
        ),
    ]
    thief = login(live_server, "li")
    url = live_server.api("/inspections/33333333-2222-4333-8444-555555555555/revisions/1")
    answer = requests.put(
        url, json=probe.model_dump(mode="json"), headers=headers(thief), timeout=5
    )
    assert answer.status_code == 200
    assert [m["offset"] for m in answer.json()["missing"]] == [0, 0]  # held and unknown alike


def test_only_the_inspectors_named_on_a_record_own_it(
    live_server: LiveServer, device: Store, complete_inspection: CompleteFn
) -> None:
    inspection_id = complete_inspection()
    bundle = outbox.build_bundle(device, inspection_id).model_dump(mode="json")
    url = live_server.api(f"/inspections/{inspection_id}/revisions/1")
    for outsider in ("li", "wang"):  # an inspector not named, a supervisor
        answer = requests.put(
            url, json=bundle, headers=headers(login(live_server, outsider)), timeout=5
        )
        assert answer.status_code == 403, outsider
    # zhao (named second) pushes first; zhang, named first, owns it as much.
    zhao = login(live_server, "zhao")
    assert requests.put(url, json=bundle, headers=headers(zhao), timeout=5).status_code == 200
    zhang = login(live_server, "zhang")
    listed = requests.get(live_server.api("/inspections"), headers=headers(zhang), timeout=5).json()
    assert [s["inspection_id"] for s in listed] == [inspection_id]
    # A supervisor still cannot write its content, not even a new revision.
    wang = login(live_server, "wang", "22222222-2222-4333-8444-555555555555")
    newer = live_server.api(f"/inspections/{inspection_id}/revisions/2")
    assert requests.put(newer, json=bundle, headers=headers(wang), timeout=5).status_code == 403
    # A later revision cannot make an outsider an owner.
    bundle["inspection"]["inspector_ids"] = ["roster-li"]
    li = login(live_server, "li")
    assert requests.put(newer, json=bundle, headers=headers(li), timeout=5).status_code == 403


def test_nobody_creates_an_inspection_that_names_only_others(
    live_server: LiveServer, device: Store, complete_inspection: CompleteFn
) -> None:
    """A first revision is refused (403, Chinese JSON) unless its pusher is named on it or on
    its task's team; nothing is stored or audited under the pusher."""
    inspection_id = complete_inspection()
    bundle = outbox.build_bundle(device, inspection_id).model_dump(mode="json")
    bundle["inspection"]["inspector_ids"] = ["roster-li", "roster-zhao"]
    url = live_server.api(f"/inspections/{inspection_id}/revisions/1")
    for pusher in ("zhang", "wang"):  # an inspector, a supervisor, neither named
        answer = requests.put(
            url, json=bundle, headers=headers(login(live_server, pusher)), timeout=5
        )
        assert answer.status_code == 403, pusher
        assert answer.headers["content-type"] == "application/json"
        assert answer.json() == {"detail": bundles.NOT_YOURS, "code": "forbidden"}
    assert bundles.summaries(live_server.storage(), User("li", "inspector", "roster-li")) == []
    pushes = [
        e for e in bundles.audit_entries(live_server.storage(), None, 50) if e["action"] == "push"
    ]
    assert pushes == []
    # Named on its task's team is enough: the task was given to zhang.
    task = {
        "id": "task-9",
        "organization_id": "org-1",
        "organization_credit_code": "51100000500002862F",
        "checklist_id": "cl",
    }
    catalog.add_task(live_server.storage(), task, ["zhang"])
    bundle["inspection"]["task_id"] = "task-9"
    answer = requests.put(url, json=bundle, headers=headers(login(live_server, "zhang")), timeout=5)
    assert answer.status_code == 200, answer.text
    [push] = [
        e
        for e in bundles.audit_entries(live_server.storage(), "zhang", 50)
        if e["action"] == "push"
    ]
    assert push["target"] == f"{inspection_id}#1"


def test_a_quota_stops_uploads_and_the_message_names_the_photo(
    live_server: LiveServer, device: Store, complete_inspection: CompleteFn
) -> None:
    accounts.add_user(
        live_server.storage(), "zhang", "inspector", PASSWORD, "roster-zhang", 100_000
    )
    complete_inspection({"IMG_0100.jpg": photo("q1", 60_000), "IMG_0101.jpg": photo("q2", 60_000)})
    [result] = client_for(device, live_server.url).push().results
    assert result.outcome == "rejected"
    assert result.message.startswith("照片 IMG_010")
    assert "存储配额已用完" in result.message


def test_every_accepted_write_is_audited_with_who_when_and_where(
    live_server: LiveServer, device: Store, complete_inspection: CompleteFn
) -> None:
    complete_inspection({"IMG_0200.jpg": photo("audited", 10_000)})
    client = client_for(device, live_server.url)
    assert client.push().ok
    entries = bundles.audit_entries(live_server.storage(), "zhang", 10)
    actions = ["file", "push", "device_key", "login"]  # newest first; device_key: enrolment
    assert [e["action"] for e in entries] == actions
    for entry in entries:
        assert entry["device_id"] == state.device_id(device)
        assert entry["address"] == "127.0.0.1"
        assert entry["at"].startswith("20")


def test_stale_and_finished_partial_uploads_are_cleaned(tmp_path: Path) -> None:
    data_dir = tmp_path / "server"
    app = create_app(data_dir)
    store = app.state.store
    old = store.partial_path("a" * 64)
    old.write_bytes(b"half a photo")
    week_ago = time.time() - uploads.PARTIAL_MAX_AGE - 60
    os.utime(old, (week_ago, week_ago))
    fresh = store.partial_path("b" * 64)
    fresh.write_bytes(b"being uploaded")
    done = store.partial_path("c" * 64)
    done.write_bytes(b"leftover")
    store.blob_path("c" * 64).parent.mkdir(parents=True)
    store.blob_path("c" * 64).write_bytes(b"the whole file")
    create_app(data_dir)  # each start cleans up
    assert (old.exists(), fresh.exists(), done.exists()) == (False, True, False)


def test_json_problems_have_their_content_type(shared_server: LiveServer) -> None:
    answer = requests.get(shared_server.api("/nothing-here"), headers=headers(), timeout=5)
    assert answer.status_code == 404
    assert json.loads(answer.text)["code"] == "http"
