"""The show_if language: parsing, XLSForm semantics, and properties on random answers."""

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from checklists.library import builtin_paths
from checklists.loader import load_file
from checklists.show_if import ShowIfError, evaluate, parse
from checklists.visibility import visible_items

NAMES = ["a", "b", "c-1"]
VALUES = ["x", "y", "z"]
KINDS = ["social_group", "social_service", "foundation", "other"]

answer_value = st.one_of(
    st.none(),
    st.sampled_from(VALUES),
    st.booleans(),
    st.lists(st.sampled_from(VALUES), unique=True, max_size=3),
)
answer_sets = st.dictionaries(st.sampled_from(NAMES), answer_value)


def _atom() -> st.SearchStrategy[str]:
    ref = st.sampled_from(NAMES).map(lambda n: "${" + n + "}")
    value = st.sampled_from([*VALUES, "yes", "no"]).map(lambda v: f"'{v}'")
    compare = st.tuples(ref, st.sampled_from(["=", "!="]), value).map(" ".join)
    selected = st.tuples(ref, value).map(lambda p: f"selected({p[0]}, {p[1]})")
    kind = st.sampled_from(KINDS).map(lambda k: "${org_kind} = '" + k + "'")
    return st.one_of(compare, selected, kind)


expressions = st.recursive(
    _atom(),
    lambda inner: st.one_of(
        st.tuples(inner, st.sampled_from(["and", "or"]), inner).map(
            lambda t: f"({t[0]} {t[1]} {t[2]})"
        ),
        inner.map(lambda e: f"not({e})"),
    ),
    max_leaves=8,
)


@given(expressions, answer_sets, st.sampled_from(KINDS))
def test_not_negates(expr: str, answers: dict[str, Any], kind: str) -> None:
    assert evaluate(f"not({expr})", answers, kind) is not evaluate(expr, answers, kind)


@given(expressions, expressions, answer_sets, st.sampled_from(KINDS))
def test_and_or_follow_boolean_logic(
    left: str, right: str, answers: dict[str, Any], kind: str
) -> None:
    a, b = evaluate(left, answers, kind), evaluate(right, answers, kind)
    assert evaluate(f"{left} and {right}", answers, kind) is (a and b)
    assert evaluate(f"{left} or {right}", answers, kind) is (a or b)
    # De Morgan, through the parser
    assert evaluate(f"not({left} and {right})", answers, kind) is evaluate(
        f"not({left}) or not({right})", answers, kind
    )


@given(st.sampled_from(NAMES), st.sampled_from(VALUES), answer_sets, st.sampled_from(KINDS))
def test_equal_and_not_equal_are_opposites(
    name: str, value: str, answers: dict[str, Any], kind: str
) -> None:
    ref = "${" + name + "}"
    assert evaluate(f"{ref} = '{value}'", answers, kind) is not evaluate(
        f"{ref} != '{value}'", answers, kind
    )


@given(st.sampled_from(NAMES), st.sampled_from(VALUES), answer_sets)
def test_selected_matches_membership(name: str, value: str, answers: dict[str, Any]) -> None:
    answer = answers.get(name)
    expected = value in answer if isinstance(answer, list) else answer == value
    assert evaluate("selected(${" + name + "}, '" + value + "')", answers, "other") is expected


@given(answer_sets)
def test_and_binds_tighter_than_or(answers: dict[str, Any]) -> None:
    expr = "${a} = 'x' or ${b} = 'x' and ${c-1} = 'x'"
    explicit = "${a} = 'x' or (${b} = 'x' and ${c-1} = 'x')"
    assert evaluate(expr, answers, "other") is evaluate(explicit, answers, "other")


def test_xlsform_semantics_of_missing_and_yes_no() -> None:
    assert evaluate("${a} = ''", {}, "other")
    assert evaluate("${a} != 'x'", {}, "other")
    assert evaluate("${a} = 'yes'", {"a": True}, "other")
    assert evaluate("${a} = 'no'", {"a": False}, "other")
    assert evaluate('${org_kind} = "foundation"', {}, "foundation")
    assert not evaluate("selected(${a}, 'x')", {}, "other")


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("", "条件为空"),
        ("${a} = ", "条件末尾处应为带引号的取值"),
        ("${a} > 'x'", "无法识别的内容“> 'x'”"),
        ("${a} = 'x' and", "条件末尾处应为条目引用"),
        ("not ${a} = 'x'", "应为“(”"),
        ("selected(${a} 'x')", "应为“,”"),
        ("${a} = 'x' ${b}", "应为条件结束"),
    ],
)
def test_parse_errors_in_chinese(source: str, message: str) -> None:
    with pytest.raises(ShowIfError) as caught:
        parse(source)
    assert message in str(caught.value)


def test_visible_items_by_org_kind_and_answers() -> None:
    spot = load_file(builtin_paths()[0]).checklist
    group_ids = {item.id for item in visible_items(spot, {}, "social_group")}
    service_ids = {item.id for item in visible_items(spot, {}, "social_service")}
    foundation_ids = {item.id for item in visible_items(spot, {}, "foundation")}
    assert "gv-08" in group_ids and "gv-08" not in service_ids
    assert "gv-09" in service_ids and "gv-09" not in group_ids
    assert {"ar-03", "fi-10"} <= foundation_ids and "fi-10" not in group_ids
    assert "di-04" not in group_ids
    with_charity = visible_items(spot, {"di-03": True}, "social_group")
    assert "di-04" in {item.id for item in with_charity}


def test_hidden_item_answer_counts_as_empty() -> None:
    review = load_file(builtin_paths()[2]).checklist
    shown = {
        item.id
        for item in visible_items(review, {"np-06": False, "np-07": "10.00"}, "social_service")
    }
    assert "np-07" not in shown and "np-08" not in shown
