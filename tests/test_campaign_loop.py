"""The whole loop through the core: draw a campaign, inspect, review, approve, issue the
notice, take the report-back, re-check and close."""

import json
from datetime import date, datetime
from pathlib import Path

import pytest

from checklists.library import import_builtin_checklists
from inspector import (
    audit,
    campaign_records,
    campaigns,
    dashboard,
    deadlines,
    findings,
    inspections,
    onsite_record,
    rectification,
    review,
    service,
    tracker,
)
from inspector.campaigns import Criteria, SampleRule
from inspector.clock import OFFICE_TZ
from inspector.errors import UserError
from inspector.finding_templates import legal_basis_text
from inspector.model import FindingDraft, FindingStatus, InspectionStatus, NewInspection, Severity
from inspector.store import Store
from reports.generate import Format, write_notice
from tests.onsite import NOBODY_ON_SITE
from tests.supervisor_data import ANNUAL_REPORT_BASES, SUPERVISOR, add_register, add_roster

ON = date(2026, 11, 21)


def test_draw_to_closed_finding(store: Store, tmp_path: Path) -> None:
    add_register(store, 40)
    add_roster(store)
    import_builtin_checklists(store)

    # 1. The supervisor draws the campaign; tasks appear for the drawn pairs.
    drawn = campaigns.draw(store, Criteria(), SampleRule(level="province"), seed="Q4", as_of=ON)
    campaign_id = campaigns.create(
        store, drawn, name="第四季度双随机抽查", checklist_id="spot-check-general",
        due_date="2026-12-31", actor=SUPERVISOR,
    )  # fmt: skip
    (first, *_) = campaign_records.targets(store, campaign_id)
    assert len(drawn.targets) == 2  # 5% of 40

    # 2. The drawn pair inspects the organization and finds a problem.
    kind = store.db["organizations"].get(first.organization_id)["kind"]
    inspector = store.db.execute(
        "SELECT name FROM roster WHERE id = ?", (first.inspector_ids[0],)
    ).fetchone()[0]
    inspection_id = inspections.start(
        store,
        NewInspection(
            first.organization_id, "spot-check-general", 2, list(first.inspector_ids),
            "2026-11-21T01:30:00+00:00", task_id=first.task_id,
        ),
        actor=inspector,
    )  # fmt: skip
    inspections.set_answer(store, inspection_id, "ar-01", "not_compliant", actor=inspector)
    finding_id = findings.add(
        store,
        inspection_id,
        FindingDraft(
            "未按规定报送2025年度工作报告", legal_basis_text(ANNUAL_REPORT_BASES, kind),
            Severity.MAJOR, "限期报送年度工作报告", 30, "2026-12-21", item_id="ar-01",
        ),
        actor=inspector,
    )  # fmt: skip
    onsite_record.complete_on_site(store, inspection_id, NOBODY_ON_SITE, actor=inspector)

    # 3. Review: the inspector cannot approve; the supervisor returns, then approves.
    assert [w.id for w in review.queue(store)] == [inspection_id]
    with pytest.raises(UserError, match="仅限审核人员"):
        inspections.approve(store, inspection_id, actor=inspector)
    inspections.return_to_inspector(store, inspection_id, reason="请补充现场照片", actor=SUPERVISOR)
    assert review.queue(store) == []
    onsite_record.complete_on_site(store, inspection_id, NOBODY_ON_SITE, actor=inspector)
    inspections.approve(store, inspection_id, actor=SUPERVISOR)
    status = store.db.execute("SELECT status FROM inspections WHERE id = ?", (inspection_id,))
    assert status.fetchone()[0] == InspectionStatus.APPROVED.value

    # 4. The notice is issued with a number.
    written = write_notice(store, inspection_id, tmp_path, [Format.DOCX], actor=SUPERVISOR)
    assert written.number.endswith("〔2026〕1号")
    assert written.paths[0].exists()

    # 5. The tracker shows the finding; the organization reports back; the re-check closes it.
    (row,) = tracker.query(store, on=ON)
    assert (row.id, row.deadline) == (finding_id, None)  # 待送达: the period runs from service
    served = datetime.now(OFFICE_TZ)
    service.record(
        store, inspection_id,
        service.ServiceInput(served, service.Method.DIRECT, ("张明", "李华"), recipient="秘书长"),
        actor=SUPERVISOR,
    )  # fmt: skip
    (row,) = tracker.query(store, on=ON)
    assert row.deadline == deadlines.from_service(served.date(), 30).isoformat()
    proof = tmp_path / "年度报告回执.jpg"
    proof.write_bytes(b"\xff\xd8\xff proof")
    rectification.report_back(
        store, finding_id, reported_on="2026-12-10", text="已补报年度工作报告",
        evidence=[proof], actor=SUPERVISOR,
    )  # fmt: skip
    findings.recheck(store, finding_id, passed=True, reason="已核实报送回执", actor=SUPERVISOR)
    assert tracker.query(store, on=ON) == []
    (closed,) = tracker.query(store, tracker.TrackerFilter(statuses=("closed",)), on=ON)
    assert closed.status is FindingStatus.CLOSED
    assert dashboard.load(store, on=ON).rectification_rate == 1.0

    # 6. Every step is in an unbroken audit log.
    actions = [
        (entity, action)
        for entity, action in store.db.execute(
            "SELECT entity, action FROM audit_log ORDER BY seq"
        ).fetchall()
        if entity in ("campaign", "inspection", "notice", "finding")
    ]
    assert actions == [
        ("campaign", "draw"),
        ("inspection", "start"),
        ("finding", "add"),
        ("inspection", "confirm_onsite_record"),
        ("inspection", "complete"),
        ("inspection", "return"),
        ("inspection", "confirm_onsite_record"),
        ("inspection", "complete"),
        ("inspection", "approve"),
        ("notice", "issue"),
        ("finding", "deadline_awaits_service"),
        ("notice", "serve"),
        ("finding", "deadline_from_service"),
        ("finding", "report_back"),
        ("finding", "recheck_passed"),
    ]
    assert audit.verify(store) is None
    task = store.db.execute(
        "SELECT campaign_id, inspector_ids FROM tasks WHERE id = ?", (first.task_id,)
    )
    campaign, ids = task.fetchone()
    assert campaign == campaign_id and json.loads(ids) == list(first.inspector_ids)
