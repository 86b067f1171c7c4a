"""Push and pull against the real server on 127.0.0.1: idempotency, conflicts, completeness."""

import hashlib

import requests

from inspector import inspections
from inspector.store import Store
from sync import outbox, state
from sync.protocol import Bundle
from sync.server import bundles
from tests.sync.sync_support import (
    PASSWORD,
    CompleteFn,
    LiveServer,
    Watched,
    client_for,
    headers,
    photo,
)


def login(server: LiveServer, user: str) -> str:
    body = {
        "username": user,
        "password": PASSWORD,
        "device_id": "0" * 8 + "-0000-4000-8000-" + "0" * 12,
    }
    answer = requests.post(server.api("/auth/login"), json=body, headers=headers(), timeout=5)
    assert answer.status_code == 200, answer.text
    return str(answer.json()["token"])


def stored_files(server: LiveServer) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in (server.data_dir / "blobs").rglob("*") if p.is_file()}


def test_push_uploads_bundle_and_photos_once(
    live_server: LiveServer, device: Store, complete_inspection: CompleteFn
) -> None:
    pictures = {"IMG_0231.jpg": photo("a"), "IMG_0232.jpg": photo("b", 100_000)}
    inspection_id = complete_inspection(pictures)
    seen = []
    cancelled = client_for(device, live_server.url).push(Watched(is_cancelled=lambda: True))
    assert cancelled.cancelled
    assert state.get(device, state.LAST_SYNC) is None  # an interrupted run is no sync
    report = client_for(device, live_server.url).push(Watched(seen.append))

    assert report.ok, report
    assert state.get(device, state.LAST_SYNC) is not None
    [result] = report.results
    assert result.outcome == "uploaded"
    assert "已上传" in result.message
    files = stored_files(live_server)
    assert sorted(files) == sorted(hashlib.sha256(d).hexdigest() for d in pictures.values())
    assert all(hashlib.sha256(data).hexdigest() == name for name, data in files.items())
    assert seen[-1].bytes_done == seen[-1].bytes_total == 400_000
    assert outbox.counts(device) == {"done": 1}

    token = login(live_server, "wang")
    listed = requests.get(live_server.api("/inspections"), headers=headers(token), timeout=5).json()
    assert [(r["inspection_id"], r["complete"]) for r in listed] == [(inspection_id, True)]
    # Nothing more to send: a second run is a no-op.
    assert client_for(device, live_server.url).push().results == []


def test_identical_resend_is_answered_like_the_first(
    live_server: LiveServer, device: Store, complete_inspection: CompleteFn
) -> None:
    complete_inspection({"a.jpg": photo("x", 1000)})
    client_for(device, live_server.url).push()
    [item] = outbox.all_items(device)
    assert item.bundle is not None
    token = login(live_server, "zhang")
    url = live_server.api(f"/inspections/{item.inspection_id}/revisions/{item.revision}")
    body = item.bundle.model_dump(mode="json")
    first = requests.put(url, json=body, headers=headers(token), timeout=5)
    again = requests.put(url, json=body, headers=headers(token), timeout=5)
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json()
    assert first.json()["complete"] is True
    stats = live_server.storage()
    from sync.server.bundles import stats as server_stats

    assert server_stats(stats)["inspections"] == 1


def test_other_content_under_same_revision_is_a_conflict_never_overwritten(
    live_server: LiveServer, device: Store, complete_inspection: CompleteFn
) -> None:
    complete_inspection()
    client_for(device, live_server.url).push()
    [item] = outbox.all_items(device)
    assert item.bundle is not None
    changed = item.bundle.model_copy(
        update={"inspection": item.bundle.inspection.model_copy(update={"place": "别处"})}
    )
    token = login(live_server, "zhang")
    url = live_server.api(f"/inspections/{item.inspection_id}/revisions/{item.revision}")
    answer = requests.put(
        url, json=changed.model_dump(mode="json"), headers=headers(token), timeout=5
    )
    assert answer.status_code == 409
    assert "内容不同" in answer.json()["detail"]
    stored = requests.get(url, headers=headers(token), timeout=5).json()
    assert Bundle(**stored).inspection.place == "会议室"


