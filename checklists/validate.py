"""Turn raw file data into a valid ``Checklist``, or a list of located problems.

Two passes: the pydantic models check every record on its own (their errors are translated to
Chinese and placed at the line or row they came from); then the cross-item rules run on the
model: unique ids, ``show_if`` references (unknown, later, cyclic), choices and columns where
the answer type needs them, a finding template only with a legal basis, computed expressions.
Every problem of a file comes in one report: when records fail the first pass, the cross-item
rules still run on a copy where each failing field is set aside.

Enumerated settings accept their Chinese names (社会团体, 民办非企业单位, 双随机抽查, ...). A
format whose field names differ from ours (XLSForm columns) passes ``columns`` so messages name
what the author wrote or must add.
"""

import copy
import re
from collections.abc import Callable, Iterator
from typing import Any

from pydantic import ValidationError

from checklists import show_if
from checklists.computed import expression_problems
from checklists.problems import ChecklistError, Problem, id_along, where_of
from inspector import constraints, legal_bases
from inspector.checklist_model import (
    CHOICE_TYPES,
    COLUMN_TYPES,
    COMPLIANCE_VALUES,
    YES_NO_VALUES,
    AnswerType,
    Checklist,
    ChecklistKind,
    Item,
)
from inspector.model import OrgKind

ANSWER_TYPES = "、".join(t.value for t in AnswerType)
Columns = Callable[[tuple[Any, ...]], str]
"""Where a field sits in the author's format: ``loc`` → e.g. “finding 列（问题描述）”."""

_ORG_KIND_NAMES = {
    **{kind.label: kind.value for kind in OrgKind},
    **{kind.value: kind.value for kind in OrgKind},
    "社团": "social_group",
    "民办非企业单位": "social_service",
    "民非": "social_service",
    "社会服务机构（民办非企业单位）": "social_service",
}
_CHECKLIST_KIND_NAMES = {
    **{kind.label: kind.value for kind in ChecklistKind},
    "双随机": "spot_check",
    "随机抽查": "spot_check",
    "收费检查": "fee_audit",
    "非营利性": "nonprofit_review",
}
_SEVERITY_NAMES = {"minor": "一般", "major": "较重", "severe": "严重", "serious": "严重"}
ANSWER_TYPE_NAMES = {
    "符合性": "compliance",
    "合规": "compliance",
    "是否": "yes_no",
    "是否题": "yes_no",
    "数字": "number",
    "数值": "number",
    "金额": "money",
    "文字": "text",
    "文本": "text",
    "日期": "date",
    "单选": "single_choice",
    "多选": "multi_choice",
    "表格": "table",
}
ORG_KIND_CHOICES = "社会团体、社会服务机构（民办非企业单位）、基金会、其他"
CHECKLIST_KIND_CHOICES = "双随机抽查、涉企收费检查、非营利性审查、其他"


def build_checklist(raw: Any, file: str, columns: Columns | None = None) -> Checklist:
    """Validate raw data read from ``file``; raises ``ChecklistError`` listing every problem."""
    raw = _with_chinese_names(raw)
    try:
        checklist = Checklist.model_validate(raw)
    except ValidationError as exc:
        errors = exc.errors()
        problems = [_translate(error, raw, file, columns) for error in errors]
        rest = _set_aside(raw, [tuple(error["loc"]) for error in errors])
        if rest is not None:
            problems += cross_item_problems(rest[0], rest[1], file)
        raise ChecklistError(problems) from None
    problems = list(cross_item_problems(checklist, raw, file))
    if problems:
        raise ChecklistError(problems)
    return checklist


def _with_chinese_names(raw: Any) -> Any:
    """Chinese names of the enumerated settings turned into the stored values."""
    if not isinstance(raw, dict):
        return raw
    if isinstance(raw.get("kind"), str):
        raw["kind"] = _CHECKLIST_KIND_NAMES.get(_folded(raw["kind"]), raw["kind"])
    if isinstance(raw.get("applies_to"), list):
        raw["applies_to"] = [
            _ORG_KIND_NAMES.get(_folded(k), k) if isinstance(k, str) else k
            for k in raw["applies_to"]
        ]
    for item in _items(raw):
        _answer_type_by_name(item)
        columns = item.get("columns")
        for column in columns if isinstance(columns, list) else ():
            _answer_type_by_name(column)
        finding = item.get("finding")
        if isinstance(finding, dict) and isinstance(finding.get("severity"), str):
            severity = finding["severity"].strip()
            finding["severity"] = _SEVERITY_NAMES.get(severity.lower(), severity)
    return raw


