"""What encryption costs, on the bench store and a plain copy of it, measured in the same run:

- answer write (with its audit entry) p95 and organization search p95, encrypted and plain,
  interleaved so that machine load hits both alike (goal: encrypted within 1.3× of plain)
- start to the sign-in screen in a fresh process (median of 5, < 0.8 s)
- unlock: the idle lock's password check, Argon2id and the key's unwrap (p95 < 0.5 s)

``python -m bench.bench_security --probe DB`` is the child process of the start-up benchmark.
"""

import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.bench_core import compliance_items, search_queries
from bench.measure import Result, percentile, timed
from inspector import accounts, current_user, inspections, keys, org_search, unlock
from inspector.store import Store, connect, open_store

ROUNDS = 300
STARTS = 5
UNLOCKS = 10
GOAL_RATIO = 1.3


def run_security_benchmarks(db_path: Path) -> list[Result]:
    plain_path = plain_copy(db_path)
    encrypted, plain = open_store(db_path), open_store(plain_path)
    try:
        results = _compare(encrypted, plain)
        results += _unlock(encrypted)
    finally:
        encrypted.close()
        plain.close()
    starts = [_probe_in_child(db_path) for _ in range(STARTS)]
    start = statistics.median(starts)
    results.append(Result("启动到登录界面（中位数）", start, "s", "< 0.8 s", start < 0.8))
    return results


def plain_copy(db_path: Path) -> Path:
    """An unencrypted copy of the encrypted store (``sqlcipher_export`` into a plain file)."""
    target = db_path.with_name("bench-plain.db")
    target.unlink(missing_ok=True)
    conn = connect(db_path, unlock.key_for(db_path))
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        application_id = conn.execute("PRAGMA application_id").fetchone()[0]
        conn.execute("ATTACH DATABASE ? AS plain KEY ''", (str(target),))
        conn.execute("SELECT sqlcipher_export('plain')")
        conn.execute(f"PRAGMA plain.user_version = {int(version)}")
        conn.execute(f"PRAGMA plain.application_id = {int(application_id)}")
        conn.execute("DETACH DATABASE plain")
    finally:
        conn.close()
    return target


def _compare(encrypted: Store, plain: Store) -> list[Result]:
    queries = search_queries(encrypted, ROUNDS, random.Random(5))
    writes: dict[str, list[float]] = {"encrypted": [], "plain": []}
    searches: dict[str, list[float]] = {"encrypted": [], "plain": []}
    targets = {"encrypted": encrypted, "plain": plain}
    drafts = {kind: _draft(store) for kind, store in targets.items()}
    items = compliance_items(encrypted, drafts["encrypted"])  # the copy holds the same draft
    values = ("compliant", "not_applicable")  # 不符合 would need a finding
    for n, query in enumerate(queries):
        item_id, value = items[n % len(items)], values[(n // len(items)) % 2]  # never a no-op
        for kind, store in targets.items():
            writes[kind].append(
                timed(
                    lambda s=store, d=drafts[kind], i=item_id, v=value: inspections.set_answer(
                        s, d, i, v, actor="bench"
                    )
                )
            )
            searches[kind].append(timed(lambda s=store, q=query: org_search.search(s, q, limit=50)))
    return _rows("答案写入含审计日志", writes) + _rows("组织搜索", searches)


def _rows(name: str, samples: dict[str, list[float]]) -> list[Result]:
    encrypted = percentile(samples["encrypted"], 95) * 1000
    plain = percentile(samples["plain"], 95) * 1000
    ratio = encrypted / plain
    return [
        Result(f"{name} p95（未加密）", plain, "ms", ""),
        Result(f"{name} p95（加密）", encrypted, "ms", ""),
        Result(f"{name} p95 加密/未加密", ratio, "×", f"< {GOAL_RATIO:g}×", ratio < GOAL_RATIO),
    ]


def _draft(store: Store) -> str:
    return str(
        store.db.execute(
            "SELECT id FROM inspections WHERE status IN ('draft', 'returned') ORDER BY id LIMIT 1"
        ).fetchone()[0]
    )


def _unlock(store: Store) -> list[Result]:
    password = os.environ[unlock.PASSWORD_ENV]
    wrap, _ = keys.unwrap_any(keys.load(store.path), password)
    current_user.begin(store, accounts.session_for(store, keys.ADMIN, wrap.label))
    try:
        samples = [timed(lambda: accounts.unlock_again(store, password)) for _ in range(UNLOCKS)]
    finally:
        current_user.end(store)
    p95 = percentile(samples, 95)
    return [Result("解锁（Argon2id + 解开密钥）p95", p95, "s", "< 0.5 s", p95 < 0.5)]


def _probe_in_child(db_path: Path) -> float:
    launched = time.time()
    output = subprocess.run(
        [sys.executable, "-m", "bench.bench_security", "--probe", str(db_path)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    ).stdout
    return float(json.loads(output.strip().splitlines()[-1])["shown_at"]) - launched


def _probe(db_path: Path) -> None:
    """In the child: start Qt and show the sign-in screen, as ``inspector gui`` does."""
    from ui.app import application
    from ui.events import process_events
    from ui.sign_in import SignInDialog

    application()
    dialog = SignInDialog(db_path)
    dialog.show()
    process_events()
    print(json.dumps({"shown_at": time.time()}))
    dialog.close()


if __name__ == "__main__":
    if sys.argv[1:2] == ["--probe"]:
        _probe(Path(sys.argv[2]))
