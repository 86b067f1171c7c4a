"""XLSForm fidelity and authoring in Chinese: nothing in a sheet is dropped or kept as literal
text silently; every problem of a file in one report, warnings with it; Chinese names of the
enumerated settings; messages name the sheet column; public pyxform examples."""

import re
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from checklists.library import content_hash, import_checklists
from checklists.loader import load_file
from checklists.problems import ChecklistError
from checklists.xlsform_export import write_xlsform
from cli.main import cli
from inspector import completion, inspections, registry, roster
from inspector.checklist_model import Checklist, ChecklistKind
from inspector.clock import utc_now
from inspector.model import Inspector, NewInspection, Organization, OrgKind
from inspector.store import Store
from tests.org_files import AUTOMATION

PYXFORM = Path(__file__).parent / "data" / "pyxform"
Rows = list[list[object]]
BASIS = "st-4-2"  # a key of inspector/legal_bases.yaml


def workbook(path: Path, sheets: dict[str, Rows]) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def refusal(path: Path) -> ChecklistError:
    with pytest.raises(ChecklistError) as caught:
        load_file(path)
    return caught.value


def rows_named(error: ChecklistError) -> set[int]:
    return {int(m) for p in error.problems for m in re.findall(r"survey 表第 (\d+) 行", p.where)}


SURVEY_HEADER = ["type", "name", "label", "hint", "relevant", "required", "legal_basis",
                 "finding", "severity", "requirement", "rectification_days"]  # fmt: skip


def test_group_relevant_applies_to_its_items_and_tables(tmp_path: Path) -> None:
    survey: Rows = [
        SURVEY_HEADER,
        ["select_one yes_no", "has_branches", "是否设立分支机构", "", "", "yes"],
        ["begin_group", "branches", "分支机构", "", "${has_branches} = 'yes'"],
        ["integer", "branch_count", "分支机构数量", "", "", "yes"],
        ["text", "branch_note", "说明", "", "${branch_count} != ''", "no"],
        ["begin_repeat", "branch_list", "分支机构名单"],
        ["text", "branch_name", "名称"],
        ["end_repeat", "branch_list"],
        ["end_group", "branches"],
    ]
    choices: Rows = [
        ["list_name", "name", "label"],
        ["yes_no", "yes", "是"],
        ["yes_no", "no", "否"],
    ]
    checklist = load_file(workbook(tmp_path / "x.xlsx", {"survey": survey, "choices": choices}))
    items = {item.id: item for item in checklist.checklist.items()}
    assert items["branch_count"].show_if == "${has_branches} = 'yes'"
    assert items["branch_note"].show_if == "(${has_branches} = 'yes') and (${branch_count} != '')"
    assert items["branch_list"].show_if == "${has_branches} = 'yes'"
    assert (items["branch_count"].required, items["branch_note"].required) == (True, False)


def test_chinese_settings_and_every_problem_in_one_pass_with_the_warnings(tmp_path: Path) -> None:
    settings: Rows = [
        ["form_id", "version", "form_title", "kind", "applies_to"],
        ["branch-check", 1, "分支机构检查", "双随机抽查", "社会团体、民办非企业单位"],
    ]
    survey: Rows = [
        SURVEY_HEADER,
        ["compliance", "annual", "按时报送年度工作报告", "", "", "yes", BASIS,
         "未按时报送年度工作报告", "较重", "补报", 30],
        ["integer", "branch_count", "分支机构数量", "", "", "${annual} = 'not_compliant'"],
        ["note", "hello", "请核对 ${branch_count} 家分支机构"],
        ["compliance", "seal", "印章管理规范", "查看${annual}", "", "yes", BASIS, "", "严重",
         "规范印章管理", 15],
        ["integer", "staff", "人数", "", "${nowhere} = 'x'"],
    ]  # fmt: skip
    path = workbook(tmp_path / "x.xlsx", {"settings": settings, "survey": survey})
    error = refusal(path)
    assert [f"{p.where}：{p.message}" for p in error.problems] == [
        "survey 表第 3 行：required 列“${annual} = 'not_compliant'”是条件表达式，暂不支持："
        "只能填 yes（必答）或 no（非必答）；需要按条件出现的题目请用 relevant 列",
        "survey 表第 4 行：label 列引用了答案 ${branch_count}：本程序显示检查表时不会替换为答案，"
        "请改写为不含引用的文字",
        "survey 表第 5 行：hint 列引用了答案 ${annual}：本程序显示检查表时不会替换为答案，"
        "请改写为不含引用的文字",
        "survey 表第 5 行：缺少 finding 列（问题描述）",
        "survey 表第 6 行：show_if 引用了不存在的条目“nowhere”",
    ]
    saved_day = date.fromtimestamp(path.stat().st_mtime).isoformat()
    assert error.warnings == [
        f"{path}：settings 表未填写 effective_date，已使用文件的保存日期“{saved_day}”"
    ]
    result = CliRunner().invoke(
        cli, ["--db", str(tmp_path / "i.db"), "checklist", "import", str(path)]
    )
    assert result.exit_code == 1
    assert "警告：" in result.stderr and "已使用文件的保存日期" in result.stderr
    assert "缺少 finding 列（问题描述）" in result.stderr

    del survey[2:]
    loaded = load_file(workbook(path, {"settings": settings, "survey": survey}))
    assert loaded.checklist.kind is ChecklistKind.SPOT_CHECK
    assert loaded.checklist.applies_to == [OrgKind.SOCIAL_GROUP, OrgKind.SOCIAL_SERVICE]