def _answer_type_by_name(record: Any) -> None:
    if isinstance(record, dict) and isinstance(record.get("answer_type"), str):
        name = record["answer_type"].strip()
        record["answer_type"] = ANSWER_TYPE_NAMES.get(name, name)


def _folded(text: str) -> str:
    return re.sub(r"\s", "", text).replace("(", "（").replace(")", "）")


def _items(raw: dict[str, Any]) -> Iterator[dict[str, Any]]:
    sections = raw.get("sections")
    for section in sections if isinstance(sections, list) else ():
        items = section.get("items") if isinstance(section, dict) else None
        for item in items if isinstance(items, list) else ():
            if isinstance(item, dict):
                yield item


# What a failing field is replaced by so that the cross-item rules can still run.
_STAND_INS: dict[str, Any] = {
    "id": None,  # a unique placeholder, made from the position
    "title": "？",
    "question": "？",
    "label": "？",
    "guidance": "",
    "answer_type": "text",
    "required": True,
    "show_if": None,
    "finding": None,
    "kind": "other",
    "applies_to": ["social_group"],
    "effective_date": "2000-01-01",
    "version": 1,
}


_DROPPABLE = frozenset({"choices", "columns", "legal_basis", "evidence", "computed"})
_DROPPED = object()


def _set_aside(raw: Any, locs: list[tuple[Any, ...]]) -> tuple[Checklist, Any] | None:
    """A copy of ``raw`` with every failing field replaced or dropped, and its model."""
    rest = copy.deepcopy(raw)
    for number, loc in enumerate(locs):
        if _replace(rest, loc, number):
            continue
        if len(loc) < 2 or loc[0] != "sections" or not isinstance(loc[1], int):
            return None
        rest["sections"][loc[1]] = _DROPPED  # e.g. a group without items: set the group aside
    _drop_marked(rest)
    try:
        return Checklist.model_validate(rest), rest
    except ValidationError:
        return None


def _replace(node: Any, loc: tuple[Any, ...], number: int) -> bool:
    for depth, key in enumerate(loc):
        parent = loc[depth - 1] if depth else None
        if isinstance(key, int) and isinstance(node, list) and parent in _DROPPABLE:
            if 0 <= key < len(node):
                node[key] = _DROPPED
            return True
        if isinstance(key, str) and key in _STAND_INS and isinstance(node, dict):
            node[key] = f"_aside_{number}" if key == "id" else copy.deepcopy(_STAND_INS[key])
            return True
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            return False
    return False


def _drop_marked(node: Any) -> None:
    if isinstance(node, list):
        node[:] = [entry for entry in node if entry is not _DROPPED]
    children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
    for child in children:
        _drop_marked(child)


def _translate(error: Any, raw: Any, file: str, columns: Columns | None) -> Problem:
    loc = tuple(error["loc"])
    item_id = id_along(raw, loc, "items") or id_along(raw, loc, "sections")
    return Problem(file, where_of(raw, loc), item_id, _message(error, loc, columns))


def _message(error: Any, loc: tuple[Any, ...], columns: Columns | None = None) -> str:
    kind = error["type"]
    field = next((str(part) for part in reversed(loc) if isinstance(part, str)), "")
    named = columns(loc) if columns else f"字段“{field}”"
    value = error.get("input")
    if kind == "missing":
        return f"缺少 {named}" if columns else f"缺少必填字段“{field}”"
    if kind == "extra_forbidden":
        return f"未知字段“{field}”"
    if field == "answer_type" and kind == "enum":
        return f"未知的答案类型“{value}”（可用：{ANSWER_TYPES}）"
    if field == "severity":
        return f"严重程度“{value}”无效，应为“一般”“较重”或“严重”"
    if field == "applies_to" and kind == "enum":
        return f"未知的组织类型“{value}”（可用：{ORG_KIND_CHOICES}）"
    if field == "kind" and kind == "enum":
        return f"未知的检查表类别“{value}”（可用：{CHECKLIST_KIND_CHOICES}）"
    if kind == "string_pattern_mismatch":
        return f"{named}的值“{value}”不是合法标识（须以字母开头，只含字母、数字、_、-、.）"
    if kind == "string_type":
        return f"{named}应为文字，而不是“{value}”"
    if kind == "bool_type" or kind == "bool_parsing":
        return f"{named}应为 true 或 false，而不是“{value}”"
    if kind in ("string_too_short", "too_short"):
        return f"{named}不能为空"
    if kind.startswith("int_"):
        return f"{named}应为整数，而不是“{value}”"
    if kind.startswith("date_"):
        return f"{named}应为日期（YYYY-MM-DD），而不是“{value}”"
    if kind in ("greater_than_equal", "less_than_equal"):
        return f"{named}的值“{value}”超出允许范围"
    return f"{named}的值“{value}”无效（{error['msg']}）"


