"""Exports read back: XLSX with openpyxl, CSV with its BOM, the published list as PDF."""

import csv
import os
import stat
import subprocess
from datetime import date, datetime
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
    assert first[4] == datetime(2026, 10, 10)
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


def test_tracker_export_has_days_as_numbers_and_the_state_in_its_own_column(
    office: Store, tmp_path: Path
) -> None:
    sheet = exports.tracker_export(office, tracker.TrackerFilter(), on=ON)
    rows = _xlsx_rows(exports.write(sheet, tmp_path / "整改跟踪.xlsx"))
    assert rows[0][6:] == ("整改期限", "剩余天数", "期限情况", "状态")
    days = sorted((row[6], row[7], row[8], row[9]) for row in rows[1:])
    assert days == [
        (datetime(2026, 11, 10), -11, "已逾期", "待整改"),
        (datetime(2026, 11, 25), 4, "未到期", "待整改"),
        (datetime(2026, 12, 20), 29, "未到期", "待整改"),
    ]
    assert isinstance(rows[1][3], datetime)  # 检查日期 is a date cell too
    assert len(rows) == 4


def test_xlsx_dates_are_date_cells_and_counts_numbers(office: Store, tmp_path: Path) -> None:
    path = exports.write(exports.inspections_sheet(office), tmp_path / "检查记录.xlsx")
    sheet = load_workbook(path).active
    assert sheet is not None
    day, count = sheet["E2"], sheet["I2"]
    assert (day.is_date, day.number_format) == (True, "yyyy-mm-dd")
    assert isinstance(count.value, int)


ALL_DIGITS = "523301007181478100"  # a real-looking code with no letter at all


def _codes_sheet() -> exports.Sheet:
    return exports.Sheet(
        "名录",
        ("统一社会信用代码", "社会组织名称", "检查日期", "发现问题数"),
        [
            (ALL_DIGITS, "某市慈善总会", date(2026, 11, 21), 3),
            ("51100000500002862F", "中国自动化学会", None, 0),
        ],
    )


@pytest.mark.needs("soffice")
def test_csv_codes_stay_text_when_libreoffice_opens_the_file(tmp_path: Path) -> None:
    path = exports.write(_codes_sheet(), tmp_path / "名录.csv")
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run(
        ["soffice", f"-env:UserInstallation={profile}", "--headless",
         "--infilter=CSV:44,34,76,1", "--convert-to", "xlsx", "--outdir", str(tmp_path),
         str(path)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    sheet = load_workbook(tmp_path / "名录.xlsx", data_only=True).active
    assert sheet is not None
    assert sheet["A2"].value == ALL_DIGITS  # not 5.23301007181478e+17
    assert sheet["A3"].value == "51100000500002862F"
    assert sheet["D2"].value == 3
    assert sheet["C2"].is_date


def test_csv_writes_digit_codes_as_excel_text_and_dates_as_iso(tmp_path: Path) -> None:
    path = exports.write(_codes_sheet(), tmp_path / "名录.csv")
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[1] == [f'="{ALL_DIGITS}"', "某市慈善总会", "2026-11-21", "3"]
    assert rows[2][0] == "51100000500002862F"


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_exported_files_honour_the_umask(tmp_path: Path, suffix: str) -> None:
    path = exports.write(_codes_sheet(), tmp_path / f"名录{suffix}")
    mask = os.umask(0o022)
    os.umask(mask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~mask


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
