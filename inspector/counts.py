"""The numbers every screen shows, from one place: 工作台's tiles, 整改跟踪's filters and the
dashboard's overdue chart all count findings through ``tracker.count`` with the same filters,
so the same word gives the same number on every screen.

Words (one meaning each): 未销号 = not closed (the tracker's default list); 逾期 = the
deadline has passed and the finding is still awaiting rectification (待整改, 已报告整改,
复查未通过); 7 天内到期 = the deadline falls from today to 7 days ahead.
"""

from dataclasses import dataclass
from datetime import date

from inspector import tracker, worklists
from inspector.clock import today
from inspector.store import Store
from inspector.tracker import TrackerFilter

SOON_DAYS = 7
NOT_CLOSED = TrackerFilter()
OVERDUE = TrackerFilter(overdue=True)
DUE_SOON = TrackerFilter(due_within_days=SOON_DAYS)


@dataclass(frozen=True)
class Counts:
    open_tasks: int
    in_progress: int
    not_closed: int
    due_soon: int
    overdue: int
    waiting_upload: int


def counts(store: Store, *, on: date | None = None) -> Counts:
    """Every headline number as of ``on`` (today)."""
    day = on or today()
    return Counts(
        open_tasks=len(worklists.open_tasks(store)),
        in_progress=len(worklists.in_progress(store)),
        not_closed=tracker.count(store, NOT_CLOSED, on=day),
        due_soon=tracker.count(store, DUE_SOON, on=day),
        overdue=tracker.count(store, OVERDUE, on=day),
        waiting_upload=worklists.sync_state(store).waiting,
    )


def overdue_ids(store: Store, *, on: date | None = None) -> frozenset[str]:
    """The findings counted as 逾期, for charts that group them (the dashboard's districts)."""
    return frozenset(row.id for row in tracker.query(store, OVERDUE, on=on or today()))


@dataclass(frozen=True)
class StoreCounts:
    organizations: int
    inspectors: int
    checklists: int
    tasks: int
    inspections: int
    findings: int
    open_findings: int


def store_counts(store: Store) -> StoreCounts:
    """What the store holds, in one read (``open_findings``: 未销号 as the tracker counts)."""
    row = store.db.execute(
        """SELECT
            (SELECT COUNT(*) FROM organizations),
            (SELECT COUNT(*) FROM roster),
            (SELECT COUNT(*) FROM checklists),
            (SELECT COUNT(*) FROM tasks),
            (SELECT COUNT(*) FROM inspections),
            (SELECT COUNT(*) FROM findings)"""
    ).fetchone()
    organizations, inspectors, checklists, tasks, inspections, findings = row
    return StoreCounts(
        organizations, inspectors, checklists, tasks, inspections, findings,
        open_findings=tracker.count(store, NOT_CLOSED),
    )  # fmt: skip
