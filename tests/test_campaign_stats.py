"""Every eligible organization has the same chance of being drawn: a chi-square test."""

import math
from collections import Counter
from datetime import date

import pytest

from inspector import campaigns
from inspector.campaigns import Criteria, SampleRule
from inspector.store import Store
from tests.supervisor_data import add_register, add_roster

SEEDS = 2000
Z_999 = 3.0902  # the standard normal quantile at 0.999


def chi_square(observed: list[int]) -> float:
    """Pearson's statistic against equal expected counts."""
    expected = sum(observed) / len(observed)
    return sum((o - expected) ** 2 / expected for o in observed)


def critical_value(df: int) -> float:
    """The chi-square 0.999 quantile (Wilson-Hilferty; within 1% for df >= 5)."""
    a = 2 / (9 * df)
    return df * (1 - a + Z_999 * math.sqrt(a)) ** 3


def test_critical_values_match_the_tables() -> None:
    assert critical_value(7) == pytest.approx(24.32, rel=0.01)
    assert critical_value(59) == pytest.approx(98.32, rel=0.01)


def test_draw_frequencies_are_uniform_over_seeds(store: Store) -> None:
    add_register(store, 60)
    add_roster(store)
    counts: Counter[str] = Counter()
    for seed in range(SEEDS):
        result = campaigns.draw(
            store, Criteria(), SampleRule(size=6), seed=f"seed-{seed}", as_of=date(2026, 11, 21)
        )
        counts.update(t.organization.id for t in result.targets)
    observed = [counts[f"org-{n:05d}"] for n in range(60)]
    assert sum(observed) == SEEDS * 6
    # Under uniformity each organization is drawn SEEDS * 6 / 60 = 200 times on average.
    assert chi_square(observed) < critical_value(len(observed) - 1)


def test_inspector_assignment_is_uniform_over_seeds(store: Store) -> None:
    add_register(store, 20)
    add_roster(store, inspectors=8)
    counts: Counter[str] = Counter()
    for seed in range(500):
        result = campaigns.draw(
            store, Criteria(), SampleRule(size=4), seed=str(seed), as_of=date(2026, 11, 21)
        )
        counts.update(p.id for t in result.targets for p in t.inspectors)
    observed = [counts[f"p-{n:02d}"] for n in range(8)]
    assert chi_square(observed) < critical_value(len(observed) - 1)


def test_the_statistic_notices_a_biased_draw() -> None:
    # The check is not vacuous: one organization drawn twice as often fails it.
    observed = [200] * 59 + [400]
    assert chi_square(observed) > critical_value(59)
