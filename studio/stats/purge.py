"""Raw visit rows are kept `TrackingOptions.raw_visit_days` days (``VISIT_RETENTION_DAYS``,
400 by default, 0 = for ever); the rollups the statistics read are kept for ever, so purging
changes no number on any page."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

from starlette.config import Config

from studio.jobs.registry import JobContext, job_handler
from studio.models.visits import Visit
from studio.settings import TrackingOptions

CHUNK = 5000


async def purge_raw_visits(now: datetime, days: int) -> int:
    """Delete visit rows older than `days` (0 keeps them for ever), in chunks; returns how many."""
    if days <= 0:
        return 0
    cutoff = now - timedelta(days=days)
    purged = 0
    while True:
        ids = await Visit.filter(at__lt=cutoff).order_by("id").limit(CHUNK).values_list(
            "id", flat=True)
        if not ids:
            return purged
        await Visit.filter(id__in=list(ids)).delete()
        purged += len(ids)


def retention_days() -> int:
    """From the environment, where the app's settings come from too: a job gets no request,
    and a worker process may run without the web app."""
    return TrackingOptions.from_env(Config(environ=os.environ)).raw_visit_days


@job_handler("visits.purge", every=timedelta(hours=24))
async def purge_job(job: JobContext) -> None:
    days = retention_days()
    purged = await purge_raw_visits(datetime.now(UTC), days)
    await job.progress(100, f"已清理 {purged} 条原始访问记录（保留 {days} 天）" if days
                       else "原始访问记录永久保留")
