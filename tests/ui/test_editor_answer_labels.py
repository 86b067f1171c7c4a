"""Compliance items speak in their own words (存在 / 不存在): in the checklist format, the
built-ins, the XLSForm import and export, and the editor."""

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from checklists.library import get_checklist, import_builtin_checklists
from checklists.loader import load_file
from checklists.problems import ChecklistError
from checklists.xlsform_export import write_xlsform
from inspector import inspections, roster
from inspector.model import NewInspection
from inspector.store import Store
from tests.test_checklist_xlsform import workbook
from tests.ui.editor_keys import open_editor
from ui import style

ACTOR = "京民执11000"


def test_the_editor_says_what_an_answer_means(qtbot, world: Store, org_ids: dict[str, str]) -> None:
    import_builtin_checklists(world)
    people = [p.id for p in roster.all_active(world)[:2]]
    new = NewInspection(org_ids["北京市测试行业协会"], "fee-audit", 3, people, "2026-11-20")
    inspection_id = inspections.start(world, new, actor=ACTOR)
    editor = open_editor(qtbot, world, inspection_id, ACTOR)
    assert editor.current_id == "fa-01"  # 是否存在强制或变相强制入会……的情形？
    buttons = [b.text() for b in editor.pane.answer.group.buttons()]  # type: ignore[union-attr]
    assert buttons == ["1  不存在（符合）", "2  存在（不符合）", "3  不适用"]
    qtbot.keyClick(editor.tree, Qt.Key.Key_1)
    assert editor.session.answers["fa-01"] == "compliant"
    item = editor.session.item("fa-01")
    assert editor.model.state(item) == "不存在"
    state = editor.model.index_of("fa-01").siblingAtColumn(1)
    assert editor.model.data(state, Qt.ItemDataRole.ForegroundRole) == style.GREEN


def test_xlsform_round_trip_keeps_the_words(world: Store, tmp_path: Path) -> None:
    import_builtin_checklists(world)
    checklist = get_checklist(world, "fee-audit")
    write_xlsform(checklist, tmp_path / "fee.xlsx")
    again = load_file(tmp_path / "fee.xlsx").checklist
    labels = again.item("fa-16").answer_labels
    assert labels is not None and labels.not_applicable == "无违规收费"
    assert again.item("fa-01").answer_labels == checklist.item("fa-01").answer_labels


def test_xlsform_answer_labels_are_checked_by_row(tmp_path: Path) -> None:
    survey = [
        ["type", "name", "label", "answer_labels"],
        ["compliance", "a", "是否存在强制入会？", "不存在/存在"],
        ["text", "b", "说明", "有/无"],
        ["compliance", "c", "是否强制收费？", "否"],
    ]
    path = workbook(tmp_path / "x.xlsx", {"survey": survey})
    with pytest.raises(ChecklistError) as caught:
        load_file(path)
    assert [str(p) for p in caught.value.problems] == [
        f"{path}，survey 表第 3 行，条目 b：只有 compliance 题型可以填写答案文字（answer_labels）",
        f"{path}，survey 表第 4 行，条目 c：答案文字（answer_labels）“否”应写成“不存在/存在”或“不存在/存在/不适用”",
    ]
    survey = [survey[0], survey[1]]
    loaded = load_file(workbook(tmp_path / "y.xlsx", {"survey": survey})).checklist
    labels = loaded.item("a").answer_labels
    assert labels is not None and (labels.compliant, labels.not_compliant) == ("不存在", "存在")
