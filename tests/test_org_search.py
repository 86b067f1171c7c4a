"""Searching the register: what matches, in which order, and the paged table queries."""

import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import cli
from inspector import org_search, registry
from inspector.migrations import M_NAME_PINYIN, M_ORG_SEARCH, MIGRATIONS
from inspector.model import CreditStatus, Organization, OrgKind
from inspector.store import Store, open_store
from tests.org_files import (
    AUTOMATION,
    BAD_CHECK,
    BIT_FUND,
    COMPOSITES,
    HEALTHCARE,
    WEINAN_SERVICE,
    WELFARE_FUND,
    make_code,
)

REAL = [
    Organization(*AUTOMATION, OrgKind.SOCIAL_GROUP, legal_rep="张三", district="海淀区"),
    Organization(*COMPOSITES, OrgKind.SOCIAL_GROUP, credit_status=CreditStatus.GOOD),
    Organization(*HEALTHCARE, OrgKind.SOCIAL_GROUP),
    Organization(*WELFARE_FUND, OrgKind.FOUNDATION, credit_status=CreditStatus.ABNORMAL),
    Organization(*BIT_FUND, OrgKind.FOUNDATION, district="海淀区"),
    Organization(*WEINAN_SERVICE, OrgKind.SOCIAL_SERVICE, district="临渭区"),
]
SIMILAR = [
    Organization(make_code(1), "自动化学会", OrgKind.SOCIAL_GROUP),
    Organization(make_code(2), "自动化学会联合会", OrgKind.SOCIAL_GROUP),
    Organization(make_code(3), "广东省自动化学会", OrgKind.SOCIAL_GROUP),
]


@pytest.fixture
def register(store: Store) -> Store:
    registry.upsert_many(store, [*REAL, *SIMILAR])
    return store


def names(hits: list[org_search.OrgHit]) -> list[str]:
    return [hit.name for hit in hits]


def test_exact_name_then_prefix_then_substring_shorter_first(register: Store) -> None:
    assert names(org_search.search(register, "自动化学会")) == [
        "自动化学会",
        "自动化学会联合会",
        "中国自动化学会",
        "广东省自动化学会",
    ]


def test_pinyin_initials_find_the_organization(register: Store) -> None:
    assert names(org_search.search(register, "zgzdhxh")) == ["中国自动化学会"]
    assert names(org_search.search(register, "ZGZDH")) == ["中国自动化学会"]
    assert names(org_search.search(register, "zg")) == [
        "中国自动化学会",
        "中国社会福利基金会",
        "中国复合材料工业协会",
        "中国医疗保健国际交流促进会",
    ]


def test_credit_code_exact_and_prefix(register: Store) -> None:
    exact = org_search.search(register, AUTOMATION[0])
    assert names(exact) == ["中国自动化学会"]
    assert names(org_search.search(register, "531000005000")) == [
        "中国社会福利基金会",
        "北京理工大学教育基金会",
    ]
    assert names(org_search.search(register, " 5310000050001 ")) == ["中国社会福利基金会"]
    assert names(org_search.search(register, "52610500mju")) == ["渭南市阳光养老服务中心"]


def test_short_fragments_of_one_or_two_characters(register: Store) -> None:
    assert names(org_search.search(register, "渭")) == ["渭南市阳光养老服务中心"]
    assert names(org_search.search(register, "基金")) == [
        "中国社会福利基金会",
        "北京理工大学教育基金会",
    ]
    assert names(org_search.search(register, "学会", limit=2)) == ["自动化学会", "中国自动化学会"]


def test_exact_code_outranks_name_matches(register: Store) -> None:
    code_named = Organization(make_code(4), AUTOMATION[0] + "研究会", OrgKind.SOCIAL_GROUP)
    registry.upsert_many(register, [code_named])
    assert names(org_search.search(register, AUTOMATION[0]))[0] == "中国自动化学会"


def test_odd_input_finds_nothing_without_error(register: Store) -> None:
    assert org_search.search(register, "   ") == []
    assert org_search.search(register, '自动"化 OR *') == []
    assert org_search.search(register, "不存在的组织") == []
    assert org_search.search(register, "自动化", limit=0) == []


