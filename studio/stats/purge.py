"""Raw visit rows are kept `TrackingOptions.raw_visit_days` (400 by default); the rollups the
statistics read are kept for ever, so purging changes no number on any page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

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


@job_handler("visits.purge", every=timedelta(hours=24))
async def purge_job(job: JobContext) -> None:
    await purge_raw_visits(datetime.now(UTC), TrackingOptions().raw_visit_days)
