"""Benchmarks of rectification notices: one PDF, one DOCX, and batches of 500 of each.

Run alone with ``.venv/bin/python -m bench.bench_notices [--batch N]``. Targets (issue 12):
one notice p50 under 40 ms; 500 notices under 15 s on every core (``reports.render_pool``).
Each batch runs twice in the same run, in one process (the baseline) and on the pool, so a
loaded machine shows as a ratio. The last rows say where one notice's time goes (cProfile's
own time by package). Peak memory is the growth of this process's peak RSS.
"""

import argparse
import cProfile
import pstats
import resource
import statistics
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

from bench.measure import Result, percentile, timed
from checklists.library import import_builtin_checklists
from inspector import findings, inspections, notices, onsite_record, roster
from inspector.model import FindingDraft, Inspector, NewInspection, Severity
from inspector.store import Store, open_store
from reports import fonts, generate, render_pool

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
    member = "检查员0"  # only the team completes (the core refuses anyone else)
    inspection_id = inspections.start(store, new, actor=member)
    inspections.set_answer(store, inspection_id, "fa-06", "not_compliant", actor=member)
    inspections.set_answer(store, inspection_id, "fees", FEES, actor=member)
    for n in range(3):
        draft = FindingDraft(
            f"第{n + 1}项：通过评比达标表彰活动违规收费，并强制会员企业参加收费培训",
            "属于《社会团体登记管理条例》第三十条第一款第（八）项规定的情形",
            Severity.MAJOR,
            "停止违规收费，退还已收取的费用",
            30,
            "2026-12-21",
            item_id="fa-06" if n == 0 else None,  # 不符合 comes with its finding
        )
        findings.add(store, inspection_id, draft, actor=member)
    onsite_record.complete_on_site(
        store,
        inspection_id,
        onsite_record.OnSite(onsite_record.Outcome.ABSENT, reason="负责人外出"),
        actor=member,
    )
    inspections.approve(store, inspection_id, actor="bench")
    return inspection_id


def _peak_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1 << 20) if sys.platform == "darwin" else peak / 1024


def _cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the batch's workers)."""
    own, children = (
        resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def run_notice_benchmarks(workdir: Path | None = None, batch: int = BATCH) -> list[Result]:
    folder = Path(workdir or tempfile.mkdtemp(prefix="bench-notices-"))
    folder.mkdir(parents=True, exist_ok=True)  # bench.run names a folder beside its store
    ids = build_store(folder / "notices.db", batch)
    store = open_store(folder / "notices.db")
    font_set = fonts.resolve()
    # Numbering, once: every batch below then does the same work (a reprint: read, compose,
    # render, write), so the single process and the pool are compared on equal terms.
    seconds = timed(partial(_number_all, store, ids))
    results = [Result(f"编号 {batch} 份（出具事务）", seconds, "s", "")]
    for fmt in generate.Format:
        results += _single(store, ids[0], fmt, font_set, folder / "one")
    for fmt in generate.Format:
        for workers in (1, render_pool.cores()):
            results += _batch(store, fmt, workers, folder / f"batch-{fmt.value}-{workers}", batch)
    for fmt in generate.Format:
        results.append(_profile(store, ids[0], fmt, font_set, folder / "profiled"))
    store.close()
    return results


def _number_all(store: Store, ids: list[str]) -> None:
    for inspection_id in ids:
        generate.numbered_notice(store, inspection_id, actor="bench")


def _single(
    store: Store, inspection_id: str, fmt: generate.Format, font_set: fonts.FontSet, out: Path
) -> list[Result]:
    write = partial(
        generate.write_notice, store, inspection_id, out, [fmt], actor="bench", font_set=font_set
    )
    write()  # the renderer's first use loads it
    samples = [timed(write) for _ in range(SINGLE_SAMPLES)]
    name = f"整改通知书 {fmt.value.upper()}（单份）"
    p50 = statistics.median(samples) * 1000
    return [
        Result(f"{name} p50", p50, "ms", "< 40 ms", p50 < 40),
        Result(f"{name} p95", percentile(samples, 95) * 1000, "ms", ""),
    ]


def _batch(store: Store, fmt: generate.Format, workers: int, out: Path, batch: int) -> list[Result]:
    """One batch; ``workers`` 1 is the single-process baseline, measured in the same run."""
    before, cpu = _peak_mb(), _cpu_seconds()
    started = time.perf_counter()
    result = generate.generate_batch(store, out, [fmt], actor="bench", workers=workers)
    seconds = time.perf_counter() - started
    cpu = _cpu_seconds() - cpu
    assert len(result.written) == batch, result.failed[:3]
    how = "单进程（基线）" if workers == 1 else f"{workers} 个进程"
    name = f"批量 {batch} 份 {fmt.value.upper()}，{how}"
    target = batch == BATCH and workers > 1
    return [
        Result(name, seconds, "s", "< 15 s" if target else "", seconds < 15 if target else None),
        Result(f"{name} CPU 时间（含子进程）", cpu, "s", ""),
        # CPU time over wall time: about 2 when both cores work for the batch; on a shared
        # machine, the share of the machine the batch got
        Result(f"{name} CPU 时间 / 墙钟时间", cpu / seconds, "x", ""),
        Result(f"{name} 峰值内存增量（本进程）", _peak_mb() - before, "MB", ""),
    ]


def _profile(
    store: Store, inspection_id: str, fmt: generate.Format, font_set: fonts.FontSet, out: Path
) -> Result:
    """Where one notice's time goes: the largest share of own time by package (cProfile)."""
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(10):
        generate.write_notice(store, inspection_id, out, [fmt], actor="bench", font_set=font_set)
    profile.disable()
    shares = _own_time_by_package(pstats.Stats(profile))
    total = sum(shares.values())
    top = sorted(shares.items(), key=lambda item: -item[1])[:4]
    where = "、".join(f"{name} {100 * t / total:.0f}%" for name, t in top)
    return Result(f"{fmt.value.upper()} 用时分布：{where}", 100 * top[0][1] / total, "%", "")


def _own_time_by_package(stats: pstats.Stats) -> dict[str, float]:
    """Own (not cumulative) time summed by package: reportlab.platypus, docx.oxml, ..."""
    shares: dict[str, float] = {}
    for (filename, _, _), (_, _, own, _, _) in stats.stats.items():  # type: ignore[attr-defined]
        shares[_package(filename)] = shares.get(_package(filename), 0.0) + own
    return shares


def _package(filename: str) -> str:
    parts = Path(filename).with_suffix("").parts
    if "site-packages" in parts:
        rest = parts[parts.index("site-packages") + 1 :]
        return ".".join(rest[:2]) if len(rest) > 1 else rest[0]
    for ours in ("reports", "inspector"):
        if ours in parts:
            return ".".join(parts[parts.index(ours) :][:2])
    return "python"  # the standard library and built-ins (zlib, sqlite3, zipfile, ...)


if __name__ == "__main__":
    import os

    from bench.run import print_table
    from inspector.unlock import PASSWORD_ENV

    os.environ.setdefault(PASSWORD_ENV, "bench-password")  # the bench stores are encrypted
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--batch", type=int, default=BATCH, help="notices in each batch")
    print_table(run_notice_benchmarks(batch=parser.parse_args().batch))
