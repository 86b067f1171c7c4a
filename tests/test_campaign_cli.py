"""``inspector campaign`` and ``inspector export`` from the command line."""

import json
from pathlib import Path

import click
from click.testing import CliRunner, Result
from openpyxl import load_workbook

from cli.main import cli
from inspector import accounts
from inspector.errors import UserError
from inspector.store import open_store
from tests.supervisor_data import SUPERVISOR, add_checklist, add_register, add_roster


def _run(db: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--db", str(db), *args], standalone_mode=False)


def _office(db: Path) -> None:
    store = open_store(db)
    add_register(store, 90)
    add_roster(store)
    add_checklist(store)
    accounts.add_demo_accounts(store, "test-password")  # the CLI signs in as the --actor
    store.close()


def test_draw_prints_targets_and_pairs_and_is_reproducible(tmp_path: Path) -> None:
    db = tmp_path / "office.db"
    _office(db)
    args = ("campaign", "draw", "--kind", "social_group", "--ratio", "0.1", "--seed", "S1")
    first = _run(db, *args)
    assert first.exit_code == 0, first.output
    assert first.output.startswith("从 30 个符合条件的检查对象中抽取 3 个（种子 S1")
    assert "检查员" in first.output
    assert _run(db, *args).output == first.output


def test_draw_as_json_with_district_and_size(tmp_path: Path) -> None:
    db = tmp_path / "office.db"
    _office(db)
    result = _run(
        db, "campaign", "draw", "--district", "越秀区", "--size", "4", "--seed", "7", "--json"
    )
    data = json.loads(result.output)
    assert data["population_size"] == 30
    assert len(data["targets"]) == 4
    assert all(t["district"] == "越秀区" for t in data["targets"])
    assert all(len(t["inspectors"]) == 2 for t in data["targets"])
    assert data["campaign_id"] is None


def test_save_verify_and_publish(tmp_path: Path) -> None:
    db = tmp_path / "office.db"
    _office(db)
    saved = _run(
        db, "campaign", "draw", "--level", "province", "--seed", "2026", "--save", "年度抽查",
        "--actor", SUPERVISOR, "--json",
    )  # fmt: skip
    campaign_id = json.loads(saved.output)["campaign_id"]
    assert len(json.loads(saved.output)["targets"]) == 5  # 5% of 90, rounded up
    assert _run(db, "campaign", "verify", campaign_id).output.startswith("核验通过")
    assert "年度抽查" in _run(db, "campaign", "list").output
    target = tmp_path / "公示.xlsx"
    assert _run(db, "campaign", "publish", campaign_id, str(target)).exit_code == 0
    sheet = load_workbook(target).active
    assert sheet is not None and sheet.max_row == 6


def test_saving_needs_a_supervisor(tmp_path: Path) -> None:
    db = tmp_path / "office.db"
    _office(db)
    result = _run(db, "campaign", "draw", "--size", "2", "--seed", "1", "--save", "x")
    assert isinstance(result.exception, UserError)
    assert "须用 --actor 指定操作人" in result.exception.message
    result = _run(
        db, "campaign", "draw", "--size", "2", "--seed", "1", "--save", "x", "--actor", "检查员01"
    )
    assert isinstance(result.exception, UserError)
    assert "仅限审核人员" in result.exception.message


def test_a_draw_with_no_rule_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "office.db"
    _office(db)
    result = _run(db, "campaign", "draw", "--seed", "1")
    assert isinstance(result.exception, UserError)
    assert "请指定抽查数量或抽查比例" in result.exception.message
    result = _run(db, "campaign", "draw", "--size", "2")
    assert isinstance(result.exception, click.MissingParameter)
    assert result.exception.param is not None and result.exception.param.name == "seed"


def test_export_tracker_csv(tmp_path: Path) -> None:
    db = tmp_path / "office.db"
    _office(db)
    target = tmp_path / "t.csv"
    assert _run(db, "export", "tracker", str(target), "--overdue").exit_code == 0
    assert target.read_bytes().startswith(b"\xef\xbb\xbf")


def test_conflicts_from_the_command_line_keep_people_off_a_target(tmp_path: Path) -> None:
    db = tmp_path / "office.db"
    _office(db)
    store = open_store(db)
    code = store.db.execute("SELECT credit_code FROM organizations WHERE id = 'org-00001'")
    code = code.fetchone()[0]
    store.close()
    for n in range(5):  # of six inspectors, only 检查员05 stays free
        result = _run(
            db, "campaign", "conflict", "add", f"4401{n:06d}", code,
            "--reason", "曾在该组织任职", "--actor", SUPERVISOR,
        )  # fmt: skip
        assert result.exit_code == 0, result.output
    assert "曾在该组织任职" in _run(db, "campaign", "conflict", "list", code).output
    result = _run(db, "campaign", "draw", "--size", "90", "--seed", "1")  # everyone
    assert isinstance(result.exception, UserError)
    assert "可派的执法人员只有1名" in result.exception.message
    unknown = _run(
        db, "campaign", "conflict", "add", "无名氏", code, "--reason", "x", "--actor", SUPERVISOR
    )
    assert isinstance(unknown.exception, UserError)
    assert "执法人员名录中没有“无名氏”" in unknown.exception.message