def test_an_absent_effective_date_reads_the_same_on_any_day() -> None:
    path = PYXFORM / "text_and_integer.xlsx"  # saved 2013-03-23, no settings sheet
    first = load_file(path).checklist
    assert first.effective_date == date(2013, 3, 23)  # the day it was saved, not today
    assert content_hash(load_file(path).checklist) == content_hash(first)


def test_unknown_chinese_kind_lists_the_chinese_names(tmp_path: Path) -> None:
    settings: Rows = [["form_id", "applies_to", "kind"], ["x", "社会团体 慈善组织", "年检"]]
    survey: Rows = [["type", "name", "label"], ["text", "a", "问题一"]]
    error = refusal(workbook(tmp_path / "x.xlsx", {"settings": settings, "survey": survey}))
    messages = [p.message for p in error.problems]
    assert (
        "未知的组织类型“慈善组织”（可用：社会团体、社会服务机构（民办非企业单位）、基金会、其他）"
        in messages
    )
    assert (
        "未知的检查表类别“年检”（可用：双随机抽查、涉企收费检查、非营利性审查、其他）" in messages
    )


@pytest.mark.parametrize(("name", "items"), [("text_and_integer", 2), ("yes_or_no_question", 1)])
def test_pyxform_examples_that_import_do_so_with_named_warnings(name: str, items: int) -> None:
    loaded = load_file(PYXFORM / f"{name}.xlsx")
    assert len(loaded.checklist.items()) == items
    assert all("settings 表未填写" in w for w in loaded.warnings)
    assert any("effective_date" in w for w in loaded.warnings)
    if name == "yes_or_no_question":  # ``select one from yes_or_no``, pyxform's old spelling
        assert loaded.checklist.items()[0].answer_type == "yes_no"


@pytest.mark.parametrize(
    ("name", "rows"),
    [
        ("group", {4}),  # phone number
        ("or_other", {2, 3}),  # or_other, choice_filter
        ("bad_calc", {2}),  # calculate with a calculation
        # ${} in labels, constraint, repeat_count, nested group, unsupported types, calculate
        ("xlsform_spec_test", {5, 14, 15, 16, 18, 30, 32, 33, 34, 35, 36, 37, 38, 40, 41}),
    ],
)
def test_pyxform_examples_that_are_refused_name_every_unsupported_row(
    name: str, rows: set[int]
) -> None:
    error = refusal(PYXFORM / f"{name}.xlsx")
    assert rows <= rows_named(error)
    assert all(problem.where for problem in error.problems)


def test_calculate_in_our_sum_subset_becomes_a_computed_value(tmp_path: Path) -> None:
    survey: Rows = [
        ["type", "name", "label", "calculation"],
        ["begin_repeat", "fees", "收费项目"],
        ["text", "item", "项目"],
        ["money", "amount", "金额"],
        ["end_repeat", "fees"],
        ["money", "refund", "已退还金额"],
        ["calculate", "total", "收费合计", "sum(${amount})"],
        ["calculate", "net", "", "sum( ${amount} ) - ${refund}"],
    ]
    path = workbook(tmp_path / "x.xlsx", {"survey": survey})
    computed = {c.id: (c.label, c.expression) for c in load_file(path).checklist.computed}
    assert computed == {
        "total": ("收费合计", "sum(fees.amount)"),
        "net": ("net", "sum(fees.amount) - refund"),
    }
    survey.append(["calculate", "rows", "行数", "count(${fees})"])
    survey.append(["calculate", "double", "两倍", "${refund} * 2"])
    error = refusal(workbook(path, {"survey": survey}))
    assert rows_named(error) == {9, 10}
    assert all(
        "calculation 列" in p.message and "超出支持的范围" in p.message for p in error.problems
    )