def cross_item_problems(checklist: Checklist, raw: Any, file: str) -> Iterator[Problem]:
    """Rules that involve more than one record."""
    yield from _duplicate_sections(checklist, raw, file)
    positions = {}
    for s_index, section in enumerate(checklist.sections):
        for i_index, item in enumerate(section.items):
            where = where_of(raw, ("sections", s_index, "items", i_index))
            if item.id in positions:
                yield Problem(file, where, item.id, "条目编号重复")
                continue
            positions[item.id] = where
            for message in _item_problems(item):
                yield Problem(file, where, item.id, message)
    yield from _show_if_problems(checklist, positions, file)
    seen_computed: set[str] = set()
    for index, computed in enumerate(checklist.computed):
        where = where_of(raw, ("computed", index))
        messages = expression_problems(checklist, computed.expression)
        if computed.id in seen_computed or computed.id in positions:
            messages.append(f"计算值编号“{computed.id}”重复")
        seen_computed.add(computed.id)
        for message in messages:
            yield Problem(file, where, None, f"计算值 {computed.id}：{message}")


def _duplicate_sections(checklist: Checklist, raw: Any, file: str) -> Iterator[Problem]:
    seen: set[str] = set()
    for index, section in enumerate(checklist.sections):
        if section.id in seen:
            where = where_of(raw, ("sections", index))
            yield Problem(file, where, None, f"分组编号“{section.id}”重复")
        seen.add(section.id)


_CONSTRAINED_TYPES = frozenset(
    {
        AnswerType.NUMBER,
        AnswerType.MONEY,
        AnswerType.TEXT,
        AnswerType.DATE,
        AnswerType.SINGLE_CHOICE,
    }
)


def _constraint_problems(item: Item) -> Iterator[str]:
    if item.constraint is None:
        if item.constraint_message:
            yield "有约束提示（constraint_message）但没有约束条件（constraint）"
        return
    try:
        constraints.parse(item.constraint)
    except constraints.ConstraintError as exc:
        yield f"约束条件“{item.constraint}”暂不支持或有误：{exc}"
    if item.answer_type not in _CONSTRAINED_TYPES:
        yield f"答案类型为 {item.answer_type.value} 的条目不支持约束条件（constraint）"


def _item_problems(item: Item) -> Iterator[str]:
    yield from _constraint_problems(item)
    if item.id == show_if.ORG_KIND:
        yield f"“{show_if.ORG_KIND}”是保留名称（组织类型），不能用作条目编号"
    is_choice = item.answer_type in CHOICE_TYPES
    if is_choice and not item.choices:
        yield "选择题必须列出选项（choices）"
    if not is_choice and item.choices:
        yield f"答案类型为 {item.answer_type.value} 的条目不能有选项（choices）"
    yield from _duplicates("选项取值", [choice.value for choice in item.choices])
    if item.answer_type is AnswerType.TABLE:
        yield from _table_problems(item)
    elif item.columns:
        yield "只有表格条目（table）可以有列（columns）"
    if item.answer_labels is not None and item.answer_type is not AnswerType.COMPLIANCE:
        yield "只有符合性条目（compliance）可以有自己的答案文字（answer_labels）"
    if item.finding is not None and not item.legal_basis:
        yield "有问题模板（finding）但没有法律依据（legal_basis）"
    yield from _basis_problems(item)


def _basis_problems(item: Item) -> Iterator[str]:
    """Every basis is a register entry an item may cite: an obligation or a penalty clause,
    never the authority's own power (处理依据 belongs to the document, not to an item)."""
    for key in item.legal_basis:
        if key not in legal_bases.register():
            yield f"法律依据“{key}”不在依据目录中（inspector/legal_bases.yaml）"
        elif legal_bases.get(key).role is legal_bases.Role.HANDLING:
            yield f"法律依据“{key}”是机关的处理依据，不能作为检查事项的依据"
    if item.finding is not None and "慈善组织" in item.finding.text:
        # 慈善组织 is a status some organizations of every kind have; the template cannot know.
        yield "问题模板不能称“该慈善组织”：被检查单位不一定是慈善组织，请称“该单位”"