def test_index_follows_renames_and_deletes(register: Store) -> None:
    registry.upsert(register, Organization(AUTOMATION[0], "中国人工智能学会", OrgKind.SOCIAL_GROUP))

    assert "中国自动化学会" not in names(org_search.search(register, "自动化学会"))
    assert names(org_search.search(register, "人工智能")) == ["中国人工智能学会"]
    assert names(org_search.search(register, "zgrgzn")) == ["中国人工智能学会"]
    with register.transaction() as conn:
        conn.execute("DELETE FROM organizations WHERE credit_code = ?", (AUTOMATION[0],))
    assert org_search.search(register, "人工智能") == []


def test_search_index_is_built_for_organizations_stored_before_the_migration(
    store_path: Path,
) -> None:
    before = MIGRATIONS.index(M_ORG_SEARCH)
    with sqlite3.connect(store_path) as conn:
        conn.executescript("".join(MIGRATIONS[:before]) + f"PRAGMA user_version = {before};")
        conn.execute(
            "INSERT INTO organizations (id, credit_code, name, kind, updated_at) "
            "VALUES ('old-id', ?, ?, 'foundation', '2026-01-01T00:00:00+00:00')",
            BIT_FUND,
        )
    conn.close()
    reopened = open_store(store_path)
    try:
        check = reopened.db.execute(
            "INSERT INTO organizations_fts(organizations_fts, rank) VALUES ('integrity-check', 1)"
        )
        assert check.fetchall() == []
        assert names(org_search.search(reopened, "理工大学")) == ["北京理工大学教育基金会"]
    finally:
        reopened.close()


def test_query_page_filters_sorts_and_pages_in_sql(register: Store) -> None:
    everyone = org_search.query_page(register, order_by="credit_code")
    assert [hit.credit_code for hit in everyone] == sorted(o.credit_code for o in [*REAL, *SIMILAR])
    pages = [
        org_search.query_page(register, order_by="name", offset=start, limit=4)
        for start in range(0, 9, 4)
    ]
    paged = [hit.credit_code for page in pages for hit in page]
    assert paged == [hit.credit_code for hit in org_search.query_page(register, limit=100)]
    assert len(set(paged)) == 9

    foundations = org_search.query_page(register, kind=OrgKind.FOUNDATION, order_by="credit_code")
    assert names(foundations) == ["中国社会福利基金会", "北京理工大学教育基金会"]
    assert org_search.count(register, kind=OrgKind.FOUNDATION) == 2
    assert org_search.count(register, district="海淀区") == 2
    assert org_search.count(register, credit_status=CreditStatus.ABNORMAL) == 1
    assert org_search.count(register, text="自动化") == 4
    assert org_search.count(register, text="zg", kind=OrgKind.FOUNDATION) == 1
    assert org_search.count(register) == 9
    descending = org_search.query_page(register, order_by="credit_code", descending=True)
    assert [h.credit_code for h in descending] == [h.credit_code for h in everyone][::-1]
    by_district = org_search.query_page(register, text="海淀", order_by="district")
    assert by_district == []  # text matches names and codes, not districts
    assert org_search.districts(register) == ["临渭区", "海淀区"]


def test_query_page_sorts_names_by_pinyin(register: Store) -> None:
    hits = org_search.query_page(register, text="会", kind=OrgKind.FOUNDATION)
    assert names(hits) == ["北京理工大学教育基金会", "中国社会福利基金会"]  # b before z


def test_query_page_refuses_unknown_sort_key(register: Store) -> None:
    with pytest.raises(ValueError, match="cannot sort"):
        org_search.query_page(register, order_by="name; DROP TABLE organizations")


def test_get_returns_the_full_record(register: Store) -> None:
    (hit,) = org_search.search(register, "zgzdhxh")
    org = org_search.get(register, hit.id)
    assert org is not None
    assert (org.credit_code, org.legal_rep, org.kind) == (
        AUTOMATION[0],
        "张三",
        OrgKind.SOCIAL_GROUP,
    )
    assert org.credit_status is CreditStatus.NORMAL
    assert org_search.get(register, "no-such-id") is None


def test_cli_search_json_is_a_stable_list_of_objects(store_path: Path, register: Store) -> None:
    result = CliRunner().invoke(cli, ["--db", str(store_path), "orgs", "search", "zgzdh", "--json"])

    assert result.exit_code == 0
    (row,) = json.loads(result.output)
    assert row == {
        "id": row["id"],
        "credit_code": AUTOMATION[0],
        "name": "中国自动化学会",
        "kind": "social_group",
        "kind_label": "社会团体",
        "district": "海淀区",
        "credit_status": "normal",
        "legal_rep": "张三",
        "registration_status": "active",
        "registration_status_label": "正常",
    }


