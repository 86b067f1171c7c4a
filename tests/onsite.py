"""Completing an inspection in tests: the core needs the on-site outcome with it."""

from inspector.onsite_record import OnSite, Outcome

NOBODY_ON_SITE = OnSite(Outcome.ABSENT, reason="负责人外出，工作人员陪同检查")
"""For tests about something else than signing: nobody could sign, and why."""
