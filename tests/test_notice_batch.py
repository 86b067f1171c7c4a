"""Batch generation (progress, cancel, failures) and the ``notice`` / ``notices`` commands."""

import gc
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from cli.main import cli
from inspector import accounts, jobs, notices
from inspector.errors import UserError
from inspector.jobs import JobState
from inspector.store import Store, open_store
from reports import generate
from tests.test_reports_support import add_org, inspection, pdf_text, setup_office, squeeze

BOTH = [generate.Format.PDF, generate.Format.DOCX]


@pytest.fixture
def approved(store: Store) -> list[str]:
    """Three approved inspections with findings, one awaiting approval, one without findings."""
    office = setup_office(store)
    org = add_org(store)
    ids = [inspection(store, office, org) for _ in range(3)]
    inspection(store, office, org, approve=False)
    inspection(store, office, org, found=())
    accounts.add_demo_accounts(store, "test-password")  # the CLI signs in as the --actor
    return ids


def test_batch_reports_progress_and_writes_every_notice(
    store: Store, approved: list[str], tmp_path: Path
) -> None:
    assert notices.candidate_ids(store) == approved
    steps: list[jobs.Step] = []
    result = generate.generate_batch(
        store, tmp_path, BOTH, actor="科长", job=JobState(steps.append)
    )
    assert [(s.done, s.total) for s in steps] == [(0, 3), (1, 3), (2, 3), (3, 3)]
    assert steps[2].text == "已生成 2 / 3 份"
    assert not result.cancelled and result.failed == []
    assert [w.number for w in result.written] == [f"X民社整〔2026〕{n}号" for n in (1, 2, 3)]
    assert len(list(tmp_path.glob("*.pdf"))) == 3 and len(list(tmp_path.glob("*.docx"))) == 3


def test_cancel_stops_between_notices(store: Store, approved: list[str], tmp_path: Path) -> None:
    calls: list[tuple[int, int]] = []

    def cancel_after_the_first(step: jobs.Step) -> None:
        calls.append((step.done, step.total))
        if step.done == 1:
            job.cancel()

    job = JobState(cancel_after_the_first)
    out = tmp_path / "out"
    result = generate.generate_batch(store, out, [generate.Format.DOCX], actor="科长", job=job)
    assert result.cancelled
    assert [w.inspection_id for w in result.written] == approved[:1]
    assert calls == [(0, 3), (1, 3)]
    assert len(list(out.iterdir())) == 1


def test_one_refused_inspection_is_reported_and_the_batch_goes_on(
    store: Store, approved: list[str], tmp_path: Path
) -> None:
    waiting = store.db.execute("SELECT id FROM inspections WHERE status = 'completed'").fetchone()[
        0
    ]
    result = generate.generate_batch(
        store, tmp_path, [generate.Format.DOCX], actor="科长", inspection_ids=[waiting, *approved]
    )
    assert len(result.written) == 3
    assert result.failed == [
        (waiting, "检查记录尚未审核（当前状态：已完成），审核通过后才能出具整改通知书")
    ]


