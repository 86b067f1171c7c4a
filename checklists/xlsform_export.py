"""Write a checklist as an XLSForm-style .xlsx that ``read_xlsform`` reads back equal.

Mapping: a section is a group (its guidance a ``note``), a table item a repeat, ``yes_no`` a
``select_one yes_no`` with the choices yes/no, ``number`` a ``decimal``; our own columns carry
the legal basis (one per line, ``instrument | article | note``), evidence (one per line) and the
finding template. The ``computed`` sheet holds computed values.
"""

from pathlib import Path

import openpyxl
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from checklists.xlsform import ANSWER_LABELS, YES_NO_LIST, format_answer_labels
from inspector.checklist_model import AnswerType, Checklist, Choice, Column, Item

SURVEY_HEADERS = (
    "type", "name", "label", "hint", "required", "relevant", "legal_basis", "evidence",
    "finding", "severity", "requirement", "rectification_days", "follow_up",
    "constraint", "constraint_message", ANSWER_LABELS,
)  # fmt: skip

_TYPES = {
    AnswerType.COMPLIANCE: "compliance",
    AnswerType.YES_NO: f"select_one {YES_NO_LIST}",
    AnswerType.NUMBER: "decimal",
    AnswerType.MONEY: "money",
    AnswerType.TEXT: "text",
    AnswerType.DATE: "date",
}


def write_xlsform(checklist: Checklist, path: Path) -> None:
    """Save ``checklist`` to ``path`` (.xlsx)."""
    workbook = openpyxl.Workbook()
    survey = workbook.active
    assert survey is not None
    survey.title = "survey"
    choices = workbook.create_sheet("choices")
    _header(survey, SURVEY_HEADERS)
    _header(choices, ("list_name", "name", "label"))
    for section in checklist.sections:
        survey.append(["begin_group", section.id, section.title])
        if section.guidance:
            survey.append(["note", f"{section.id}-note", section.guidance])
        for item in section.items:
            _item_rows(survey, choices, item)
        survey.append(["end_group", section.id])
    if _uses_yes_no(checklist):
        _choices(
            choices, YES_NO_LIST, [Choice(value="yes", label="是"), Choice(value="no", label="否")]
        )
    settings = workbook.create_sheet("settings")
    _header(settings, ("form_id", "version", "form_title", "kind", "applies_to", "effective_date"))
    settings.append([
        checklist.id, checklist.version, checklist.title, checklist.kind.value,
        " ".join(kind.value for kind in checklist.applies_to), checklist.effective_date.isoformat(),
    ])  # fmt: skip
    if checklist.computed:
        computed = workbook.create_sheet("computed")
        _header(computed, ("name", "label", "expression"))
        for value in checklist.computed:
            computed.append([value.id, value.label, value.expression])
    workbook.save(path)


def _uses_yes_no(checklist: Checklist) -> bool:
    types = [item.answer_type for item in checklist.items()]
    types += [column.answer_type for item in checklist.items() for column in item.columns]
    return AnswerType.YES_NO in types


def _header(sheet: Worksheet, headers: tuple[str, ...]) -> None:
    sheet.append(list(headers))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"


def _item_rows(survey: Worksheet, choices: Worksheet, item: Item) -> None:
    finding = item.finding
    common = [
        item.id,
        item.question,
        item.guidance,
        "yes" if item.required else "no",
        item.show_if or "",
        "\n".join(item.legal_basis),
        "\n".join(item.evidence),
        finding.text if finding else "",
        finding.severity.value if finding else "",
        finding.requirement if finding else "",
        finding.rectification_days if finding else "",
        finding.follow_up if finding else "",
        item.constraint or "",
        item.constraint_message,
        format_answer_labels(item.answer_labels),
    ]
    if item.answer_type is AnswerType.TABLE:
        survey.append(["begin_repeat", *common])
        for column in item.columns:
            survey.append([_column_type(choices, item.id, column), column.id, column.label])
        survey.append(["end_repeat", item.id])
    elif item.answer_type in (AnswerType.SINGLE_CHOICE, AnswerType.MULTI_CHOICE):
        head = "select_one" if item.answer_type is AnswerType.SINGLE_CHOICE else "select_multiple"
        _choices(choices, item.id, item.choices)
        survey.append([f"{head} {item.id}", *common])
    else:
        survey.append([_TYPES[item.answer_type], *common])


def _column_type(choices: Worksheet, item_id: str, column: Column) -> str:
    if column.answer_type in (AnswerType.SINGLE_CHOICE, AnswerType.MULTI_CHOICE):
        list_name = f"{item_id}-{column.id}"
        _choices(choices, list_name, column.choices)
        head = "select_one" if column.answer_type is AnswerType.SINGLE_CHOICE else "select_multiple"
        return f"{head} {list_name}"
    return _TYPES[column.answer_type]


def _choices(sheet: Worksheet, list_name: str, options: list[Choice]) -> None:
    for option in options:
        sheet.append([list_name, option.value, option.label])