def test_local_conflict_is_reported_and_the_rest_go_on(
    live_server: LiveServer, device: Store, complete_inspection: CompleteFn
) -> None:
    first = complete_inspection(place="甲")
    complete_inspection(place="乙")
    client = client_for(device, live_server.url)
    # Someone else's device already sent different content for the first record's revision 1.
    foreign = outbox.build_bundle(device, first)
    foreign = foreign.model_copy(update={"answers": []})
    token = login(live_server, "zhang")
    url = live_server.api(f"/inspections/{first}/revisions/1")
    assert requests.put(
        url, json=foreign.model_dump(mode="json"), headers=headers(token), timeout=5
    ).ok

    report = client.push()
    outcomes = [r.outcome for r in report.results]
    assert outcomes == ["conflict", "uploaded"]
    assert "未覆盖任何数据" in report.results[0].message
    assert outbox.counts(device) == {"conflict": 1, "done": 1}


def test_amendment_after_upload_goes_up_as_a_new_revision(
    live_server: LiveServer, device: Store, complete_inspection: CompleteFn
) -> None:
    inspection_id = complete_inspection()
    client = client_for(device, live_server.url)
    client.push()
    inspections.set_answer(
        device, inspection_id, "ar-01", "compliant", actor="张伟", amendment_reason="笔误"
    )
    report = client.push()
    assert [(r.key, r.outcome) for r in report.results] == [(f"{inspection_id}#2", "uploaded")]


def test_bundle_is_invisible_to_supervisors_until_every_photo_arrived(
    live_server: LiveServer, device: Store, complete_inspection: CompleteFn
) -> None:
    inspection_id = complete_inspection({"a.jpg": photo("p", 5000)})
    [item] = outbox.waiting(device)
    bundle = outbox.build_bundle(device, inspection_id)
    inspector, supervisor = login(live_server, "zhang"), login(live_server, "wang")
    url = live_server.api(f"/inspections/{inspection_id}/revisions/{item.revision}")
    answer = requests.put(
        url, json=bundle.model_dump(mode="json"), headers=headers(inspector), timeout=5
    )
    assert answer.json()["complete"] is False
    assert [m["sha256"] for m in answer.json()["missing"]] == [bundle.attachments[0].sha256]
    assert (
        requests.get(live_server.api("/inspections"), headers=headers(supervisor), timeout=5).json()
        == []
    )
    assert requests.get(url, headers=headers(supervisor), timeout=5).status_code == 404

    report = client_for(device, live_server.url).push()
    assert report.ok
    listed = requests.get(
        live_server.api("/inspections"), headers=headers(supervisor), timeout=5
    ).json()
    assert [r["complete"] for r in listed] == [True]


def test_a_wrong_file_is_refused_and_nothing_is_kept(
    live_server: LiveServer, device: Store, complete_inspection: CompleteFn
) -> None:
    inspection_id = complete_inspection({"a.jpg": photo("p", 5000)})
    bundle = outbox.build_bundle(device, inspection_id)
    token = login(live_server, "zhang")
    url = live_server.api(f"/inspections/{inspection_id}/revisions/1")
    requests.put(url, json=bundle.model_dump(mode="json"), headers=headers(token), timeout=5)
    sha = bundle.attachments[0].sha256
    wrong = requests.patch(
        live_server.api(f"/blobs/{sha}"),
        data=b"x" * 5000,
        headers={**headers(token), "Upload-Offset": "0"},
        timeout=5,
    )
    assert wrong.status_code == 422
    assert "SHA-256" in wrong.json()["detail"]
    too_long = requests.patch(
        live_server.api(f"/blobs/{sha}"),
        data=b"x" * 6000,
        headers={**headers(token), "Upload-Offset": "0"},
        timeout=5,
    )
    assert too_long.status_code == 413
    assert stored_files(live_server) == {}
    offset = requests.get(live_server.api(f"/blobs/{sha}"), headers=headers(token), timeout=5)
    assert offset.json() == {"sha256": sha, "offset": 0, "complete": False}


