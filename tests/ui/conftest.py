"""A store with a register, a roster and a small checklist that has every kind of item."""

import gc
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from checklists.library import import_checklists
from inspector import inspections, registry, roster
from inspector.checklist_model import Checklist
from inspector.model import Inspector, NewInspection, Organization, OrgKind
from inspector.store import Store
from ui.task_runner import TaskRunner

BASIS = [{"instrument": "《社会团体登记管理条例》", "article": "第二十八条"}]
CHECKLIST = {
    "id": "ui-test",
    "version": 1,
    "title": "社会团体抽查（测试）",
    "kind": "spot_check",
    "applies_to": ["social_group"],
    "effective_date": "2020-01-01",
    "sections": [
        {
            "id": "annual",
            "title": "年度报告",
            "items": [
                {
                    "id": "ar-01",
                    "question": "是否按时报送年度工作报告",
                    "guidance": "查阅年度工作报告书及报送回执",
                    "answer_type": "compliance",
                    "legal_basis": BASIS,
                    "evidence": ["年度工作报告书"],
                    "finding": {
                        "text": "未按时报送年度工作报告",
                        "severity": "一般",
                        "requirement": "限期补报年度工作报告",
                        "rectification_days": 30,
                    },
                },
                {
                    "id": "ar-02",
                    "question": "是否设有分支机构",
                    "answer_type": "yes_no",
                },
                {
                    "id": "ar-03",
                    "question": "分支机构数量",
                    "answer_type": "number",
                    "show_if": "${ar-02} = 'yes'",
                },
            ],
        },
        {
            "id": "fees",
            "title": "收费",
            "items": [
                {
                    "id": "fee-01",
                    "question": "会费收取情况",
                    "answer_type": "table",
                    "required": False,
                    "columns": [
                        {"id": "name", "label": "收费项目", "answer_type": "text"},
                        {"id": "collected", "label": "收取金额", "answer_type": "money"},
                        {
                            "id": "verdict",
                            "label": "认定结论",
                            "answer_type": "single_choice",
                            "choices": [
                                {"value": "ok", "label": "合规"},
                                {"value": "refund", "label": "应清退"},
                            ],
                        },
                    ],
                },
                {"id": "fee-02", "question": "其他说明", "answer_type": "text", "required": False},
            ],
        },
    ],
    "computed": [{"id": "total", "label": "收费合计", "expression": "sum(fee-01.collected)"}],
}


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def world(store: Store) -> Store:
    """Two organizations, three inspectors, the test checklist."""
    registry.upsert(
        store,
        Organization(
            "51110000MJ0000001A", "北京市测试行业协会", OrgKind.SOCIAL_GROUP, district="东城区"
        ),
    )
    registry.upsert(
        store,
        Organization(
            "52110000MJ0000002B",
            "北京市测试养老服务中心",
            OrgKind.SOCIAL_SERVICE,
            district="西城区",
        ),
    )
    for n, name in enumerate(("张伟", "李娜", "王芳")):
        roster.add(store, Inspector(name, f"京民执1100{n}"))
    import_checklists(store, [("测试", Checklist.model_validate(CHECKLIST))], actor="test")
    return store


@pytest.fixture
def org_ids(world: Store) -> dict[str, str]:
    """Organization ids by name."""
    return dict(world.db.execute("SELECT name, id FROM organizations").fetchall())


@pytest.fixture
def inspection_id(world: Store, org_ids: dict[str, str]) -> str:
    people = [p.id for p in roster.all_active(world)[:2]]
    new = NewInspection(
        org_ids["北京市测试行业协会"],
        "ui-test",
        1,
        people,
        "2026-11-20T01:30:00+00:00",
        place="协会办公室",
    )
    return inspections.start(world, new, actor="京民执11000")


@pytest.fixture
def runner_for(qtbot: QtBot) -> Callable[[Store], TaskRunner]:
    """The task runner a main window would hand its screens, for a screen tested alone."""

    def make(store: Store) -> TaskRunner:
        runner = TaskRunner(store.path)
        qtbot.addWidget(runner)
        return runner

    return make


@pytest.fixture(autouse=True)
def garbage_collected_on_the_gui_thread() -> Iterator[None]:
    """As the app does (ui/gc_guard.py): no collection in the test server's or a worker's
    thread, where deleting a Qt object left in a cycle crashes the process."""
    gc.disable()
    yield
    gc.collect()
    gc.enable()
