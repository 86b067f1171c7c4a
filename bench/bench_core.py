"""Benchmarks of the core: demo build, organization search, answer writes with the audit log."""

import random
import tempfile
from datetime import date
from pathlib import Path

from bench.measure import Result, p50_p95_ms, timed
from checklists.library import get_checklist, import_builtin_checklists, list_checklists
from checklists.show_if import evaluate
from inspector import answer_values, demo, inspections, org_search
from inspector.store import Store, open_store

DEMO_ORGS = 50_000
SEARCH_QUERIES = 200
ANSWER_WRITES = 500


def build_demo_store(path: Path, orgs: int = DEMO_ORGS) -> float:
    """Build the demo store at ``path``; returns the seconds it took."""
    store = open_store(path)

    def build() -> None:
        import_builtin_checklists(store)
        ids = dict.fromkeys(s.id for s in list_checklists(store))
        latest = [get_checklist(store, i) for i in ids]
        demo.build(
            store,
            orgs=orgs,
            seed=7,
            as_of=date(2026, 11, 22),
            checklists=latest,
            show_if=evaluate,
        )

    seconds = timed(build)
    store.close()
    return seconds


def search_queries(store: Store, count: int, rng: random.Random) -> list[str]:
    """Varied queries as people type them: name fragments of 1-6 characters, code prefixes and
    parts from the middle, pinyin initials and full pinyin from anywhere, two words."""
    rows = store.db.execute(
        "SELECT name, credit_code, name_initials, name_pinyin FROM organizations"
        " ORDER BY random() LIMIT ?",
        (count,),
    ).fetchall()
    queries = []
    for i, (name, code, initials, pinyin) in enumerate(rows):
        start = rng.randrange(0, max(1, len(name) - 2))
        fragment = name[start : start + rng.randint(1, 6)]
        middle = rng.randrange(2, 10)
        at = rng.randrange(0, max(1, len(pinyin) - 8))
        queries.append(
            [
                fragment,
                code[: rng.randint(4, 18)],
                initials[: rng.randint(2, len(initials))],
                name,
                code[middle : middle + rng.randint(4, 8)],
                initials[rng.randrange(0, max(1, len(initials) - 3)) :][:4],
                pinyin[at : at + rng.randint(4, 10)],
                f"{name[:2]} {name[-2:]}",
            ][i % 8]
        )
    return queries


def bench_search(store: Store) -> list[Result]:
    queries = search_queries(store, SEARCH_QUERIES, random.Random(3))
    samples = [timed(lambda q=q: org_search.search(store, q, limit=50)) for q in queries]
    return p50_p95_ms(f"组织搜索（{len(queries)} 个查询，{DEMO_ORGS:,} 个组织）", samples, 30)


def compliance_items(store: Store, inspection_id: str) -> list[str]:
    """The draft's compliance items: what the answer-write benchmarks write, in rounds."""
    items = answer_values.checklist_items(store.db.conn, inspection_id)
    return [key for key, item in items.items() if item["answer_type"] == "compliance"]


def bench_answer_writes(store: Store) -> list[Result]:
    inspection_id = store.db.execute(
        "SELECT id FROM inspections WHERE status IN ('draft', 'returned') LIMIT 1"
    ).fetchone()[0]
    values = ("compliant", "not_applicable")  # 不符合 would need a finding
    ids = compliance_items(store, inspection_id)
    # The compliance items written in rounds; the value changes every round: no write is a no-op.
    samples = [
        timed(
            lambda i=i: inspections.set_answer(
                store, inspection_id, ids[i % len(ids)], values[(i // len(ids)) % 2], actor="bench"
            )
        )
        for i in range(ANSWER_WRITES)
    ]
    return p50_p95_ms(f"答案写入含审计日志（{ANSWER_WRITES} 次）", samples, 5)


def run_core_benchmarks(workdir: Path | None = None) -> tuple[list[Result], Path]:
    """Run every core benchmark; returns the rows and the demo store they used."""
    folder = workdir or Path(tempfile.mkdtemp(prefix="inspector-bench-"))
    path = folder / "bench.db"
    seconds = build_demo_store(path)
    results = [
        Result(f"演示数据生成（{DEMO_ORGS:,} 个组织）", seconds, "s", "< 30 s", seconds < 30)
    ]
    store = open_store(path)
    try:
        results += bench_search(store)
        results += bench_answer_writes(store)
    finally:
        store.close()
    return results, path
