"""Review decisions through the central server: the endpoint's rules, and the whole round trip
inspector → supervisor → inspector on two devices against the real server on 127.0.0.1."""

import hashlib
from pathlib import Path
from typing import Any

import requests
from sync_support import CompleteFn, LiveServer, client_for, headers, photo
from test_sync_push import login

from inspector import audit, inspections
from inspector.store import Store, open_store
from sync import outbox, state
from sync.server import catalog


def review(server: LiveServer, token: str, inspection_id: str, **body: Any) -> requests.Response:
    return requests.post(
        server.api(f"/inspections/{inspection_id}/review"),
        json=body,
        headers=headers(token),
        timeout=5,
    )


def feed(server: LiveServer, token: str) -> list[dict[str, Any]]:
    answer = requests.get(server.api("/changes"), headers=headers(token), timeout=5)
    return [c for c in answer.json()["changes"] if c["entity"] == "review"]


def test_review_endpoint_rules(
    live_server: LiveServer, device: Store, complete_inspection: CompleteFn
) -> None:
    inspection_id = complete_inspection({"a.jpg": photo("r", 2000)})
    assert client_for(device, live_server.url).push().ok
    zhang, li, wang = (login(live_server, name) for name in ("zhang", "li", "wang"))

    refused = review(live_server, zhang, inspection_id, decision="approve", revision=1)
    assert refused.status_code == 403
    assert refused.json()["detail"] == "只有科室负责人或管理员可以审核检查记录"

    no_reason = review(live_server, wang, inspection_id, decision="return", reason=" ", revision=1)
    assert no_reason.status_code == 422
    assert "退回理由" in no_reason.json()["detail"]
    missing = review(live_server, wang, inspection_id, decision="approve", revision=2)
    assert missing.status_code == 409
    assert "尚未完整上传" in missing.json()["detail"]
    unknown = review(
        live_server, wang, "11111111-2222-4333-8444-555555555555", decision="approve", revision=1
    )
    assert unknown.status_code == 404

    first = review(live_server, wang, inspection_id, decision="return", reason="缺照片", revision=1)
    again = review(live_server, wang, inspection_id, decision="return", reason="缺照片", revision=1)
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json()
    assert first.json()["reviewer"] == "wang" and first.json()["reason"] == "缺照片"
    other = review(live_server, wang, inspection_id, decision="approve", revision=1)
    assert other.status_code == 409
    assert "不能再作不同的决定" in other.json()["detail"]

    # Published once, to the owner and to supervisors, not to other inspectors.
    [owner_sees] = feed(live_server, zhang)
    assert owner_sees["data"]["decision"] == "return"
    assert owner_sees["seq"] == first.json()["seq"]
    assert len(feed(live_server, wang)) == 1
    assert feed(live_server, li) == []

    # Files of complete bundles can be downloaded by supervisors and the owner only.
    sha = hashlib.sha256(photo("r", 2000)).hexdigest()
    url = live_server.api(f"/blobs/{sha}/content")
    got = requests.get(url, headers=headers(wang), timeout=5)
    assert got.status_code == 200 and got.content == photo("r", 2000)
    assert requests.get(url, headers=headers(li), timeout=5).status_code == 404


def publish_supervisor_name(server: LiveServer) -> None:
    roster = [
        {"id": "roster-wang", "name": "王主任", "certificate_no": "G-900", "role": "supervisor"}
    ]
    catalog.publish_many(server.storage(), "roster", roster)


def local_inspection(device: Store, inspection_id: str) -> tuple[str, int, str]:
    row = device.db.execute(
        "SELECT status, revision, return_reason FROM inspections WHERE id = ?", (inspection_id,)
    ).fetchone()
    return row[0], row[1], row[2]


def test_decisions_reach_the_inspectors_device_through_the_workflows(
    live_server: LiveServer, device: Store, complete_inspection: CompleteFn
) -> None:
    publish_supervisor_name(live_server)
    inspection_id = complete_inspection()
    client = client_for(device, live_server.url)
    assert client.push().ok
    wang = login(live_server, "wang")
    assert review(
        live_server, wang, inspection_id, decision="return", reason="缺签字", revision=1
    ).ok

    report = client.pull()
    assert report.notes == ["检查记录「中国自动化学会」第 1 版已被 王主任 退回：缺签字"]
    assert local_inspection(device, inspection_id) == ("returned", 1, "缺签字")
    [entry] = device.db.execute(
        "SELECT actor, action FROM audit_log WHERE entity_id = ? AND action != 'start'"
        " AND actor = '王主任'",
        (inspection_id,),
    ).fetchall()
    assert entry == ("王主任", "return")
    assert client.pull().notes == []  # nothing new, nothing applied twice

    # Corrected and completed again: revision 2 goes up; the old decision no longer applies.
    inspections.set_answer(device, inspection_id, "ar-01", "compliant", actor="张伟")
    inspections.complete(device, inspection_id, actor="张伟")
    assert local_inspection(device, inspection_id)[:2] == ("completed", 2)
    state.set_values(device, **{state.PULL_CURSOR: "0"})
    assert client.pull().notes == [
        "检查记录「中国自动化学会」第 1 版的审核意见（王主任）未采用：本机已是第 2 版"
    ]
    assert local_inspection(device, inspection_id)[:2] == ("completed", 2)

    assert [r.outcome for r in client.push().results] == ["uploaded"]
    assert review(live_server, wang, inspection_id, decision="approve", revision=2).ok
    assert client.pull().notes == ["检查记录「中国自动化学会」第 2 版已由 王主任 审核通过"]
    assert local_inspection(device, inspection_id)[:2] == ("approved", 2)
    assert outbox.counts(device) == {"done": 2}  # approval queues nothing new
    assert audit.verify(device.db.conn) is None


def test_decisions_on_inspections_not_on_the_device_are_skipped_quietly(
    live_server: LiveServer, device: Store, complete_inspection: CompleteFn, tmp_path: Path
) -> None:
    inspection_id = complete_inspection()
    assert client_for(device, live_server.url).push().ok
    wang = login(live_server, "wang")
    assert review(live_server, wang, inspection_id, decision="approve", revision=1).ok
    other = open_store(tmp_path / "other" / "inspector.db")
    report = client_for(other, live_server.url).pull()
    assert report.notes == []
    other.close()
