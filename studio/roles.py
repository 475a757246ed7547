"""Roles and what each may do: the one place that decides permissions.

The same table is printed in README.md ("Roles") and tested cell by cell.
"""

from __future__ import annotations

from enum import StrEnum

from studio.i18n import Text


class Role(StrEnum):
    OWNER = "owner"
    EDITOR = "editor"
    REVIEWER = "reviewer"
    ANALYST = "analyst"

    @property
    def label_zh(self) -> Text:
        return _ROLE_LABELS[self]


#: "role" context: 编辑 is also the Edit link, which is not the Editor role in English
_ROLE_LABELS = {
    Role.OWNER: Text("所有者", context="role"),
    Role.EDITOR: Text("编辑", context="role"),
    Role.REVIEWER: Text("审核员", context="role"),
    Role.ANALYST: Text("分析员", context="role"),
}


class Perm(StrEnum):
    EDIT_CONTENT = "edit_content"  # messages, templates, media, short links
    SUBMIT = "submit"  # submit for review
    APPROVE = "approve"  # approve / reject
    SEND = "send"  # create and control send batches
    VIEW_FULL_PHONE = "view_full_phone"  # unmasked numbers (audited)
    MANAGE_MEMBERS = "manage_members"
    MANAGE_SETTINGS = "manage_settings"  # workspace settings, audit log, chatbot profiles
    READ_STATS = "read_stats"
    READ_CONTENT = "read_content"


PERMISSIONS: dict[Role, frozenset[Perm]] = {
    Role.OWNER: frozenset(Perm),
    Role.EDITOR: frozenset(
        {Perm.EDIT_CONTENT, Perm.SUBMIT, Perm.SEND, Perm.READ_STATS, Perm.READ_CONTENT}
    ),
    Role.REVIEWER: frozenset({Perm.APPROVE, Perm.READ_STATS, Perm.READ_CONTENT}),
    Role.ANALYST: frozenset({Perm.READ_STATS, Perm.READ_CONTENT}),
}


def can(role: Role, perm: Perm) -> bool:
    return perm in PERMISSIONS[role]


def may_review_own(role: Role, *, self_review_enabled: bool) -> bool:
    """A reviewer may not approve their own submission unless the workspace allows it."""
    return can(role, Perm.APPROVE) and self_review_enabled
