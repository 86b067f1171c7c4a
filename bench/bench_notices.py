"""Benchmarks of rectification notices: one PDF, one DOCX, and batches of 500 of each.

Run alone with ``.venv/bin/python -m bench.bench_notices``. Targets (issue 5): under 150 ms per
notice, 500 notices in under 60 s. Peak memory is the growth of the process's peak RSS.
"""

import resource
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

from bench.measure import Result, p50_p95_ms, timed
from checklists.library import import_builtin_checklists
from inspector import findings, inspections, notices, onsite_record, roster
from inspector.model import FindingDraft, Inspector, NewInspection, Severity
from inspector.store import Store, open_store
from reports import fonts, generate

BATCH = 500
SINGLE_SAMPLES = 30
FEES = [
    {"name": f"培训费{n}", "collected": "3200.00", "verdict": "improper", "refund_due": "3200.00"}
    for n in range(6)
]


def build_store(path: Path, count: int) -> list[str]:
    """``count`` approved fee audits, each with three findings, through the real workflows."""
    store = open_store(path)
    import_builtin_checklists(store)
    people = [roster.add(store, Inspector(f"检查员{n}", f"民执字{n:04}")).id for n in range(2)]
    roster.add(store, Inspector("bench", "民执字9999", role="supervisor"))  # approves
    notices.save_settings(
        store, notices.NoticeSettings(prefix="X民社整", authority="某市民政局"), actor="bench"
    )
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO organizations (id, credit_code, name, kind, legal_rep, address, updated_at)"
            " VALUES ('o', '51100000500002862F', '某市软件行业协会', 'social_group', '赵建国',"
            " '某市创新路88号', '2026-11-21')"
        )
    ids = [_approved(store, people) for _ in range(count)]
    store.close()
    return ids


def _approved(store: Store, people: list[str]) -> str:
    new = NewInspection(
        "o", "fee-audit", 3, people, "2026-11-21T01:30:00+00:00", place="协会办公室"
    )
    inspection_id = inspections.start(store, new, actor="bench")
    inspections.set_answer(store, inspection_id, "fees", FEES, actor="bench")
    for n in range(3):
        draft = FindingDraft(
            f"第{n + 1}项：通过评比达标表彰活动违规收费，并强制会员企业参加收费培训",
            "《社会团体登记管理条例》第三十条第一款第（八）项",
            Severity.MAJOR,
            "停止违规收费，退还已收取的费用",
            30,
            "2026-12-21",
        )
        findings.add(store, inspection_id, draft, actor="bench")
    onsite_record.complete_on_site(
        store,
        inspection_id,
        onsite_record.OnSite(onsite_record.Outcome.ABSENT, reason="负责人外出"),
        actor="bench",
    )
    inspections.approve(store, inspection_id, actor="bench")
    return inspection_id


def _peak_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1 << 20) if sys.platform == "darwin" else peak / 1024


def run_notice_benchmarks(workdir: Path | None = None) -> list[Result]:
    folder = Path(workdir or tempfile.mkdtemp(prefix="bench-notices-"))
    ids = build_store(folder / "notices.db", BATCH)
    store = open_store(folder / "notices.db")
    font_set = fonts.resolve()
    results: list[Result] = []
    for fmt in generate.Format:
        samples = [
            timed(
                partial(
                    generate.write_notice,
                    store,
                    ids[0],
                    folder / "one",
                    [fmt],
                    actor="bench",
                    font_set=font_set,
                )
            )
            for _ in range(SINGLE_SAMPLES)
        ]
        results += p50_p95_ms(f"整改通知书 {fmt.value.upper()}（单份）", samples, 150)
    for fmt in generate.Format:
        before, cpu = _peak_mb(), time.process_time()
        seconds = timed(
            partial(
                generate.generate_batch, store, folder / f"batch-{fmt.value}", [fmt], actor="bench"
            )
        )
        cpu = time.process_time() - cpu
        results.append(
            Result(f"批量 {BATCH} 份 {fmt.value.upper()}", seconds, "s", "< 60 s", seconds < 60)
        )
        # on a shared machine the wall time includes waiting for the CPU; this does not
        results.append(Result(f"批量 {fmt.value.upper()} CPU 时间", cpu, "s", ""))
        results.append(
            Result(f"批量 {fmt.value.upper()} 峰值内存增量", _peak_mb() - before, "MB", "")
        )
    store.close()
    return results


if __name__ == "__main__":
    from bench.run import print_table

    print_table(run_notice_benchmarks())
