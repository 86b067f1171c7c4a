"""Finding changes made on a device after upload (report-back with its files, 复查, escalation):
each its own audited write on the server, the rule when both sides changed, and the changes
reaching other devices through the core workflows. Every test runs on SQLite and PostgreSQL."""

import hashlib
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from inspector import audit, findings, inspections, rectification
from inspector.attachments import read_bytes
from inspector.store import Store, open_store
from sync import outbox, state
from sync.client import SyncClient
from sync.server import bundles
from tests.sync.faulty_proxy import FaultyProxy
from tests.sync.sync_support import (
    FAST_RETRY,
    CompleteFn,
    LiveServer,
    client_for,
    headers,
    photo,
)
from tests.sync.test_sync_push import login
from tests.sync.test_sync_review import publish_reference_data


def finding_of(store: Store, inspection_id: str) -> findings.Finding:
    [finding] = findings.of_inspection(store, inspection_id)
    return finding


def server_finding(server: LiveServer, finding_id: str) -> tuple[str, int]:
    with server.storage().reading() as conn:
        row = conn.execute(
            "SELECT status, revision FROM findings WHERE finding_id = ?", (finding_id,)
        ).fetchone()
    return str(row[0]), int(row[1])


def server_changes(server: LiveServer, finding_id: str) -> list[tuple[str, str, int | None]]:
    with server.storage().reading() as conn:
        rows = conn.execute(
            "SELECT kind, outcome, revision FROM field_changes WHERE finding_id = ?"
            " ORDER BY received_at, change_id",
            (finding_id,),
        ).fetchall()
    return [(str(r[0]), str(r[1]), r[2]) for r in rows]


def put_change(
    server: LiveServer, token: str, finding_id: str, change_id: str, **body: Any
) -> requests.Response:
    change = {"made_by": "张伟", "made_at": "2026-12-01T08:00:00+00:00", **body}
    return requests.put(
        server.api(f"/findings/{finding_id}/changes/{change_id}"),
        json=change,
        headers=headers(token),
        timeout=5,
    )


def office_status(server: LiveServer, token: str, finding_id: str, status: str) -> None:
    answer = requests.post(
        server.api(f"/findings/{finding_id}/status"),
        json={"status": status, "reason": "科室复核"},
        headers=headers(token),
        timeout=5,
    )
    assert answer.status_code == 200, answer.text


REPORT = {"kind": "report_back", "text": "已补报年度工作报告", "reported_on": "2026-12-10"}
PASSED = {"kind": "recheck_passed", "reason": "现场复查已整改"}


@pytest.fixture
def uploaded(device: Store, complete_inspection: CompleteFn, live_server: LiveServer) -> str:
    """A completed inspection with one finding, pushed by zhang; returns the finding id."""
    inspection_id = complete_inspection({"IMG_0001.jpg": photo("field", 20_000)})
    assert client_for(device, live_server.url).push().ok
    return finding_of(device, inspection_id).id


def test_a_report_back_goes_up_with_its_files_as_its_own_audited_write(
    live_server: LiveServer, device: Store, uploaded: str, tmp_path: Path
) -> None:
    letter = tmp_path / "整改报告.pdf"
    letter.write_bytes(b"%PDF-1.4 " + photo("letter", 30_000))
    rectification.report_back(
        device, uploaded, reported_on="2026-12-10", text="已补报", evidence=[letter], actor="张伟"
    )
    [waiting] = [r for r in outbox.summary(device)["records"] if "finding_id" in r]
    assert waiting["label"] == "整改情况报告「中国自动化学会」未按期报送年度工作报告"
    assert outbox.preview(device).changes == 1 and outbox.preview(device).inspections == 0
    assert outbox.preview(device).bytes == letter.stat().st_size

    report = client_for(device, live_server.url).push()
    assert [(r.outcome, r.message) for r in report.results] == [
        ("uploaded", "已上传，服务器已记录（问题为第 1 版）")
    ]
    assert server_finding(live_server, uploaded) == ("reported", 1)
    assert server_changes(live_server, uploaded) == [("report_back", "applied", 1)]
    sha = hashlib.sha256(letter.read_bytes()).hexdigest()
    assert live_server.storage().blob_path(sha).read_bytes() == letter.read_bytes()
    entries = bundles.audit_entries(live_server.storage(), "zhang", 10)
    actions = [e["action"] for e in entries]
    assert actions[:3] == ["field_change_applied", "file", "field_change"]
    for entry in entries[:3]:
        assert (entry["device_id"], entry["address"]) == (state.device_id(device), "127.0.0.1")
    assert client_for(device, live_server.url).push().results == []  # nothing left to send


