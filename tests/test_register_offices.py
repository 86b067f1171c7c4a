"""Registers as offices export them: merged cells, two-row headers, title and footer rows,
several sheets, Excel-mangled codes, long type names, other delimiters, 登记状态."""

from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from cli.main import cli
from inspector import campaigns, inspections, jobs, org_search, register_import, roster
from inspector.clock import utc_now
from inspector.errors import UserError
from inspector.model import Inspector, NewInspection
from inspector.store import Store, open_store
from tests.org_files import AUTOMATION, BIT_FUND, COMPOSITES, WEINAN_SERVICE, make_code, write_csv
from tests.raw_store import raw_connection

ACTOR = "测试员"


def column(store: Store, name: str) -> dict[str, str]:
    rows = store.db.execute(f"SELECT credit_code, {name} FROM organizations").fetchall()
    return dict(rows)


def test_merged_cells_two_row_header_title_and_footer_rows(store: Store, tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "名录"
    sheet.append(["渭南市社会组织名录（2024年）"])
    sheet.merge_cells("A1:E1")
    sheet.append(["统一社会信用代码", "社会组织名称", "登记信息"])
    sheet.append([None, None, "登记管理机关", "成立登记日期", "注册资金(万元)"])
    sheet.merge_cells("A2:A3")
    sheet.merge_cells("B2:B3")
    sheet.merge_cells("C2:E2")
    sheet.append([AUTOMATION[0], AUTOMATION[1], "渭南市民政局", "2019-05-01", 3])
    sheet.append([COMPOSITES[0], COMPOSITES[1], None, "2018-01-02", 10])
    sheet.merge_cells("C4:C5")
    sheet.append(["合计：2 家"])
    sheet.append(["制表人：张三", None, None, "制表日期：2024-12-31"])
    path = tmp_path / "名录.xlsx"
    book.save(path)

    report = register_import.import_file(store, path)

    assert (report.inserted, report.rejected_rows, report.problems) == (2, 0, [])
    assert report.ignored_headers == []
    assert report.notes == ["第 6 行（“合计：2 家”）", "第 7 行（“制表人：张三”）"]
    assert column(store, "registration_authority") == {
        AUTOMATION[0]: "渭南市民政局",
        COMPOSITES[0]: "渭南市民政局",
    }
    assert column(store, "registered_capital")[COMPOSITES[0]] == "100000.00"
    assert column(store, "founded_on")[AUTOMATION[0]] == "2019-05-01"


def two_sheets(path: Path) -> Path:
    book = openpyxl.Workbook()
    notes = book.active
    assert notes is not None
    notes.title = "填表说明"
    notes.append(["请按下表填写"])
    register = book.create_sheet("名录")
    register.append(["统一社会信用代码", "社会组织名称", "类型"])
    register.append([AUTOMATION[0], AUTOMATION[1], "社会团体（行业协会商会）"])
    register.append([WEINAN_SERVICE[0], WEINAN_SERVICE[1], "社会服务机构（民办非企业单位）"])
    register.append([5.34403e17, "某协会", "社会团体"])
    book.save(path)
    return path


def test_any_sheet_long_type_names_and_messages_name_file_sheet_row_and_column(
    store: Store, tmp_path: Path
) -> None:
    path = two_sheets(tmp_path / "名录.xlsx")

    report = register_import.import_file(store, path)

    assert report.sheet == "名录"
    assert column(store, "kind") == {
        AUTOMATION[0]: "social_group",
        WEINAN_SERVICE[0]: "social_service",
    }
    (problem,) = report.problems
    assert str(problem).startswith(
        "名录.xlsx，工作表“名录”，第 4 行，“统一社会信用代码”列（A 列）："
    )
    assert "Excel 已将代码按数字保存（5.34403E+17）" in problem.reason
    assert "请把该列设为文本后重新导出" in problem.reason
    with pytest.raises(UserError, match="没有名为“名单”的工作表（有：“填表说明”、“名录”）"):
        register_import.import_file(store, path, sheet="名单")
    with pytest.raises(UserError, match="工作表“填表说明” 缺少必需的列"):
        register_import.import_file(store, path, sheet="填表说明")


def test_csv_codes_excel_mangled_or_kept_as_formula_text(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "名录.csv"
    path.write_text(
        "统一社会信用代码,社会组织名称\n"
        f'"=""{WEINAN_SERVICE[0]}""",{WEINAN_SERVICE[1]}\n'
        "5.34403E+17,某协会\n",
        encoding="utf-8",
    )

    report = register_import.import_file(store, path)

    assert report.inserted == 1
    assert column(store, "name") == {WEINAN_SERVICE[0]: WEINAN_SERVICE[1]}
    (problem,) = report.problems
    assert str(problem).startswith("名录.csv，第 3 行，“统一社会信用代码”列（A 列）：")
    assert "科学计数法" in problem.reason and "请把该列设为文本后重新导出" in problem.reason


@pytest.mark.parametrize(("delimiter", "name"), [("\t", "制表符（Tab）"), (";", "分号")])
def test_other_delimiters_are_sniffed_and_named(
    store: Store, tmp_path: Path, delimiter: str, name: str
) -> None:
    path = tmp_path / "名录.csv"
    lines = (
        ["统一社会信用代码", "社会组织名称", "住所"],
        [AUTOMATION[0], AUTOMATION[1], "北京市, 海淀区"],
    )
    path.write_text("\n".join(delimiter.join(line) for line in lines), encoding="utf-8")

    report = register_import.import_file(store, path)

    assert (report.inserted, report.problems) == (1, [])
    assert report.source == f"分隔符：{name}"
    assert column(store, "address") == {AUTOMATION[0]: "北京市, 海淀区"}


def test_updated_counts_only_rows_that_changed(store: Store, tmp_path: Path) -> None:
    rows = [[AUTOMATION[0], AUTOMATION[1], "张三"], [COMPOSITES[0], COMPOSITES[1], "李四"]]
    header = ["统一社会信用代码", "社会组织名称", "法定代表人"]
    register_import.import_file(store, write_csv(tmp_path / "a.csv", rows, header=header))
    rows[1][2] = "王五"
    changed = write_csv(tmp_path / "b.csv", rows, header=header)

    dry = register_import.import_file(store, changed, dry_run=True)
    real = register_import.import_file(store, changed)

    assert (dry.inserted, dry.updated, dry.unchanged) == (0, 1, 1)
    assert (real.inserted, real.updated, real.unchanged) == (0, 1, 1)
    assert column(store, "legal_rep")[COMPOSITES[0]] == "王五"


def test_dry_run_never_creates_or_writes_anything(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "名录.csv",
        [[AUTOMATION[0], AUTOMATION[1]]],
        header=["统一社会信用代码", "社会组织名称"],
    )
    db = tmp_path / "store" / "inspector.db"
    db.parent.mkdir()
    runner = CliRunner()

    first = runner.invoke(cli, ["--db", str(db), "orgs", "import", str(path), "--dry-run"])

    assert first.exit_code == 0, first.output
    assert "试运行，未写入数据库：导入 1 条" in first.output
    assert list(db.parent.iterdir()) == []
    open_store(db).close()
    with raw_connection(db) as conn:  # an older store: a real open would migrate it
        conn.execute("PRAGMA user_version = 5")
    conn.close()
    before = db.read_bytes()
    second = runner.invoke(cli, ["--db", str(db), "orgs", "import", str(path), "--dry-run"])
    assert second.exit_code == 0, second.output
    assert db.read_bytes() == before
    assert sorted(p.name for p in db.parent.iterdir()) == ["inspector.db", "inspector.db.keys.json"]


def test_a_long_import_reports_its_progress_batch_by_batch(tmp_path: Path) -> None:
    rows = [[make_code(n), f"测试协会{n}"] for n in range(4500)]
    path = write_csv(tmp_path / "名录.csv", rows, header=["统一社会信用代码", "社会组织名称"])
    steps: list[jobs.Step] = []
    store = open_store(tmp_path / "i.db")
    register_import.import_file(store, path, job=jobs.JobState(steps.append))
    store.close()
    read = [(s.done, s.total) for s in steps if s.text == "正在读取名录文件" and s.total]
    written = [(s.done, s.total) for s in steps if s.text == "正在写入"]
    assert [done for done, _ in read] == [1000, 2000, 3000, 4000]
    assert all(total >= 4501 for _, total in read)  # about the file's rows, header included
    assert written == [(2000, 4500), (4000, 4500), (4500, 4500)]
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "i.db"), "orgs", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "导入名录" in result.stderr  # the progress bar's label
    assert "导入 0 条，更新 0 条，未变 4500 条" in result.stdout


def register_with_statuses(tmp_path: Path) -> Path:
    header = ["统一社会信用代码", "社会组织名称", "登记状态"]
    rows = [
        [AUTOMATION[0], AUTOMATION[1], "正常"],
        [COMPOSITES[0], COMPOSITES[1], "已注销"],
        [BIT_FUND[0], BIT_FUND[1], "撤销登记"],
        [WEINAN_SERVICE[0], WEINAN_SERVICE[1], "活动异常"],
    ]
    return write_csv(tmp_path / "名录.csv", rows, header=header)


def test_registration_status_is_kept_and_gone_organizations_are_never_drawn(
    store: Store, tmp_path: Path
) -> None:
    report = register_import.import_file(store, register_with_statuses(tmp_path))

    assert report.problems == []
    assert column(store, "registration_status") == {
        AUTOMATION[0]: "active",
        COMPOSITES[0]: "deregistered",
        BIT_FUND[0]: "revoked",
        WEINAN_SERVICE[0]: "abnormal",
    }
    eligible = {m.credit_code for m in campaigns.population(store, campaigns.Criteria())}
    assert eligible == {AUTOMATION[0], WEINAN_SERVICE[0]}
    shown = CliRunner().invoke(cli, ["--db", str(store.path), "orgs", "search", "协会"])
    assert f"{COMPOSITES[1]}  社会团体  —  正常  【已注销】" in shown.output
    hit = org_search.search(store, BIT_FUND[1])[0]
    assert (hit.gone_label, hit.to_json()["registration_status_label"]) == ("已撤销", "已撤销")


def test_a_gone_organization_gets_a_new_inspection_only_with_a_reason(
    store: Store, tmp_path: Path
) -> None:
    register_import.import_file(store, register_with_statuses(tmp_path))
    org_id = store.db.execute(
        "SELECT id FROM organizations WHERE credit_code = ?", (COMPOSITES[0],)
    ).fetchone()[0]
    store.db["checklists"].insert(
        {
            "id": "cl",
            "version": 1,
            "title": "测试",
            "kind": "other",
            "applies_to": "[]",
            "effective_date": "2026-01-01",
            "definition": "{}",
            "content_hash": "x",
            "imported_at": utc_now(),
        }
    )
    people = [roster.add(store, Inspector(f"检查员{i}", f"G-00{i}")).id for i in range(2)]
    new = NewInspection(org_id, "cl", 1, people, utc_now())

    with pytest.raises(UserError, match="登记状态为已注销，不能新建检查；如确需检查"):
        inspections.start(store, new, actor=ACTOR)
    assert store.db["inspections"].count == 0

    reason = "注销前清算情况核查"
    inspection_id = inspections.start(store, replace(new, gone_reason=reason), actor=ACTOR)
    entry = store.db.execute(
        "SELECT new FROM audit_log WHERE entity_id = ? AND action = 'start'", (inspection_id,)
    ).fetchone()[0]
    assert reason in entry


def test_a_cancel_while_the_file_is_read_writes_nothing(store: Store, tmp_path: Path) -> None:
    rows = [[make_code(n), f"测试协会{n}"] for n in range(3000)]
    path = write_csv(tmp_path / "名录.csv", rows, header=["统一社会信用代码", "社会组织名称"])

    def cancel_while_reading(step: jobs.Step) -> None:
        if step.done >= 1000:
            job.cancel()

    job = jobs.JobState(cancel_while_reading)
    with pytest.raises(jobs.Cancelled):
        register_import.import_file(store, path, job=job)
    assert store.db["organizations"].count == 0
