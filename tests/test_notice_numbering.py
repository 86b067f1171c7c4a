"""Notice numbers: per-year serials, never reused or skipped, reissue keeps the number."""

import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from inspector import authorities, clock, inspections, notices
from inspector.errors import UserError
from inspector.store import Store
from reports import generate
from reports.formatting import chinese_date
from tests.test_reports_support import Finding, add_org, inspection, pdf_text, setup_office, squeeze

PDF = [generate.Format.PDF]


@pytest.fixture
def office(store: Store) -> list[str]:
    return setup_office(store)


def notice_audit(store: Store) -> list[tuple[str, dict[str, object]]]:
    rows = store.db.execute(
        "SELECT action, new FROM audit_log WHERE entity = 'notice' ORDER BY seq"
    ).fetchall()
    return [(action, json.loads(new)) for action, new in rows]


def test_serials_count_up_within_a_year_and_restart_in_the_next(
    store: Store, office: list[str]
) -> None:
    org = add_org(store)
    ids = [inspection(store, office, org) for _ in range(3)]
    settings = notices.load_settings(store)
    first = notices.issue(
        store, ids[0], content_hash="a", settings=settings, actor="科长", on=date(2026, 12, 30)
    )
    second = notices.issue(
        store, ids[1], content_hash="b", settings=settings, actor="科长", on=date(2026, 12, 31)
    )
    third = notices.issue(
        store, ids[2], content_hash="c", settings=settings, actor="科长", on=date(2027, 1, 2)
    )
    assert [first.number, second.number, third.number] == [
        "X民社整〔2026〕1号",
        "X民社整〔2026〕2号",
        "X民社整〔2027〕1号",
    ]
    assert [n.serial for n in notices.issued_in(store, 2026)] == [1, 2]
    assert [action for action, _ in notice_audit(store)] == ["issue", "issue", "issue"]


def test_an_issued_notice_never_changes_and_a_reissue_is_an_explicit_act_with_a_reason(
    store: Store, office: list[str], tmp_path: Path
) -> None:
    inspection_id = inspection(store, office, add_org(store))
    first = generate.write_notice(store, inspection_id, tmp_path, PDF, actor="科长")
    again = generate.write_notice(store, inspection_id, tmp_path, PDF, actor="科长")
    assert (again.number, again.version) == (first.number, 1)
    assert len(notice_audit(store)) == 1  # a reprint is not a new issue

    # settings changed after issue apply to later notices only: the issued one reprints as it was
    changed = replace(notices.load_settings(store), authority="某市民政局（新）", phone="110")
    notices.save_settings(store, changed, actor="科长")
    reprint = generate.write_notice(store, inspection_id, tmp_path, PDF, actor="科长")
    assert reprint.number == first.number and len(notice_audit(store)) == 1
    text = pdf_text(reprint.paths[0])
    assert "某市民政局（新）" not in text and "作废" not in text and "0571-87654321" in text

    # changed facts do not silently reissue a notice that may have been served
    refunds = [{"name": "评比费", "collected": "5000", "verdict": "improper", "refund_due": "5000"}]
    inspections.set_answer(
        store, inspection_id, "fees", refunds, actor="科长", amendment_reason="核减退费金额"
    )
    with pytest.raises(UserError, match="已出具的通知书不能更改"):
        generate.write_notice(store, inspection_id, tmp_path, PDF, actor="科长")
    with pytest.raises(UserError, match="必须填写理由"):
        generate.reissue_notice(store, inspection_id, tmp_path, PDF, reason=" ", actor="科长")
    reissued = generate.reissue_notice(
        store, inspection_id, tmp_path, PDF, reason="核减退费金额后重新出具", actor="科长"
    )
    assert reissued.number == "X民社整〔2026〕2号" != first.number
    text = squeeze(pdf_text(reissued.paths[0]))
    assert (
        squeeze(f"本通知书替代本机关{chinese_date(clock.today())}出具的{first.number}整改通知书")
        in text
    )
    assert "某市民政局（新）" in text  # a new notice carries today's settings
    entries = notice_audit(store)
    assert [action for action, _ in entries] == ["issue", "reissue"]
    assert entries[1][1]["reason"] == "核减退费金额后重新出具"
    assert generate.write_notice(store, inspection_id, tmp_path, PDF, actor="科长").number == (
        reissued.number
    )


def test_a_failed_rendering_keeps_its_number_and_the_next_notice_takes_the_next(
    store: Store, office: list[str], tmp_path: Path
) -> None:
    org = add_org(store)
    first_id, second_id = inspection(store, office, org), inspection(store, office, org)
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("occupied")
    with pytest.raises(UserError, match="无法创建输出文件夹"):
        generate.write_notice(store, first_id, blocked, PDF, actor="科长")
    second = generate.write_notice(store, second_id, tmp_path / "out", PDF, actor="科长")
    retried = generate.write_notice(store, first_id, tmp_path / "out", PDF, actor="科长")
    assert second.number == "X民社整〔2026〕2号"
    assert retried.number == "X民社整〔2026〕1号"
    assert [n.serial for n in notices.issued_in(store, date.today().year)] == [1, 2]
    assert [entry["serial"] for _, entry in notice_audit(store)] == [1, 2]


