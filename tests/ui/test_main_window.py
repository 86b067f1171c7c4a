"""The main window, the register list and starting an inspection, on a real store."""

from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QWidget

from inspector import (
    accounts,
    credit_code,
    onsite_record,
    org_search,
    registry,
    roster,
)
from inspector.model import Inspector, Organization, OrgKind
from inspector.store import Store
from tests.onsite import NOBODY_ON_SITE
from ui.main_window import MainWindow
from ui.org_model import PAGE, OrgTableModel
from ui.start_dialog import StartInspectionDialog

ACTOR = "本机用户"


@pytest.fixture
def window(qtbot, world: Store, settings: QSettings) -> MainWindow:
    main = MainWindow(world, settings)
    qtbot.addWidget(main)
    main.resize(1366, 768)
    main.show()
    return main


def test_navigation_and_status_bar(window: MainWindow) -> None:
    assert [window.nav.item(r).text() for r in range(window.nav.count())] == [
        "工作台",
        "任务",
        "检查对象",
        "检查记录",
        "整改跟踪",
        "检查表",
        "同步",
    ]
    window.show_screen("checklists")
    assert window.stack.currentWidget() is window.checklists
    assert window.checklists.model.rows[0].title == "社会团体抽查（测试）"
    assert window.status.network.text() == "○ 离线"
    assert window.status.waiting.text() == "待上传 0 条"
    window.show_screen("sync")
    assert window.sync.preview.text() == "没有待上传的检查记录；已完成的检查记录都已上传。"
    assert window.sync.login_state.text() == "未登录：上传或下载时会请您输入密码"


def test_models_pass_the_model_tester(qtmodeltester, window: MainWindow) -> None:
    qtmodeltester.check(window.organizations.model)
    screens = (window.tasks, window.inspections, window.rectification, window.checklists)
    for screen in (*screens, window.sync):
        screen.refresh()
        qtmodeltester.check(screen.model)
    qtmodeltester.check(window.tasks.drafts)


def test_search_filters_and_sorts_in_sql(qtbot, window: MainWindow) -> None:
    screen = window.organizations
    assert screen.model.rowCount() == 2
    with qtbot.waitSignal(screen.model.answered):
        screen.search.setText("养老")  # typed; the query runs after a short pause
    assert [screen.model.hit(r).name for r in range(screen.model.rowCount())] == [
        "北京市测试养老服务中心"
    ]
    assert screen.count_label.text() == "共 1 个社会组织"
    with qtbot.waitSignal(screen.model.answered):
        screen.search.clear()
        screen.kind.setCurrentIndex(screen.kind.findText("社会团体"))
    assert [screen.model.hit(r).name for r in range(screen.model.rowCount())] == [
        "北京市测试行业协会"
    ]
    with qtbot.waitSignal(screen.model.answered):
        screen.kind.setCurrentIndex(0)
    screen.table.sortByColumn(1, Qt.SortOrder.DescendingOrder)
    assert screen.model.hit(0).credit_code == "52110000MJ0000002B"


def test_detail_follows_the_list(qtbot, window: MainWindow) -> None:
    screen = window.organizations
    screen.table.selectRow(0)
    assert screen.detail.title.text() == "北京市测试行业协会"
    with qtbot.waitSignal(screen.model.answered):
        screen.search.setText("养老")
    assert screen.detail.org is None and screen.detail.title.text() == "检查对象"
    screen.table.selectRow(0)
    with qtbot.waitSignal(screen.model.answered):
        screen.search.setText("北京")
    assert screen.table.currentIndex().row() >= 0
    assert screen.detail.title.text() == "北京市测试养老服务中心"


def test_only_the_latest_search_is_shown(qtbot, window: MainWindow) -> None:
    model = window.organizations.model
    base = model.filter
    model.request(replace(base, text="养老"))
    with qtbot.waitSignal(model.answered):
        model.request(replace(base, text="行业"))
    qtbot.wait(50)  # an answer to the first request, if any, arrives and is dropped
    assert [model.hit(r).name for r in range(model.rowCount())] == ["北京市测试行业协会"]


def test_lazy_paging_fetches_pages_as_the_view_scrolls(world: Store, qtmodeltester) -> None:
    orgs = []
    for n in range(450):
        first17 = f"51330000MJ{n:07d}"
        code = first17 + credit_code.check_character(first17)
        orgs.append(Organization(code, f"浙江省第{n}社会组织", OrgKind.SOCIAL_GROUP))
    registry.upsert_many(world, orgs)
    model = OrgTableModel(world)
    assert (model.rowCount(), model.total) == (PAGE, 452)
    assert model.canFetchMore()
    model.fetchMore()
    model.fetchMore()
    assert model.rowCount() == 452 and not model.canFetchMore()
    assert len({model.hit(r).id for r in range(452)}) == 452
    qtmodeltester.check(model)


def test_start_refuses_fewer_than_two_inspectors(
    qtbot, world: Store, org_ids: dict[str, str]
) -> None:
    org = org_search.get(world, org_ids["北京市测试行业协会"])
    assert isinstance(org, Organization)
    dialog = StartInspectionDialog(world, org, actor=ACTOR)
    qtbot.addWidget(dialog)
    assert dialog.checklist.count() == 1
    people = roster.all_active(world)
    dialog.check(people[0].id)
    dialog.start()
    assert "不得少于两人" in dialog.problem.text()
    assert dialog.inspection_id is None
    assert world.db.execute("SELECT COUNT(*) FROM inspections").fetchone()[0] == 0


