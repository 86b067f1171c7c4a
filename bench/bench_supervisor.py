"""Benchmarks of the supervisor's desk: the tracker over 20,000 findings, a campaign draw over
the 50,000-organization register, and a dashboard refresh.

They run on a copy of the demo store with 20,000 findings added by bulk SQL (synthetic rows,
not the workflows: the point is the read side), so the other benchmarks see the store as built.
"""

import random
import shutil
import uuid
from datetime import date, timedelta
from pathlib import Path

from bench.measure import Result, p50_p95_ms, timed
from inspector import campaigns, dashboard, keys, tracker, unlock
from inspector.campaigns import Criteria, SampleRule
from inspector.store import Store, connect, open_store
from inspector.tracker import TrackerFilter

FINDINGS = 20_000
ON = date(2026, 11, 22)
ROUNDS = 20
PAGE = 200  # rows the tracker screen fetches at a time


def add_findings(store: Store, count: int, rng: random.Random) -> None:
    """``count`` findings on approved inspections spread over the register."""
    orgs = [r[0] for r in store.db.execute("SELECT id FROM organizations").fetchall()]
    checklist = store.db.execute("SELECT id, version FROM checklists LIMIT 1").fetchone()
    now = ON.isoformat() + "T00:00:00+00:00"
    inspections, findings = [], []
    for _ in range(count // 3):
        inspection_id = str(uuid.uuid4())
        started = (ON - timedelta(days=rng.randrange(400))).isoformat() + "T02:00:00+00:00"
        inspections.append((inspection_id, rng.choice(orgs), *checklist, started, now, now))
        for _ in range(3):
            deadline = (ON + timedelta(days=rng.randrange(-90, 90))).isoformat()
            findings.append(
                (
                    str(uuid.uuid4()),
                    inspection_id,
                    "未按规定报送年度工作报告",
                    rng.choice(("一般", "较重", "严重")),
                    deadline,
                    rng.choice(("open", "open", "reported", "not_rectified", "closed")),
                    now,
                    now,
                )
            )
    with store.transaction() as conn:
        conn.executemany(
            "INSERT INTO inspections (id, organization_id, checklist_id, checklist_version,"
            " status, started_at, created_at, updated_at) VALUES (?, ?, ?, ?, 'approved', ?, ?, ?)",
            inspections,
        )
        conn.executemany(
            "INSERT INTO findings (id, inspection_id, description, severity, deadline, status,"
            " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            findings,
        )
    store.db.execute("ANALYZE")


def bench_tracker(store: Store, districts: list[str]) -> list[Result]:
    """What the tracker screen does on a filter change: the first page and the total count."""
    rng = random.Random(5)
    filters = [
        TrackerFilter(),
        TrackerFilter(overdue=True),
        TrackerFilter(due_within_days=7),
        TrackerFilter(severities=("严重",)),
        TrackerFilter(kinds=("foundation",)),
        TrackerFilter(districts=(rng.choice(districts),)),
        TrackerFilter(districts=(rng.choice(districts),), overdue=True),
    ]
    samples = [
        timed(
            lambda f=f: (tracker.query(store, f, on=ON, limit=PAGE), tracker.count(store, f, on=ON))
        )
        for _ in range(ROUNDS)
        for f in filters
    ]
    return p50_p95_ms(f"整改跟踪筛选：首页 {PAGE} 行与总数（{FINDINGS:,} 个问题）", samples, 100)


def bench_draw(store: Store) -> list[Result]:
    size = store.db.execute("SELECT COUNT(*) FROM organizations").fetchone()[0]
    seconds = [
        timed(
            lambda n=n: campaigns.draw(
                store, Criteria(), SampleRule(level="province"), seed=f"bench-{n}", as_of=ON
            )
        )
        for n in range(5)
    ]
    worst = max(seconds)
    return [Result(f"双随机抽取 5%（{size:,} 个组织，最慢一次）", worst, "s", "< 1 s", worst < 1)]


def bench_dashboard(store: Store) -> list[Result]:
    samples = [timed(lambda: dashboard.load(store, on=ON)) for _ in range(ROUNDS)]
    return p50_p95_ms("统计图表刷新", samples, 500)


def run_supervisor_benchmarks(db_path: Path) -> list[Result]:
    """Every supervisor benchmark, on a copy of the store at ``db_path``."""
    copy_path = db_path.with_name("bench-supervisor.db")
    copy_path.unlink(missing_ok=True)
    data_key = unlock.key_for(db_path)
    source, target = connect(db_path, data_key), connect(copy_path, data_key)
    source.backup(target)
    source.close()
    target.close()
    if keys.exists(db_path):
        shutil.copy(keys.key_path(db_path), keys.key_path(copy_path))
    store = open_store(copy_path)
    try:
        add_findings(store, FINDINGS, random.Random(11))
        districts = [r[0] for r in store.db.execute("SELECT DISTINCT district FROM organizations")]
        return bench_tracker(store, districts) + bench_draw(store) + bench_dashboard(store)
    finally:
        store.close()


if __name__ == "__main__":
    import sys

    from bench.run import print_table

    print_table(run_supervisor_benchmarks(Path(sys.argv[1])))
