"""An hourly job that keeps the closed-day counts the workspace overview needs, so even the
first view of the day of its usual periods does not walk every visitor of the last 90 days
(see `studio.stats.uniques`). Once a day's counts are kept, a run costs a few lookups."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from studio.jobs.registry import JobContext, job_handler
from studio.models.accounts import Workspace
from studio.stats.sql import rows
from studio.stats.uniques import warm_workspace


async def warm_all(now: datetime) -> int:
    """Warm every workspace with visits in the last 90 days; returns how many."""
    since = int((now - timedelta(days=92)).timestamp()) // 3600
    active = await rows("SELECT DISTINCT workspace_id FROM visit_hourly WHERE scope = 'w' "
                        "AND hour >= ?", [since])
    ids = [int(r["workspace_id"]) for r in active]
    for workspace in await Workspace.filter(id__in=ids):
        tz = str(workspace.timezone or "Asia/Shanghai")
        await warm_workspace(workspace.id, now.astimezone(ZoneInfo(tz)), tz)
    return len(ids)


@job_handler("stats.warm", every=timedelta(hours=1))
async def warm_job(job: JobContext) -> None:
    count = await warm_all(datetime.now(UTC))
    await job.progress(100, f"已更新 {count} 个工作区的统计缓存")
