"""Importing register files: encodings, XLSX, bad rows, bad files, dry run, re-import."""

import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from cli.main import cli
from inspector import jobs, org_search, register_import, registry
from inspector.errors import UserError
from inspector.model import CreditStatus, Organization, OrgKind
from inspector.register_values import BadValue, parse_credit_status, parse_date, parse_money
from inspector.store import Store
from tests.org_files import (
    AUTOMATION,
    BAD_CHECK,
    BIT_FUND,
    COMPOSITES,
    WEINAN_SERVICE,
    WELFARE_FUND,
    make_code,
    write_csv,
)

GOOD_ROWS = [
    [AUTOMATION[0], AUTOMATION[1], "", "张三", "东城区", "2019年5月1日", "100万元", "正常"],
    [
        COMPOSITES[0],
        COMPOSITES[1],
        "行业协会商会",
        "李四",
        "西城区",
        "2019/5/1",
        "1,000,000.00",
        "红名单",
    ],
    [WELFARE_FUND[0], WELFARE_FUND[1], "基金会", "王五", "", "2019-05-01", "", "活动异常名录"],
    [
        WEINAN_SERVICE[0],
        WEINAN_SERVICE[1],
        "民非",
        "赵六",
        "临渭区",
        "",
        "50万",
        "严重违法失信名单",
    ],
]


def stored(store: Store, code: str) -> dict[str, str]:
    row = store.db.execute("SELECT * FROM organizations WHERE credit_code = ?", (code,))
    names = [d[0] for d in row.description]
    return dict(zip(names, row.fetchone(), strict=True))


def org_count(store: Store) -> int:
    return int(store.db.execute("SELECT COUNT(*) FROM organizations").fetchone()[0])


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_in_each_office_encoding_imports_every_field(
    store: Store, tmp_path: Path, encoding: str
) -> None:
    path = write_csv(tmp_path / "名录.csv", GOOD_ROWS, encoding=encoding)

    report = register_import.import_file(store, path)

    assert (report.inserted, report.updated, report.rejected_rows) == (4, 0, 0)
    assert report.summary == "导入 4 条，更新 0 条，未变 0 条，拒绝 0 条"
    automation = stored(store, AUTOMATION[0])
    assert automation["name"] == "中国自动化学会"
    assert automation["kind"] == "social_group"  # derived from the code: 51
    assert automation["founded_on"] == "2019-05-01"
    assert automation["registered_capital"] == "1000000.00"
    assert automation["name_initials"] == "zgzdhxh"
    assert automation["district"] == "东城区"
    assert automation["updated_at"]
    assert stored(store, COMPOSITES[0])["credit_status"] == "good"
    assert stored(store, WELFARE_FUND[0])["credit_status"] == "abnormal"
    weinan = stored(store, WEINAN_SERVICE[0])
    assert (weinan["kind"], weinan["credit_status"]) == ("social_service", "serious")
    assert weinan["registered_capital"] == "500000.00"


def test_english_headers_and_messy_codes_are_accepted(store: Store, tmp_path: Path) -> None:
    messy = "  " + AUTOMATION[0].lower().replace("5", "５") + " "  # full-width, lower-case
    path = write_csv(
        tmp_path / "en.csv",
        [[messy, AUTOMATION[1], "social_group", "张三"]],
        header=["credit_code", "name", "kind", "legal_rep"],
    )

    report = register_import.import_file(store, path)

    assert report.inserted == 1
    assert stored(store, AUTOMATION[0])["legal_rep"] == "张三"


