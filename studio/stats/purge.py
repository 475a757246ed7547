"""Raw visit rows are kept `TrackingOptions.raw_visit_days` days (``VISIT_RETENTION_DAYS``,
400 by default, 0 = for ever), or what a workspace saved in its sending settings. The rollups
the statistics read are kept for ever, so purging changes no number on any page. Kept counts
of past ranges nobody asks for again go too."""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from starlette.config import Config
from tortoise.connection import get_connection

from studio.jobs.registry import JobContext, job_handler
from studio.models.sending import SendSettings
from studio.models.visits import Visit
from studio.settings import TrackingOptions
from studio.stats.period import day_int

CHUNK = 5000


async def purge_raw_visits(
    now: datetime, days: int, *, workspace_id: int | None = None,
    other_than: Sequence[int] = (),
) -> int:
    """Delete visit rows older than `days` (0 keeps them for ever), in chunks, of one
    workspace or of all but `other_than`; returns how many."""
    if days <= 0:
        return 0
    query = Visit.filter(at__lt=now - timedelta(days=days))
    if workspace_id is not None:
        query = query.filter(workspace_id=workspace_id)
    if other_than:
        query = query.exclude(workspace_id__in=list(other_than))
    purged = 0
    while True:
        ids = await query.order_by("id").limit(CHUNK).values_list("id", flat=True)
        if not ids:
            return purged
        await Visit.filter(id__in=list(ids)).delete()
        purged += len(ids)


async def purge_stale_counts(before_day: int) -> int:
    """Drop kept UV/IP counts of ranges (not days, not whole months) ending before
    `before_day` (yyyymmdd): the closed part of "the last 30 days" is a new range every day,
    so old ones are never read again (a custom range asked again is counted again)."""
    conn = get_connection("default")
    mark = "$1" if conn.capabilities.dialect == "postgres" else "?"
    count, _ = await conn.execute_query(
        f"DELETE FROM unique_count WHERE last_day < {mark} AND first_day <> last_day "
        "AND NOT (first_day % 100 = 1 AND last_day / 100 = first_day / 100 "
        "AND last_day % 100 >= 28)", [before_day])
    return int(count)


def retention_days() -> int:
    """From the environment, where the app's settings come from too: a job gets no request,
    and a worker process may run without the web app."""
    return TrackingOptions.from_env(Config(environ=os.environ)).raw_visit_days


async def purge_all(now: datetime, default_days: int) -> int:
    """A workspace that saved its own retention (发送设置, `SendSettings`) keeps raw visits
    that long; every other one `default_days`."""
    own = dict(await SendSettings.all().values_list("workspace_id", "visit_retention_days"))
    purged = await purge_raw_visits(now, default_days, other_than=list(own))
    for workspace_id, days in own.items():
        purged += await purge_raw_visits(now, int(days), workspace_id=int(workspace_id))
    return purged


@job_handler("visits.purge", every=timedelta(hours=24))
async def purge_job(job: JobContext) -> None:
    now = datetime.now(UTC)
    purged = await purge_all(now, retention_days())
    await purge_stale_counts(day_int((now - timedelta(days=3)).date()))
    await job.progress(100, f"已清理 {purged} 条原始访问记录")