def test_no_checklist_for_kind_is_said_in_words(
    qtbot, world: Store, org_ids: dict[str, str]
) -> None:
    org = org_search.get(world, org_ids["北京市测试养老服务中心"])
    assert org is not None
    dialog = StartInspectionDialog(world, org, actor=ACTOR)
    qtbot.addWidget(dialog)
    dialog.start()
    assert dialog.problem.text() == "没有适用于社会服务机构的检查表，请先导入检查表"


def test_start_from_organization_opens_editor_and_reopens_after_restart(
    qtbot, monkeypatch: pytest.MonkeyPatch, window: MainWindow, world: Store, settings: QSettings
) -> None:
    def ask(parent: QWidget, store: Store, org: Organization, **kwargs: object) -> str | None:
        dialog = StartInspectionDialog(store, org, parent=parent, **kwargs)  # type: ignore[arg-type]
        for person in roster.all_active(store)[:2]:
            dialog.check(person.id)
        dialog.place.setText("协会会议室")
        dialog.start()
        return dialog.inspection_id

    monkeypatch.setattr(
        StartInspectionDialog, "ask", classmethod(lambda cls, *a, **k: ask(*a, **k))
    )
    window.show_screen("organizations")
    screen = window.organizations
    screen.table.selectRow(0)
    assert screen.detail.title.text() == "北京市测试行业协会"
    screen.detail.start_button.click()
    editor = window.editor
    assert editor is not None and window.stack.currentWidget() is editor
    assert window.nav.item(0).text() == "当前检查"
    editor.go_to("ar-02")
    # no close(): the process is killed; a new one opens the same store

    again = MainWindow(world, settings)
    qtbot.addWidget(again)
    assert again.editor is not None
    assert again.stack.currentWidget() is again.editor
    assert again.editor.current_id == "ar-02"
    again.show_screen("inspections")
    assert again.inspections.model.rows[0].status.label == "草稿"
    with qtbot.waitSignal(again.organizations.model.answered):
        again.show_screen("organizations")
    again.organizations.table.selectRow(0)
    assert "检查记录（1）" in again.organizations.detail.body.text()


def test_a_task_starts_with_its_checklist_and_is_continued_later(
    qtbot,
    monkeypatch: pytest.MonkeyPatch,
    window: MainWindow,
    world: Store,
    org_ids: dict[str, str],
) -> None:
    with world.transaction() as conn:
        conn.execute(
            "INSERT INTO tasks (id, organization_id, checklist_id, due_date, created_at)"
            " VALUES ('t1', ?, 'ui-test', '2026-12-01', '2026-11-01')",
            (org_ids["北京市测试行业协会"],),
        )
    asked: list[dict[str, object]] = []

    def ask(parent: QWidget, store: Store, org: Organization, **kwargs: object) -> str | None:
        asked.append(kwargs)
        dialog = StartInspectionDialog(store, org, parent=parent, **kwargs)  # type: ignore[arg-type]
        for person in roster.all_active(store)[1:]:
            dialog.check(person.id)
        dialog.start()
        return dialog.inspection_id

    monkeypatch.setattr(
        StartInspectionDialog, "ask", classmethod(lambda cls, *a, **k: ask(*a, **k))
    )
    window.show_screen("tasks")
    tasks = window.tasks
    assert [(t.checklist_title, t.due_date) for t in tasks.model.rows] == [
        ("社会团体抽查（测试）", "2026-12-01")
    ]
    tasks.table.selectRow(0)
    tasks.activate(tasks.model.rows[0])
    assert asked[0]["task_id"] == "t1" and asked[0]["checklist_id"] == "ui-test"
    assert window.editor is not None
    first = window.editor.session.inspection_id
    window.show_screen("tasks")
    assert tasks.model.rows[0].inspection_id == first
    assert tasks.drafts_title.text() == "进行中的检查（1）"
    tasks._open_draft(tasks.drafts.index(0, 0))
    assert window.editor is not None and window.editor.session.inspection_id == first
    tasks.activate(tasks.model.rows[0])  # 继续: the same inspection, no second one
    assert window.editor.session.inspection_id == first
    assert world.db.execute("SELECT COUNT(*) FROM inspections").fetchone()[0] == 1


def test_a_supervisor_also_gets_the_supervisor_pages(
    qtbot, world: Store, settings: QSettings
) -> None:
    roster.add(world, Inspector("周科长", "京民执19999", role="supervisor"))
    accounts.act_as(world, "京民执19999")
    main = MainWindow(world, settings)
    qtbot.addWidget(main)
    labels = [main.nav.item(r).text() for r in range(main.nav.count())]
    assert labels[:5] == ["工作台", "任务", "检查对象", "检查记录", "整改跟踪"]
    assert labels[-2:] == ["检查表", "同步"]
    assert "审核" in labels
    main.show_screen("review")
    assert main.stack.currentWidget() is main.screens["review"]


def test_completed_inspection_waits_for_upload(
    qtbot, window: MainWindow, world: Store, inspection_id: str
) -> None:
    onsite_record.complete_on_site(
        world, inspection_id, NOBODY_ON_SITE, actor="京民执11000"
    )  # 张伟, on the team
    window.show_screen("sync")
    assert window.status.waiting.text() == "待上传 1 条"
    assert window.sync.preview.text() == "将上传 1 条检查记录"  # no files: none said
    (row,) = window.sync.model.rows
    assert row.state == "pending"
    assert window.sync.runner is window.status.runner


def test_screenshot_of_the_main_window(qtbot, world: Store, tmp_path: Path) -> None:
    from ui.app import run

    target = tmp_path / "main.png"
    assert run(world.path, screenshot=target, size=(1366, 768)) == 0
    assert target.read_bytes().startswith(b"\x89PNG")
