"""The unified social credit code 统一社会信用代码 (GB 32100-2015).

18 characters from a 31-character alphabet; character 18 is a check character computed from
the first 17. See DOMAIN.md and REGULATIONS.md §3.6.
"""

import unicodedata

from inspector.errors import CreditCodeError
from inspector.model import OrgKind

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
LENGTH = 18

# Character 2 of a code registered by civil affairs (character 1 = '5').
_CIVIL_AFFAIRS_KINDS = {
    "1": OrgKind.SOCIAL_GROUP,
    "2": OrgKind.SOCIAL_SERVICE,
    "3": OrgKind.FOUNDATION,
    "9": OrgKind.OTHER,
}


def normalize(raw: str) -> str:
    """Trim, fold full-width characters to half-width (NFKC) and upper-case."""
    return unicodedata.normalize("NFKC", raw).strip().replace(" ", "").upper()


def check_character(first17: str) -> str:
    """The check character for the first 17 characters of a code."""
    total = sum(ALPHABET.index(ch) * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def validate(raw: str) -> str:
    """Return the normalized code, or raise ``CreditCodeError`` saying what is wrong."""
    code = normalize(raw)
    if not code:
        raise CreditCodeError("统一社会信用代码为空")
    if len(code) != LENGTH:
        raise CreditCodeError(f"统一社会信用代码应为18位，实际为{len(code)}位：{code}")
    for position, ch in enumerate(code, start=1):
        if ch not in ALPHABET:
            raise CreditCodeError(
                f"统一社会信用代码第{position}位“{ch}”不是合法字符"
                "（只能是数字和除 I、O、S、V、Z 以外的大写字母）"
            )
    if not code[2:8].isdigit():
        raise CreditCodeError(f"统一社会信用代码第3–8位应为行政区划代码（数字）：{code[2:8]}")
    expected = check_character(code[:17])
    if code[17] != expected:
        raise CreditCodeError(
            f"统一社会信用代码校验位错误：第18位是“{code[17]}”，按前17位计算应为“{expected}”，"
            "请核对是否录入有误"
        )
    return code


def org_kind(code: str) -> OrgKind:
    """The organization kind from characters 1–2 of a valid code.

    Raises ``CreditCodeError`` for a code not issued by civil affairs (character 1 ≠ '5').
    """
    if code[0] != "5" or code[1] not in _CIVIL_AFFAIRS_KINDS:
        raise CreditCodeError(
            f"统一社会信用代码前两位“{code[:2]}”不是民政部门登记的社会组织"
            "（应为51 社会团体、52 社会服务机构、53 基金会或59 其他）"
        )
    return _CIVIL_AFFAIRS_KINDS[code[1]]