def test_a_batch_on_a_worker_thread_never_collects_garbage_there(
    store: Store, approved: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A collection in a worker deletes Qt objects off the GUI thread (ui/gc_guard.py)."""
    waiting = store.db.execute("SELECT id FROM inspections WHERE status = 'completed'").fetchone()
    collected_on: list[threading.Thread] = []
    collect = gc.collect
    monkeypatch.setattr(
        gc, "collect", lambda *a: collected_on.append(threading.current_thread()) or collect(*a)
    )
    results: list[generate.BatchResult] = []
    worker = threading.Thread(
        target=lambda: results.append(
            generate.generate_batch(
                store, tmp_path, BOTH, actor="科长", inspection_ids=[waiting[0]] * 120
            )
        )
    )
    worker.start()
    worker.join(60)
    assert len(results[0].failed) == 120  # every one refused (not approved), quickly
    assert worker not in collected_on


SIGNER = ("--actor", "科长")  # a supervisor on the roster: only supervisors issue notices


def run(db: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--db", str(db), *args], standalone_mode=False)


def test_cli_notice_and_batch(store: Store, approved: list[str], tmp_path: Path) -> None:
    out = tmp_path / "out"
    one = run(store.path, "notice", approved[1][:8], "--format", "docx", "--out", str(out), *SIGNER)
    assert one.exit_code == 0, one.output
    assert one.output.startswith("整改通知书 X民社整〔2026〕1号：")
    assert (out / "X民社整〔2026〕1号_某市软件行业协会.docx").is_file()

    batch = run(
        store.path,
        "notices",
        "--status",
        "approved",
        "--format",
        "pdf,docx",
        "--out",
        str(out),
        *SIGNER,
    )
    assert batch.exit_code == 0, batch.output
    assert "已生成整改通知书 3 份（6 个文件）" in batch.output
    assert len(list(out.glob("*.pdf"))) == 3  # the first keeps its number: no fourth notice
    assert len(list(out.glob("*.docx"))) == 3

    bad = run(store.path, "notice", approved[0], "--format", "odt")
    assert isinstance(bad.exception, UserError)
    assert bad.exception.message == "不支持的文件格式：odt；可选 pdf、docx"


def test_cli_settings_and_refusal_through_the_real_entry_point(
    store: Store, approved: list[str], tmp_path: Path
) -> None:
    shown = run(store.path, "notice-settings", "--prefix", "杭民社整", "--phone", "12345", *SIGNER)
    assert "prefix = 杭民社整" in shown.output and "phone = 12345" in shown.output
    waiting = store.db.execute("SELECT id FROM inspections WHERE status = 'completed'").fetchone()[
        0
    ]
    store.close()
    done = subprocess.run(
        [sys.executable, "-m", "inspector", "--db", str(store.path), "notice", waiting, *SIGNER],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert done.returncode == 1
    assert "错误：检查记录尚未审核（当前状态：已完成），审核通过后才能出具整改通知书" in done.stderr
    reopened = open_store(store.path)
    assert reopened.db.execute("SELECT COUNT(*) FROM notices").fetchone()[0] == 0
    reopened.close()


def test_cli_warns_once_about_unset_contact_and_stand_in_fonts(
    store: Store, approved: list[str], tmp_path: Path
) -> None:
    run(store.path, "notice-settings", "--contact", "", "--no-remedies", *SIGNER)
    result = CliRunner().invoke(
        cli,
        ["--db", str(store.path), "notice", approved[0][:8], "--out", str(tmp_path), *SIGNER],
        standalone_mode=False,
    )
    assert result.exit_code == 0, result.output
    assert result.stderr.count("提示：整改通知书未设置联系人，") == 1
    assert "行政复议机关" not in result.stderr  # remedies are off: no 复议机关 needed
    fonts = generate.advisories(store, [generate.Format.PDF], notice=False)
    assert all(note in result.stderr for note in fonts)
    assert "提示：" not in result.stdout


def test_a_batch_on_two_worker_processes_numbers_here_and_writes_every_notice_in_order(
    store: Store, approved: list[str], tmp_path: Path
) -> None:
    steps: list[jobs.Step] = []
    out = tmp_path / "out"
    result = generate.generate_batch(
        store, out, BOTH, actor="科长", job=JobState(steps.append), workers=2
    )
    assert [(s.done, s.total) for s in steps] == [(0, 3), (1, 3), (2, 3), (3, 3)]
    assert not result.cancelled and result.failed == []
    assert [w.number for w in result.written] == [f"X民社整〔2026〕{n}号" for n in (1, 2, 3)]
    for written in result.written:
        pdf, docx = written.paths
        assert written.number in squeeze(pdf_text(pdf))  # whole files, fonts found in the worker
        assert docx.stat().st_size > 0
    assert sorted(p.name for p in out.iterdir()) == sorted(
        p.name for w in result.written for p in w.paths
    )


def test_a_cancelled_pool_batch_keeps_whole_files_and_names_the_numbered_notices_left(
    store: Store, tmp_path: Path
) -> None:
    office = setup_office(store)
    org = add_org(store)
    ids = [inspection(store, office, org) for _ in range(8)]

    def cancel_after_the_first(step: jobs.Step) -> None:
        if step.done == 1:
            job.cancel()

    job = JobState(cancel_after_the_first)
    out = tmp_path / "out"
    result = generate.generate_batch(store, out, BOTH, actor="科长", job=job, workers=2)
    assert result.cancelled
    assert result.written[0].inspection_id == ids[0]
    written = {p.name for w in result.written for p in w.paths}
    assert {p.name for p in out.iterdir()} == written  # no part-written or stray file
    numbered = store.db.execute("SELECT COUNT(*) FROM notices").fetchone()[0]
    assert numbered < len(ids)  # nothing numbered after the cancel
    assert len(result.written) + len(result.failed) == numbered
    for _, message in result.failed:
        assert message.startswith("已取消：X民社整〔2026〕")
        assert message.endswith("号已编号，未生成文件；再次生成时沿用此文号")


def test_a_file_a_worker_cannot_write_names_its_notice_and_the_batch_goes_on(
    store: Store, approved: list[str], tmp_path: Path
) -> None:
    blocked = tmp_path / "out" / "X民社整〔2026〕2号_某市软件行业协会.docx"
    blocked.mkdir(parents=True)  # a folder where the second notice's file should go
    result = generate.generate_batch(store, blocked.parent, BOTH, actor="科长", workers=2)
    assert [w.number for w in result.written] == ["X民社整〔2026〕1号", "X民社整〔2026〕3号"]
    [(inspection_id, message)] = result.failed
    assert inspection_id == approved[1]
    assert message.startswith(f"无法写入文件：{blocked}")
    assert not list(blocked.parent.glob(".part-*"))
