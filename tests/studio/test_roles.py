"""The role table, checked cell by cell against the README's table."""

from __future__ import annotations

import pytest

from studio.roles import PERMISSIONS, Perm, Role, can, may_review_own

OW, E, R, A = Role.OWNER, Role.EDITOR, Role.REVIEWER, Role.ANALYST
EXPECTED = {
    Perm.EDIT_CONTENT: {OW, E},
    Perm.SUBMIT: {OW, E},
    Perm.APPROVE: {OW, R},
    Perm.SEND: {OW, E},
    Perm.VIEW_FULL_PHONE: {OW},
    Perm.MANAGE_MEMBERS: {OW},
    Perm.MANAGE_SETTINGS: {OW},
    Perm.READ_STATS: {OW, E, R, A},
    Perm.READ_CONTENT: {OW, E, R, A},
}


@pytest.mark.parametrize("perm", list(Perm), ids=str)
@pytest.mark.parametrize("role", list(Role), ids=str)
def test_cell(role: Role, perm: Perm) -> None:
    assert can(role, perm) is (role in EXPECTED[perm])


def test_every_permission_is_in_the_table() -> None:
    assert set(EXPECTED) == set(Perm)
    assert set(PERMISSIONS) == set(Role)


def test_self_review_needs_the_workspace_switch() -> None:
    assert not may_review_own(R, self_review_enabled=False)
    assert may_review_own(R, self_review_enabled=True)
    assert not may_review_own(E, self_review_enabled=True)