def test_cli_search_text_output(store_path: Path, register: Store) -> None:
    runner = CliRunner()
    found = runner.invoke(cli, ["--db", str(store_path), "orgs", "search", "福利", "--limit", "1"])
    missing = runner.invoke(cli, ["--db", str(store_path), "orgs", "search", "没有这个"])

    assert found.output == f"{WELFARE_FUND[0]}  中国社会福利基金会  基金会  —  活动异常名录\n"
    assert missing.output == "未找到与“没有这个”匹配的社会组织\n"


def test_shortest_names_first_when_tens_of_thousands_match(store: Store) -> None:
    many = [
        Organization(make_code(n), f"广州市{n}号协会", OrgKind.SOCIAL_GROUP) for n in range(10_050)
    ]
    registry.upsert_many(store, [*many, Organization(make_code(20_000), "广州市会", OrgKind.OTHER)])
    shortest = sorted((o.name for o in many), key=lambda name: (len(name), name))

    assert names(org_search.search(store, "广州市", limit=4)) == ["广州市会", *shortest[:3]]
    assert names(org_search.search(store, "51440100MJ", limit=3)) == ["广州市会", *shortest[:2]]
    assert names(org_search.search(store, "gzs", limit=3)) == ["广州市会", *shortest[:2]]
    assert names(org_search.search(store, "号协", limit=2)) == shortest[:2]


def test_any_part_of_a_code_finds_it(register: Store) -> None:
    assert names(org_search.search(register, "5000028")) == ["中国自动化学会"]
    assert names(org_search.search(register, "mju6035")) == ["渭南市阳光养老服务中心"]
    assert org_search.count(register, "0500MJ") == 1


def test_pinyin_initials_and_full_pinyin_anywhere_in_the_name(register: Store) -> None:
    assert "中国自动化学会" in names(org_search.search(register, "zdhxh"))
    assert names(org_search.search(register, "yanglao")) == ["渭南市阳光养老服务中心"]
    assert names(org_search.search(register, "fulijijin")) == ["中国社会福利基金会"]
    assert names(org_search.query_page(register, "zidonghua")) == [
        "广东省自动化学会",  # the table sorts by pinyin initials: gds…, zdh…, zg…
        "自动化学会",
        "自动化学会联合会",
        "中国自动化学会",
    ]


def test_several_words_must_all_match(register: Store) -> None:
    assert names(org_search.search(register, "中国 学会")) == ["中国自动化学会"]
    assert names(org_search.search(register, "自动化 联合")) == ["自动化学会联合会"]
    assert names(org_search.search(register, "jijin 北京")) == ["北京理工大学教育基金会"]
    assert org_search.count(register, "基金会 渭南") == 0


def test_a_typed_code_with_a_bad_check_character_is_flagged(
    store_path: Path, register: Store
) -> None:
    warning = org_search.code_warning(BAD_CHECK.lower())
    assert warning is not None and "校验位错误" in warning and "应为“T”" in warning
    assert org_search.code_warning(AUTOMATION[0]) is None
    assert org_search.code_warning("中国自动化学会") is None
    result = CliRunner().invoke(cli, ["--db", str(store_path), "orgs", "search", BAD_CHECK])
    assert "统一社会信用代码校验位错误" in result.output


def test_a_store_from_before_full_pinyin_is_migrated_and_searchable(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    before = MIGRATIONS.index(M_NAME_PINYIN)
    with sqlite3.connect(path) as conn:
        for number, script in enumerate(MIGRATIONS[:before], start=1):
            conn.executescript(script + f"\nPRAGMA user_version = {number};")
        conn.execute(
            "INSERT INTO organizations (id, credit_code, name, kind, name_initials, updated_at)"
            " VALUES ('o1', ?, ?, 'social_group', 'zgzdhxh', '2026-01-01T00:00:00+00:00')",
            AUTOMATION,
        )
    conn.close()
    store = open_store(path)
    assert names(org_search.search(store, "zidonghua")) == ["中国自动化学会"]
    assert names(org_search.search(store, "自动化")) == ["中国自动化学会"]
    store.close()
