"""The core refuses an answer that does not fit its item, whoever sends it."""

import pytest

from inspector import answer_values, completion, inspections, onsite_record
from inspector.errors import UserError
from inspector.store import Store
from tests.onsite import NOBODY_ON_SITE

FEES = {
    "id": "fees",
    "question": "收费项目明细",
    "answer_type": "table",
    "columns": [
        {"id": "name", "label": "收费项目", "answer_type": "text"},
        {"id": "collected", "label": "本期收取金额（元）", "answer_type": "money"},
        {
            "id": "verdict",
            "label": "认定结论",
            "answer_type": "single_choice",
            "choices": [{"value": "compliant", "label": "合规"}],
        },
    ],
}


@pytest.mark.parametrize(
    ("item", "value", "problem"),
    [
        ({"answer_type": "compliance"}, [{"name": "fee"}], "应为符合、不符合或不适用"),
        ({"answer_type": "money"}, "12.345", "最多保留两位小数（到分）"),
        ({"answer_type": "money"}, "-1.00", "金额不能为负数"),
        ({"answer_type": "number"}, -3, "数量不能为负数"),
        ({"answer_type": "number"}, True, "应为数字"),
        ({"answer_type": "date"}, "2026-13-01", "不是有效的日期"),
        ({"answer_type": "text"}, "字" * 2001, "最多2000个字"),
        (FEES, [{"verdict": "free text"}], '第1行“认定结论”："free text"不是本项的选项'),
        (FEES, [{"refund": "1"}], "第1行有本表没有的列refund"),
    ],
)
def test_values_that_do_not_fit_are_named(item: dict, value: object, problem: str) -> None:
    assert problem in answer_values.problem_of(item, value)


@pytest.mark.parametrize(
    ("item", "value"),
    [
        ({"answer_type": "compliance"}, "not_applicable"),
        ({"answer_type": "money"}, "12800.50"),
        ({"answer_type": "number"}, 0),
        ({"answer_type": "date"}, "2026-11-21"),
        (FEES, [{"name": "会费", "collected": "1.00", "verdict": "compliant"}, {"name": None}]),
        ({"answer_type": "yes_no"}, None),
    ],
)
def test_values_that_fit_pass(item: dict, value: object) -> None:
    assert answer_values.problem_of(item, value) == ""


def test_an_empty_table_row_is_not_an_answer() -> None:
    assert not completion.is_answered([{"name": None, "collected": None}])
    assert completion.is_answered([{"name": None}, {"name": "会费"}])
    assert completion.is_answered(["a"])  # a multiple choice


def test_set_answer_refuses_rows_for_a_compliance_item(world: Store, inspection_id: str) -> None:
    with pytest.raises(UserError, match="检查项「是否按时报送年度工作报告」的答案不能保存"):
        inspections.set_answer(world, inspection_id, "ar-01", [{"name": "fee"}], actor="t")
    with pytest.raises(UserError, match="检查表中没有检查项nope"):
        inspections.set_answer(world, inspection_id, "nope", "compliant", actor="t")
    with pytest.raises(UserError, match="备注有2001个字，最多2000个字"):
        inspections.set_answer(world, inspection_id, "ar-01", None, note="字" * 2001, actor="t")
    assert world.db.execute("SELECT COUNT(*) FROM answers").fetchone() == (0,)


def test_only_a_draft_is_discarded_and_with_a_reason(world: Store, inspection_id: str) -> None:
    with pytest.raises(UserError, match="放弃草稿必须填写理由"):
        inspections.discard_draft(world, inspection_id, reason=" ", actor="t")
    onsite_record.complete_on_site(world, inspection_id, NOBODY_ON_SITE, actor="京民执11000")
    with pytest.raises(UserError, match="只有未完成的草稿可以放弃"):
        inspections.discard_draft(world, inspection_id, reason="重复", actor="t")