def _table_problems(item: Item) -> Iterator[str]:
    if not item.columns:
        yield "表格条目必须列出列（columns）"
    yield from _duplicates("列编号", [column.id for column in item.columns])
    for column in item.columns:
        if column.answer_type not in COLUMN_TYPES:
            yield f"列“{column.id}”的答案类型不能是 {column.answer_type.value}"
        if (column.answer_type in CHOICE_TYPES) != bool(column.choices):
            yield f"列“{column.id}”：只有选择列必须且可以列出选项"


def _duplicates(what: str, values: list[str]) -> Iterator[str]:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            yield f"{what}“{value}”重复"
        seen.add(value)


def _show_if_problems(
    checklist: Checklist, positions: dict[str, str], file: str
) -> Iterator[Problem]:
    items = checklist.items()
    order: dict[str, int] = {}
    by_id: dict[str, Item] = {}
    for index, item in enumerate(items):  # a duplicate id is reported elsewhere; first wins
        order.setdefault(item.id, index)
        by_id.setdefault(item.id, item)
    graph: dict[str, set[str]] = {}
    parsed: dict[str, show_if.Node] = {}
    for item in by_id.values():
        if item.show_if is None:
            continue
        try:
            parsed[item.id] = show_if.parse(item.show_if)
        except show_if.ShowIfError as exc:
            yield Problem(
                file, positions[item.id], item.id, f"show_if 条件“{item.show_if}”有误：{exc}"
            )
            continue
        graph[item.id] = show_if.references(parsed[item.id]) & set(order)
    cyclic = _cycles(graph)
    for item_id, node in parsed.items():
        where = positions[item_id]
        for name in sorted(show_if.references(node) - {show_if.ORG_KIND}):
            if name not in order:
                yield Problem(file, where, item_id, f"show_if 引用了不存在的条目“{name}”")
            elif item_id in cyclic and name in cyclic[item_id]:
                path = " → ".join(cyclic[item_id])
                yield Problem(file, where, item_id, f"show_if 形成循环引用：{path}")
            elif order[name] >= order[item_id]:
                yield Problem(
                    file, where, item_id, f"show_if 引用了后面的条目“{name}”（只能引用前面的条目）"
                )
            elif by_id[name].answer_type is AnswerType.TABLE:
                yield Problem(file, where, item_id, f"show_if 不能引用表格条目“{name}”")
        for name, literal in show_if.compared_values(node):
            allowed = _allowed_values(name, by_id)
            if allowed is not None and literal not in allowed:
                yield Problem(
                    file,
                    where,
                    item_id,
                    f"show_if 中的取值“{literal}”不是“{name}”的可选值（可选：{'、'.join(allowed)}）",
                )


def _allowed_values(name: str, by_id: dict[str, Item]) -> list[str] | None:
    if name == show_if.ORG_KIND:
        return [kind.value for kind in OrgKind]
    item = by_id.get(name)
    if item is None:
        return None
    if item.answer_type is AnswerType.COMPLIANCE:
        return list(COMPLIANCE_VALUES)
    if item.answer_type is AnswerType.YES_NO:
        return list(YES_NO_VALUES)
    if item.answer_type in CHOICE_TYPES:
        return [choice.value for choice in item.choices]
    return None


def _cycles(graph: dict[str, set[str]]) -> dict[str, list[str]]:
    """For each item on a cycle of ``show_if`` references, the cycle as a path from it."""
    found: dict[str, list[str]] = {}
    for start in graph:
        path = _path_back(graph, start)
        if path is not None:
            found[start] = path
    return found


def _path_back(graph: dict[str, set[str]], start: str) -> list[str] | None:
    stack: list[tuple[str, list[str]]] = [(start, [start])]
    visited: set[str] = set()
    while stack:
        node, path = stack.pop()
        for nxt in sorted(graph.get(node, ())):
            if nxt == start:
                return [*path, start]
            if nxt not in visited:
                visited.add(nxt)
                stack.append((nxt, [*path, nxt]))
    return None
