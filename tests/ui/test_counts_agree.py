"""One meaning per word: 工作台, 整改跟踪 and 统计 give the same number for the same word, on
the demo store, as a supervisor sees them (clicking the tiles, not calling the core)."""

import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt

from inspector import accounts, counts, roster
from inspector.store import Store, open_store
from ui.main_window import MainWindow


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    subprocess.run(
        [sys.executable, "-m", "inspector", "--db", str(path), "demo", "--orgs", "600",
         "--seed", "11"],
        check=True, capture_output=True,
    )  # fmt: skip
    return path


@pytest.fixture
def demo(demo_path: Path) -> Store:
    store = open_store(demo_path)
    boss = next(p for p in roster.all_active(store) if p.role == "supervisor")
    accounts.act_as(store, boss.id)  # the demo is looked at by its first supervisor
    yield store  # type: ignore[misc]
    store.close()


def _number(text: str) -> int:
    return int(text.replace(",", ""))


def test_every_screen_counts_the_same_findings(qtbot, demo: Store, tmp_path: Path) -> None:
    window = MainWindow(demo, QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    expected = counts.counts(demo)
    assert expected.overdue > 0 and expected.due_soon >= 0 and expected.not_closed > 0
    labels = [window.nav.item(r).text() for r in range(window.nav.count())]
    assert labels.count("整改跟踪") == 1 and "整改督办" not in labels

    window.show_screen("home")
    tiles = window.home.counts()
    assert _number(tiles["overdue"]) == expected.overdue
    assert _number(tiles["due_soon"]) == expected.due_soon
    assert _number(tiles["tasks"]) == expected.open_tasks
    assert _number(tiles["sync"]) == expected.waiting_upload

    tracker = window.rectification
    qtbot.mouseClick(window.home.tiles["overdue"][0], Qt.MouseButton.LeftButton)
    assert window.stack.currentWidget() is tracker
    assert tracker.deadline.currentText() == "已逾期"
    assert tracker.count.text() == _shown(expected.overdue)
    assert all(row.overdue() for row in tracker.model.rows)
    window.show_screen("home")
    qtbot.mouseClick(window.home.tiles["due_soon"][0], Qt.MouseButton.LeftButton)
    assert tracker.count.text() == _shown(expected.due_soon)
    tracker.deadline.setCurrentIndex(0)
    assert tracker.count.text() == _shown(expected.not_closed)

    window.show_screen("dashboard")
    board = window.screens["dashboard"]
    charts = {chart.title: chart for chart in board.board.charts()}
    assert charts["各区县已逾期的整改问题"].total == expected.overdue
    assert f"已逾期 {expected.overdue} 个" in board.rate_tile.text()
    rectification = {bar.label: bar.value for bar in charts["整改情况"].bars}
    assert "逾期未整改" not in rectification  # a status is not called 逾期
    not_closed = sum(v for k, v in rectification.items() if k != "已整改")
    assert not_closed == expected.not_closed


def _shown(count: int) -> str:
    """What the tracker says for ``count`` rows (the demo is made for today: any may be 0)."""
    return f"共 {count} 条" if count else "没有符合条件的问题。"
