"""Tables to hand on: findings, inspections, the tracker and a campaign's published list
一公开, written as XLSX (openpyxl) or CSV in UTF-8 with a BOM so Excel reads the Chinese right.

Cells are typed: dates are ``date`` (an XLSX date cell shown 2026-11-21, UX.md; ISO text in a
CSV), counts and days are ``int``, statuses and kinds their Chinese labels. Codes stay text:
in a CSV a code a spreadsheet would read as a number (all digits: about 1 in 3 credit codes)
is written ``="…"``, which Excel and LibreOffice both show as the text itself.
"""

import csv
import os
import re
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from inspector import campaign_records, jobs, tracker
from inspector.clock import to_local, today
from inspector.errors import UserError
from inspector.model import Escalation, FindingStatus, InspectionStatus, OrgKind
from inspector.store import Store
from inspector.tracker import TrackerRow

Cell = str | int | float | date | None
ROWS_PER_STEP = 500  # progress and the cancel check, every so many rows
# Columns holding codes: text even where every character is a digit.
TEXT_HEADERS = frozenset({"统一社会信用代码", "登记证号"})
_LOOKS_NUMERIC = re.compile(r"[0-9.eE+-]+")
DATE_FORMAT = "yyyy-mm-dd"


def _process_umask() -> int:
    """The umask, read once at import (reading it means setting it: not safe with threads)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK = _process_umask()


@dataclass(frozen=True)
class Sheet:
    title: str
    headers: tuple[str, ...]
    rows: list[tuple[Cell, ...]]


def write(sheet: Sheet, path: Path, job: jobs.Job = jobs.UNWATCHED) -> Path:
    """Write ``sheet`` as .xlsx or .csv (by the file's suffix), never leaving half a file.

    ``job`` sees the rows written; a cancel (``jobs.Cancelled``) leaves no file behind.
    """
    writers: dict[str, Callable[[Sheet, Path, jobs.Job], None]] = {".xlsx": _xlsx, ".csv": _csv}
    writer = writers.get(path.suffix.lower())
    if writer is None:
        raise UserError(f"不支持的导出格式：{path.name}；请使用 .xlsx 或 .csv")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".part-", suffix=path.suffix)
        os.close(fd)
        try:
            writer(sheet, Path(tmp), job)
            os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp made it private; the export is not
            os.replace(tmp, path)
        finally:
            Path(tmp).unlink(missing_ok=True)
    except OSError as exc:
        raise UserError(f"无法写入文件：{path}（{exc.strerror}）") from exc
    return path


def findings_sheet(store: Store) -> Sheet:
    """Every finding ever recorded, with its organization and inspection."""
    rows = store.db.execute(
        "SELECT o.name, o.credit_code, o.kind, o.district, i.started_at, f.description,"
        " f.legal_basis, f.severity, f.requirement, f.deadline, f.status, f.escalation"
        " FROM findings f JOIN inspections i ON i.id = f.inspection_id"
        " JOIN organizations o ON o.id = i.organization_id"
        " ORDER BY i.started_at, o.name, f.created_at"
    ).fetchall()
    return Sheet(
        "检查发现问题",
        ("检查对象", "统一社会信用代码", "类型", "所在区县", "检查日期", "问题描述", "依据",
         "严重程度", "整改要求", "整改期限", "状态", "升级处理"),
        [
            (name, code, _kind(kind), district, _day(started), text, basis, severity,
             requirement, _iso_day(deadline), FindingStatus(status).label,
             _escalation(escalation))
            for name, code, kind, district, started, text, basis, severity, requirement,
            deadline, status, escalation in rows
        ],
    )  # fmt: skip


def inspections_sheet(store: Store) -> Sheet:
    """Every inspection with its inspectors, state and number of findings."""
    rows = store.db.execute(
        "SELECT o.name, o.credit_code, o.district, COALESCE(c.title, i.checklist_id),"
        " i.started_at, i.status, i.approved_by,"
        " (SELECT group_concat(r.name, '、') FROM inspection_inspectors ii"
        "  JOIN roster r ON r.id = ii.roster_id WHERE ii.inspection_id = i.id),"
        " (SELECT COUNT(*) FROM findings f WHERE f.inspection_id = i.id)"
        " FROM inspections i JOIN organizations o ON o.id = i.organization_id"
        " LEFT JOIN checklists c ON c.id = i.checklist_id AND c.version = i.checklist_version"
        " ORDER BY i.started_at, o.name"
    ).fetchall()
    return Sheet(
        "检查记录",
        ("检查对象", "统一社会信用代码", "所在区县", "检查表", "检查日期", "状态", "审核人",
         "检查人员", "发现问题数"),
        [
            (name, code, district, checklist, _day(started), InspectionStatus(status).label,
             approved_by or "", people or "", count)
            for name, code, district, checklist, started, status, approved_by, people, count
            in rows
        ],
    )  # fmt: skip


def tracker_sheet(rows: Sequence[TrackerRow], on: date | None = None) -> Sheet:
    """The tracker as of ``on``: days left as a number (negative: overdue), what that means
    (期限情况) and the finding's status each in a column of its own, so they sort and sum."""
    day = on or today()
    return Sheet(
        "整改跟踪",
        ("检查对象", "类型", "所在区县", "检查日期", "问题描述", "严重程度", "整改期限",
         "剩余天数", "期限情况", "状态"),
        [
            (r.organization, _kind(r.kind), r.district, _day(r.inspected_on), r.description,
             r.severity, _iso_day(r.deadline), _days_left(r, day), _deadline_state(r, day),
             r.status.label)
            for r in rows
        ],
    )  # fmt: skip


def tracker_export(store: Store, wanted: tracker.TrackerFilter, on: date | None = None) -> Sheet:
    return tracker_sheet(tracker.query(store, wanted, on=on), on)


def campaign_sheet(store: Store, campaign_id: str) -> Sheet:
    """The published list of a campaign: targets in draw order with their inspectors."""
    campaign = campaign_records.get(store, campaign_id)
    return Sheet(
        campaign.name[:31],  # Excel's limit on sheet names
        ("序号", "检查对象", "统一社会信用代码", "类型", "所在区县", "执法检查人员（执法证号）"),
        [
            (t.position, t.name, t.credit_code, t.kind_label, t.district, t.inspectors)
            for t in campaign_records.targets(store, campaign_id)
        ],
    )


def _rows(sheet: Sheet, job: jobs.Job) -> Iterator[tuple[Cell, ...]]:
    """The sheet's rows, telling ``job`` how far the writer has got."""
    for done, row in enumerate(sheet.rows):
        if done % ROWS_PER_STEP == 0:
            job.report(jobs.Step(done, len(sheet.rows)))
            jobs.check(job)
        yield row
    job.report(jobs.Step(len(sheet.rows), len(sheet.rows)))


def _xlsx(sheet: Sheet, path: Path, job: jobs.Job) -> None:
    # openpyxl costs ~120 ms to import: loaded when a spreadsheet is written, not at start-up.
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = _sheet_title(sheet.title)
    ws.append(list(sheet.headers))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in _rows(sheet, job):
        ws.append(list(row))
    for column in ws.iter_cols(min_row=2):
        for cell in column:
            if isinstance(cell.value, date):
                cell.number_format = DATE_FORMAT
    ws.freeze_panes = "A2"
    for index, header in enumerate(sheet.headers, start=1):
        longest = max([len(str(r[index - 1] or "")) for r in sheet.rows[:200]] + [len(header)])
        ws.column_dimensions[get_column_letter(index)].width = min(60, 2 * longest + 2)
    book.save(path)


def _csv(sheet: Sheet, path: Path, job: jobs.Job) -> None:
    texts = {i for i, header in enumerate(sheet.headers) if header in TEXT_HEADERS}
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\r\n")
        writer.writerow(sheet.headers)
        for row in _rows(sheet, job):
            writer.writerow(_csv_cell(value, i in texts) for i, value in enumerate(row))


def _csv_cell(value: Cell, text: bool) -> Cell:
    if isinstance(value, date):
        return value.isoformat()
    if text and isinstance(value, str) and _LOOKS_NUMERIC.fullmatch(value):
        return f'="{value}"'  # a formula whose value is the text: kept as text, all digits
    return value


def _sheet_title(title: str) -> str:
    return "".join("_" if ch in "[]:*?/\\" else ch for ch in title)[:31] or "Sheet1"


def _kind(kind: str) -> str:
    return OrgKind(kind).label if kind in OrgKind.__members__.values() else kind


def _escalation(value: str) -> str:
    return Escalation(value).label if value in Escalation.__members__.values() else value


def _day(utc_iso: str) -> date | None:
    """A stored timestamp (or date) as the local calendar date."""
    if not utc_iso:
        return None
    return to_local(utc_iso).date() if "T" in utc_iso else date.fromisoformat(utc_iso[:10])


def _iso_day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _settled(row: TrackerRow) -> bool:
    return row.status in (FindingStatus.CLOSED, FindingStatus.ESCALATED)


def _days_left(row: TrackerRow, on: date) -> int | None:
    """Days to the deadline; negative once it has passed; none without one or once settled."""
    left = row.days_left(on)
    return None if left is None or _settled(row) else left


def _deadline_state(row: TrackerRow, on: date) -> str:
    if row.days_left(on) is None:
        return "未设期限"
    if _settled(row):
        return "—"
    return "已逾期" if row.overdue(on) else "未到期"
