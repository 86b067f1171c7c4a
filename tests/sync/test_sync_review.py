"""Review decisions through the central server: the endpoint's rules, and the whole round trip
inspector → supervisor → inspector on two devices against the real server on 127.0.0.1."""

import hashlib
import json
from pathlib import Path
from typing import Any

import requests

from inspector import audit, inspections, onsite_record
from inspector import review as desk_review
from inspector.attachments import read_bytes
from inspector.store import Store, open_store
from sync import outbox, state
from sync.server import catalog
from tests.onsite import NOBODY_ON_SITE
from tests.stub_checklist import stub_definition
from tests.sync.sync_support import CompleteFn, LiveServer, Watched, client_for, headers, photo
from tests.sync.test_sync_push import login


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
    onsite_record.complete_on_site(device, inspection_id, NOBODY_ON_SITE, actor="张伟")
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
    assert audit.verify(device) is None


def test_decisions_on_inspections_not_on_the_device_are_skipped_quietly(
    live_server: LiveServer, device: Store, complete_inspection: CompleteFn, tmp_path: Path
) -> None:
    inspection_id = complete_inspection()
    assert client_for(device, live_server.url).push().ok
    wang = login(live_server, "wang")
    assert review(live_server, wang, inspection_id, decision="approve", revision=1).ok
    (tmp_path / "other").mkdir()
    other = open_store(tmp_path / "other" / "inspector.db")
    report = client_for(other, live_server.url).pull()
    assert report.notes == []
    other.close()


def publish_reference_data(server: LiveServer) -> None:
    """What a supervisor's desk needs to hold an inspection: checklist and roster."""
    storage = server.storage()
    checklist = {
        "id": "cl",
        "version": 1,
        "title": "测试",
        "kind": "other",
        "applies_to": [],
        "effective_date": "2026-01-01",
        "definition": json.loads(stub_definition()),
        "content_hash": "x",
    }
    catalog.publish_many(storage, "checklist", [checklist])
    roster = [
        {"id": f"roster-{name}", "name": ("张伟", "赵敏")[i], "certificate_no": f"G-00{i}"}
        for i, name in enumerate(("zhang", "zhao"))
    ]
    catalog.publish_many(storage, "roster", roster)
    storage.close()
    publish_supervisor_name(server)


def test_the_review_loop_through_the_server(
    live_server: LiveServer, device: Store, complete_inspection: CompleteFn, tmp_path: Path
) -> None:
    publish_reference_data(live_server)
    pictures = {"IMG_1.jpg": photo("loop-1", 50_000), "IMG_2.jpg": photo("loop-2", 20_000)}
    inspection_id = complete_inspection(pictures)
    inspector = client_for(device, live_server.url)
    assert inspector.push().ok
    (tmp_path / "desk").mkdir()
    desk_store = open_store(tmp_path / "desk" / "inspector.db")
    desk = client_for(desk_store, live_server.url, user="wang")

    # The supervisor pulls: register, roster, checklist, then the completed inspection.
    pulled = desk.pull()
    assert pulled.imported == 1
    assert "已从服务器取回 1 条待审核的检查记录" in pulled.notes
    assert [w.id for w in desk_review.queue(desk_store)] == [inspection_id]
    for data in pictures.values():
        sha = hashlib.sha256(data).hexdigest()
        assert read_bytes(desk_store, sha) == data
    assert desk.pull().imported == 0  # already here

    inspections.return_to_inspector(desk_store, inspection_id, reason="照片不清楚", actor="王主任")
    assert outbox.preview(desk_store).reviews == 1 and not outbox.preview(desk_store).changes
    [waiting] = outbox.summary(desk_store)["records"]
    assert (waiting["label"], waiting["state_label"]) == (
        "审核意见「中国自动化学会」第 1 版",
        "待上传",
    )
    sent = desk.push()
    assert [(r.outcome, r.label) for r in sent.results] == [
        ("uploaded", "审核意见「中国自动化学会」第 1 版")
    ]
    assert outbox.counts(desk_store) == {"done": 1}  # the decision; the bundle never goes back
    assert desk.push().results == []

    report = inspector.pull()
    assert "检查记录「中国自动化学会」第 1 版已被 王主任 退回：照片不清楚" in report.notes
    assert local_inspection(device, inspection_id) == ("returned", 1, "照片不清楚")
    inspections.set_answer(device, inspection_id, "ar-01", "compliant", actor="张伟")
    onsite_record.complete_on_site(device, inspection_id, NOBODY_ON_SITE, actor="张伟")
    assert [r.outcome for r in inspector.push().results] == ["uploaded"]

    # Revision 2 replaces the returned copy on the desk and waits for review again.
    assert desk.pull().imported == 1
    assert local_inspection(desk_store, inspection_id)[:2] == ("completed", 2)
    [answer] = desk_store.db.execute(
        "SELECT value FROM answers WHERE inspection_id = ?", (inspection_id,)
    ).fetchall()
    assert answer == ('"compliant"',)
    inspections.approve(desk_store, inspection_id, actor="王主任")
    assert [r.outcome for r in desk.push().results] == ["uploaded"]
    assert desk.pull().notes == []  # its own decision comes back and changes nothing

    report = inspector.pull()
    assert "检查记录「中国自动化学会」第 2 版已由 王主任 审核通过" in report.notes
    assert local_inspection(device, inspection_id)[:2] == ("approved", 2)
    assert audit.verify(device) is None
    assert audit.verify(desk_store) is None
    desk_store.close()


def test_a_desk_decision_the_server_already_has_otherwise_is_a_conflict(
    live_server: LiveServer, device: Store, complete_inspection: CompleteFn, tmp_path: Path
) -> None:
    publish_reference_data(live_server)
    inspection_id = complete_inspection()
    assert client_for(device, live_server.url).push().ok
    (tmp_path / "desk").mkdir()
    desk_store = open_store(tmp_path / "desk" / "inspector.db")
    desk = client_for(desk_store, live_server.url, user="wang")
    assert desk.pull().imported == 1
    wang = login(live_server, "wang")
    assert review(live_server, wang, inspection_id, decision="approve", revision=1).ok
    inspections.return_to_inspector(desk_store, inspection_id, reason="再核实", actor="王主任")
    [result] = desk.push().results
    assert result.outcome == "conflict"
    assert "不能再作不同的决定" in result.message
    desk_store.close()


def test_a_cancelled_import_goes_on_at_the_next_pull(
    live_server: LiveServer, device: Store, complete_inspection: CompleteFn, tmp_path: Path
) -> None:
    publish_reference_data(live_server)
    complete_inspection({"a.jpg": photo("c", 5000)})
    assert client_for(device, live_server.url).push().ok
    (tmp_path / "desk").mkdir()
    desk_store = open_store(tmp_path / "desk" / "inspector.db")
    desk = client_for(desk_store, live_server.url, user="wang")
    calls: list[int] = []

    def cancel_after_the_feed() -> bool:
        calls.append(1)
        return len(calls) > 1

    first = desk.pull(Watched(is_cancelled=cancel_after_the_feed))
    assert first.cancelled and first.imported == 0 and first.applied > 0
    assert desk.pull().imported == 1
    desk_store.close()
