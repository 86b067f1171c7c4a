"""Render the supervisor's screens to PNG at 1366x768 and 1920x1080, on a copy of a store
(demo data) with the actor set to a supervisor from its roster and one campaign drawn.

``python -m ui.supervisor.screenshots --db demo.db --out docs/screenshots``
"""

import argparse
import os
import tempfile
from pathlib import Path

from PySide6.QtCore import QSettings

from inspector import accounts, campaigns, keys, org_search, roster
from inspector.campaigns import Criteria, SampleRule
from inspector.store import Store, open_store
from ui.app import application
from ui.events import process_events
from ui.main_window import MainWindow

SIZES = ((1366, 768), (1920, 1080))
SCREENS = ("review", "notices", "campaigns", "dashboard")


def _prepare(store: Store) -> None:
    """A supervisor at the desk, a completed inspection to review, a campaign drawn."""
    name = next(p.name for p in roster.all_active(store) if p.role == "supervisor")
    accounts.act_as(store, name)
    district = org_search.largest_district(store) or ""
    drawn = campaigns.draw(
        store, Criteria(districts=(district,)), SampleRule(level="city"), seed="20261122"
    )
    campaigns.create(
        store,
        drawn,
        name=f"2026年第四季度{district}双随机抽查",
        checklist_id="spot-check-general",
        due_date="2026-12-31",
        actor=name,
    )


def render(db: Path, out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "desk.db"
        keys.copy_store_file(db, copy)
        store = open_store(copy)
        _prepare(store)
        application()
        window = MainWindow(
            store, QSettings(str(Path(folder) / "ui.ini"), QSettings.Format.IniFormat)
        )
        for width, height in SIZES:
            window.resize(width, height)
            window.show()
            for key in SCREENS:
                window.show_screen(key)
                _show_something(window, key)
                process_events()
                target = out_dir / f"{key}-{width}x{height}.png"
                window.grab().save(str(target), "PNG")
                written.append(target)
        window.close()
        store.close()
    return written


def _show_something(window: MainWindow, key: str) -> None:
    page = window.screens[key]
    if key == "campaigns":
        page.rule.setCurrentIndex(page.rule.findData("city"))  # type: ignore[attr-defined]
        page.draw()  # type: ignore[attr-defined]
    if key == "dashboard":
        page.show_bar(3, 0)  # type: ignore[attr-defined]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    for path in render(args.db, args.out):
        print(path)


if __name__ == "__main__":
    main()
