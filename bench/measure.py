"""Small helpers shared by the benchmarks: timing samples and a result row."""

import statistics
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Result:
    name: str
    value: float
    unit: str
    target: str
    met: bool | None = None  # None: no target to compare with


def timed(action: Callable[[], object]) -> float:
    """Seconds one call takes."""
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def percentile(samples: Iterable[float], pct: float) -> float:
    """The pct-th percentile (nearest rank) of samples."""
    ordered = sorted(samples)
    index = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered)) - 1))
    return ordered[index]


def p50_p95_ms(name: str, samples_s: list[float], target_p95_ms: float) -> list[Result]:
    """Two rows, p50 and p95 in milliseconds, the second checked against its target."""
    p50 = statistics.median(samples_s) * 1000
    p95 = percentile(samples_s, 95) * 1000
    return [
        Result(f"{name} p50", p50, "ms", ""),
        Result(f"{name} p95", p95, "ms", f"< {target_p95_ms:g} ms", p95 < target_p95_ms),
    ]