def test_a_withdrawn_record_stays_withdrawn_whatever_retries_come(
    live_server: LiveServer, device: Store, complete_inspection: CompleteFn
) -> None:
    inspection_id = complete_inspection()
    client_for(device, live_server.url).push()
    [item] = outbox.all_items(device)
    assert item.bundle is not None
    token, supervisor = login(live_server, "zhang"), login(live_server, "wang")
    withdraw = live_server.api(f"/inspections/{inspection_id}/withdraw")
    by_owner = requests.post(withdraw, json={"reason": "重复"}, headers=headers(token), timeout=5)
    assert (by_owner.status_code, by_owner.json()["detail"]) == (
        403,
        "只有科室负责人或管理员可以撤回检查记录",
    )
    done = requests.post(
        withdraw, json={"reason": "重复录入"}, headers=headers(supervisor), timeout=5
    )
    assert done.status_code == 204
    url = live_server.api(f"/inspections/{inspection_id}/revisions/1")
    again = requests.put(
        url, json=item.bundle.model_dump(mode="json"), headers=headers(token), timeout=5
    )
    assert again.status_code == 409
    assert "已被科室撤回" in again.json()["detail"]
    newer = live_server.api(f"/inspections/{inspection_id}/revisions/2")
    assert (
        requests.put(
            newer, json=item.bundle.model_dump(mode="json"), headers=headers(token), timeout=5
        ).status_code
        == 409
    )
    [listed] = requests.get(
        live_server.api("/inspections"), headers=headers(supervisor), timeout=5
    ).json()
    assert (listed["deleted"], listed["withdraw_reason"]) == (True, "重复录入")
    with live_server.storage().reading() as conn:  # still there: withdrawn, not deleted
        assert conn.execute("SELECT COUNT(*) FROM bundles").fetchone()[0] == 1
    [entry] = [
        e
        for e in bundles.audit_entries(live_server.storage(), "wang", 10)
        if e["action"] == "withdraw"
    ]
    assert (entry["target"], entry["detail"], entry["address"]) == (
        inspection_id,
        "重复录入",
        "127.0.0.1",
    )


def test_nobody_can_delete_a_record(
    live_server: LiveServer, device: Store, complete_inspection: CompleteFn
) -> None:
    inspection_id = complete_inspection()
    client_for(device, live_server.url).push()
    for user in ("zhang", "wang"):
        answer = requests.delete(
            live_server.api(f"/inspections/{inspection_id}"),
            headers=headers(login(live_server, user)),
            timeout=5,
        )
        assert answer.status_code == 404
        assert answer.json()["detail"] == "没有这个接口"
    assert bundles.stats(live_server.storage())["inspections"] == 1


def test_an_inspector_cannot_see_or_write_another_inspectors_record(
    live_server: LiveServer, device: Store, complete_inspection: CompleteFn
) -> None:
    inspection_id = complete_inspection()
    client_for(device, live_server.url).push()
    [item] = outbox.all_items(device)
    assert item.bundle is not None
    other = login(live_server, "li")
    url = live_server.api(f"/inspections/{inspection_id}/revisions/1")
    assert requests.get(url, headers=headers(other), timeout=5).status_code == 403
    answer = requests.put(
        url, json=item.bundle.model_dump(mode="json"), headers=headers(other), timeout=5
    )
    assert answer.status_code == 403
    assert "没有列出你为检查人员" in answer.json()["detail"]
    assert (
        requests.get(live_server.api("/inspections"), headers=headers(other), timeout=5).json()
        == []
    )


def test_a_record_rejected_for_a_missing_photo_can_be_retried(
    live_server: LiveServer, device: Store, complete_inspection: CompleteFn
) -> None:
    from inspector.attachments import file_path

    data = photo("gone", 4000)
    complete_inspection({"IMG_0999.jpg": data})
    sha = hashlib.sha256(data).hexdigest()
    kept = file_path(device, sha).read_bytes()  # as stored (encrypted): put back as it was
    file_path(device, sha).unlink()
    client = client_for(device, live_server.url)
    [result] = client.push().results
    assert (result.outcome, result.message) == (
        "rejected",
        "照片 IMG_0999.jpg 在本机找不到或大小不符，无法上传",
    )
    file_path(device, sha).write_bytes(kept)
    assert outbox.requeue_rejected(device) == 1
    assert client.push().ok
    assert outbox.counts(device) == {"done": 1}


def test_a_record_the_protocol_cannot_carry_is_rejected_and_the_rest_go_on(
    live_server: LiveServer, device: Store, complete_inspection: CompleteFn
) -> None:
    complete_inspection(place="很长" * 2000)
    complete_inspection()
    report = client_for(device, live_server.url).push()
    assert [r.outcome for r in report.results] == ["rejected", "uploaded"]
    assert "超出同步协议允许的范围" in report.results[0].message
