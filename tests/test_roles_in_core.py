"""Supervisor functions check the role in the core: an inspector on the roster, or a name on no
roster, is refused whatever screen or command asks, and nothing is written."""

import pytest

from inspector import inspections, notices
from inspector.errors import UserError
from inspector.store import Store
from tests.test_reports_support import add_org, inspection, setup_office


@pytest.fixture
def office(store: Store) -> tuple[Store, str, str]:
    """A completed and an approved inspection with findings."""
    people = setup_office(store)
    completed = inspection(store, people, add_org(store), approve=False)
    approved = inspection(store, people, add_org(store, code="51330100MJ0000004T"))
    return store, completed, approved


@pytest.mark.parametrize("actor", ["张明", "某个名录里没有的人"])
def test_an_inspector_cannot_approve_return_or_issue(
    office: tuple[Store, str, str], actor: str
) -> None:
    store, completed, approved = office
    before = store.db.execute("SELECT COUNT(*) FROM audit_log").fetchone()[0]
    refused = "仅限审核人员" if actor == "张明" else "执法人员名录中没有"
    with pytest.raises(UserError, match=refused):
        inspections.approve(store, completed, actor=actor)
    with pytest.raises(UserError, match=refused):
        inspections.return_to_inspector(store, completed, reason="补充材料", actor=actor)
    with pytest.raises(UserError, match=refused):
        notices.issue(
            store, approved, content_hash="x", settings=notices.load_settings(store), actor=actor
        )
    assert store.db.execute("SELECT COUNT(*) FROM audit_log").fetchone()[0] == before
    assert store.db.execute("SELECT COUNT(*) FROM notices").fetchone()[0] == 0


def test_a_supervisor_on_the_roster_can(office: tuple[Store, str, str]) -> None:
    store, completed, approved = office
    inspections.approve(store, completed, actor="科长")
    settings = notices.load_settings(store)
    assert notices.issue(store, approved, content_hash="x", settings=settings, actor="科长").number