def test_a_resent_change_is_applied_once_and_other_content_under_its_id_is_refused(
    live_server: LiveServer, uploaded: str
) -> None:
    token = login(live_server, "zhang")
    change_id = str(uuid.uuid4())
    first = put_change(live_server, token, uploaded, change_id, base_revision=0, **REPORT)
    again = put_change(live_server, token, uploaded, change_id, base_revision=0, **REPORT)
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json()
    assert first.json()["outcome"] == "applied"
    assert server_finding(live_server, uploaded) == ("reported", 1)
    other = put_change(
        live_server, token, uploaded, change_id, base_revision=0, **{**REPORT, "text": "别的"}
    )
    assert other.status_code == 409
    assert other.json()["detail"] == "服务器上已有这条问题变更，但内容不同；未覆盖任何数据"
    assert server_changes(live_server, uploaded) == [("report_back", "applied", 1)]


def test_a_change_whose_answer_was_lost_is_not_applied_twice(
    live_server: LiveServer, device: Store, uploaded: str
) -> None:
    findings.report_back(device, uploaded, reported_on="2026-12-10", text="已补报", actor="张伟")
    client = client_for(device, live_server.url)
    assert client.push().ok
    # As if the answer had been lost: the row is still 'sending', frozen as sent.
    device.db.execute("UPDATE sync_field_changes SET state = 'sending'")
    assert [r.outcome for r in client.push().results] == ["uploaded"]
    assert server_changes(live_server, uploaded) == [("report_back", "applied", 1)]
    assert server_finding(live_server, uploaded) == ("reported", 1)


def test_who_may_send_which_change(live_server: LiveServer, uploaded: str) -> None:
    def put(user: str, body: dict[str, Any], base: int = 0) -> requests.Response:
        token = login(live_server, user)
        change_id = str(uuid.uuid4())
        return put_change(live_server, token, uploaded, change_id, base_revision=base, **body)

    outsider = put("li", REPORT)
    assert outsider.status_code == 403
    assert outsider.json()["detail"] == bundles.NOT_YOURS
    recheck = put("zhang", {"kind": "recheck_passed", "reason": "已整改"})
    assert recheck.status_code == 403
    assert recheck.json()["detail"] == "只有科室负责人或管理员可以上传复查结论（合格）"
    assert put("zhao", REPORT).json()["outcome"] == "applied"  # the co-inspector
    assert put("wang", PASSED, base=1).json()["outcome"] == "applied"  # a supervisor's 复查
    assert server_finding(live_server, uploaded) == ("closed", 2)
    unknown = put_change(
        live_server,
        login(live_server, "wang"),
        str(uuid.uuid4()),
        str(uuid.uuid4()),
        base_revision=0,
        **PASSED,
    )
    assert unknown.status_code == 404
    empty = put("zhang", {**REPORT, "text": " "})
    assert empty.status_code == 422


