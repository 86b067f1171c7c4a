"""The dashboard's numbers, and the rows behind each bar."""

from datetime import date

import pytest

from inspector import dashboard, findings, rectification, tracker
from inspector.model import Severity
from inspector.store import Store
from inspector.tracker import TrackerFilter
from tests.supervisor_data import SUPERVISOR, add_checklist, add_register, add_roster, inspect

ON = date(2026, 11, 21)


@pytest.fixture
def office(store: Store) -> dict[str, str]:
    add_register(store, 12)
    add_roster(store)
    add_checklist(store)
    first, (overdue, soon) = inspect(
        store, "org-00000", [(Severity.SEVERE, "2026-11-10"), (Severity.MINOR, "2026-11-25")],
        started_at="2026-10-10T02:00:00+00:00",
    )  # fmt: skip
    second, (closed,) = inspect(
        store, "org-00003", [(Severity.SEVERE, "2026-11-01")],
        started_at="2026-09-03T02:00:00+00:00",
    )  # fmt: skip
    rectification.report_back(
        store, closed, reported_on="2026-10-30", text="已整改", actor=SUPERVISOR
    )
    findings.recheck(store, closed, passed=True, reason="已核实", actor=SUPERVISOR)
    inspect(store, "org-00004", [], approve=False, started_at="2025-06-01T02:00:00+00:00")
    return {"first": first, "second": second, "overdue": overdue, "soon": soon, "closed": closed}


def _bars(chart: dashboard.Chart) -> dict[str, int]:
    return {bar.label: bar.value for bar in chart.bars}


def test_findings_by_check_type_and_severity(store: Store, office: dict[str, str]) -> None:
    board = dashboard.load(store, on=ON)
    assert _bars(board.by_check_type)["抽查/专项"] == 3
    assert [b.label for b in board.by_severity.bars] == ["严重", "较重", "一般"]
    assert _bars(board.by_severity) == {"严重": 2, "较重": 0, "一般": 1}
    severe = board.by_severity.bars[0]
    assert set(severe.ids) == {office["overdue"], office["closed"]}


def test_rectification_rate(store: Store, office: dict[str, str]) -> None:
    board = dashboard.load(store, on=ON)
    assert _bars(board.rectification)["已整改"] == 1
    assert board.rectification_rate == pytest.approx(1 / 3)


def test_overdue_by_district_counts_only_findings_still_awaiting(
    store: Store, office: dict[str, str]
) -> None:
    # org-00000 is in 越秀区 (overdue); org-00003's finding in 天河区 is closed.
    board = dashboard.load(store, on=ON)
    assert _bars(board.overdue_by_district) == {"越秀区": 1}
    assert board.overdue_by_district.bars[0].ids == (office["overdue"],)


def test_inspections_per_month_has_every_month(store: Store, office: dict[str, str]) -> None:
    chart = dashboard.load(store, on=ON).inspections_per_month
    assert len(chart.bars) == 12
    assert chart.title == "每月检查次数（2025年12月—2026年11月）"
    assert [bar.label for bar in chart.bars[:2]] == ["12月", "1月"]
    assert _bars(chart)["10月"] == 1
    assert _bars(chart)["9月"] == 1
    assert chart.total == 2  # the 2025-06 inspection is older than a year
    assert chart.entity == "inspection"


def test_a_bar_clicks_through_to_its_rows(store: Store, office: dict[str, str]) -> None:
    board = dashboard.load(store, on=ON)
    closed_bar = next(b for b in board.rectification.bars if b.label == "已整改")
    rows = tracker.query(store, TrackerFilter(ids=closed_bar.ids, statuses=()), on=ON)
    assert [r.id for r in rows] == [office["closed"]]
    october = next(b for b in board.inspections_per_month.bars if b.label == "10月")
    (row,) = dashboard.inspections_by_ids(store, october.ids)
    assert row.id == office["first"]
    assert row.organization == "测试社会组织00000"


def test_an_empty_store_has_empty_charts(store: Store) -> None:
    board = dashboard.load(store, on=ON)
    assert board.rectification_rate is None
    assert all(chart.total == 0 for chart in board.charts())
