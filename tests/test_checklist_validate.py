"""Checklist files with errors are refused with located Chinese messages."""

from pathlib import Path

import pytest

from checklists.loader import load_file
from checklists.problems import ChecklistError

HEADER = """\
id: sample
version: 1
title: 示例检查表
kind: spot_check
applies_to: [social_group, foundation]
effective_date: 2026-01-01
sections:
  - id: s1
    title: 年度报告
    items:
"""

BASIS = "        legal_basis: [st-28-1]\n"


def item(item_id: str, answer_type: str = "compliance", extra: str = "") -> str:
    text = f"      - id: {item_id}\n        question: 问题{item_id}\n        answer_type: {answer_type}\n"
    return text + extra


def finding(severity: str = "一般") -> str:
    return (
        "        finding: {text: 未按时报送, severity: "
        + severity
        + ", requirement: 补报, rectification_days: 30}\n"
    )


def write(tmp_path: Path, body: str, name: str = "sample.yaml") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(ChecklistError) as caught:
        load_file(path)
    return [str(problem) for problem in caught.value.problems]


def test_valid_file_loads(tmp_path: Path) -> None:
    path = write(tmp_path, item("a", extra=BASIS + finding()) + item("b", "yes_no"))
    checklist = load_file(path).checklist
    assert [i.id for i in checklist.items()] == ["a", "b"]
    assert checklist.items()[0].finding is not None


def test_unknown_answer_type_names_file_line_and_item(tmp_path: Path) -> None:
    path = write(tmp_path, item("a") + item("b", "yesno"))
    [message] = problems(path)
    assert message.startswith(f"{path}，第 14 行，条目 b：未知的答案类型“yesno”")


def test_duplicate_item_id(tmp_path: Path) -> None:
    path = write(tmp_path, item("a") + item("a", "text"))
    assert problems(path) == [f"{path}，第 14 行，条目 a：条目编号重复"]


def test_show_if_unknown_item(tmp_path: Path) -> None:
    path = write(tmp_path, item("a", extra="        show_if: ${nope} = 'yes'\n"))
    assert problems(path) == [f"{path}，第 11 行，条目 a：show_if 引用了不存在的条目“nope”"]


def test_show_if_later_item(tmp_path: Path) -> None:
    path = write(tmp_path, item("a", extra="        show_if: ${b} = 'yes'\n") + item("b", "yes_no"))
    [message] = problems(path)
    assert "条目 a：show_if 引用了后面的条目“b”（只能引用前面的条目）" in message


def test_show_if_cycle(tmp_path: Path) -> None:
    body = item("a", "yes_no", "        show_if: ${b} = 'yes'\n") + item(
        "b", "yes_no", "        show_if: ${a} = 'no'\n"
    )
    messages = problems(write(tmp_path, body))
    assert any("条目 a：show_if 形成循环引用：a → b → a" in m for m in messages)
    assert any("条目 b：show_if 形成循环引用：b → a → b" in m for m in messages)


def test_show_if_self_reference_is_a_cycle(tmp_path: Path) -> None:
    path = write(tmp_path, item("a", "yes_no", "        show_if: ${a} = 'yes'\n"))
    assert problems(path) == [f"{path}，第 11 行，条目 a：show_if 形成循环引用：a → a"]


def test_show_if_syntax_error(tmp_path: Path) -> None:
    path = write(tmp_path, item("a", extra="        show_if: ${org_kind} > 'x'\n"))
    [message] = problems(path)
    assert "条目 a：show_if 条件“${org_kind} > 'x'”有误：无法识别的内容" in message


def test_show_if_value_not_a_choice(tmp_path: Path) -> None:
    body = item("a") + item("b", extra="        show_if: ${a} = 'yes'\n")
    [message] = problems(write(tmp_path, body))
    assert (
        "show_if 中的取值“yes”不是“a”的可选值（可选：compliant、not_compliant、not_applicable）"
        in message
    )


def test_finding_without_legal_basis(tmp_path: Path) -> None:
    path = write(tmp_path, item("a", extra=finding()))
    assert problems(path) == [
        f"{path}，第 11 行，条目 a：有问题模板（finding）但没有法律依据（legal_basis）"
    ]


def test_bad_severity(tmp_path: Path) -> None:
    path = write(tmp_path, item("a", extra=BASIS + finding("很严重")))
    [message] = problems(path)
    assert message.startswith(f"{path}，第 15 行，条目 a：严重程度“很严重”无效")


def test_unknown_field_and_missing_field(tmp_path: Path) -> None:
    body = "      - id: a\n        question: 问\n        answer_typ: compliance\n"
    messages = problems(write(tmp_path, body))
    assert any("条目 a：缺少必填字段“answer_type”" in m for m in messages)
    assert any("条目 a：未知字段“answer_typ”" in m for m in messages)


def test_choice_item_without_choices(tmp_path: Path) -> None:
    [message] = problems(write(tmp_path, item("a", "single_choice")))
    assert "条目 a：选择题必须列出选项（choices）" in message


def test_table_without_columns(tmp_path: Path) -> None:
    [message] = problems(write(tmp_path, item("fees", "table")))
    assert "条目 fees：表格条目必须列出列（columns）" in message


def test_computed_expression_errors(tmp_path: Path) -> None:
    body = item("a", "money") + "computed:\n  - {id: total, label: 合计, expression: sum(a.x)}\n"
    [message] = problems(write(tmp_path, body))
    assert "计算值 total：sum() 只能用于表格条目，“a”不是表格" in message


def test_yaml_syntax_error_has_line(tmp_path: Path) -> None:
    path = write(tmp_path, item("a") + "      - id: [b\n")
    [message] = problems(path)
    assert message.startswith(f"{path}，第 ") and "YAML 格式错误" in message


def test_duplicate_yaml_key(tmp_path: Path) -> None:
    path = write(tmp_path, item("a") + "        question: 又一个问题\n")
    [message] = problems(path)
    assert f"{path}，第 14 行" in message and "重复的键“question”" in message


def test_unsupported_extension(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text("x", encoding="utf-8")
    assert problems(path) == [f"{path}：不支持的文件类型“.csv”，应为 .yaml、.yml 或 .xlsx"]


def test_yes_no_and_numbers_stay_strings(tmp_path: Path) -> None:
    choices = "        choices: [{value: yes, label: 是}, {value: 1, label: 一}, {value: off, label: 关}]\n"
    path = write(
        tmp_path,
        item("a", "single_choice", choices) + item("b", extra="        show_if: ${a} = 'yes'\n"),
    )
    checklist = load_file(path).checklist
    assert [c.value for c in checklist.item("a").choices] == ["yes", "1", "off"]


def test_required_must_be_a_boolean(tmp_path: Path) -> None:
    [message] = problems(write(tmp_path, item("a", extra="        required: [x]\n")))
    assert "条目 a：字段“required”应为 true 或 false" in message
