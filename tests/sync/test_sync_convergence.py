"""A Hypothesis state machine of a device and the server: whatever mix of new inspections,
amendments, report-backs with files after upload, cut connections, cancels and retries, one
clean push converges — every revision on the server once with the content the device froze,
every report-back applied once, every photo and file byte-identical, outbox empty."""

import hashlib
import shutil
import tempfile
from pathlib import Path

import requests
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    rule,
    run_state_machine_as_test,
)

from inspector import attachments, findings, inspections, onsite_record, rectification, roster
from inspector.clock import utc_now
from inspector.model import FindingDraft, Inspector, NewInspection, Severity
from inspector.store import open_store
from sync import outbox
from sync.client import SyncClient
from sync.transport import RetryPolicy
from tests.onsite import NOBODY_ON_SITE
from tests.stub_checklist import stub_definition
from tests.sync.faulty_proxy import FaultyProxy
from tests.sync.sync_support import PASSWORD, LiveServer, Watched, headers, photo

RETRY = RetryPolicy(attempts=6, base_delay=0.01, max_delay=0.05)
PHOTOS = [photo(f"sm{i}", 150_000 + 7_000 * i) for i in range(4)]


class DeviceAndServer(RuleBasedStateMachine):
    server: LiveServer
    proxy: FaultyProxy

    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="sync-sm-"))
        self.store = open_store(self.folder / "inspector.db")
        self.store.db["organizations"].insert(
            {
                "id": "org-1",
                "credit_code": "51100000500002862F",
                "name": "中国自动化学会",
                "kind": "social_group",
                "updated_at": utc_now(),
            }
        )
        self.store.db["checklists"].insert(
            {
                "id": "cl",
                "version": 1,
                "title": "测试",
                "kind": "other",
                "applies_to": "[]",
                "effective_date": "2026-01-01",
                "definition": stub_definition(),
                "content_hash": "x",
                "imported_at": utc_now(),
            }
        )
        for i, name in enumerate(("zhang", "zhao")):
            roster.add(self.store, Inspector(("张伟", "赵敏")[i], f"G-00{i}", id=f"roster-{name}"))
        SyncClient(self.store, self.server.url, retry=RETRY).login("zhang", PASSWORD)
        self.direct = SyncClient(self.store, self.server.url, retry=RETRY)
        self.faulty = SyncClient(self.store, self.proxy.url, retry=RETRY)
        self.completed: list[str] = []
        self.reported: list[str] = []

    @rule(photos=st.lists(st.integers(0, len(PHOTOS) - 1), max_size=2, unique=True))
    def complete_inspection(self, photos: list[int]) -> None:
        new = NewInspection("org-1", "cl", 1, ["roster-zhang", "roster-zhao"], utc_now())
        inspection_id = inspections.start(self.store, new, actor="张伟")
        inspections.set_answer(self.store, inspection_id, "q1", "compliant", actor="张伟")
        draft = FindingDraft("未按期报送年度工作报告", "", Severity.MINOR, "", 30, "2099-12-31")
        findings.add(self.store, inspection_id, draft, actor="张伟")
        for index in photos:
            path = self.folder / f"IMG_{index}.jpg"
            path.write_bytes(PHOTOS[index])
            attachments.add_file(self.store, inspection_id, path, actor="张伟")
        onsite_record.complete_on_site(self.store, inspection_id, NOBODY_ON_SITE, actor="张伟")
        self.completed.append(inspection_id)

    @rule(data=st.data())
    def amend(self, data: st.DataObject) -> None:
        if not self.completed:
            return
        inspection_id = data.draw(st.sampled_from(self.completed))
        value = data.draw(st.sampled_from(["compliant", "not_compliant", "not_applicable"]))
        inspections.set_answer(
            self.store, inspection_id, "q1", value, actor="张伟", amendment_reason="更正"
        )

    @rule(data=st.data(), files=st.lists(st.integers(0, len(PHOTOS) - 1), max_size=2, unique=True))
    def report_back(self, data: st.DataObject, files: list[int]) -> None:
        """The organization reports back on a finding (with files), before or after upload."""
        if not self.completed:
            return
        [finding] = findings.of_inspection(self.store, data.draw(st.sampled_from(self.completed)))
        if finding.status != "open":
            return
        paths = []
        for index in files:
            paths.append(self.folder / f"整改材料{index}.jpg")
            paths[-1].write_bytes(PHOTOS[index])
        rectification.report_back(
            self.store, finding.id, reported_on="2026-12-10", text="已整改", evidence=paths,
            actor="张伟",
        )  # fmt: skip
        self.reported.append(finding.id)

    @rule(cut_after=st.integers(20_000, 200_000), cuts=st.integers(0, 2))
    def push_over_a_bad_link(self, cut_after: int, cuts: int) -> None:
        self.proxy.cut_upload_after, self.proxy.cuts, self.proxy.cut_done = cut_after, cuts, 0
        self.faulty.push()

    @rule(after=st.integers(1, 6))
    def push_and_cancel(self, after: int) -> None:
        calls = [0]

        def cancelled() -> bool:
            calls[0] += 1
            return calls[0] > after

        self.direct.push(Watched(is_cancelled=cancelled))

    @invariant()
    def nothing_lost_locally(self) -> None:
        states = outbox.counts(self.store)
        assert set(states) <= {"pending", "sending", "done"}

    def teardown(self) -> None:
        report = self.direct.push()
        try:
            assert report.ok, report
            assert outbox.waiting(self.store) == []
            token = self.direct.transport.token
            for item in outbox.all_items(self.store):
                assert item.bundle is not None
                url = self.server.api(
                    f"/inspections/{item.inspection_id}/revisions/{item.revision}"
                )
                stored = requests.get(url, headers=headers(token), timeout=5).json()
                assert stored == item.bundle.model_dump(mode="json")
                for ref in item.bundle.attachments:
                    blob = self.server.data_dir / "blobs" / ref.sha256[:2] / ref.sha256
                    assert hashlib.sha256(blob.read_bytes()).hexdigest() == ref.sha256
            self.report_backs_converged()
        finally:
            self.store.close()
            shutil.rmtree(self.folder, ignore_errors=True)

    def report_backs_converged(self) -> None:
        """Each report-back applied on the server once; its files stored byte-identical.
        (The server outlives the examples: only this device's findings are looked at.)"""
        mine = {f.id for i in self.completed for f in findings.of_inspection(self.store, i)}
        storage = self.server.storage()
        with storage.reading() as conn:
            rows = conn.execute(
                "SELECT finding_id, kind, outcome, revision FROM field_changes"
            ).fetchall()
            statuses = dict(conn.execute("SELECT finding_id, status FROM findings").fetchall())
        assert sorted(tuple(r) for r in rows if r[0] in mine) == sorted(
            (finding_id, "report_back", "applied", 1) for finding_id in self.reported
        )
        for finding_id in mine:
            assert statuses[finding_id] == ("reported" if finding_id in self.reported else "open")
        for finding_id in self.reported:
            for file in attachments.for_finding(self.store, finding_id):
                blob = storage.blob_path(file.sha256)
                assert hashlib.sha256(blob.read_bytes()).hexdigest() == file.sha256


def test_device_and_server_converge(live_server: LiveServer) -> None:
    port = int(live_server.url.rsplit(":", 1)[1])
    proxy = FaultyProxy(port).start()
    DeviceAndServer.server, DeviceAndServer.proxy = live_server, proxy
    try:
        run_state_machine_as_test(
            DeviceAndServer,
            settings=settings(
                max_examples=6,
                stateful_step_count=6,
                deadline=None,
                suppress_health_check=list(HealthCheck),
            ),
        )
    finally:
        proxy.stop()