def test_xlsx_with_title_row_dates_and_numbers(store: Store, tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["某市社会组织名录（2026年）"])
    sheet.append(["统一社会信用代码", "社会组织名称", "成立登记日期", "注册资金（万元）", "备注"])
    sheet.append([BIT_FUND[0], BIT_FUND[1], datetime(2012, 3, 4), 200, "x"])
    sheet.append([AUTOMATION[0], AUTOMATION[1], 43586, "1.5", None])  # Excel serial date
    sheet.append([531000005000074012, "数字代码", None, None, None])
    path = tmp_path / "名录.xlsx"
    book.save(path)

    report = register_import.import_file(store, path)

    assert (report.inserted, report.rejected_rows) == (2, 1)
    assert report.ignored_headers == ["备注"]
    fund = stored(store, BIT_FUND[0])
    assert (fund["kind"], fund["founded_on"], fund["registered_capital"]) == (
        "foundation",
        "2012-03-04",
        "2000000.00",
    )
    assert stored(store, AUTOMATION[0])["founded_on"] == "2019-05-01"
    assert stored(store, AUTOMATION[0])["registered_capital"] == "15000.00"
    (problem,) = report.problems
    assert (problem.row, problem.column) == (5, "统一社会信用代码")
    assert "Excel 已将代码按数字保存" in problem.reason


def test_bad_rows_are_rejected_with_row_column_and_reason(store: Store, tmp_path: Path) -> None:
    rows = [
        GOOD_ROWS[0],
        [BAD_CHECK, "校验位错的", "", "", "", "", "", ""],
        [make_code(1), "", "", "", "", "", "", ""],
        [make_code(2), "类型不明", "合作社", "", "", "", "", ""],
        [AUTOMATION[0], "重复的自动化学会", "", "", "", "", "", ""],
        [make_code(3), "日期错的", "", "", "", "2019-02-30", "", ""],
        [make_code(4), "金额错的", "", "", "", "", "一百万", ""],
        [make_code(5), "信用错的", "", "", "", "", "", "很好"],
        ["91110000100000001W", "公司代码类型空", "", "", "", "", "", ""],
        [make_code(6), "好的", "", "", "", "", "", ""],
    ]
    path = write_csv(tmp_path / "bad.csv", rows)

    report = register_import.import_file(store, path)

    assert (report.inserted, report.rejected_rows) == (2, 8)
    got = {(p.row, p.column): p.reason for p in report.problems}
    assert "校验位错误" in got[(3, "统一社会信用代码")]
    assert "应为“T”" in got[(3, "统一社会信用代码")]
    assert got[(4, "社会组织名称")] == "社会组织名称不能为空"
    assert "无法识别的类型“合作社”" in got[(5, "类型")]
    assert got[(6, "统一社会信用代码")] == f"统一社会信用代码 {AUTOMATION[0]} 与第 2 行重复"
    assert got[(7, "成立登记日期")] == "日期“2019-02-30”不存在"
    assert "无法识别的金额“一百万”" in got[(8, "注册资金")]
    assert "无法识别的信用状态“很好”" in got[(9, "信用状态")]
    assert "无法从代码推断" in got[(10, "类型")]
    assert str(report.problems[0]).startswith("bad.csv，第 3 行，“统一社会信用代码”列（A 列）：")
    assert stored(store, AUTOMATION[0])["name"] == "中国自动化学会"  # first occurrence wins
    assert org_count(store) == 2


def test_ragged_rows_extra_cells_rejected_missing_cells_blank(store: Store, tmp_path: Path) -> None:
    text = (
        "统一社会信用代码,社会组织名称,法定代表人\n"
        f"{AUTOMATION[0]},中国自动化学会\n"
        f"{COMPOSITES[0]},中国复合材料工业协会,李四,多出来,的格子\n"
        f"{BIT_FUND[0]},北京理工大学教育基金会,王五,,\n"
        "\n"
        ",,\n"
    )
    path = tmp_path / "ragged.csv"
    path.write_text(text, encoding="utf-8")

    report = register_import.import_file(store, path)

    assert (report.inserted, report.rejected_rows) == (2, 1)
    (problem,) = report.problems
    assert (problem.row, problem.column) == (3, "整行")
    assert "多出 2 个单元格" in problem.reason
    assert stored(store, AUTOMATION[0])["legal_rep"] == ""


