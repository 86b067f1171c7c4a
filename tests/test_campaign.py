"""双随机 draws: population filters, sample sizes, reproducibility, conflicts, recording."""

import json
from datetime import date

import pytest

from inspector import audit, campaign_records, campaigns, conflicts, inspections, roles, roster
from inspector.campaigns import Criteria, SampleRule
from inspector.errors import UserError
from inspector.model import Inspector, NewInspection
from inspector.store import Store
from tests.supervisor_data import (
    CHECKLIST_ID,
    SUPERVISOR,
    add_checklist,
    add_register,
    add_roster,
)

AS_OF = date(2026, 11, 21)


@pytest.fixture
def office(store: Store) -> Store:
    add_register(store, 120)
    add_roster(store)
    add_checklist(store)
    return store


def _draw(store: Store, seed: str = "20261121", **rule: object) -> campaigns.Draw:
    return campaigns.draw(store, Criteria(), SampleRule(**rule), seed=seed, as_of=AS_OF)  # type: ignore[arg-type]


def test_population_filters_by_kind_district_credit_and_authority(office: Store) -> None:
    everyone = campaigns.population(office, Criteria())
    groups = campaigns.population(office, Criteria(kinds=("social_group",)))
    narrow = campaigns.population(
        office,
        Criteria(
            kinds=("social_group",),
            districts=("越秀区",),
            credit_statuses=("normal",),
            authorities=("广州市民政局",),
        ),
    )
    assert len(everyone) == 120
    assert len(groups) == 40
    assert narrow and all(m.kind == "social_group" and m.district == "越秀区" for m in narrow)
    assert len(narrow) < len(groups)
    assert [m.credit_code for m in everyone] == sorted(m.credit_code for m in everyone)


def test_recently_inspected_organizations_are_left_out(office: Store) -> None:
    inspections.start(
        office,
        NewInspection("org-00001", CHECKLIST_ID, 1, ["p-00", "p-01"], "2026-09-01T02:00:00+00:00"),
        actor="检查员00",
    )
    inspections.start(
        office,
        NewInspection("org-00002", CHECKLIST_ID, 1, ["p-00", "p-01"], "2025-01-01T02:00:00+00:00"),
        actor="检查员00",
    )
    ids = {
        m.id for m in campaigns.population(office, Criteria(not_inspected_months=12), as_of=AS_OF)
    }
    assert "org-00001" not in ids
    assert "org-00002" in ids
    assert len(ids) == 119


@pytest.mark.parametrize(
    ("population", "rule", "expected"),
    [
        (100, SampleRule(level="county"), 3),
        (100, SampleRule(level="city"), 4),
        (100, SampleRule(level="province"), 5),
        (101, SampleRule(level="county"), 4),  # 3.03 rounds up
        (10, SampleRule(ratio=0.05), 1),
        (120, SampleRule(size=7), 7),
    ],
)
def test_sample_size_rounds_up(population: int, rule: SampleRule, expected: int) -> None:
    assert campaigns.sample_size(population, rule) == expected


@pytest.mark.parametrize(
    ("population", "rule", "message"),
    [
        (0, SampleRule(size=1), "没有符合条件的检查对象"),
        (10, SampleRule(size=11), "抽查数量应在 1 到 10"),
        (10, SampleRule(size=0), "抽查数量应在 1 到 10"),
        (10, SampleRule(ratio=1.5), "抽查比例应大于 0"),
        (10, SampleRule(size=2, ratio=0.1), "只能指定一项"),
        (10, SampleRule(), "请指定抽查数量或抽查比例"),
    ],
)
def test_bad_sample_rules_are_refused(population: int, rule: SampleRule, message: str) -> None:
    with pytest.raises(UserError, match=message):
        campaigns.sample_size(population, rule)


def test_same_seed_same_population_same_draw(office: Store) -> None:
    first = _draw(office, size=10)
    again = _draw(office, size=10)
    other = _draw(office, seed="another seed", size=10)
    assert first == again
    assert [t.organization.id for t in first.targets] != [t.organization.id for t in other.targets]
    assert len({t.organization.id for t in first.targets}) == 10


def test_every_target_gets_two_different_inspectors(office: Store) -> None:
    result = _draw(office, size=30)
    for target in result.targets:
        ids = [p.id for p in target.inspectors]
        assert len(set(ids)) == 2
        assert all(p.role == "inspector" for p in target.inspectors)


def test_conflicted_inspectors_are_never_drawn(office: Store) -> None:
    for org in ("org-00003", "org-00004"):
        for person in ("p-00", "p-01", "p-02"):
            conflicts.add(office, person, org, reason="曾在该组织任职", actor=SUPERVISOR)
    for seed in range(200):
        result = campaigns.draw(
            office, Criteria(), SampleRule(size=40), seed=str(seed), as_of=AS_OF
        )
        for target in result.targets:
            if target.organization.id in ("org-00003", "org-00004"):
                assert {p.id for p in target.inspectors}.isdisjoint({"p-00", "p-01", "p-02"})


