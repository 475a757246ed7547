"""Raw-visit retention: `VISIT_RETENTION_DAYS` reaches the daily purge job, which deletes old
visit rows and leaves every rollup (and so every number on the pages) as it was."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from tortoise.transactions import in_transaction

from h5.rollups import build_batch, write_batch
from h5.tracking import LinkRef, RawVisit
from h5.visitor import Visitor
from studio.jobs import queue
from studio.jobs.runner import Runner
from studio.models.accounts import Workspace
from studio.models.jobs import Job, JobStatus
from studio.models.links import ShortLink
from studio.models.visits import Visit, VisitHourly
from studio.settings import JobOptions, Settings
from studio.stats import queries
from studio.stats.period import Period

TZ = "Asia/Shanghai"
AGENT = ("Mozilla/5.0 (Linux; Android 13; V2148A) AppleWebKit/537.36 (KHTML, like Gecko) "
         "Chrome/119.0.0.0 Mobile Safari/537.36")


@pytest.mark.parametrize(("environ", "days"), [
    ({}, 400), ({"VISIT_RETENTION_DAYS": "30"}, 30), ({"VISIT_RETENTION_DAYS": "0"}, 0),
    ({"VISIT_RETENTION_DAYS": "-5"}, 0),
], ids=["default", "thirty", "forever", "negative"])
def test_retention_is_read_from_the_environment(
    tmp_path: Path, environ: dict[str, str], days: int
) -> None:
    settings = Settings.from_env({"STUDIO_DATA_DIR": str(tmp_path), **environ})
    assert settings.tracking.raw_visit_days == days


async def _visits(now: datetime) -> tuple[ShortLink, int]:
    """Visits 1 to 60 days old (one a day) written by the writer's code; returns the link
    and how many are older than 30 days."""
    workspace = await Workspace.create(name="保留", timezone=TZ)
    link = await ShortLink.create(workspace=workspace, code="keep01", target_url="https://a.cn/")
    ref = LinkRef(link.id, workspace.id, None, None, TZ)
    raws = [RawVisit.for_link(ref, Visitor(ip=f"203.0.113.{age}", user_agent=AGENT,
                                           referrer="", visitor_id=f"visitor{age:012d}x"),
                              now - timedelta(days=age, hours=1), ch5=False)
            for age in range(1, 61)]
    async with in_transaction() as conn:
        await write_batch(conn, build_batch(raws, "hash-key"))
    return link, sum(1 for age in range(1, 61) if age >= 30)


async def _run_purge_job(now: datetime) -> Job:
    job = await queue.enqueue("visits.purge", now=now - timedelta(seconds=1))
    runner = Runner(JobOptions(), kinds=["visits.purge"])
    assert await runner.run_once()
    return await Job.get(id=job.id)


async def test_the_purge_job_keeps_what_the_environment_says(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = datetime.now(UTC)
    link, older = await _visits(now)
    period = Period((now - timedelta(days=70)).date(), now.date(), TZ)
    before = await queries.totals(link.workspace_id, "l", link.id, period)  # type: ignore[attr-defined]
    hourly = await VisitHourly.filter(scope="l", scope_id=link.id).count()
    assert before.pv == 60

    monkeypatch.setenv("VISIT_RETENTION_DAYS", "0")
    job = await _run_purge_job(now)
    assert job.status is JobStatus.SUCCEEDED
    assert await Visit.filter(link_id=link.id).count() == 60

    monkeypatch.setenv("VISIT_RETENTION_DAYS", "30")
    job = await _run_purge_job(now)
    assert job.status is JobStatus.SUCCEEDED
    kept = await Visit.filter(link_id=link.id).values_list("at", flat=True)
    assert len(kept) == 60 - older
    assert min(kept) > now - timedelta(days=30)
    # the rollups stay: every number is the same
    assert await VisitHourly.filter(scope="l", scope_id=link.id).count() == hourly
    assert await queries.totals(link.workspace_id, "l", link.id, period) == before  # type: ignore[attr-defined]


async def test_stale_range_counts_go_days_and_months_stay(db: None) -> None:
    from studio.models.visits import UniqueCount
    from studio.stats.purge import purge_stale_counts

    kept = [(20260301, 20260301), (20260301, 20260331), (20260201, 20260228),
            (20260305, 20260320), (20260401, 20260410)]
    for first, last in kept:
        await UniqueCount.create(workspace_id=1, scope="w", scope_id=1, first_day=first,
                                 last_day=last, uv=1, ip=1)
    assert await purge_stale_counts(20260405) == 1
    left = set(await UniqueCount.all().values_list("first_day", "last_day"))
    assert left == set(kept) - {(20260305, 20260320)}


async def test_a_workspace_setting_overrides_the_environment(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from studio.models.sending import SendSettings

    now = datetime.now(UTC)
    link, _ = await _visits(now)  # 60 visits, 1 to 60 days old
    other = await Workspace.create(name="别家", timezone=TZ)
    await SendSettings.create(workspace=other, visit_retention_days=10)
    theirs = await ShortLink.create(workspace=other, code="keep02", target_url="https://a.cn/")
    ref = LinkRef(theirs.id, other.id, None, None, TZ)
    raws = [RawVisit.for_link(ref, Visitor(ip="203.0.113.9", user_agent=AGENT, referrer="",
                                           visitor_id=""), now - timedelta(days=age, hours=1),
                              ch5=False) for age in range(1, 61)]
    async with in_transaction() as conn:
        await write_batch(conn, build_batch(raws, "hash-key"))
    monkeypatch.setenv("VISIT_RETENTION_DAYS", "30")
    assert (await _run_purge_job(now)).status is JobStatus.SUCCEEDED
    assert await Visit.filter(link_id=link.id).count() == 29  # env: 30 days
    assert await Visit.filter(link_id=theirs.id).count() == 9  # its own setting: 10 days
