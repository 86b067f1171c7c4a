"""XLSForm-style spreadsheets: export → import round trip, real-form spellings, errors by row."""

from pathlib import Path

import openpyxl
import pytest

from checklists.library import builtin_paths
from checklists.loader import load_file
from checklists.problems import ChecklistError
from checklists.xlsform_export import write_xlsform
from inspector.checklist_model import AnswerType, Column

Rows = list[list[object]]


def workbook(path: Path, sheets: dict[str, Rows]) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(ChecklistError) as caught:
        load_file(path)
    return [str(problem) for problem in caught.value.problems]


@pytest.mark.parametrize("path", builtin_paths(), ids=lambda p: p.stem)
def test_round_trip_of_every_builtin(tmp_path: Path, path: Path) -> None:
    original = load_file(path).checklist
    target = tmp_path / f"{original.id}.xlsx"
    write_xlsform(original, target)
    loaded = load_file(target)
    assert loaded.checklist == original
    assert loaded.warnings == []


def test_round_trip_of_yes_no_and_choice_columns(tmp_path: Path) -> None:
    fee = load_file(builtin_paths()[1]).checklist
    fees = fee.item("fees")
    columns = [
        *fees.columns,
        Column(id="paid_back", label="是否已退还", answer_type=AnswerType.YES_NO),
    ]
    sections = [
        section.model_copy(
            update={
                "items": [
                    fees.model_copy(update={"columns": columns}) if i.id == "fees" else i
                    for i in section.items
                ]
            }
        )
        for section in fee.sections
    ]
    changed = fee.model_copy(update={"sections": sections})
    write_xlsform(changed, tmp_path / "fee.xlsx")
    assert load_file(tmp_path / "fee.xlsx").checklist == changed


KOBO_SURVEY: Rows = [
    [
        "TYPE",
        "Name",
        "label::English (en)",
        "label::Chinese (zh)",
        "hint::中文",
        "Required",
        "relevant",
    ],
    ["start", "start", "", "", "", "", ""],
    ["begin group", "basic", "Basics", "基本情况", "", "", ""],
    ["note", "intro", "Read first", "请先出示执法证件", "", "", ""],
    ["select one yn", "has_branch", "Branches?", "是否设有分支机构？", "", "yes", ""],
    [
        "select_multiple acts",
        "acts",
        "Activities",
        "开展的活动",
        "可多选",
        "",
        "${has_branch} = 'yes'",
    ],
    ["integer", "staff", "Staff", "专职人员人数", "", "TRUE()", ""],
    ["decimal", "income", "Income", "上年收入", "", "", "selected(${acts}, 'forum')"],
    ["text", "remark", "Remark", "备注", "", "no", "not(${has_branch} = 'no')"],
    ["date", "visit_date", "Date", "检查日期", "", "", ""],
    ["end group", "basic", "", "", "", "", ""],
    ["begin_repeat", "members", "Members", "理事名单", "", "", ""],
    ["text", "name", "Name", "姓名", "", "", ""],
    ["select_one role", "role", "Role", "职务", "", "", ""],
    ["end_repeat", "members", "", "", "", "", ""],
]
KOBO_CHOICES: Rows = [
    ["List_Name", "name", "label::English (en)", "label::Chinese (zh)"],
    ["yn", "yes", "Yes", "是"],
    ["yn", "no", "No", "否"],
    ["acts", "forum", "Forum", "论坛"],
    ["acts", "training", "Training", "培训"],
    ["role", "chair", "Chair", "理事长"],
]


def test_real_form_spellings_import(tmp_path: Path) -> None:
    path = workbook(
        tmp_path / "branch-check.xlsx", {"Survey": KOBO_SURVEY, "CHOICES": KOBO_CHOICES}
    )
    loaded = load_file(path)
    checklist = loaded.checklist
    assert checklist.id == "branch-check" and checklist.version == 1 and checklist.kind == "other"
    assert len(loaded.warnings) == 7  # six settings defaults and the skipped ``start`` row
    assert any(
        "Survey 表第 2 行：表单元数据题型“start”不属于检查内容，已跳过" in w
        for w in loaded.warnings
    )
    assert any(
        "settings 表未填写 form_id，已使用默认值“branch-check”" in w for w in loaded.warnings
    )
    basic, main = checklist.sections
    assert (basic.id, basic.title, basic.guidance) == ("basic", "基本情况", "请先出示执法证件")
    types = {item.id: item.answer_type for item in checklist.items()}
    assert types == {
        "has_branch": AnswerType.YES_NO,
        "acts": AnswerType.MULTI_CHOICE,
        "staff": AnswerType.NUMBER,
        "income": AnswerType.NUMBER,
        "remark": AnswerType.TEXT,
        "visit_date": AnswerType.DATE,
        "members": AnswerType.TABLE,
    }
    acts = checklist.item("acts")
    assert acts.question == "开展的活动" and acts.guidance == "可多选"
    assert [c.label for c in acts.choices] == ["论坛", "培训"]
    assert acts.show_if == "${has_branch} = 'yes'"
    assert checklist.item("staff").required and not checklist.item("remark").required
    members = checklist.item("members")
    assert main.id == "main" and [c.id for c in members.columns] == ["name", "role"]
    assert members.columns[1].choices[0].label == "理事长"