def test_quoted_multiline_cell_counts_as_one_excel_row(store: Store, tmp_path: Path) -> None:
    text = (
        "统一社会信用代码,社会组织名称,住所\n"
        f'{AUTOMATION[0]},中国自动化学会,"北京市海淀区\n中关村"\n'
        f"{BAD_CHECK},坏代码,\n"
    )
    path = tmp_path / "multiline.csv"
    path.write_text(text, encoding="utf-8")

    report = register_import.import_file(store, path)

    assert [p.row for p in report.problems] == [3]
    assert stored(store, AUTOMATION[0])["address"] == "北京市海淀区\n中关村"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (bytes(range(256)) * 8, "不是 CSV 文本文件"),
        ("统一社会信用代码,社会组织名称\n".encode("utf-16"), "不是 CSV 文本文件"),
        (b"\xff\xfe\xfd\xfc,\x80\x80\n" * 3, "既不是 UTF-8，也不是 GBK/GB18030"),
        (b"", "是空的"),
        ("社会组织名称,法定代表人\n某协会,张三\n".encode(), "缺少必需的列：统一社会信用代码"),
        ("统一社会信用代码,类型\n".encode(), "缺少必需的列：社会组织名称"),
        ("统一社会信用代码,社会组织名称,名称\n".encode(), "是同一项"),
        (b"PK\x03\x04not really a zip", "文件已损坏或不是 .xlsx 格式"),
        (
            ("统一社会信用代码,社会组织名称\n" + 'x,"' + "y" * 200_000 + '"\n').encode(),
            "CSV 文件格式错误",
        ),
    ],
    ids=[
        "binary",
        "utf16",
        "undecodable",
        "empty",
        "no-code",
        "no-name",
        "twice",
        "bad-zip",
        "huge-field",
    ],
)
def test_bad_files_are_refused_whole_with_a_chinese_message(
    store: Store, tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(content)

    with pytest.raises(UserError, match=message):
        register_import.import_file(store, path)

    assert org_count(store) == 0


def test_missing_file_and_old_xls_are_refused(store: Store, tmp_path: Path) -> None:
    with pytest.raises(UserError, match="无法读取文件"):
        register_import.import_file(store, tmp_path / "nowhere.csv")
    old = tmp_path / "名录.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(UserError, match=r"不支持旧版 Excel（\.xls）"):
        register_import.import_file(store, old)


def test_dry_run_reports_but_writes_nothing(store: Store, tmp_path: Path) -> None:
    registry.upsert(store, org(AUTOMATION, legal_rep="旧代表"))
    path = write_csv(tmp_path / "dry.csv", [*GOOD_ROWS, [BAD_CHECK, "坏", "", "", "", "", "", ""]])

    report = register_import.import_file(store, path, dry_run=True)

    assert (report.inserted, report.updated, report.rejected_rows) == (3, 1, 1)
    assert org_count(store) == 1
    assert stored(store, AUTOMATION[0])["legal_rep"] == "旧代表"


def test_reimport_updates_in_place_and_keeps_absent_columns(store: Store, tmp_path: Path) -> None:
    register_import.import_file(store, write_csv(tmp_path / "a.csv", GOOD_ROWS))
    before = stored(store, COMPOSITES[0])
    path = write_csv(
        tmp_path / "b.csv",
        [[COMPOSITES[0], "中国复合材料工业协会（更名）", "钱七"], [make_code(9), "新协会", ""]],
        header=["统一社会信用代码", "社会组织名称", "法定代表人"],
    )

    report = register_import.import_file(store, path)

    assert report.summary == "导入 1 条，更新 1 条，未变 0 条，拒绝 0 条"
    after = stored(store, COMPOSITES[0])
    assert after["id"] == before["id"]
    assert (after["name"], after["legal_rep"]) == ("中国复合材料工业协会（更名）", "钱七")
    # The file had no credit-status or district column: stored values stay.
    assert (after["credit_status"], after["district"]) == ("good", "西城区")
    assert after["name_initials"] == "zgfhclgyxhgm"
    assert org_count(store) == 5


def org(pair: tuple[str, str], legal_rep: str = "") -> Organization:
    code, name = pair
    return Organization(code, name, OrgKind.SOCIAL_GROUP, legal_rep=legal_rep)


def test_name_initials() -> None:
    assert registry.name_initials("中国自动化学会") == "zgzdhxh"
    assert registry.name_initials("重庆市音乐家协会") == "cqsyyjxh"
    assert registry.name_initials("长沙市银行业协会") == "cssyhyxh"
    assert registry.name_initials("ABC国际交流（中国）促进会") == "abcgjjlzgcjh"


@pytest.mark.parametrize(
    ("cell", "in_wan", "expected"),
    [
        ("100万", False, "1000000.00"),
        ("100万元", False, "1000000.00"),
        ("1,000,000.00", False, "1000000.00"),
        ("￥3000元", False, "3000.00"),
        ("3000元", True, "3000.00"),
        ("1.5", True, "15000.00"),
        (250000, False, "250000.00"),
        (12.5, False, "12.50"),
        ("", False, ""),
    ],
)
def test_money(cell: str | int | float, in_wan: bool, expected: str) -> None:
    assert parse_money(cell, in_wan=in_wan) == expected


@pytest.mark.parametrize(
    ("cell", "message"),
    [("-5", "负数"), ("1.234", "两位小数"), ("abc", "无法识别的金额"), ("NaN", "无法识别")],
)
def test_bad_money(cell: str, message: str) -> None:
    with pytest.raises(BadValue, match=message):
        parse_money(cell)


@pytest.mark.parametrize(
    "cell",
    ["2019-05-01", "2019/5/1", "2019年5月1日", "2019.05.01", "20190501", "2019-05-01 00:00:00"],
)
def test_dates_as_typed(cell: str) -> None:
    assert parse_date(cell) == "2019-05-01"


def test_excel_and_bad_dates() -> None:
    assert parse_date(date(2019, 5, 1)) == "2019-05-01"
    assert parse_date(43586.0) == "2019-05-01"
    with pytest.raises(BadValue, match="无法识别的日期"):
        parse_date("五月一日")
    with pytest.raises(BadValue, match="晚于今天"):
        parse_date("2999-01-01")


def test_credit_status_words() -> None:
    assert parse_credit_status("守信激励（红名单）") is CreditStatus.GOOD
    assert parse_credit_status("列入活动异常名录") is CreditStatus.ABNORMAL
    assert parse_credit_status("") is CreditStatus.NORMAL


def test_cli_import_prints_summary_and_each_rejection(tmp_path: Path) -> None:
    db = tmp_path / "cli.db"
    path = write_csv(tmp_path / "c.csv", [GOOD_ROWS[0], [BAD_CHECK, "坏", "", "", "", "", "", ""]])
    runner = CliRunner()

    dry = runner.invoke(cli, ["--db", str(db), "orgs", "import", str(path), "--dry-run"])
    real = runner.invoke(cli, ["--db", str(db), "orgs", "import", str(path)])

    assert dry.exit_code == 0
    assert dry.output.startswith("试运行，未写入数据库：导入 1 条，更新 0 条，未变 0 条，拒绝 1 条")
    assert real.exit_code == 0
    assert "导入 1 条，更新 0 条，未变 0 条，拒绝 1 条" in real.output
    assert "第 3 行，“统一社会信用代码”列（A 列）：统一社会信用代码校验位错误" in real.output
    hits = runner.invoke(cli, ["--db", str(db), "orgs", "search", "自动化"])
    assert "中国自动化学会" in hits.output


def test_cli_exit_status_when_nothing_could_be_imported(tmp_path: Path) -> None:
    db = tmp_path / "cli.db"
    all_bad = write_csv(tmp_path / "bad.csv", [[BAD_CHECK, "坏", "", "", "", "", "", ""]])
    no_header = write_csv(tmp_path / "nohead.csv", [], header=["名称"])

    rows_rejected = CliRunner().invoke(cli, ["--db", str(db), "orgs", "import", str(all_bad)])
    # A whole-file error goes through the real entry point: "错误：..." and status 1.
    whole_file = subprocess.run(
        [sys.executable, "-m", "inspector", "--db", str(db), "orgs", "import", str(no_header)],
        capture_output=True,
        text=True,
    )

    assert rows_rejected.exit_code == 1
    assert "导入 0 条，更新 0 条，未变 0 条，拒绝 1 条" in rows_rejected.output
    assert whole_file.returncode == 1
    assert "错误：文件 nohead.csv 缺少必需的列：统一社会信用代码" in whole_file.stderr


def test_search_sees_imported_rows(store: Store, tmp_path: Path) -> None:
    register_import.import_file(store, write_csv(tmp_path / "s.csv", GOOD_ROWS))
    assert [hit.name for hit in org_search.search(store, "zgzdhxh")] == ["中国自动化学会"]


def test_reimporting_the_same_file_changes_nothing(store: Store, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "same.csv", GOOD_ROWS)
    register_import.import_file(store, path)
    before = stored(store, AUTOMATION[0])

    report = register_import.import_file(store, path)

    assert report.summary == "导入 0 条，更新 0 条，未变 4 条，拒绝 0 条"
    assert stored(store, AUTOMATION[0]) == before  # updated_at included


def test_cancel_after_a_batch_keeps_whole_batches(store: Store, tmp_path: Path) -> None:
    rows = [[make_code(n), f"测试协会{n}", "", "", "", "", "", ""] for n in range(2500)]
    path = write_csv(tmp_path / "cancel.csv", rows)
    steps: list[jobs.Step] = []

    def cancel_after_a_batch(step: jobs.Step) -> None:
        steps.append(step)
        if step.text == "正在写入":
            job.cancel()

    job = jobs.JobState(cancel_after_a_batch)
    with pytest.raises(jobs.Cancelled):
        register_import.import_file(store, path, job=job)

    written = [(s.done, s.total) for s in steps if s.text == "正在写入"]
    assert written == [(registry.BATCH_SIZE, 2500)]

    assert org_count(store) == registry.BATCH_SIZE
    assert (
        register_import.import_file(store, path).summary
        == "导入 500 条，更新 0 条，未变 2000 条，拒绝 0 条"
    )


def test_every_register_column_is_read(store: Store, tmp_path: Path) -> None:
    header = [
        "*统一社会信用代码",
        "社会组织名称",
        "类型",
        "法定代表人",
        "住所",
        "行政区划",
        "登记管理机关",
        "机关级别",
        "业务主管单位",
        "成立登记日期",
        "开办资金（万元）",
        "信用状态",
        "登记证号",
    ]
    row = [
        WEINAN_SERVICE[0],
        WEINAN_SERVICE[1],
        "社会服务机构",
        "赵六",
        "渭南市临渭区朝阳大街1号",
        "临渭区",
        "渭南市民政局",
        "市级",
        "渭南市民政局",
        "2016年7月8日",
        "10",
        "守信激励（红名单）",
        "渭民证字第0123号",
    ]
    register_import.import_file(store, write_csv(tmp_path / "all.csv", [row], header=header))

    org = org_search.get(store, stored(store, WEINAN_SERVICE[0])["id"])
    assert org == Organization(
        credit_code=WEINAN_SERVICE[0],
        name=WEINAN_SERVICE[1],
        kind=OrgKind.SOCIAL_SERVICE,
        legal_rep="赵六",
        address="渭南市临渭区朝阳大街1号",
        district="临渭区",
        registration_authority="渭南市民政局",
        authority_level="市级",
        supervising_unit="渭南市民政局",
        founded_on="2016-07-08",
        registered_capital="100000.00",
        credit_status=CreditStatus.GOOD,
        registration_number="渭民证字第0123号",
        id=org.id,
    )
