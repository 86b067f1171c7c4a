"""Benchmarks of the desktop app on the 50,000-organization bench store (offscreen Qt).

- start to a usable main window, in a fresh process (median of 5 < 1.5 s)
- resident memory of that process with the register screen open (< 300 MB)
- opening the largest inspection in the editor (p95 < 300 ms)
- type-ahead filtering of the register: the GUI thread per keystroke (p95 < 100 ms) and the
  time until the rows show (the search runs on a worker thread; p95 < 300 ms)

``python -m bench.bench_ui --probe DB`` is the child process the start-up benchmark launches.
"""

import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.measure import Result, p50_p95_ms, timed
from inspector.store import Store, open_store
from ui.events import process_events

STARTS = 5
OPENS = 10
KEYSTROKE_QUERIES = 40


def run_ui_benchmarks(db_path: Path) -> list[Result]:
    """Every UI benchmark against the store at ``db_path``."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    probes = [_probe_in_child(db_path) for _ in range(STARTS)]
    start = statistics.median(p["ready_s"] for p in probes)
    rss = max(p["rss_mb"] for p in probes)
    results = [
        Result("启动到主窗口可用（中位数）", start, "s", "< 1.5 s", start < 1.5),
        Result("常驻内存（5万组织，名录已打开）", rss, "MB", "< 300 MB", rss < 300),
    ]
    from ui.app import application

    application()
    store = open_store(db_path)
    try:
        results += _bench_open_inspection(store)
        results += _bench_type_ahead(store)
    finally:
        store.close()
    return results


def _probe_in_child(db_path: Path) -> dict[str, float]:
    launched = time.time()
    output = subprocess.run(
        [sys.executable, "-m", "bench.bench_ui", "--probe", str(db_path)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    ).stdout
    probe = json.loads(output.strip().splitlines()[-1])
    return {"ready_s": probe["ready_at"] - launched, "rss_mb": probe["rss_mb"]}


def _probe(db_path: Path) -> None:
    """In the child: open the store, show the window, report when it is usable and its memory."""
    import resource

    from PySide6.QtCore import QSettings

    from ui.app import application
    from ui.main_window import MainWindow

    application()
    with tempfile.TemporaryDirectory() as folder:
        settings = QSettings(str(Path(folder) / "ui.ini"), QSettings.Format.IniFormat)
        window = MainWindow(open_store(db_path), settings)
        window.resize(1366, 768)
        window.show()
        process_events()
        ready_at = time.time()
        window.show_screen("organizations")
        for _ in range(5):  # the user scrolls a thousand rows down
            window.organizations.model.fetchMore()
        process_events()
        rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps({"ready_at": ready_at, "rss_mb": rss_mb}))
        window.close()


def _bench_open_inspection(store: Store) -> list[Result]:
    from ui.editor.screen import InspectionEditor

    inspection_id, items = _sixty_item_inspection(store)
    samples = []
    for _ in range(OPENS):

        def open_editor() -> None:
            editor = InspectionEditor(store, inspection_id, actor="bench")
            editor.resize(1366, 768)
            editor.show()
            process_events()
            editor.close()
            editor.deleteLater()

        samples.append(timed(open_editor))
    return p50_p95_ms(f"打开检查记录（{items} 项）", samples, 300)


def _sixty_item_inspection(store: Store) -> tuple[str, int]:
    """An inspection of a 60-item checklist (the general spot check's compliance items,
    repeated under new ids), every item answered 符合, so opening it loads a full tree."""
    from checklists.library import get_checklist, import_checklists
    from inspector import inspections, roster
    from inspector.checklist_model import AnswerType
    from inspector.clock import utc_now
    from inspector.model import NewInspection

    base = get_checklist(store, "spot-check-general")
    plain = [
        item
        for item in base.items()
        if item.show_if is None and item.answer_type is AnswerType.COMPLIANCE
    ]
    items = [plain[n % len(plain)].model_copy(update={"id": f"b60-{n:02d}"}) for n in range(60)]
    section = base.sections[0].model_copy(update={"items": items})
    checklist = base.model_copy(update={"id": "bench-60", "sections": [section], "computed": []})
    import_checklists(store, [("bench-60", checklist)], actor="bench")
    org_id = store.db.execute("SELECT id FROM organizations LIMIT 1").fetchone()[0]
    people = [person.id for person in roster.all_active(store)[:2]]
    new = NewInspection(org_id, "bench-60", checklist.version, people, utc_now(), place="会议室")
    inspection_id = inspections.start(store, new, actor="bench")
    for item in items:
        inspections.set_answer(store, inspection_id, item.id, "compliant", actor="bench")
    return inspection_id, len(items)


def _bench_type_ahead(store: Store) -> list[Result]:
    """Per keystroke: how long the GUI thread is busy, and how long until the rows show."""
    from PySide6.QtCore import QEventLoop

    from ui.screens.organizations import OrganizationsScreen

    screen = OrganizationsScreen(store)
    screen.resize(1366, 768)
    screen.show()
    answers: list[float] = []
    screen.model.answered.connect(lambda: answers.append(time.perf_counter()))
    rng = random.Random(11)
    names = [
        row[0]
        for row in store.db.execute(
            "SELECT name FROM organizations ORDER BY random() LIMIT ?", (KEYSTROKE_QUERIES,)
        )
    ]
    blocked, shown = [], []
    for name in names:
        typed = name[rng.randrange(0, 3) :][:6]
        for end in range(1, len(typed) + 1):  # one sample per keystroke
            answers.clear()
            started = time.perf_counter()
            screen.search.setText(typed[:end])
            screen.apply_filters()
            process_events()
            blocked.append(time.perf_counter() - started)
            if not answers:
                loop = QEventLoop()
                screen.model.answered.connect(loop.quit)
                loop.exec()
                screen.model.answered.disconnect(loop.quit)
            shown.append(answers[0] - started)
    screen.close()
    return p50_p95_ms("名录输入即搜：界面占用（每次按键，5万组织）", blocked, 100) + p50_p95_ms(
        "名录输入即搜：结果出现（每次按键，5万组织）", shown, 300
    )


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--probe":
        _probe(Path(sys.argv[2]))