def test_not_approved_or_without_findings_is_refused_and_draws_no_number(
    store: Store, office: list[str], tmp_path: Path
) -> None:
    org = add_org(store)
    completed = inspection(store, office, org, approve=False)
    clean = inspection(store, office, org, found=())
    out = tmp_path / "out"
    with pytest.raises(
        UserError, match="检查记录尚未审核（当前状态：已完成），审核通过后才能出具整改通知书"
    ):
        generate.write_notice(store, completed, out, PDF, actor="科长")
    with pytest.raises(UserError, match="该次检查未发现问题，无需出具整改通知书"):
        generate.write_notice(store, clean, out, PDF, actor="科长")
    with pytest.raises(UserError, match="找不到检查记录"):
        generate.write_notice(store, "no-such-id", out, PDF, actor="科长")
    assert notices.issued_in(store, date.today().year) == []
    assert notice_audit(store) == []
    assert not out.exists()


def test_pattern_is_configurable_and_checked(store: Store, office: list[str]) -> None:
    settings = notices.load_settings(store)
    with pytest.raises(UserError, match="必须包含序号"):
        notices.save_settings(store, notices.NoticeSettings(pattern="{prefix}{year}"), actor="科长")
    with pytest.raises(UserError, match="只能使用"):
        notices.save_settings(store, notices.NoticeSettings(pattern="{n}{month}"), actor="科长")
    custom = notices.NoticeSettings(
        prefix="杭民社", pattern="{prefix}字〔{year}〕第{n}号", authority=settings.authority
    )
    notices.save_settings(store, custom, actor="科长")
    assert notices.load_settings(store) == custom
    issued = notices.issue(
        store,
        inspection(store, office, add_org(store)),
        content_hash="x",
        settings=custom,
        actor="科长",
    )
    assert issued.number == f"杭民社字〔{date.today().year}〕第1号"
    changes = store.db.execute(
        "SELECT COUNT(*) FROM audit_log WHERE entity = 'settings' AND entity_id = 'notice'"
    ).fetchone()[0]
    assert changes == 2  # the office set-up and this change


def test_each_authority_numbers_in_its_own_series_and_an_unknown_one_is_refused(
    store: Store, office: list[str], tmp_path: Path
) -> None:
    year = date.today().year
    notices.save_settings(store, replace(notices.load_settings(store), authority=""), actor="科长")
    other = "52610500MJU60350X1"
    with store.transaction() as conn:
        conn.execute("UPDATE organizations SET registration_authority = '某县民政局'")
    first = inspection(store, office, add_org(store))  # registered with 某市民政局
    authorities.save(
        store, authorities.Authority("某市民政局", "X民社整", "某市人民政府"), actor="科长"
    )
    authorities.save(
        store, authorities.Authority("某县民政局", "Y民社整", "某县人民政府"), actor="科长"
    )
    with pytest.raises(UserError, match="已由“某县民政局”使用"):
        authorities.save(store, authorities.Authority("某区民政局", "Y民社整"), actor="科长")
    county = add_org(store, code=other, name="某县养老服务中心", kind="social_service")
    with store.transaction() as conn:
        conn.execute(
            "UPDATE organizations SET registration_authority = '某县民政局' WHERE id = ?", (county,)
        )
    city = [generate.write_notice(store, first, tmp_path, PDF, actor="科长").number]
    found = (Finding("问题甲", legal_basis=""),)
    county_notice = generate.write_notice(
        store, inspection(store, office, county, checklist="spot-check-general", found=found),
        tmp_path, PDF, actor="科长",
    )  # fmt: skip
    assert city == [f"X民社整〔{year}〕1号"]
    assert county_notice.number == f"Y民社整〔{year}〕1号"  # its own series, from 1
    assert "向某县人民政府申请行政复议" in pdf_text(county_notice.paths[0]).replace("\n", "")
    # an authority nobody set up numbers in a series of its own, with a 代字 made from its name
    with store.transaction() as conn:
        conn.execute(
            "UPDATE organizations SET registration_authority = '越秀区民政局' WHERE id = ?",
            (county,),
        )
    auto = generate.write_notice(
        store, inspection(store, office, county, checklist="spot-check-general", found=found),
        tmp_path, PDF, actor="科长",
    )  # fmt: skip
    assert auto.number == f"越民社整〔{year}〕1号"
    assert any("已自动使用“越民社整”" in note for note in generate.advisories(store, PDF))
