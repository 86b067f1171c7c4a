"""The numbers behind the supervisor's charts, each bar with the ids of the rows behind it so a
click can list them: findings by check type and by severity, rectification, overdue findings by
district, inspections per month. Findings count once their inspection is handed in.
"""

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from inspector.campaigns import months_before
from inspector.clock import today
from inspector.counts import overdue_ids
from inspector.model import FindingStatus, InspectionStatus
from inspector.store import Store
from inspector.worklists import InspectionRow

CHECK_TYPE_LABELS = {  # short: they sit under narrow bars
    "spot_check": "抽查/专项",
    "fee_audit": "涉企收费",
    "nonprofit_review": "非营利审查",
    "other": "其他",
}
SEVERITIES = ("严重", "较重", "一般")


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    ids: tuple[str, ...]  # finding or inspection ids, as the chart's ``entity`` says


@dataclass(frozen=True)
class Chart:
    title: str
    entity: str  # "finding" or "inspection"
    bars: tuple[Bar, ...]

    @property
    def total(self) -> int:
        return sum(bar.value for bar in self.bars)


@dataclass(frozen=True)
class Dashboard:
    by_check_type: Chart
    by_severity: Chart
    rectification: Chart
    overdue_by_district: Chart
    inspections_per_month: Chart

    @property
    def rectification_rate(self) -> float | None:
        """Closed findings as a share of all handed-in findings; None when there are none."""
        total = self.rectification.total
        closed = next(b.value for b in self.rectification.bars if b.label == "已整改")
        return closed / total if total else None

    def charts(self) -> tuple[Chart, ...]:
        return (
            self.by_check_type,
            self.by_severity,
            self.rectification,
            self.overdue_by_district,
            self.inspections_per_month,
        )


def load(store: Store, *, on: date | None = None, months: int = 12) -> Dashboard:
    """Every chart as of ``on`` (today); inspections per month cover the last ``months``.

    The four finding charts come from one pass over the handed-in findings: one joined read
    is several times cheaper than a grouped query per chart.
    """
    day = on or today()
    rows = store.db.execute(_FINDING_FACTS).fetchall()
    late = overdue_ids(store, on=day)  # the one meaning of 逾期, as every screen counts it
    overdue = [r for r in rows if r[0] in late]
    return Dashboard(
        by_check_type=_chart(
            "按检查类型统计问题", rows, 4, list(CHECK_TYPE_LABELS), CHECK_TYPE_LABELS
        ),
        by_severity=_chart("按严重程度统计问题", rows, 1, SEVERITIES),
        rectification=_chart(
            "整改情况",
            rows,
            2,
            [s.value for s in FindingStatus],
            {s.value: s.label for s in FindingStatus},
        ),
        overdue_by_district=_chart("各区县已逾期的整改问题", overdue, 5),
        inspections_per_month=_per_month(store, day, months),
    )


# id, severity, status, deadline, check type, district: one row per handed-in finding.
_FINDING_FACTS = (
    "SELECT f.id, f.severity, f.status, f.deadline, COALESCE(c.kind, 'other'), o.district"
    " FROM findings f JOIN inspections i ON i.id = f.inspection_id"
    " JOIN organizations o ON o.id = i.organization_id"
    " LEFT JOIN checklists c ON c.id = i.checklist_id AND c.version = i.checklist_version"
    " WHERE i.status IN ('completed', 'approved')"
)


def _chart(
    title: str,
    rows: list[tuple[str, ...]],
    column: int,
    order: Sequence[str] | None = None,
    labels: dict[str, str] | None = None,
) -> Chart:
    """Rows grouped by ``column``: bars in ``order`` (all shown), else largest first."""
    groups: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        groups[row[column] or ""].append(row[0])
    if order is None:
        keys = sorted(groups, key=lambda k: (-len(groups[k]), k))
    else:
        keys = list(order) + sorted(set(groups) - set(order))
    names = labels or {}
    bars = tuple(
        Bar(names.get(key, key or "未填区县"), len(groups[key]), tuple(groups[key])) for key in keys
    )
    return Chart(title, "finding", bars)


def _per_month(store: Store, day: date, months: int) -> Chart:
    first = months_before(day.replace(day=1), months - 1)
    rows = store.db.execute(
        "SELECT substr(started_at, 1, 7), COUNT(*), group_concat(id) FROM inspections"
        " WHERE status != 'draft' AND started_at >= ? GROUP BY 1",
        (first.isoformat(),),
    ).fetchall()
    found = {month: (count, tuple(ids.split(","))) for month, count, ids in rows}
    keys = [months_before(day.replace(day=1), back).isoformat()[:7] for back in range(months)]
    bars = tuple(Bar(_month_label(key), *found.get(key, (0, ()))) for key in reversed(keys))
    span = f"{_year_month(keys[-1])}—{_year_month(keys[0])}"
    return Chart(f"每月检查次数（{span}）", "inspection", bars)


def _year_month(key: str) -> str:
    return f"{key[:4]}年{int(key[5:])}月"


def _month_label(key: str) -> str:
    return f"{int(key[5:])}月"


def inspections_by_ids(store: Store, ids: tuple[str, ...]) -> list[InspectionRow]:
    """The inspections behind a bar, newest first."""
    rows = store.db.execute(
        "SELECT i.id, i.organization_id, o.name, COALESCE(c.title, i.checklist_id), i.status,"
        " i.started_at, i.updated_at FROM inspections i"
        " JOIN organizations o ON o.id = i.organization_id"
        " LEFT JOIN checklists c ON c.id = i.checklist_id AND c.version = i.checklist_version"
        " WHERE i.id IN (SELECT value FROM json_each(?)) ORDER BY i.started_at DESC",
        (json.dumps(list(ids)),),
    ).fetchall()
    return [InspectionRow(r[0], r[1], r[2], r[3], InspectionStatus(r[4]), r[5], r[6]) for r in rows]
