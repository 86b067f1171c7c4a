"""The demo data set: plausible, complete, reproducible, and never written over real data."""

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from inspector import audit, credit_code, fee_checks, inspections
from inspector.store import open_store

AS_OF = "2026-11-22"


def run_demo(path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "inspector",
            "--db",
            str(path),
            "demo",
            "--orgs",
            "600",
            "--seed",
            "11",
            "--as-of",
            AS_OF,
            *extra,
        ],
        capture_output=True,
        text=True,
        check=False,
    )


def snapshot(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """The content a seed decides (timestamps of the writes themselves left out)."""
    queries = {
        "organizations": "SELECT id, credit_code, name, kind, legal_rep, address, district,"
        " credit_status, registered_capital FROM organizations ORDER BY id",
        "roster": "SELECT id, name, certificate_no, role FROM roster ORDER BY id",
        "inspections": "SELECT organization_id, checklist_id, status, started_at, place"
        " FROM inspections ORDER BY organization_id",
        "findings": "SELECT o.organization_id, f.item_id, f.description, f.status, f.deadline"
        " FROM findings f JOIN inspections o ON o.id = f.inspection_id ORDER BY 1, 2",
        "tasks": "SELECT id, organization_id, checklist_id, due_date FROM tasks ORDER BY id",
    }
    store = open_store(path)
    try:
        return {name: store.db.execute(sql).fetchall() for name, sql in queries.items()}
    finally:
        store.close()


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    result = run_demo(path)
    assert result.returncode == 0, result.stderr
    assert "已生成演示数据" in result.stdout
    return path


def test_same_seed_gives_the_same_data(demo_db: Path, tmp_path: Path) -> None:
    again = tmp_path / "again.db"
    assert run_demo(again).returncode == 0
    assert snapshot(again) == snapshot(demo_db)


def test_register_is_plausible(demo_db: Path) -> None:
    data = snapshot(demo_db)
    orgs = data["organizations"]
    assert len(orgs) == 600
    assert {row[3] for row in orgs} == {"social_group", "social_service", "foundation"}
    for _id, code, name, kind, *_ in orgs:
        assert credit_code.validate(code) == code
        assert credit_code.org_kind(code).value == kind
        assert name.endswith(("会", "院", "校", "园", "中心", "基金会"))
    assert {row[7] for row in orgs} >= {"normal", "abnormal"}
    assert all(row[5].startswith("浙江省") for row in orgs)
    assert len(data["roster"]) >= 16


def test_inspections_and_findings_in_every_state(demo_db: Path) -> None:
    data = snapshot(demo_db)
    assert {row[2] for row in data["inspections"]} == {"draft", "completed", "approved"}
    statuses = {row[3] for row in data["findings"]}
    assert {"open", "reported", "closed"} <= statuses
    today = date.fromisoformat(AS_OF)
    open_deadlines = [date.fromisoformat(r[4]) for r in data["findings"] if r[3] == "open"]
    assert any(d < today for d in open_deadlines), "some open findings are overdue"
    store = open_store(demo_db)
    try:
        assert audit.verify(store) is None
        assert store.db["answers"].count > 10 * len(data["inspections"])
    finally:
        store.close()


def test_a_store_with_data_is_refused_or_skipped(demo_db: Path) -> None:
    refused = run_demo(demo_db)
    assert refused.returncode == 1
    assert "只能写入空数据库" in refused.stderr
    skipped = run_demo(demo_db, "--if-empty")
    assert skipped.returncode == 0
    assert "跳过" in skipped.stdout


def test_fee_audits_pass_the_notice_checks(demo_db: Path) -> None:
    """Demo notices can be issued: no fee audit holds data the notice would refuse."""
    store = open_store(demo_db)
    try:
        ids = [row[0] for row in store.db.execute(
            "SELECT id FROM inspections WHERE checklist_id = 'fee-audit'").fetchall()]  # fmt: skip
        assert ids, "the demo has fee audits"
        for inspection_id in ids:
            answers = {k: a.value for k, a in inspections.answers(store, inspection_id).items()}
            assert fee_checks.problems(answers) == [], inspection_id
    finally:
        store.close()