def test_too_few_unconflicted_inspectors_is_explained(office: Store) -> None:
    for n in range(5):
        conflicts.add(office, f"p-{n:02d}", "org-00005", reason="亲属关系", actor=SUPERVISOR)
    with pytest.raises(UserError, match=r"测试社会组织00005.*可派的执法人员只有1名"):
        _draw(office, size=120)


def test_conflicts_need_a_supervisor_and_a_reason(office: Store) -> None:
    with pytest.raises(UserError, match="必须填写理由"):
        conflicts.add(office, "p-00", "org-00001", reason=" ", actor=SUPERVISOR)
    with pytest.raises(UserError, match="仅限审核人员"):
        conflicts.add(office, "p-00", "org-00001", reason="亲属", actor="检查员01")
    with pytest.raises(UserError, match="找不到检查对象"):
        conflicts.add(office, "p-00", "org-missing", reason="亲属", actor=SUPERVISOR)


def test_create_records_the_campaign_tasks_and_audit(office: Store) -> None:
    result = _draw(office, size=5)
    campaign_id = campaigns.create(
        office,
        result,
        name="2026年第四季度双随机抽查",
        checklist_id=CHECKLIST_ID,
        due_date="2026-12-31",
        actor=SUPERVISOR,
    )
    tasks = office.db.execute(
        "SELECT organization_id, inspector_ids, due_date FROM tasks WHERE campaign_id = ?",
        (campaign_id,),
    ).fetchall()
    assert {t[0] for t in tasks} == {t.organization.id for t in result.targets}
    assert all(len(json.loads(t[1])) == 2 and t[2] == "2026-12-31" for t in tasks)
    listed = campaign_records.targets(office, campaign_id)
    assert [t.organization_id for t in listed] == [t.organization.id for t in result.targets]
    first_team = result.targets[0].inspectors
    assert listed[0].inspectors == "、".join(f"{p.name}（{p.certificate_no}）" for p in first_team)
    stored = campaign_records.get(office, campaign_id)
    assert stored.seed == "20261121"
    assert stored.population_size == 120
    entry = office.db.execute(
        "SELECT actor, action, new FROM audit_log WHERE entity = 'campaign'"
    ).fetchone()
    assert entry[:2] == (SUPERVISOR, "draw")
    assert json.loads(entry[2])["population_hash"] == result.population_hash
    assert audit.verify(office) is None


def test_inspectors_cannot_create_campaigns(office: Store) -> None:
    with pytest.raises(UserError, match="仅限审核人员"):
        campaigns.create(
            office,
            _draw(office, size=3),
            name="计划",
            checklist_id=CHECKLIST_ID,
            due_date="",
            actor="检查员00",
        )
    with pytest.raises(UserError, match="名录中没有“路人”"):
        campaigns.create(
            office,
            _draw(office, size=3),
            name="计划",
            checklist_id=CHECKLIST_ID,
            due_date="",
            actor="路人",
        )
    assert office.db["tasks"].count == 0


def test_a_recorded_draw_verifies_until_the_register_changes(office: Store) -> None:
    campaign_id = campaigns.create(
        office,
        _draw(office, ratio=0.05),
        name="计划",
        checklist_id=CHECKLIST_ID,
        due_date="",
        actor=SUPERVISOR,
    )
    assert campaign_records.verify(office, campaign_id).holds
    add_register(office, 121)  # one more organization joins the register
    verdict = campaign_records.verify(office, campaign_id)
    assert not verdict.holds
    assert "抽取时 120 个，现在 121 个" in verdict.differences[0]


def test_a_draw_needs_a_seed_and_a_known_checklist(office: Store) -> None:
    with pytest.raises(UserError, match="请指定随机种子"):
        _draw(office, seed=" ", size=3)
    with pytest.raises(UserError, match="找不到检查表：nope"):
        campaigns.create(
            office,
            _draw(office, size=3),
            name="计划",
            checklist_id="nope",
            due_date="",
            actor=SUPERVISOR,
        )


def test_a_shared_name_does_not_lend_a_role(office: Store) -> None:
    roster.add(office, Inspector(SUPERVISOR, "44018888", "市民政局", "inspector", "p-namesake"))
    assert roles.role_of(office, SUPERVISOR) is None
    assert roles.role_of(office, "44019999") == "supervisor"
    assert roles.role_of(office, "44018888") == "inspector"
    with pytest.raises(UserError, match="无法确认审核权限"):
        roles.require_supervisor(office, SUPERVISOR)
