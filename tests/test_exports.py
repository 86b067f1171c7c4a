"""Exports read back: XLSX with openpyxl, CSV with its BOM, the published list as PDF."""

import csv
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from inspector import campaigns, exports, tracker
from inspector.campaigns import Criteria, SampleRule
from inspector.errors import UserError
from inspector.model import Severity
from inspector.store import Store
from reports.campaign_list import write_campaign_pdf
from tests.supervisor_data import (
    CHECKLIST_ID,
    SUPERVISOR,
    add_checklist,
    add_register,
    add_roster,
    inspect,
)

ON = date(2026, 11, 21)


@pytest.fixture
def office(store: Store) -> Store:
    add_register(store, 30)
    add_roster(store)
    add_checklist(store)
    inspect(store, "org-00000", [(Severity.SEVERE, "2026-11-10"), (Severity.MINOR, "2026-11-25")])
    inspect(store, "org-00004", [(Severity.MAJOR, "2026-12-20")], approve=False)
    return store


def _xlsx_rows(path: Path) -> list[tuple[object, ...]]:
    sheet = load_workbook(path).active
    assert sheet is not None
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


def test_findings_to_xlsx(office: Store, tmp_path: Path) -> None:
    path = exports.write(exports.findings_sheet(office), tmp_path / "问题.xlsx")
    rows = _xlsx_rows(path)
    assert rows[0][:3] == ("检查对象", "统一社会信用代码", "类型")
    assert len(rows) == 4
    first = rows[1]
    assert first[0] == "测试社会组织00000"
    assert first[2] == "社会团体"
    assert first[4] == "2026-10-10"
    assert first[7] == "严重"
    assert first[10] == "待整改"


def test_inspections_to_csv_with_bom(office: Store, tmp_path: Path) -> None:
    path = exports.write(exports.inspections_sheet(office), tmp_path / "检查记录.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0][0] == "检查对象"
    by_org = {row[0]: row for row in rows[1:]}
    assert by_org["测试社会组织00000"][5] == "已审核"
    assert by_org["测试社会组织00000"][6] == SUPERVISOR
    assert by_org["测试社会组织00000"][7] == "检查员00、检查员01"
    assert by_org["测试社会组织00004"][5] == "已完成"
    assert by_org["测试社会组织00004"][8] == "1"


def test_tracker_export_says_days_in_words(office: Store, tmp_path: Path) -> None:
    sheet = exports.tracker_export(office, tracker.TrackerFilter(), on=ON)
    rows = _xlsx_rows(exports.write(sheet, tmp_path / "整改跟踪.xlsx"))
    words = sorted((row[7], row[8]) for row in rows[1:])
    assert words == [
        ("已逾期 11 天", "逾期 · 待整改"),
        ("还剩 29 天", "待整改"),
        ("还剩 4 天", "待整改"),
    ]
    assert len(rows) == 4


def test_published_campaign_list_to_xlsx_csv_and_pdf(office: Store, tmp_path: Path) -> None:
    result = campaigns.draw(office, Criteria(), SampleRule(ratio=0.1), seed="公开-2026", as_of=ON)
    campaign_id = campaigns.create(
        office, result, name="2026年第四季度双随机抽查", checklist_id=CHECKLIST_ID,
        due_date="2026-12-31", actor=SUPERVISOR,
    )  # fmt: skip
    sheet = exports.campaign_sheet(office, campaign_id)
    rows = _xlsx_rows(exports.write(sheet, tmp_path / "公示.xlsx"))
    assert rows[0] == (
        "序号",
        "检查对象",
        "统一社会信用代码",
        "类型",
        "所在区县",
        "执法检查人员（执法证号）",
    )
    assert [r[1] for r in rows[1:]] == [t.organization.name for t in result.targets]
    assert len(rows) == 1 + 3  # 10% of 30
    csv_path = exports.write(sheet, tmp_path / "公示.csv")
    assert csv_path.read_bytes()[:3] == b"\xef\xbb\xbf"
    pdf = write_campaign_pdf(office, campaign_id, tmp_path / "公示.pdf")
    assert pdf.read_bytes()[:5] == b"%PDF-"


def test_unknown_format_and_unwritable_place_are_explained(office: Store, tmp_path: Path) -> None:
    with pytest.raises(UserError, match=r"不支持的导出格式：x\.ods"):
        exports.write(exports.findings_sheet(office), tmp_path / "x.ods")
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(UserError, match="无法写入文件"):
        exports.write(exports.findings_sheet(office), blocker / "x.csv")