def test_constraints_in_our_subset_are_kept_exported_and_checked_before_completion(
    tmp_path: Path, store: Store
) -> None:
    survey: Rows = [
        ["type", "name", "label", "required", "constraint", "constraint_message::chinese"],
        ["integer", "members", "会员人数", "yes", ". >= 50 and . < 100000", "社会团体会员应不少于50个"],
        ["text", "phone", "联系电话", "no", "regex(., '^1[3-9][0-9]{9}$')", "请填写11位手机号"],
        ["text", "memo", "备注", "no", "string-length(.) <= 5"],
    ]  # fmt: skip
    path = workbook(tmp_path / "x.xlsx", {"survey": survey})
    checklist = load_file(path).checklist
    items = {item.id: item for item in checklist.items()}
    assert items["members"].constraint == ". >= 50 and . < 100000"
    assert items["phone"].constraint_message == "请填写11位手机号"
    again = tmp_path / "again.xlsx"
    write_xlsform(checklist, again)
    assert load_file(again).checklist == checklist

    inspection_id = started(store, checklist)
    for item_id, value in (("members", 30), ("phone", "0913-1234567"), ("memo", "一二三四五六")):
        inspections.set_answer(store, inspection_id, item_id, value, actor="检查员")
    messages = [p.message for p in completion.problems(store, inspection_id, checklist.items())]
    assert messages == [
        "答案不符合要求：会员人数（社会团体会员应不少于50个）",
        "答案不符合要求：联系电话（请填写11位手机号）",
        "答案不符合要求：备注（应满足 string-length(.) <= 5）",
    ]
    for item_id, value in (("members", 120), ("phone", "13912345678"), ("memo", "")):
        inspections.set_answer(store, inspection_id, item_id, value, actor="检查员")
    assert completion.problems(store, inspection_id, checklist.items()) == []


def test_constraints_outside_the_subset_are_refused_with_the_row(tmp_path: Path) -> None:
    survey: Rows = [
        ["type", "name", "label", "constraint"],
        ["integer", "a", "人数", ". <= ${b}"],
        ["integer", "b", "总数", "today() > ."],
        ["compliance", "c", "是否符合", ". = 'compliant'"],
    ]
    error = refusal(workbook(tmp_path / "x.xlsx", {"survey": survey}))
    assert rows_named(error) == {2, 3, 4}
    assert "不支持引用其他题目" in error.problems[0].message
    assert "不支持约束条件" in error.problems[2].message


def started(store: Store, checklist: Checklist) -> str:
    import_checklists(store, [("x.xlsx", checklist)], actor="测试")
    org = registry.upsert(store, Organization(*AUTOMATION, OrgKind.SOCIAL_GROUP))
    people = [roster.add(store, Inspector(f"检查员{i}", f"G-00{i}")).id for i in range(2)]
    new = NewInspection(org.id, checklist.id, checklist.version, people, utc_now())
    return inspections.start(store, new, actor="检查员")


def test_types_and_answer_types_in_chinese(tmp_path: Path) -> None:
    survey: Rows = [
        ["type", "name", "label"],
        ["分组开始", "fees", "收费情况"],
        ["符合性", "charged", "是否按规定收费"],
        ["金额", "total", "收费金额"],
        ["单选 yn", "public", "是否公示"],
        ["分组结束", "fees"],
    ]
    choices: Rows = [["list_name", "name", "label"], ["yn", "yes", "是"], ["yn", "no", "否"]]
    sheet = load_file(workbook(tmp_path / "x.xlsx", {"survey": survey, "choices": choices}))
    assert [(i.id, i.answer_type.value) for i in sheet.checklist.items()] == [
        ("charged", "compliance"),
        ("total", "money"),
        ("public", "yes_no"),
    ]
    yaml_path = tmp_path / "x.yaml"
    yaml_path.write_text(
        "id: fees\nversion: 1\ntitle: 收费检查\nkind: 涉企收费检查\napplies_to: [基金会, 社团]\n"
        "effective_date: 2026-01-01\nsections:\n  - id: s\n    title: 收费\n    items:\n"
        "      - id: total\n        question: 收费金额\n        answer_type: 金额\n",
        encoding="utf-8",
    )
    loaded = load_file(yaml_path).checklist
    assert (loaded.kind, loaded.applies_to) == (
        ChecklistKind.FEE_AUDIT,
        [OrgKind.FOUNDATION, OrgKind.SOCIAL_GROUP],
    )
    assert loaded.items()[0].answer_type.value == "money"
