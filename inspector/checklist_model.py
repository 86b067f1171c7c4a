"""The typed checklist model: the one machine definition of a valid checklist (pydantic v2).

It lives in the core so that every layer reads checklist items, choices and columns as typed
objects; it holds no I/O. ``checklists/`` keeps the format tooling built on it: the YAML loader
with line numbers, the cross-item rules (unique ids, ``show_if`` references, computed
expressions) in ``checklists.validate``, the XLSForm import and export, the library storage and
the generated format documentation. The models check each record on its own.

A stored checklist is ``Checklist.model_dump(mode="json")``; whoever reads one from the store
parses it back with ``Checklist.model_validate_json`` once, where it is loaded.
"""

from datetime import date
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

from inspector.model import OrgKind, Severity

Identifier = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Za-z_][A-Za-z0-9_.\-]*$", min_length=1, max_length=64),
]
ChoiceValue = Annotated[
    str, StringConstraints(pattern=r"^[A-Za-z0-9_.\-]+$", min_length=1, max_length=64)
]
NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class ChecklistKind(StrEnum):
    SPOT_CHECK = "spot_check"
    FEE_AUDIT = "fee_audit"
    NONPROFIT_REVIEW = "nonprofit_review"
    OTHER = "other"

    @property
    def label(self) -> str:
        return _KIND_LABELS[self]


_KIND_LABELS = {
    ChecklistKind.SPOT_CHECK: "双随机抽查",
    ChecklistKind.FEE_AUDIT: "涉企收费检查",
    ChecklistKind.NONPROFIT_REVIEW: "非营利性审查",
    ChecklistKind.OTHER: "其他",
}


class AnswerType(StrEnum):
    COMPLIANCE = "compliance"  # 符合 / 不符合 / 不适用
    YES_NO = "yes_no"
    NUMBER = "number"
    MONEY = "money"  # yuan, exact decimal string
    TEXT = "text"
    DATE = "date"
    SINGLE_CHOICE = "single_choice"
    MULTI_CHOICE = "multi_choice"
    TABLE = "table"  # repeatable rows of typed columns


CHOICE_TYPES = frozenset({AnswerType.SINGLE_CHOICE, AnswerType.MULTI_CHOICE})
COLUMN_TYPES = frozenset(AnswerType) - {AnswerType.TABLE, AnswerType.COMPLIANCE}
NUMERIC_TYPES = frozenset({AnswerType.NUMBER, AnswerType.MONEY})

COMPLIANCE_VALUES = ("compliant", "not_compliant", "not_applicable")
"""Stored values of a ``compliance`` answer: 符合 / 不符合 / 不适用."""

COMPLIANCE_LABELS = {"compliant": "符合", "not_compliant": "不符合", "not_applicable": "不适用"}