def test_the_rule_when_both_sides_changed(live_server: LiveServer, uploaded: str) -> None:
    """Every branch of ``sync.server.field_changes._settle``."""
    zhang, wang = login(live_server, "zhang"), login(live_server, "wang")

    def put(token: str, base: int, body: dict[str, Any]) -> dict[str, Any]:
        answer = put_change(
            live_server, token, uploaded, str(uuid.uuid4()), base_revision=base, **body
        )
        assert answer.status_code == 200, answer.text
        return dict(answer.json())

    # A base the server never issued.
    beyond = put_change(live_server, zhang, uploaded, str(uuid.uuid4()), base_revision=5, **REPORT)
    assert beyond.status_code == 422
    # The office decides (revision 1); a 复查 recorded offline on revision 0 is not applied.
    office_status(live_server, wang, uploaded, "not_rectified")
    stale = put(wang, 0, PASSED)
    assert (stale["outcome"], stale["status"], stale["revision"]) == (
        "conflict",
        "not_rectified",
        1,
    )
    assert "科室的记录保留" in stale["detail"]
    # A report-back made on revision 0 still applies: the office awaits one (复查未通过).
    late = put(zhang, 0, REPORT)
    assert (late["outcome"], late["status"], late["revision"]) == ("applied", "reported", 2)
    # On the current revision a 复查 applies.
    assert put(wang, 2, PASSED)["outcome"] == "applied"
    assert server_finding(live_server, uploaded) == ("closed", 3)
    # A report-back on an old revision once the office closed the finding: a conflict.
    closed = put(zhang, 1, REPORT)
    assert (closed["outcome"], closed["status"]) == ("conflict", "closed")
    # Even on the current revision, a step the lifecycle does not allow is a conflict.
    current = put(zhang, 3, REPORT)
    assert current["outcome"] == "conflict"
    assert current["detail"].startswith("问题在科室的状态为“已整改”，不能再记录整改情况报告")
    assert server_finding(live_server, uploaded) == ("closed", 3)
    # Nothing was dropped: every change is stored, and each conflict is audited and published
    # to supervisors.
    outcomes = sorted(outcome for _k, outcome, _r in server_changes(live_server, uploaded))
    assert outcomes == ["applied", "applied", "conflict", "conflict", "conflict"]
    actions = [e["action"] for e in bundles.audit_entries(live_server.storage(), None, 50)]
    assert actions.count("field_change_conflict") == 3
    stats = bundles.stats(live_server.storage())  # `inspector server stats`
    assert (stats["field_changes"], stats["field_conflicts"]) == (2, 3)
    page = requests.get(live_server.api("/changes"), headers=headers(wang), timeout=5).json()
    published = [c["data"] for c in page["changes"] if c["entity"] == "finding_change"]
    assert sorted(d["outcome"] for d in published) == outcomes
    li = requests.get(
        live_server.api("/changes"), headers=headers(login(live_server, "li")), timeout=5
    )
    assert [c for c in li.json()["changes"] if c["entity"] == "finding_change"] == []


def test_report_back_and_recheck_reach_the_desk_and_back_through_the_workflows(
    live_server: LiveServer, device: Store, complete_inspection: CompleteFn, tmp_path: Path
) -> None:
    publish_reference_data(live_server)
    inspection_id = complete_inspection()
    inspector = client_for(device, live_server.url)
    assert inspector.push().ok
    finding_id = finding_of(device, inspection_id).id
    letter = tmp_path / "整改报告.jpg"
    letter.write_bytes(photo("evidence", 25_000))
    rectification.report_back(
        device, finding_id, reported_on="2026-12-10", text="已补报", evidence=[letter], actor="张伟"
    )
    assert inspector.push().ok

    (tmp_path / "desk").mkdir()
    desk_store = open_store(tmp_path / "desk" / "inspector.db")
    desk = client_for(desk_store, live_server.url, user="wang")
    pulled = desk.pull()  # the change comes before the import: kept, applied after it
    assert pulled.imported == 1
    assert "问题「未按期报送年度工作报告」：已采用 张伟 的整改情况报告" in pulled.notes
    assert finding_of(desk_store, inspection_id).status == "reported"
    report = rectification.latest_report(desk_store, finding_id)
    assert report is not None and (report.text, report.reported_on) == ("已补报", "2026-12-10")
    [file] = report.files
    assert read_bytes(desk_store, file.sha256) == letter.read_bytes()
    entry = desk_store.db.execute(
        "SELECT actor, new FROM audit_log WHERE entity = 'finding' AND action = 'report_back'"
    ).fetchone()
    assert entry[0] == "张伟" and '"via":"server:zhang"' in entry[1]

    findings.recheck(desk_store, finding_id, passed=True, reason="材料齐全", actor="王主任")
    inspections.approve(desk_store, inspection_id, actor="王主任")
    assert [r.outcome for r in desk.push().results] == ["uploaded", "uploaded"]
    assert server_finding(live_server, finding_id) == ("closed", 2)
    assert desk.pull().notes == []  # its own change comes back and changes nothing

    back = inspector.pull()
    assert "问题「未按期报送年度工作报告」：已采用 王主任 的复查结论（合格）" in back.notes
    assert finding_of(device, inspection_id).status == "closed"
    last = device.db.execute(
        "SELECT actor, action FROM audit_log WHERE entity = 'finding' ORDER BY seq DESC LIMIT 1"
    ).fetchone()
    assert tuple(last) == ("王主任", "recheck_passed")
    assert audit.verify(device) is None and audit.verify(desk_store) is None
    desk_store.close()


