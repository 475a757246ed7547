"""The link list: search by name, code or target; sort by newest or visits; paged."""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.expressions import Q

from studio.models.links import ShortLink
from studio.scoping import HasWorkspace, scoped

PAGE_SIZE = 50
SORTS = {"new": "-created_at", "visits": "-visits", "name": "name"}


@dataclass(frozen=True)
class LinkQuery:
    q: str = ""
    sort: str = "new"
    page: int = 1

    @classmethod
    def parse(cls, values: dict[str, str]) -> LinkQuery:
        try:
            page = max(1, int(values.get("page", "1")))
        except ValueError:
            page = 1
        sort = values.get("sort", "new")
        return cls(values.get("q", "").strip()[:100], sort if sort in SORTS else "new", page)


async def list_links(ctx: HasWorkspace, query: LinkQuery) -> tuple[list[ShortLink], bool]:
    qs = scoped(ShortLink, ctx).filter(batch_id__isnull=True)
    if query.q:
        qs = qs.filter(Q(name__icontains=query.q) | Q(code=query.q)
                       | Q(target_url__icontains=query.q))
    rows = await qs.order_by(SORTS[query.sort], "-id").offset(
        (query.page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)
    return list(rows[:PAGE_SIZE]), len(rows) > PAGE_SIZE
