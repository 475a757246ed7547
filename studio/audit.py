"""Recording changes in the audit log."""

from __future__ import annotations

from typing import Any

from studio.models.audit import AuditLog


async def record(
    action: str,
    *,
    workspace_id: int | None,
    user_id: int | None,
    ip: str = "",
    obj: Any = None,
    object_type: str = "",
    object_id: str | int = "",
    detail: dict[str, Any] | None = None,
) -> AuditLog:
    if obj is not None:
        object_type = object_type or type(obj).__name__.lower()
        object_id = object_id or getattr(obj, "id", "")
    return await AuditLog.create(
        action=action,
        workspace_id=workspace_id,
        user_id=user_id,
        ip=ip[:64],
        object_type=object_type,
        object_id=str(object_id),
        detail=detail or {},
    )