def test_an_offline_recheck_meeting_an_office_decision_is_a_conflict_shown_to_both(
    live_server: LiveServer, device: Store, complete_inspection: CompleteFn, tmp_path: Path
) -> None:
    """The brief's case: a supervisor's decision on the server, and a 复查 recorded offline on
    the same finding on a desk. The office's decision stays; the 复查 is kept as a conflict."""
    publish_reference_data(live_server)
    inspection_id = complete_inspection()
    inspector = client_for(device, live_server.url)
    assert inspector.push().ok
    finding_id = finding_of(device, inspection_id).id
    findings.report_back(device, finding_id, reported_on="2026-12-10", text="已补报", actor="张伟")
    assert inspector.push().ok
    (tmp_path / "desk").mkdir()
    desk_store = open_store(tmp_path / "desk" / "inspector.db")
    desk = client_for(desk_store, live_server.url, user="wang")
    assert desk.pull().imported == 1

    # Offline on the desk: a 复查 passed. Meanwhile at the office: not rectified.
    findings.recheck(desk_store, finding_id, passed=True, reason="现场看过", actor="王主任")
    office_status(live_server, login(live_server, "wang"), finding_id, "not_rectified")
    [result] = desk.push().results
    assert result.outcome == "conflict"
    assert result.message.startswith(
        "与科室记录冲突，未采用：复查结论（合格）是在问题第 1 版上作出的"
    )
    assert server_finding(live_server, finding_id) == ("not_rectified", 2)
    assert server_changes(live_server, finding_id)[-1] == ("recheck_passed", "conflict", 2)
    # The desk now shows the office's status; its own 复查 stays in the audit log.
    assert finding_of(desk_store, inspection_id).status == "not_rectified"
    assert outbox.summary(desk_store)["records"][0]["state_label"] == "版本冲突"

    # Another supervisor's desk sees the conflict with both sides.
    (tmp_path / "desk2").mkdir()
    other = open_store(tmp_path / "desk2" / "inspector.db")
    notes = client_for(other, live_server.url, user="wang").pull().notes
    assert any("王主任 的复查结论（合格）与科室记录冲突，未采用" in n for n in notes), notes
    [conflict] = findings.field_conflicts(other, finding_id)
    assert (conflict["kind"], conflict["reason"], conflict["office_status"]) == (
        "recheck_passed",
        "现场看过",
        "not_rectified",
    )
    other.close()
    desk_store.close()


def test_a_report_back_waits_for_its_inspection_to_be_uploaded(
    live_server: LiveServer, device: Store, complete_inspection: CompleteFn
) -> None:
    inspection_id = complete_inspection()
    finding_id = finding_of(device, inspection_id).id
    findings.report_back(device, finding_id, reported_on="2026-12-10", text="已补报", actor="张伟")
    results = client_for(device, live_server.url).push().results
    assert [r.outcome for r in results] == ["uploaded", "uploaded"]  # bundle first, then change
    assert server_finding(live_server, finding_id) == ("reported", 1)


def test_changes_on_top_of_one_another_stand_on_the_revision_the_first_made(
    live_server: LiveServer, device: Store, uploaded: str, tmp_path: Path
) -> None:
    publish_reference_data(live_server)
    client_for(device, live_server.url).pull()  # the roster, with 王主任 as supervisor
    findings.report_back(device, uploaded, reported_on="2026-12-10", text="已补报", actor="张伟")
    findings.recheck(
        device, uploaded, passed=False, reason="仍未报送", actor="王主任", new_deadline="2027-01-31"
    )
    supervisor = client_for(device, live_server.url, user="wang")
    assert [r.outcome for r in supervisor.push().results] == ["uploaded", "uploaded"]
    assert server_finding(live_server, uploaded) == ("not_rectified", 2)
    assert server_changes(live_server, uploaded) == [
        ("report_back", "applied", 1),
        ("recheck_failed", "applied", 2),
    ]