YES_NO_VALUES = ("yes", "no")
"""How a ``yes_no`` answer (stored as true/false) reads in a ``show_if`` condition."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, coerce_numbers_to_str=True)


class Choice(_Strict):
    value: ChoiceValue = Field(
        description="Stored value, also used in `show_if` (letters, digits, `_`, `-`, `.`)."
    )
    label: NonEmpty = Field(description="What the inspector reads (Chinese).")


class Column(_Strict):
    id: Identifier = Field(description="Key of the column in each stored row.")
    label: NonEmpty = Field(description="Column heading (Chinese).")
    answer_type: AnswerType = Field(description="Any answer type except `table` and `compliance`.")
    choices: list[Choice] = Field(
        default_factory=list, description="Options, for a `single_choice` or `multi_choice` column."
    )


class AnswerLabels(_Strict):
    """What 符合 / 不符合 / 不适用 read as on one compliance item, e.g. a question 「是否存在强制
    入会？」 answered 不存在 / 存在: the stored values stay ``compliant`` / ``not_compliant``."""

    compliant: NonEmpty = Field(description="The words for 符合 (the organization complies).")
    not_compliant: NonEmpty = Field(description="The words for 不符合 (a finding follows).")
    not_applicable: NonEmpty = Field(default="不适用", description="The words for 不适用.")

    def label(self, value: str) -> str:
        return {
            "compliant": self.compliant,
            "not_compliant": self.not_compliant,
            "not_applicable": self.not_applicable,
        }.get(value, value)


def _legacy_basis(value: Any) -> Any:
    """Checklists stored before the register of legal bases held ``{instrument, article,
    note}`` objects; they still open, read as their citation text (the note, a research
    remark, is dropped: it must never reach a screen or a document)."""
    if isinstance(value, list):
        return [
            f"{entry.get('instrument', '')}{entry.get('article', '')}"
            if isinstance(entry, dict)
            else entry
            for entry in value
        ]
    return value


BasisKey = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class FindingTemplate(_Strict):
    text: NonEmpty = Field(description="Default description of the problem (问题描述).")
    severity: Severity = Field(description="`一般`, `较重` or `严重`.")
    requirement: NonEmpty = Field(description="What the organization must do (整改要求).")
    rectification_days: int = Field(
        ge=1, le=365, description="Default rectification period in days."
    )
    follow_up: str = Field(default="", description="Suggested follow-up measure (后续处置措施).")


class Item(_Strict):
    id: Identifier = Field(
        description="Stable id, unique in the checklist; answers are keyed by it."
    )
    question: NonEmpty = Field(description="The question the inspector answers.")
    guidance: str = Field(default="", description="How to check: documents to read, methods.")
    answer_type: AnswerType = Field(
        description="How the inspector answers; see the answer types table."
    )
    required: bool = Field(default=True, description="Must be answered when visible.")
    show_if: str | None = Field(
        default=None,
        description="Condition on earlier answers and `${org_kind}` (XLSForm `relevant` subset).",
    )
    constraint: str | None = Field(
        default=None,
        description=(
            "Condition a given answer must meet before the inspection is completed (XLSForm"
            " `constraint` subset: `.` compared with numbers or text, `string-length(.)`,"
            " `regex(., '…')`, joined with `and` / `or` / `not()`)."
        ),
    )
    constraint_message: str = Field(
        default="", description="What to tell the inspector when the constraint is not met."
    )
    choices: list[Choice] = Field(
        default_factory=list, description="Options of a `single_choice` or `multi_choice` item."
    )
    columns: list[Column] = Field(default_factory=list, description="Columns of a `table` item.")
    legal_basis: Annotated[list[BasisKey], BeforeValidator(_legacy_basis)] = Field(
        default_factory=list,
        description="Keys of the register of legal bases (`inspector/legal_bases.yaml`), "
        "e.g. `st-26-3`; a finding cites those that govern the organization's kind.",
    )
    evidence: list[NonEmpty] = Field(default_factory=list, description="Evidence to collect.")
    finding: FindingTemplate | None = Field(
        default=None, description="Finding template; needs at least one legal basis."
    )
    answer_labels: AnswerLabels | None = Field(
        default=None,
        description="Own words for the three answers of a `compliance` item (e.g. 不存在 / 存在).",
    )

    def compliance_text(self, value: str) -> str:
        """A compliance answer as documents print it: its own words and what they mean."""
        plain = COMPLIANCE_LABELS.get(value, value)
        if self.answer_labels is None:
            return plain
        own = self.answer_labels.label(value)
        return own if own == plain else f"{own}（{plain}）"


class Section(_Strict):
    id: Identifier = Field(description="Section id, unique in the checklist.")
    title: NonEmpty = Field(description="Section heading, e.g. `年度报告`.")
    guidance: str = Field(default="", description="Notes for the whole section.")
    items: list[Item] = Field(min_length=1, description="The items, in the order they are asked.")


class Computed(_Strict):
    id: Identifier = Field(description="Key of the value returned by `compute()`.")
    label: NonEmpty = Field(description="What the value is called, e.g. `收费合计`.")
    expression: NonEmpty = Field(
        description="`sum(TABLE.COLUMN)` or a money/number item id, joined with `+` / `-`."
    )


class Checklist(_Strict):
    id: Identifier = Field(description="Checklist id, e.g. `spot-check-general`.")
    version: int = Field(ge=1, description="Integer version; a new version must be higher.")
    title: NonEmpty = Field(description="Title shown to inspectors.")
    kind: ChecklistKind = Field(
        description="`spot_check`, `fee_audit`, `nonprofit_review` or `other`."
    )
    applies_to: list[OrgKind] = Field(min_length=1, description="Organization kinds it applies to.")
    effective_date: date = Field(description="ISO date from which new inspections use it.")
    sections: list[Section] = Field(min_length=1, description="Sections of items.")
    computed: list[Computed] = Field(default_factory=list, description="Computed values.")

    def items(self) -> list[Item]:
        """All items in the order they are asked."""
        return [item for section in self.sections for item in section.items]

    def item(self, item_id: str) -> Item:
        for candidate in self.items():
            if candidate.id == item_id:
                return candidate
        raise KeyError(item_id)