def test_settings_are_read(tmp_path: Path) -> None:
    settings: Rows = [
        ["form_id", "version", "form_title", "kind", "applies_to", "effective_date"],
        ["my-form", 3, "我的检查表", "fee_audit", "social_group", "2026-02-01"],
    ]
    path = workbook(
        tmp_path / "x.xlsx", {"survey": KOBO_SURVEY, "choices": KOBO_CHOICES, "Settings": settings}
    )
    loaded = load_file(path)
    assert (loaded.checklist.id, loaded.checklist.version, loaded.checklist.title) == (
        "my-form",
        3,
        "我的检查表",
    )
    assert loaded.warnings == [
        f"{path}：survey 表第 2 行：表单元数据题型“start”不属于检查内容，已跳过"
    ]


def test_unsupported_type_is_reported_by_row(tmp_path: Path) -> None:
    survey: Rows = [
        ["type", "name", "label"],
        ["text", "a", "问题一"],
        ["geopoint", "where", "位置"],
        ["calculate", "calc", "计算"],
    ]
    path = workbook(tmp_path / "x.xlsx", {"survey": survey})
    assert problems(path) == [
        f"{path}，survey 表第 3 行，条目 where：不支持的题型“geopoint”",
        f"{path}，survey 表第 4 行，条目 calc：calculate 行缺少 calculation 列（计算式）",
    ]


def test_validation_errors_name_the_sheet_row(tmp_path: Path) -> None:
    survey: Rows = [
        [
            "type",
            "name",
            "label",
            "relevant",
            "severity",
            "finding",
            "requirement",
            "rectification_days",
            "legal_basis",
        ],
        ["begin_group", "g", "分组"],
        [
            "compliance",
            "a",
            "问题一",
            "",
            "很重",
            "问题",
            "整改",
            30,
            "st-30",
        ],
        ["compliance", "b", "问题二", "${zz} = 'x'"],
        ["compliance", "c", "问题三", "", "一般", "问题", "整改", 30],
        ["select_one nolist", "d", "问题四"],
        ["end_group", "g"],
    ]
    path = workbook(tmp_path / "x.xlsx", {"survey": survey})
    # Every problem in one pass: a row that cannot be typed is still checked for the rest.
    assert problems(path) == [
        f"{path}，survey 表第 6 行，条目 d：choices 表中没有选项列表“nolist”",
        f"{path}，survey 表第 3 行，条目 a：严重程度“很重”无效，应为“一般”“较重”或“严重”",
        f"{path}，survey 表第 5 行，条目 c：有问题模板（finding）但没有法律依据（legal_basis）",
        f"{path}，survey 表第 4 行，条目 b：show_if 引用了不存在的条目“zz”",
    ]


def test_group_structure_errors(tmp_path: Path) -> None:
    survey: Rows = [
        ["type", "name", "label"],
        ["begin_group", "g", "分组"],
        ["begin_group", "h", "内层"],
        ["text", "a", "问题"],
        ["end_group", "g"],
        ["end_group", "h"],
        ["begin_repeat", "t", "表"],
    ]
    path = workbook(tmp_path / "x.xlsx", {"survey": survey})
    assert problems(path) == [
        f"{path}，survey 表第 3 行，条目 h：不支持嵌套分组（begin_group 内再次 begin_group）",
        f"{path}，survey 表第 6 行，条目 h：end_group 没有对应的 begin_group",
        f"{path}，survey 表第 7 行，条目 t：begin_repeat 缺少对应的 end_repeat",
        f"{path}，survey 表第 7 行，条目 t：表格条目必须列出列（columns）",
    ]


def test_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"not a zip")
    [message] = problems(path)
    assert message.startswith(f"{path}：无法读取 Excel 文件")


def test_missing_survey_sheet(tmp_path: Path) -> None:
    path = workbook(tmp_path / "x.xlsx", {"choices": KOBO_CHOICES})
    assert problems(path) == [f"{path}：缺少 survey 工作表"]


def test_logic_columns_refuse_the_file_and_presentation_columns_warn(tmp_path: Path) -> None:
    survey: Rows = [
        ["type", "name", "label", "repeat_count", "default"],
        ["integer", "n", "人数", "3", "3"],
    ]
    path = workbook(tmp_path / "x.xlsx", {"survey": survey})
    with pytest.raises(ChecklistError) as caught:
        load_file(path)
    assert [str(p) for p in caught.value.problems] == [
        f"{path}，survey 表第 2 行，条目 n：repeat_count 列（“3”）暂不支持："
        "本程序不会执行它，导入后这部分逻辑会丢失；请删除该列内容后再导入（显示条件请写在 relevant 列）"
    ]
    assert f"{path}：survey 表第 2 行：不支持 default 列，已忽略该列的内容" in caught.value.warnings
