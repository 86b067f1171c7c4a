"""送达: recorded once, checked field by field, and the period counted from it."""

from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

import chinese_calendar
import pytest
from click.testing import CliRunner

from cli.main import cli
from inspector import deadlines, findings, notices, service
from inspector.clock import OFFICE_TZ
from inspector.errors import UserError
from inspector.service import Method, ServiceInput
from inspector.store import Store
from reports import compose, generate
from reports.document import Paragraph
from tests.test_reports_support import Finding, add_org, inspection, setup_office

SERVERS = ("张明", "李华")


@pytest.fixture
def issued(store: Store, tmp_path: Path) -> str:
    """An approved inspection whose notice (30- and 15-day periods) has just been issued."""
    office = setup_office(store)
    inspection_id = inspection(store, office, add_org(store))
    generate.write_notice(store, inspection_id, tmp_path, [generate.Format.DOCX], actor="科长")
    return inspection_id


def _now() -> datetime:
    return datetime.now(OFFICE_TZ).replace(second=0, microsecond=0)


def test_period_starts_the_day_after_service_and_a_rest_day_moves_to_the_next_working_day() -> None:
    # 民事诉讼法 第八十五条. Served Tue 2026-11-03; +30 days is Thu 2026-12-03, a working day.
    assert deadlines.from_service(date(2026, 11, 3), 30) == date(2026, 12, 3)
    # Served Wed 2026-11-04 +10 = Sat 2026-11-14 → Mon 2026-11-16
    assert deadlines.from_service(date(2026, 11, 4), 10) == date(2026, 11, 16)
    # National Day 2026: served 2026-09-21 +10 = 2026-10-01, a holiday → the first working day
    due = deadlines.from_service(date(2026, 9, 21), 10)
    assert due > date(2026, 10, 1) and chinese_calendar.is_workday(due)
    assert not chinese_calendar.is_workday(due - timedelta(days=1))


def test_recording_service_fixes_each_findings_deadline_and_is_audited(
    store: Store, issued: str
) -> None:
    before = {f.description: f.deadline for f in findings.of_inspection(store, issued)}
    when = _now()
    done = service.record(
        store,
        issued,
        ServiceInput(when, Method.DIRECT, SERVERS, recipient="赵建国（法定代表人）"),
        actor="张明",
    )
    assert done.served_on == when.date() and done.server_names == list(SERVERS)
    after = {f.description: f.deadline for f in findings.of_inspection(store, issued)}
    for description, days in (
        ("该协会通过评比达标表彰活动违规收费", 30),
        ("会费标准未经会员大会无记名投票表决", 15),
    ):
        expected = deadlines.from_service(when.date(), days)
        assert after[description] == expected.isoformat() != before[description]
        assert date.fromisoformat(after[description]) > when.date()
    actions = [
        row[0]
        for row in store.db.execute(
            "SELECT action FROM audit_log WHERE entity IN ('notice', 'finding') ORDER BY seq"
        ).fetchall()
    ]
    assert actions.count("serve") == 1 and actions.count("deadline_from_service") == 2
    with pytest.raises(UserError, match="已登记送达，不能重复登记"):
        service.record(
            store,
            issued,
            ServiceInput(when, Method.DIRECT, SERVERS, recipient="赵建国"),
            actor="张明",
        )


@pytest.mark.parametrize(
    ("made", "message"),
    [
        (
            lambda now: ServiceInput(
                datetime(2020, 1, 1, 9), Method.DIRECT, SERVERS, recipient="赵"
            ),
            "早于通知书出具时间",
        ),
        (
            lambda now: ServiceInput(
                now + timedelta(days=2), Method.DIRECT, SERVERS, recipient="赵"
            ),
            "不能晚于现在",
        ),
        (
            lambda now: ServiceInput(now, Method.LEFT, SERVERS, recipient="赵"),
            "留置送达须填写见证人（witness）",
        ),
        (
            lambda now: ServiceInput(now, Method.ELECTRONIC, SERVERS, recipient="赵"),
            "电子送达须记录受送达人同意",
        ),
        (
            lambda now: ServiceInput(now, Method.DIRECT, ("张明",), recipient="赵"),
            "须填写两名不同的送达人（servers）",
        ),
        (
            lambda now: ServiceInput(now, Method.DIRECT, ("张明", "张明"), recipient="赵"),
            "两名不同的送达人",
        ),
        (lambda now: ServiceInput(now, Method.DIRECT, SERVERS), "须填写签收人（recipient）"),
        (
            lambda now: ServiceInput(now, Method.PUBLIC, SERVERS),
            "公告送达须填写公告发布日期（published_on）",
        ),
    ],
)
def test_bad_service_is_refused_naming_the_field_and_nothing_changes(
    store: Store, issued: str, made: Callable[[datetime], ServiceInput], message: str
) -> None:
    given = made(_now())
    before = [f.deadline for f in findings.of_inspection(store, issued)]
    with pytest.raises(UserError, match=message.replace("（", "\\（").replace("）", "\\）")):
        service.record(store, issued, given, actor="张明")
    assert service.of(store, issued) is None
    assert [f.deadline for f in findings.of_inspection(store, issued)] == before


