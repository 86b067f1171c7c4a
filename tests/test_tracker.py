"""The rectification tracker: filters, sorting, derived days left, and the office's actions."""

from datetime import date
from pathlib import Path

import pytest

from inspector import audit, findings, inspections, rectification, tracker
from inspector.errors import UserError
from inspector.model import Escalation, FindingDraft, FindingStatus, NewInspection, Severity
from inspector.store import Store
from inspector.tracker import SortKey, TrackerFilter
from tests.supervisor_data import SUPERVISOR, add_checklist, add_register, add_roster, inspect

ON = date(2026, 11, 21)


@pytest.fixture
def desk(store: Store) -> dict[str, str]:
    add_register(store, 12)
    add_roster(store)
    add_checklist(store)
    _, (overdue, due_soon) = inspect(
        store, "org-00000", [(Severity.SEVERE, "2026-11-10"), (Severity.MINOR, "2026-11-25")]
    )
    _, (later,) = inspect(store, "org-00004", [(Severity.MAJOR, "2026-12-20")])
    _, (unapproved,) = inspect(store, "org-00002", [(Severity.MINOR, "2026-11-22")], approve=False)
    _, (closed,) = inspect(store, "org-00007", [(Severity.MINOR, "2026-11-30")])
    rectification.report_back(
        store, closed, reported_on="2026-11-15", text="已补报年度报告", actor=SUPERVISOR
    )
    findings.recheck(store, closed, passed=True, reason="材料齐全", actor=SUPERVISOR)
    draft = inspections.start(
        store,
        NewInspection("org-00005", "spot-check-general", 1, ["p-00", "p-01"], "2026-11-01"),
        actor="检查员00",
    )
    findings.add(
        store,
        draft,
        FindingDraft("草稿中的问题", "", Severity.MINOR, "", 30, "2026-11-23"),
        actor="检查员00",
    )
    return {
        "overdue": overdue,
        "due_soon": due_soon,
        "later": later,
        "unapproved": unapproved,
        "closed": closed,
    }


def _ids(store: Store, wanted: TrackerFilter | None = None, **kw: object) -> list[str]:
    return [row.id for row in tracker.query(store, wanted or TrackerFilter(), on=ON, **kw)]  # type: ignore[arg-type]


def test_open_findings_of_handed_in_inspections_by_deadline(
    store: Store, desk: dict[str, str]
) -> None:
    assert _ids(store) == [desk["overdue"], desk["unapproved"], desk["due_soon"], desk["later"]]
    assert tracker.count(store, on=ON) == 4


def test_days_left_and_overdue_are_derived(store: Store, desk: dict[str, str]) -> None:
    rows = {row.id: row for row in tracker.query(store, on=ON)}
    assert rows[desk["overdue"]].days_left(ON) == -11
    assert rows[desk["overdue"]].overdue(ON)
    assert rows[desk["due_soon"]].days_left(ON) == 4
    assert not rows[desk["due_soon"]].overdue(ON)
    assert rows[desk["overdue"]].organization == "测试社会组织00000"
    assert rows[desk["overdue"]].checklist == "双随机抽查通用检查表"


def test_filters(store: Store, desk: dict[str, str]) -> None:
    assert _ids(store, TrackerFilter(overdue=True)) == [desk["overdue"]]
    assert _ids(store, TrackerFilter(due_within_days=7)) == [desk["unapproved"], desk["due_soon"]]
    assert _ids(store, TrackerFilter(severities=("较重",))) == [desk["later"]]
    assert _ids(store, TrackerFilter(kinds=("social_service",))) == [desk["later"]]
    assert _ids(store, TrackerFilter(districts=("天河区",))) == [desk["later"]]
    assert _ids(store, TrackerFilter(statuses=("closed",))) == [desk["closed"]]
    assert _ids(store, TrackerFilter(districts=("越秀区",), overdue=True)) == [desk["overdue"]]
    assert _ids(store, TrackerFilter(districts=("不存在区",))) == []


def test_sorting_and_paging(store: Store, desk: dict[str, str]) -> None:
    by_severity = _ids(store, sort=SortKey.SEVERITY)
    assert by_severity[0] == desk["overdue"]
    assert by_severity[1] == desk["later"]
    assert _ids(store, sort=SortKey.DEADLINE, descending=True)[0] == desk["later"]
    assert _ids(store, limit=2, offset=1) == [desk["unapproved"], desk["due_soon"]]


def test_report_back_keeps_evidence_and_recheck_failed_sets_a_new_deadline(
    store: Store, desk: dict[str, str], tmp_path: Path
) -> None:
    proof = tmp_path / "整改报告.pdf"
    proof.write_bytes(b"%PDF-1.4 report")
    rectification.report_back(
        store,
        desk["later"],
        reported_on="2026-11-20",
        text="已召开理事会整改",
        evidence=[proof],
        actor=SUPERVISOR,
    )
    assert rectification.evidence_of(store, desk["later"])[0][0] == "整改报告.pdf"
    findings.recheck(
        store,
        desk["later"],
        passed=False,
        reason="会议纪要缺少签名",
        new_deadline="2027-01-20",
        actor=SUPERVISOR,
    )
    (row,) = tracker.query(store, TrackerFilter(severities=("较重",)), on=ON)
    assert row.status is FindingStatus.NOT_RECTIFIED
    assert row.deadline == "2027-01-20"
    findings.escalate(
        store, desk["later"], Escalation.INTERVIEW, reason="二次复查仍未整改", actor=SUPERVISOR
    )
    (row,) = tracker.query(store, TrackerFilter(severities=("较重",)), on=ON)
    assert row.status is FindingStatus.ESCALATED
    assert row.escalation == "interview"
    assert audit.verify(store) is None


def test_inspectors_cannot_recheck_or_escalate(store: Store, desk: dict[str, str]) -> None:
    with pytest.raises(UserError, match="仅限审核人员"):
        findings.recheck(store, desk["overdue"], passed=True, reason="好", actor="检查员01")
    with pytest.raises(UserError, match="仅限审核人员"):
        findings.escalate(
            store, desk["overdue"], Escalation.INTERVIEW, reason="x", actor="检查员01"
        )


def test_missing_evidence_file_stops_the_report(
    store: Store, desk: dict[str, str], tmp_path: Path
) -> None:
    with pytest.raises(UserError, match="找不到整改材料文件"):
        rectification.report_back(
            store,
            desk["later"],
            reported_on="2026-11-20",
            text="已整改",
            evidence=[tmp_path / "nope.jpg"],
            actor=SUPERVISOR,
        )
    (row,) = tracker.query(store, TrackerFilter(severities=("较重",)), on=ON)
    assert row.status is FindingStatus.OPEN
