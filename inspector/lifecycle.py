"""Which status changes are allowed, for inspections and findings. Pure functions, no I/O."""

from datetime import date

from inspector.errors import TransitionError
from inspector.model import FindingStatus, InspectionStatus

_I = InspectionStatus
INSPECTION_STEPS: dict[tuple[InspectionStatus, InspectionStatus], str] = {
    (_I.DRAFT, _I.COMPLETED): "complete",
    (_I.RETURNED, _I.COMPLETED): "complete",
    (_I.COMPLETED, _I.APPROVED): "approve",
    (_I.COMPLETED, _I.RETURNED): "return",
}

_F = FindingStatus
FINDING_STEPS: dict[tuple[FindingStatus, FindingStatus], str] = {
    (_F.OPEN, _F.REPORTED): "report_back",
    (_F.OPEN, _F.NOT_RECTIFIED): "recheck_failed",  # deadline passed with no report
    (_F.REPORTED, _F.CLOSED): "recheck_passed",
    (_F.REPORTED, _F.NOT_RECTIFIED): "recheck_failed",
    (_F.NOT_RECTIFIED, _F.REPORTED): "report_back",  # a new deadline was given
    (_F.NOT_RECTIFIED, _F.ESCALATED): "escalate",
}

EDITABLE_INSPECTION = frozenset({_I.DRAFT, _I.RETURNED})


def inspection_step(current: InspectionStatus, target: InspectionStatus) -> str:
    """The action name for a move, or ``TransitionError`` in Chinese."""
    action = INSPECTION_STEPS.get((current, target))
    if action is None:
        raise TransitionError(f"检查状态不能从“{current.label}”变为“{target.label}”")
    return action


def finding_step(current: FindingStatus, target: FindingStatus) -> str:
    """The action name for a move, or ``TransitionError`` in Chinese."""
    action = FINDING_STEPS.get((current, target))
    if action is None:
        raise TransitionError(f"问题状态不能从“{current.label}”变为“{target.label}”")
    return action


def is_overdue(status: FindingStatus, deadline_on: date | None, today: date) -> bool:
    """Overdue is derived, never stored: still awaiting rectification after the deadline."""
    awaiting = status in (_F.OPEN, _F.REPORTED, _F.NOT_RECTIFIED)
    return awaiting and deadline_on is not None and today > deadline_on


# A newer revision from the server replaces a supervisor's copy of another inspector's work: a
# copy that is new here, still waiting, or decided on an earlier revision becomes completed
# (waiting for review) again. A draft is work in progress on this device and is never replaced.
OFFICE_COPY_REPLACES = frozenset({None, _I.COMPLETED, _I.APPROVED, _I.RETURNED})


def office_copy_step(current: InspectionStatus | None) -> str:
    """The action name for storing an office copy over ``current`` (None: not held here)."""
    if current not in OFFICE_COPY_REPLACES:
        label = current.label if current else ""
        raise TransitionError(f"本机的检查记录为“{label}”，不能用服务器上的副本覆盖")
    return "import"