def test_public_notice_is_served_thirty_days_after_publication(store: Store, issued: str) -> None:
    published = _now().date()
    done = service.record(
        store,
        issued,
        ServiceInput(_now(), Method.PUBLIC, SERVERS, published_on=published),
        actor="张明",
    )
    assert done.served_on == published + timedelta(days=30)


def test_unserved_notices_are_flagged_after_the_configured_days(store: Store, issued: str) -> None:
    number = notices.latest(store, issued).number  # type: ignore[union-attr]
    today = _now().date()
    assert service.unserved(store, older_than_days=7, on=today) == []
    assert service.unserved(store, older_than_days=7, on=today + timedelta(days=7)) == [number]
    service.record(
        store,
        issued,
        ServiceInput(_now(), Method.DIRECT, SERVERS, recipient="赵建国"),
        actor="张明",
    )
    assert service.unserved(store, older_than_days=7, on=today + timedelta(days=7)) == []


def test_the_notice_prints_only_the_period_or_a_fixed_date_never_a_past_date(
    store: Store, tmp_path: Path
) -> None:
    office = setup_office(store)
    past = (Finding("问题甲", days=0, deadline="2026-11-03"),)
    old = inspection(store, office, add_org(store), found=past)
    with pytest.raises(UserError, match="整改期限2026年11月3日已经过去"):
        generate.write_notice(store, old, tmp_path, [generate.Format.DOCX], actor="科长")
    assert notices.latest(store, old) is None
    content = generate.numbered_notice(
        store, inspection(store, office, add_org(store, code="51100000500009247D")), actor="科长"
    )
    text = "".join(
        b.lead + b.text for b in compose.notice(content).blocks if isinstance(b, Paragraph)
    )
    assert (
        "自收到本通知书之日起30日内完成整改" in text and "即" not in text.split("整改期限")[1][:30]
    )


def test_cli_records_service_and_lists_the_unserved(store: Store, issued: str) -> None:
    runner = CliRunner()
    late = runner.invoke(cli, ["--db", str(store.path), "notices-unserved", "--days", "0"])
    assert "X民社整〔2026〕1号" in late.output
    when = _now().strftime("%Y-%m-%d %H:%M")
    refused = runner.invoke(
        cli,
        ["--db", str(store.path), "notice-served", issued[:8], "--at", when, "--method", "left",
         "--recipient", "赵建国", "--server", "张明", "--server", "李华"],
    )  # fmt: skip
    assert refused.exit_code == 1 and "见证人" in str(refused.exception)
    done = runner.invoke(
        cli,
        ["--db", str(store.path), "notice-served", issued[:8], "--at", when, "--method", "left",
         "--recipient", "赵建国", "--witness", "社区居委会王主任",
         "--server", "张明", "--server", "李华"],
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    assert "已登记送达：留置送达" in done.output and "整改期限：" in done.output


def test_a_past_recheck_deadline_is_refused_in_chinese(store: Store, issued: str) -> None:
    finding = findings.of_inspection(store, issued)[0]
    with pytest.raises(UserError, match="复查后的新整改期限2020年1月1日已经过去"):
        findings.recheck(
            store, finding.id, passed=False, reason="仍未整改", actor="supervisor",
            new_deadline="2020-01-01",
        )  # fmt: skip
    assert findings.of_inspection(store, issued)[0] == finding
