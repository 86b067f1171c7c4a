"""Inspection and finding lifecycles through the real workflows, with the audit log."""

import json
from datetime import date

import pytest

from inspector import audit, findings, inspections, onsite_record, roster
from inspector.clock import utc_now
from inspector.errors import TransitionError, UserError
from inspector.lifecycle import is_overdue
from inspector.model import (
    Escalation,
    FindingDraft,
    FindingStatus,
    InspectionStatus,
    Inspector,
    NewInspection,
    Severity,
)
from inspector.store import INTEGRITY_ERRORS, Store
from tests.onsite import NOBODY_ON_SITE
from tests.stub_checklist import stub_definition

ACTOR = "张伟"
SUPERVISOR = "李科长"


@pytest.fixture
def inspection_id(store: Store) -> str:
    store.db["organizations"].insert(
        {
            "id": "org-1",
            "credit_code": "51100000500002862F",
            "name": "中国自动化学会",
            "kind": "social_group",
            "updated_at": utc_now(),
        }
    )
    store.db["checklists"].insert(
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
    people = [roster.add(store, Inspector((ACTOR, "李娜")[i], f"G-00{i}")) for i in range(2)]
    roster.add(store, Inspector(SUPERVISOR, "S-001", role="supervisor"))
    new = NewInspection("org-1", "cl", 1, [p.id for p in people], utc_now(), place="会议室")
    return inspections.start(store, new, actor=ACTOR)


def draft(days: int = 30, deadline: str | None = "2026-12-21") -> FindingDraft:
    return FindingDraft(
        "未按期报送年度工作报告",
        "《社会团体登记管理条例》第二十八条",
        Severity.MINOR,
        "补报年度工作报告",
        days,
        deadline,
    )


def status(store: Store, inspection_id: str) -> InspectionStatus:
    return inspections.status_of(store.db.conn, inspection_id)


def test_fewer_than_two_inspectors_is_refused(store: Store, inspection_id: str) -> None:
    new = NewInspection("org-1", "cl", 1, ["a", "a"], utc_now())
    with pytest.raises(UserError, match="不得少于两人"):
        inspections.start(store, new, actor=ACTOR)


def test_draft_to_completed_to_approved(store: Store, inspection_id: str) -> None:
    inspections.set_answer(store, inspection_id, "q1", "compliant", note="已查阅", actor=ACTOR)
    findings.add(store, inspection_id, draft(), actor=ACTOR)
    onsite_record.complete_on_site(store, inspection_id, NOBODY_ON_SITE, actor=ACTOR)
    inspections.approve(store, inspection_id, actor=SUPERVISOR)
    assert status(store, inspection_id) is InspectionStatus.APPROVED
    actions = [r[0] for r in store.db.execute("SELECT action FROM audit_log ORDER BY seq")]
    assert actions == ["start", "set_answer", "add", "confirm_onsite_record", "complete", "approve"]
    assert audit.verify(store) is None


def test_only_a_supervisor_approves_or_returns(store: Store, inspection_id: str) -> None:
    """One approve function, and it checks the role (an inspector's approve was let through)."""
    onsite_record.complete_on_site(store, inspection_id, NOBODY_ON_SITE, actor=ACTOR)
    for actor, refusal in (("李娜", "仅限审核人员"), ("路人", "名录中没有“路人”")):
        with pytest.raises(UserError, match=refusal):
            inspections.approve(store, inspection_id, actor=actor)
        with pytest.raises(UserError, match=refusal):
            inspections.return_to_inspector(store, inspection_id, reason="补照片", actor=actor)
    assert status(store, inspection_id) is InspectionStatus.COMPLETED
    inspections.return_to_inspector(store, inspection_id, reason="补照片", actor=SUPERVISOR)
    assert status(store, inspection_id) is InspectionStatus.RETURNED


def test_completed_is_read_only_and_amendment_needs_a_reason(
    store: Store, inspection_id: str
) -> None:
    inspections.set_answer(store, inspection_id, "q1", "compliant", actor=ACTOR)
    onsite_record.complete_on_site(store, inspection_id, NOBODY_ON_SITE, actor=ACTOR)
    with pytest.raises(TransitionError, match="只读"):
        inspections.set_answer(store, inspection_id, "q1", "not_compliant", actor=ACTOR)
    with pytest.raises(UserError, match="只读"):
        findings.add(store, inspection_id, draft(), actor=ACTOR)
    inspections.set_answer(
        store,
        inspection_id,
        "q1",
        "not_compliant",
        actor=ACTOR,
        amendment_reason="录入错误，现场实为不符合",
    )
    row = store.db.execute(
        "SELECT value FROM answers WHERE inspection_id = ?", (inspection_id,)
    ).fetchone()
    assert json.loads(row[0]) == "not_compliant"
    assert store.db.execute("SELECT revision FROM inspections").fetchone()[0] == 2
    last = store.db.execute("SELECT action, old, new FROM audit_log ORDER BY seq DESC").fetchone()
    assert last[0] == "amend_answer"
    assert json.loads(last[1])["value"] == "compliant"
    assert json.loads(last[2])["reason"] == "录入错误，现场实为不符合"


def test_return_needs_a_reason_and_reopens_for_editing(store: Store, inspection_id: str) -> None:
    onsite_record.complete_on_site(store, inspection_id, NOBODY_ON_SITE, actor=ACTOR)
    with pytest.raises(UserError, match="退回理由"):
        inspections.return_to_inspector(store, inspection_id, reason=" ", actor=SUPERVISOR)
    inspections.return_to_inspector(store, inspection_id, reason="缺少照片", actor=SUPERVISOR)
    assert status(store, inspection_id) is InspectionStatus.RETURNED
    inspections.set_answer(store, inspection_id, "q1", "compliant", actor=ACTOR)
    onsite_record.complete_on_site(store, inspection_id, NOBODY_ON_SITE, actor=ACTOR)
    assert status(store, inspection_id) is InspectionStatus.COMPLETED


def test_draft_cannot_be_approved(store: Store, inspection_id: str) -> None:
    with pytest.raises(TransitionError, match="不能从“草稿”变为“已审核”"):
        inspections.approve(store, inspection_id, actor=SUPERVISOR)


@pytest.mark.parametrize("missing", [None, ""])
def test_completion_refuses_a_finding_without_deadline(
    store: Store, inspection_id: str, missing: str | None
) -> None:
    findings.add(store, inspection_id, draft(deadline=missing), actor=ACTOR)
    with pytest.raises(UserError, match="1个问题未设定整改期限"):
        onsite_record.complete_on_site(store, inspection_id, NOBODY_ON_SITE, actor=ACTOR)
    assert status(store, inspection_id) is InspectionStatus.DRAFT


def test_finding_lifecycle_to_closure_and_escalation(store: Store, inspection_id: str) -> None:
    closed = findings.add(store, inspection_id, draft(), actor=ACTOR)
    escalated = findings.add(store, inspection_id, draft(), actor=ACTOR)
    findings.update(store, closed, {"severity": Severity.MAJOR.value}, actor=ACTOR)
    onsite_record.complete_on_site(store, inspection_id, NOBODY_ON_SITE, actor=ACTOR)
    inspections.approve(store, inspection_id, actor=SUPERVISOR)
    findings.report_back(store, closed, reported_on="2026-12-01", text="已补报", actor=ACTOR)
    with pytest.raises(UserError, match="仅限审核人员"):
        findings.recheck(store, closed, passed=True, reason="复查属实", actor="李娜")
    findings.recheck(store, closed, passed=True, reason="复查属实", actor=SUPERVISOR)
    findings.recheck(
        store,
        escalated,
        passed=False,
        reason="逾期未报告",
        actor=SUPERVISOR,
        new_deadline="2027-01-10",
    )
    with pytest.raises(UserError, match="理由"):
        findings.escalate(store, escalated, Escalation.INTERVIEW, reason="", actor=SUPERVISOR)
    with pytest.raises(UserError, match="仅限审核人员"):
        findings.escalate(store, escalated, Escalation.INTERVIEW, reason="约谈", actor="李娜")
    findings.escalate(store, escalated, Escalation.INTERVIEW, reason="约谈负责人", actor=SUPERVISOR)
    rows = dict(store.db.execute("SELECT id, status FROM findings").fetchall())
    assert rows == {closed: "closed", escalated: "escalated"}
    with pytest.raises(TransitionError, match="不能从“已整改”变为“已报告整改”"):
        findings.report_back(store, closed, reported_on="2026-12-02", text="再次", actor=ACTOR)
    assert audit.verify(store) is None


def test_overdue_is_derived_from_deadline_and_today() -> None:
    deadline = date(2026, 12, 21)
    assert not is_overdue(FindingStatus.OPEN, deadline, date(2026, 12, 21))
    assert is_overdue(FindingStatus.OPEN, deadline, date(2026, 12, 22))
    assert is_overdue(FindingStatus.REPORTED, deadline, date(2027, 1, 1))
    assert not is_overdue(FindingStatus.CLOSED, deadline, date(2027, 1, 1))
    assert not is_overdue(FindingStatus.OPEN, None, date(2027, 1, 1))


def test_change_and_audit_entry_commit_together(store: Store, inspection_id: str) -> None:
    store.db.execute(
        "CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'disk full'); END"
    )
    with pytest.raises(INTEGRITY_ERRORS, match="disk full"):
        inspections.set_answer(store, inspection_id, "q1", "compliant", actor=ACTOR)
    assert store.db["answers"].count == 0
