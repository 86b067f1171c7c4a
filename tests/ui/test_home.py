"""The 工作台 start screen on a real store: counts, lists, colours with words, click-through."""

from datetime import timedelta

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QTableView

from checklists.library import import_builtin_checklists
from inspector import inspections
from inspector.clock import today
from inspector.model import NewInspection, Severity
from inspector.store import Store
from tests.supervisor_data import add_register, add_roster, inspect
from ui import style
from ui.main_window import MainWindow
from ui.screens.home import HomeScreen


def _in(days: int) -> str:
    return (today() + timedelta(days=days)).isoformat()


@pytest.fixture
def office(store: Store) -> Store:
    """Tasks overdue, due today and later, a draft, findings due in 3 days and overdue by 1 and 5."""
    add_register(store, 6)
    add_roster(store)
    import_builtin_checklists(store)
    inspect(store, "org-00000", [(Severity.MINOR, _in(3)), (Severity.SEVERE, _in(-5))])
    inspect(store, "org-00001", [(Severity.MINOR, _in(-1)), (Severity.MINOR, _in(20))])
    inspections.start(
        store,
        NewInspection("org-00002", "spot-check-general", 2, ["p-00", "p-01"], "2026-11-20"),
        actor="检查员00",
    )
    with store.transaction() as conn:
        conn.executemany(
            "INSERT INTO tasks (id, organization_id, checklist_id, due_date, created_at)"
            " VALUES (?, ?, 'spot-check-general', ?, '2026-11-01')",
            [
                ("t-later", "org-00004", _in(12)),
                ("t-today", "org-00003", _in(0)),
                ("t-late", "org-00005", _in(-2)),
            ],
        )
    return store


@pytest.fixture
def home(qtbot, office: Store) -> HomeScreen:
    screen = HomeScreen(office)
    qtbot.addWidget(screen)
    screen.resize(1366, 700)
    screen.show()
    screen.refresh()
    return screen


def _texts(table: QTableView, column: int) -> list[str]:
    model = table.model()
    return [model.index(r, column).data() for r in range(model.rowCount())]


def _click(qtbot, table: QTableView, row: int, column: int = 0) -> None:
    rect = table.visualRect(table.model().index(row, column))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_counts_and_lists(home: HomeScreen) -> None:
    assert home.counts() == {
        "tasks": "3",
        "in_progress": "1",
        "due_soon": "1",
        "overdue": "2",
        "sync": "2",
    }
    assert home.tiles["tasks"][2].text() == "待办检查任务 · 今天到期 1 项，已逾期 1 项"
    assert home.tiles["sync"][2].text() == "待上传的记录 · 尚未同步"
    assert home.task_list.title.text() == "今天和近期的任务（3）"
    tasks = home.task_list.table
    assert _texts(tasks, 0) == ["测试社会组织00005", "测试社会组织00003", "测试社会组织00004"]
    assert _texts(tasks, 2)[:2] == [f"{_in(-2)}（已逾期 2 天）", f"{_in(0)}（今天到期）"]
    assert tasks.model().index(0, 2).data(Qt.ItemDataRole.ForegroundRole) == style.RED
    assert tasks.model().index(1, 2).data(Qt.ItemDataRole.ForegroundRole) == style.AMBER
    assert _texts(tasks, 3) == ["开始", "开始", "开始"]
    assert home.progress_list.title.text() == "进行中的检查（草稿、已退回）（1）"
    assert _texts(home.progress_list.table, 1) == ["草稿"]
    assert _texts(home.progress_list.table, 3) == ["继续"]


def test_deadlines_in_words_and_colour(home: HomeScreen) -> None:
    soon = home.soon_list.table
    assert _texts(soon, 3) == [f"{_in(3)}（还剩 3 天）"]
    assert soon.model().index(0, 3).data(Qt.ItemDataRole.ForegroundRole) == style.AMBER
    late = home.overdue_list.table
    assert _texts(late, 3) == [f"{_in(-5)}（已逾期 5 天）", f"{_in(-1)}（已逾期 1 天）"]
    assert late.model().index(0, 3).data(Qt.ItemDataRole.ForegroundRole) == style.RED
    assert home.overdue_list.title.text() == "已逾期的整改问题（2）"
    shown = [c for c in range(late.model().columnCount()) if not late.isColumnHidden(c)]
    assert shown == [0, 1, 3]


def test_models_pass_the_model_tester(qtmodeltester, home: HomeScreen) -> None:
    for model in (home.tasks, home.in_progress, home.due_soon, home.overdue):
        qtmodeltester.check(model)


def test_rows_click_through(qtbot, home: HomeScreen, office: Store) -> None:
    with qtbot.waitSignal(home.start_requested) as started:
        _click(qtbot, home.task_list.table, 0, 3)
    assert started.args == ["org-00005", "t-late", "spot-check-general"]
    draft = home.in_progress.rows[0].id
    with qtbot.waitSignal(home.open_inspection) as opened:
        _click(qtbot, home.progress_list.table, 0, 3)
    assert opened.args == [draft]
    with qtbot.waitSignal(home.open_organization) as organization:
        _click(qtbot, home.overdue_list.table, 1)
    assert organization.args == ["org-00001"]
    with qtbot.waitSignal(home.findings_requested) as screen:
        home.tiles["overdue"][0].click()
    assert screen.args == ["overdue"]


def test_empty_store_says_so(qtbot, store: Store) -> None:
    screen = HomeScreen(store)
    qtbot.addWidget(screen)
    screen.show()
    screen.refresh()
    assert screen.pages.currentWidget() is screen.first_run  # a new store: how to begin
    assert screen.first_run is not None
    qtbot.mouseClick(screen.first_run.buttons["done"], Qt.MouseButton.LeftButton)
    assert screen.pages.currentWidget() is screen.work
    assert set(screen.counts().values()) == {"0"}
    assert screen.task_list.empty.isVisible() and not screen.task_list.table.isVisible()
    assert screen.overdue_list.empty.text() == "没有已逾期的整改问题。"
    assert screen.soon_list.title.text() == "7 天内到期的整改问题（0）"


@pytest.fixture
def window(qtbot, office: Store, settings: QSettings) -> MainWindow:
    main = MainWindow(office, settings)
    qtbot.addWidget(main)
    main.resize(1366, 768)
    main.show()
    return main


def test_first_in_navigation_and_shown_on_a_fresh_install(window: MainWindow) -> None:
    assert window.nav.item(0).text() == "工作台"
    assert window.stack.currentWidget() is window.home
    assert window.home.counts()["overdue"] == "2"  # read when shown


def test_shown_again_it_reads_again(window: MainWindow, office: Store) -> None:
    inspect(office, "org-00005", [(Severity.MINOR, _in(-2))])
    assert window.home.counts()["overdue"] == "2"
    window.show_screen("tasks")
    window.show_screen("home")
    assert window.home.counts()["overdue"] == "3"


def test_a_draft_continues_in_the_editor(qtbot, window: MainWindow) -> None:
    draft = window.home.in_progress.rows[0].id
    _click(qtbot, window.home.progress_list.table, 0, 3)
    assert window.editor is not None and window.stack.currentWidget() is window.editor
    assert window.editor.session.inspection_id == draft


def test_a_finding_opens_its_organization(qtbot, window: MainWindow) -> None:
    with qtbot.waitSignal(window.organizations.model.answered):
        _click(qtbot, window.home.overdue_list.table, 0)
    assert window.stack.currentWidget() is window.organizations
    assert window.organizations.detail.title.text() == "测试社会组织00000"
