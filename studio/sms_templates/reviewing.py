"""The one seam to the shared review workflow for signatures and templates.

Everything here calls `studio.messages.review` (the editor feature's reusable state machine,
reviewer rules and history); if that module moves, only this file changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from studio.messages import review
from studio.messages.review import InvalidTransition, ReviewAction, ReviewPolicy, is_editable
from studio.models.messages import ReviewEvent
from studio.roles import Role

__all__ = ["Actor", "InvalidTransition", "ReviewAction", "ReviewPolicy", "is_editable"]

SIGNATURE = "signature"
SMS_TEMPLATE = "sms_template"
VIDEO_SMS_TEMPLATE = "video_sms_template"


@dataclass(frozen=True)
class Actor:
    workspace_id: int
    user_id: int
    role: Role
    policy: ReviewPolicy = ReviewPolicy()


async def submit(item: Any, subject: str, actor: Actor, now: datetime) -> None:
    await review.submit(item, subject_type=subject, actor_id=actor.user_id,
                        policy=actor.policy, now=now)


async def approve(item: Any, subject: str, actor: Actor, now: datetime) -> None:
    await review.approve(item, subject_type=subject, actor_id=actor.user_id, role=actor.role,
                         policy=actor.policy, now=now)


async def reject(item: Any, subject: str, actor: Actor, now: datetime, reason: str) -> None:
    await review.reject(item, subject_type=subject, actor_id=actor.user_id, role=actor.role,
                        policy=actor.policy, now=now, reason=reason)


async def withdraw(item: Any, subject: str, actor: Actor, now: datetime) -> None:
    await review.withdraw(item, subject_type=subject, actor_id=actor.user_id, now=now)


async def reopen(item: Any, subject: str, actor: Actor, now: datetime) -> None:
    """A rejected item being edited goes back to draft (recorded in its history)."""
    await review.transition(item, ReviewAction.REOPEN, subject_type=subject,
                            actor_id=actor.user_id, now=now)


async def history(workspace_id: int, subject: str, ident: int) -> list[ReviewEvent]:
    return (await review.history(workspace_id, subject, [ident])).get(ident, [])
