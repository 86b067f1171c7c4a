"""Holidays beyond chinesecalendar: a year's schedule recorded by the office, used by deadlines.

Every schedule here is made up (the State Council's real one for a year the library lacks is
not invented): its days are chosen to make the counting visible.
"""

import itertools
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import cli
from inspector import accounts, deadlines, findings, holiday_schedule, service
from inspector.clock import OFFICE_TZ, today
from inspector.deadlines import Calendar
from inspector.errors import UserError
from inspector.service import Method, ServiceInput
from inspector.store import Store
from reports import generate
from tests.test_reports_support import Finding, add_org, inspection, setup_office

# The first year the library has no schedule for (2027 at the time of writing).
YEAR = next(y for y in itertools.count(today().year) if not deadlines.library_knows(y))
MONDAY = next(d for d in (date(YEAR, 3, 2) + timedelta(n) for n in range(7)) if d.weekday() == 0)
SATURDAY = MONDAY - timedelta(days=2)
MADE_UP = f"""\
year: {YEAR}
source: 测试用虚构安排（非国务院公布）
rest: [{YEAR}-01-01, {MONDAY}, {MONDAY + timedelta(days=1)}]
work: [{SATURDAY}]
"""


def schedule_file(tmp_path: Path, text: str = MADE_UP, name: str = "holidays.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_made_up_year_moves_a_last_day_off_its_holidays_and_counts_its_workday(
    tmp_path: Path,
) -> None:
    year = holiday_schedule.parse(schedule_file(tmp_path))
    office = Calendar({YEAR: year})
    served = MONDAY - timedelta(days=10)
    # Without the schedule the last day is the Monday; with it, the Wednesday after two holidays.
    assert deadlines.from_service(served, 10) == MONDAY
    assert deadlines.from_service(served, 10, calendar=office) == MONDAY + timedelta(days=2)
    assert not deadlines.holidays_known(MONDAY) and deadlines.holidays_known(MONDAY, office)
    # Working days: the make-up Saturday counts, the two holidays do not.
    friday = SATURDAY - timedelta(days=1)
    assert deadlines.deadline(friday, 2, working_days=True, calendar=office) == MONDAY + timedelta(
        days=2
    )
    with pytest.raises(UserError, match=f"节假日数据尚未包含{YEAR}年"):
        deadlines.deadline(friday, 2, working_days=True)


def test_the_csv_form_reads_the_same_year(tmp_path: Path) -> None:
    rows = [
        "日期,类型,来源",
        f"{YEAR}-01-01,放假,测试用虚构安排",
        f"{MONDAY},放假,",
        f"{MONDAY + timedelta(days=1)},放假,",
        f"{SATURDAY},上班,",
    ]
    from_csv = holiday_schedule.parse(schedule_file(tmp_path, "\n".join(rows), "h.csv"))
    from_yaml = holiday_schedule.parse(schedule_file(tmp_path))
    assert (from_csv.rest, from_csv.work) == (from_yaml.rest, from_yaml.work)
    assert from_csv.source == "测试用虚构安排"


@pytest.mark.parametrize(
    ("text", "name", "message"),
    [
        (
            f"year: {YEAR}\nrest: [{YEAR}-01-01]\nwork: [{MONDAY}]\n",
            "a.yaml",
            "调休上班日应为周六或周日",
        ),
        (f"year: {YEAR}\nrest: [{YEAR}-01-01, {YEAR}-01-01]\n", "a.yaml", "已在rest 第1项登记过"),
        (f"year: {YEAR}\nrest: [{YEAR + 1}-01-01]\n", "a.yaml", f"不在{YEAR}年"),
        (f"year: {YEAR}\nrest: [2027-02-30]\n", "a.yaml", "rest 第1项：“2027-02-30”不是日期"),
        ("日期,类型\n2027-01-01,休息\n", "a.csv", "第2行：类型应为“放假”或“上班”"),
        ("date,kind\n", "a.csv", "第1行应为表头“日期,类型”"),
    ],
)
def test_a_wrong_file_is_refused_naming_the_row(
    tmp_path: Path, text: str, name: str, message: str
) -> None:
    with pytest.raises(UserError, match=message) as refused:
        holiday_schedule.parse(schedule_file(tmp_path, text, name))
    assert refused.value.message.startswith(name)


def test_a_year_the_library_has_is_not_recorded(store: Store, tmp_path: Path) -> None:
    covered = next(y for y in range(YEAR - 1, 2000, -1) if deadlines.library_knows(y))
    year = holiday_schedule.parse(
        schedule_file(tmp_path, f"year: {covered}\nrest: [{covered}-01-01]\n")
    )
    with pytest.raises(UserError, match=f"已包含{covered}年的安排"):
        holiday_schedule.record(store, year, actor="supervisor")
    assert holiday_schedule.recorded(store) == []


def test_the_office_schedule_fixes_a_served_notices_deadline_and_the_warning_goes(
    store: Store, tmp_path: Path
) -> None:
    office = setup_office(store)
    accounts.add_demo_accounts(store, "test-password")  # the CLI signs in as the --actor
    served_at = datetime.now(OFFICE_TZ).replace(second=0, microsecond=0)
    days = (MONDAY - served_at.date()).days  # the period's last day is the made-up holiday
    found = (Finding("该协会通过评比达标表彰活动违规收费", days=days),)
    first, second = (
        inspection(store, office, add_org(store, code=c), found=found)
        for c in (
            "51100000500002862F",
            "51100000500002863D",
        )
    )
    for inspection_id in (first, second):
        generate.write_notice(store, inspection_id, tmp_path, [generate.Format.DOCX], actor="科长")
    given = ServiceInput(
        served_at, Method.DIRECT, ("张明", "李华"), recipient="赵建国（法定代表人）"
    )

    service.record(store, first, given, actor="张明")
    [before] = findings.of_inspection(store, first)
    assert before.deadline == MONDAY.isoformat()  # weekends only: the holiday is not known
    warning = service.holiday_warning(store, first)
    assert f"节假日数据尚未包含{YEAR}年" in warning and "inspector holidays import" in warning

    run = CliRunner().invoke(
        cli,
        [
            "--db",
            str(store.path),
            "holidays",
            "import",
            str(schedule_file(tmp_path)),
            "--actor",
            "科长",
        ],
        standalone_mode=False,
    )
    assert run.exit_code == 0, run.output
    assert f"已登记{YEAR}年节假日安排：放假 3 天，调休上班 1 天" in run.output
    listed = CliRunner().invoke(
        cli, ["--db", str(store.path), "holidays", "list"], standalone_mode=False
    )
    assert f"{YEAR}年：放假 3 天，调休上班 1 天（测试用虚构安排（非国务院公布））" in listed.output

    service.record(store, second, given, actor="张明")
    [after] = findings.of_inspection(store, second)
    assert after.deadline == (MONDAY + timedelta(days=2)).isoformat()
    assert service.holiday_warning(store, second) == ""
    [entry] = store.db.execute(
        "SELECT action, entity_id FROM audit_log WHERE entity = 'holidays'"
    ).fetchall()
    assert tuple(entry) == ("import", str(YEAR))
