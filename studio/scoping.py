"""The one helper that scopes queries to the current workspace.

Handlers never filter by workspace by hand: `scoped(Model, ctx)` gives the queryset, and
`get_scoped(Model, ctx, id)` raises NotFound for an id of another workspace, exactly as for
an id that does not exist.
"""

from __future__ import annotations

from typing import Any, Protocol, TypeVar

from tortoise.models import Model
from tortoise.queryset import QuerySet

from studio.errors import NotFound

M = TypeVar("M", bound=Model)


class HasWorkspace(Protocol):
    @property
    def workspace_id(self) -> int: ...


def scoped(model: type[M], ctx: HasWorkspace) -> QuerySet[M]:
    return model.filter(workspace_id=ctx.workspace_id)


async def get_scoped(model: type[M], ctx: HasWorkspace, ident: Any, **filters: Any) -> M:
    try:
        pk = int(ident)
    except (TypeError, ValueError):
        raise NotFound.for_object(model.__name__.lower(), ident) from None
    obj = await scoped(model, ctx).filter(id=pk, **filters).first()
    if obj is None:
        raise NotFound.for_object(model.__name__.lower(), ident)
    return obj
