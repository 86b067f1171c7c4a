"""Wrong passwords slow down, exponentially; they never lock anyone out for good or wipe data.

Failures are counted per account in ``<db>.attempts.json`` beside the store (so restarting the
program does not reset them): after three, each further try waits 2, 4, 8 ... seconds, at most
five minutes. A right password clears the count.
"""

import json
import time
from pathlib import Path

from inspector.errors import UserError

FREE_TRIES = 3
MAX_WAIT = 300.0


def attempts_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".attempts.json")


def wait_after(failures: int) -> float:
    """Seconds to wait before the next try after ``failures`` wrong passwords in a row."""
    if failures < FREE_TRIES:
        return 0.0
    return float(min(2 ** (failures - FREE_TRIES + 1), MAX_WAIT))


def check(db_path: Path, holder: str, now: float | None = None) -> None:
    """Refuse, in Chinese, a try that comes before the wait is over."""
    failures, last = _load(db_path).get(holder, (0, 0.0))
    left = last + wait_after(failures) - (time.time() if now is None else now)
    if left > 0:
        raise UserError(f"密码错误次数过多，请 {int(left) + 1} 秒后再试。数据未受任何影响。")


def failed(db_path: Path, holder: str, now: float | None = None) -> float:
    """Count a wrong password; returns the seconds to wait before the next try."""
    counts = _load(db_path)
    failures = counts.get(holder, (0, 0.0))[0] + 1
    counts[holder] = (failures, time.time() if now is None else now)
    _save(db_path, counts)
    return wait_after(failures)


def succeeded(db_path: Path, holder: str) -> None:
    counts = _load(db_path)
    if counts.pop(holder, None) is not None:
        _save(db_path, counts)


def advice(wait: float) -> str:
    return f"请 {int(wait)} 秒后再试。" if wait > 0 else ""


def _load(db_path: Path) -> dict[str, tuple[int, float]]:
    try:
        raw = json.loads(attempts_path(db_path).read_text(encoding="utf-8"))
        return {k: (int(v[0]), float(v[1])) for k, v in raw.items()}
    except (OSError, ValueError, TypeError, KeyError, IndexError):
        return {}


def _save(db_path: Path, counts: dict[str, tuple[int, float]]) -> None:
    attempts_path(db_path).write_text(json.dumps(counts), encoding="utf-8")
