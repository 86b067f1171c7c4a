"""The domain vocabulary: kinds, statuses and the records the core passes around.

Enum values are what the database stores; ``label`` is what a person reads.
"""

from dataclasses import dataclass, field
from enum import StrEnum


class OrgKind(StrEnum):
    SOCIAL_GROUP = "social_group"
    SOCIAL_SERVICE = "social_service"
    FOUNDATION = "foundation"
    OTHER = "other"

    @property
    def label(self) -> str:
        return _ORG_KIND_LABELS[self]


_ORG_KIND_LABELS = {
    OrgKind.SOCIAL_GROUP: "社会团体",
    OrgKind.SOCIAL_SERVICE: "社会服务机构",
    OrgKind.FOUNDATION: "基金会",
    OrgKind.OTHER: "其他",
}


class CreditStatus(StrEnum):
    NORMAL = "normal"
    GOOD = "good"  # red list: commended
    ABNORMAL = "abnormal"  # grey: 活动异常名录
    SERIOUS = "serious"  # black: 严重违法失信名单

    @property
    def label(self) -> str:
        return _CREDIT_LABELS[self]


_CREDIT_LABELS = {
    CreditStatus.NORMAL: "正常",
    CreditStatus.GOOD: "守信激励（红名单）",
    CreditStatus.ABNORMAL: "活动异常名录",
    CreditStatus.SERIOUS: "严重违法失信名单",
}


class RegistrationStatus(StrEnum):
    """登记状态 in the register: whether the organization still exists as registered."""

    ACTIVE = "active"
    ABNORMAL = "abnormal"  # 活动异常: registered, listed for irregular activity
    SUSPENDED = "suspended"  # 停止活动: ordered to stop activities, still registered
    DEREGISTERED = "deregistered"  # 已注销
    REVOKED = "revoked"  # 已撤销 (registration revoked)

    @property
    def label(self) -> str:
        return _REGISTRATION_LABELS[self]

    @property
    def is_gone(self) -> bool:
        """Deregistered or revoked: never drawn, inspected only with a stated reason."""
        return self in (RegistrationStatus.DEREGISTERED, RegistrationStatus.REVOKED)


_REGISTRATION_LABELS = {
    RegistrationStatus.ACTIVE: "正常",
    RegistrationStatus.ABNORMAL: "活动异常",
    RegistrationStatus.SUSPENDED: "停止活动",
    RegistrationStatus.DEREGISTERED: "已注销",
    RegistrationStatus.REVOKED: "已撤销",
}
GONE_STATUSES = tuple(status.value for status in RegistrationStatus if status.is_gone)


class InspectionStatus(StrEnum):
    DRAFT = "draft"
    COMPLETED = "completed"
    APPROVED = "approved"
    RETURNED = "returned"  # back with the inspector, editable like a draft

    @property
    def label(self) -> str:
        return _INSPECTION_LABELS[self]


_INSPECTION_LABELS = {
    InspectionStatus.DRAFT: "草稿",
    InspectionStatus.COMPLETED: "已完成",
    InspectionStatus.APPROVED: "已审核",
    InspectionStatus.RETURNED: "已退回",
}


class FindingStatus(StrEnum):
    OPEN = "open"
    REPORTED = "reported"  # the organization reported back
    CLOSED = "closed"  # re-check passed
    NOT_RECTIFIED = "not_rectified"
    ESCALATED = "escalated"

    @property
    def label(self) -> str:
        return _FINDING_LABELS[self]


_FINDING_LABELS = {
    FindingStatus.OPEN: "待整改",
    FindingStatus.REPORTED: "已报告整改",
    FindingStatus.CLOSED: "已整改",
    FindingStatus.NOT_RECTIFIED: "复查未通过",  # a status; 逾期 is only a passed deadline
    FindingStatus.ESCALATED: "已升级处理",
}


class Escalation(StrEnum):
    INTERVIEW = "interview"
    ABNORMAL_LIST = "abnormal_list"
    PENALTY_REFERRAL = "penalty_referral"

    @property
    def label(self) -> str:
        return _ESCALATION_LABELS[self]


_ESCALATION_LABELS = {
    Escalation.INTERVIEW: "约谈",
    Escalation.ABNORMAL_LIST: "列入活动异常名录",
    Escalation.PENALTY_REFERRAL: "移送行政处罚",
}


class Severity(StrEnum):
    MINOR = "一般"
    MAJOR = "较重"
    SEVERE = "严重"


@dataclass(frozen=True)
class Organization:
    credit_code: str
    name: str
    kind: OrgKind
    legal_rep: str = ""
    address: str = ""
    district: str = ""
    registration_authority: str = ""
    authority_level: str = ""
    supervising_unit: str = ""
    founded_on: str = ""
    registered_capital: str = ""
    credit_status: CreditStatus = CreditStatus.NORMAL
    registration_number: str = ""
    registration_status: RegistrationStatus = RegistrationStatus.ACTIVE
    id: str = ""


@dataclass(frozen=True)
class Inspector:
    name: str
    certificate_no: str
    unit: str = ""
    role: str = "inspector"
    id: str = ""


@dataclass(frozen=True)
class NewInspection:
    """What an inspector fills in to start an inspection."""

    organization_id: str
    checklist_id: str
    checklist_version: int
    inspector_ids: list[str]
    started_at: str  # UTC ISO
    place: str = ""
    representative: str = ""
    task_id: str | None = None
    method: str = "on_site"
    # Required when the organization is deregistered or revoked (e.g. a check before 注销).
    gone_reason: str = ""
    # Required when the inspectors differ from the team drawn for the task (回避, illness).
    team_change_reason: str = ""


@dataclass(frozen=True)
class FindingDraft:
    """A finding as entered or prefilled from an item's template."""

    description: str
    legal_basis: str
    severity: Severity
    requirement: str
    rectification_days: int
    deadline: str  # ISO date
    item_id: str | None = None
    follow_up: str = ""
    refund_due: str = ""  # yuan, decimal string
    extra: dict[str, str] = field(default_factory=dict)
