import pytest

from inspector import credit_code
from inspector.errors import CreditCodeError
from inspector.model import OrgKind

VALID = [
    ("51100000500002862F", OrgKind.SOCIAL_GROUP),
    ("51100000500009247D", OrgKind.SOCIAL_GROUP),
    ("51100000500012681T", OrgKind.SOCIAL_GROUP),
    ("53100000500019795A", OrgKind.FOUNDATION),
    ("53100000500021676K", OrgKind.FOUNDATION),
    ("52610500MJU60350X1", OrgKind.SOCIAL_SERVICE),
]
# REGULATIONS.md §3.6 negative vectors: (code, expected check character)
WRONG_CHECK = [
    ("52110101MJ0018899X", "T"),
    ("51100000500000024G", "M"),
    ("531000005000074012", "D"),
]


@pytest.mark.parametrize(("code", "kind"), VALID)
def test_real_codes_validate_and_give_their_kind(code: str, kind: OrgKind) -> None:
    assert credit_code.validate(code) == code
    assert credit_code.org_kind(code) is kind


@pytest.mark.parametrize(("code", "expected"), WRONG_CHECK)
def test_wrong_check_character_names_the_expected_one(code: str, expected: str) -> None:
    with pytest.raises(CreditCodeError) as err:
        credit_code.validate(code)
    assert "校验位错误" in err.value.message
    assert f"应为“{expected}”" in err.value.message


def test_normalizes_full_width_lower_case_and_spaces() -> None:
    raw = " ５１１０００００５００００２８６２ｆ "
    assert credit_code.validate(raw) == "51100000500002862F"
    assert credit_code.validate("51100000500002862f") == "51100000500002862F"


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("", "为空"),
        ("5110000050000286", "应为18位，实际为16位"),
        ("5110000050000286IF", "第17位“I”不是合法字符"),
        ("51A0000050000286 2F", "第3–8位应为行政区划代码"),
    ],
)
def test_malformed_codes_say_what_is_wrong(raw: str, fragment: str) -> None:
    with pytest.raises(CreditCodeError, match=fragment):
        credit_code.validate(raw)


def test_code_not_from_civil_affairs_has_no_org_kind() -> None:
    code = "91" + "110108" + "MA01234567"
    code = code[:17] + credit_code.check_character(code[:17])
    assert credit_code.validate(code) == code
    with pytest.raises(CreditCodeError, match="不是民政部门登记的社会组织"):
        credit_code.org_kind(code)


def test_weights_are_powers_of_three_mod_31() -> None:
    assert tuple(pow(3, i, 31) for i in range(17)) == credit_code.WEIGHTS