@pytest.fixture
def proxy(live_server: LiveServer) -> Iterator[FaultyProxy]:
    running = FaultyProxy(int(live_server.url.rsplit(":", 1)[1])).start()
    yield running
    running.stop()


def reported_with(device: Store, finding_id: str, folder: Path, *files: bytes) -> list[bytes]:
    paths = []
    for index, data in enumerate(files):
        paths.append(folder / f"整改材料{index}.jpg")
        paths[-1].write_bytes(data)
    rectification.report_back(
        device, finding_id, reported_on="2026-12-10", text="已补报", evidence=paths, actor="张伟"
    )
    return list(files)


def assert_applied_once(
    server: LiveServer, device: Store, finding_id: str, files: list[bytes]
) -> None:
    assert server_changes(server, finding_id) == [("report_back", "applied", 1)]
    assert server_finding(server, finding_id) == ("reported", 1)
    for data in files:
        assert server.storage().blob_path(hashlib.sha256(data).hexdigest()).read_bytes() == data
    assert outbox.counts(device) == {"done": 2}  # the bundle and the change
    with server.storage().reading() as conn:
        published = conn.execute(
            "SELECT COUNT(*) FROM entities WHERE entity = 'finding_change'"
        ).fetchone()[0]
    assert published == 1


def test_an_evidence_file_cut_mid_body_resumes_and_the_change_applies_once(
    live_server: LiveServer, proxy: FaultyProxy, device: Store, uploaded: str, tmp_path: Path
) -> None:
    files = reported_with(device, uploaded, tmp_path, photo("cut-evidence", 1_500_000))
    proxy.cut_upload_after, proxy.cuts = 700_000, 2
    report = SyncClient(device, proxy.url, retry=FAST_RETRY).push()
    assert report.ok, report
    assert proxy.cut_done == 2
    assert "照片 整改材料0.jpg 上传中断，已自动续传" in report.results[0].notes
    assert_applied_once(live_server, device, uploaded, files)


def test_lost_answers_after_the_server_committed_apply_the_change_once(
    live_server: LiveServer, proxy: FaultyProxy, device: Store, uploaded: str, tmp_path: Path
) -> None:
    files = reported_with(device, uploaded, tmp_path, photo("lost-evidence", 50_000))
    proxy.drops = 3  # the change's answer, then the file's, then the settling one's
    report = SyncClient(device, proxy.url, retry=FAST_RETRY).push()
    assert report.ok, report
    assert proxy.drop_done == 3
    assert_applied_once(live_server, device, uploaded, files)


def test_server_errors_after_commit_change_nothing(
    flaky_server: LiveServer, device: Store, complete_inspection: CompleteFn, tmp_path: Path
) -> None:
    inspection_id = complete_inspection()
    client = client_for(device, flaky_server.url)
    assert client.push().ok
    finding_id = finding_of(device, inspection_id).id
    files = reported_with(device, finding_id, tmp_path, photo("e1", 40_000), photo("e2", 30_000))
    report = client.push()
    assert report.ok, report
    assert_applied_once(flaky_server, device, finding_id, files)


def test_an_escalation_reaches_the_inspectors_device_with_its_measure(
    live_server: LiveServer, device: Store, uploaded: str
) -> None:
    wang = login(live_server, "wang")
    office_status(live_server, wang, uploaded, "not_rectified")
    body = {"kind": "escalate", "reason": "逾期仍未整改", "escalation": "interview"}
    stale = put_change(live_server, wang, uploaded, str(uuid.uuid4()), base_revision=0, **body)
    assert stale.json()["outcome"] == "conflict"  # made before the office's decision
    applied = put_change(live_server, wang, uploaded, str(uuid.uuid4()), base_revision=1, **body)
    assert (applied.json()["outcome"], applied.json()["status"]) == ("applied", "escalated")
    client_for(device, live_server.url).pull()
    [finding] = findings.of_inspection(
        device, finding_of(device, inspections_of(device)).inspection_id
    )
    assert (finding.status, finding.escalation) == ("escalated", "interview")
    [conflict] = findings.field_conflicts(device, uploaded)
    assert (conflict["kind"], conflict["office_status"]) == ("escalate", "not_rectified")


def inspections_of(device: Store) -> str:
    [row] = device.db.execute("SELECT id FROM inspections").fetchall()
    return str(row[0])
