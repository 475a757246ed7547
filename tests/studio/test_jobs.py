from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from bs4 import BeautifulSoup

from studio.jobs import queue
from studio.jobs.registry import HANDLERS, JobContext, JobFailed, job_handler
from studio.jobs.runner import Runner
from studio.models.accounts import Workspace
from studio.models.jobs import Job, JobStatus
from studio.settings import JobOptions

RUNS: list[int] = []


@job_handler("test.count")
async def _count(ctx: JobContext) -> None:
    await ctx.progress(50, "一半")
    await asyncio.sleep(0.01)
    RUNS.append(ctx.job.id)


@job_handler("test.broken")
async def _broken(ctx: JobContext) -> None:
    raise RuntimeError("disk on fire")


@job_handler("test.refuse")
async def _refuse(ctx: JobContext) -> None:
    raise JobFailed("文件格式不支持")


@job_handler("test.sweep", every=timedelta(minutes=5))
async def _sweep(ctx: JobContext) -> None:
    return None


TEST_KINDS = ["test.count", "test.broken", "test.refuse", "test.sweep"]
OPTIONS = JobOptions(embedded=False, poll_seconds=0.01, lease_seconds=5, max_attempts=3)


def _now() -> datetime:
    return datetime.now(UTC)


@pytest.fixture(autouse=True)
def _reset_runs() -> None:
    RUNS.clear()


async def test_job_runs_and_succeeds(db: None) -> None:
    job = await queue.enqueue("test.count", {"a": 1}, now=_now())
    assert await Runner(OPTIONS, kinds=TEST_KINDS).run_once()
    await job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.progress == 100 and job.attempts == 1
    assert RUNS == [job.id]
    assert not await Runner(OPTIONS, kinds=TEST_KINDS).run_once()


async def test_two_workers_run_each_job_once(db: None) -> None:
    jobs = [await queue.enqueue("test.count", now=_now()) for _ in range(12)]
    a, b = Runner(OPTIONS, name="a", kinds=TEST_KINDS), Runner(OPTIONS, name="b", kinds=TEST_KINDS)

    async def drain(runner: Runner) -> None:
        while await runner.run_once():
            pass

    await asyncio.gather(drain(a), drain(b))
    assert sorted(RUNS) == sorted(j.id for j in jobs)
    assert await Job.filter(status=JobStatus.SUCCEEDED).count() == 12


async def test_concurrent_claims_never_share_a_job(db: None) -> None:
    for _ in range(20):
        await queue.enqueue("test.count", now=_now())
    lease = timedelta(seconds=30)
    claims = await asyncio.gather(
        *(queue.claim(f"w{i}", now=_now(), lease=lease, kinds=["test.count"]) for i in range(20))
    )
    ids = [job.id for job in claims if job is not None]
    assert len(ids) == len(set(ids))
    assert await Job.filter(status=JobStatus.RUNNING).count() == len(ids)


async def test_job_interrupted_by_a_crash_is_taken_over(db: None) -> None:
    job = await queue.enqueue("test.count", now=_now())
    # a worker claims it and dies without finishing: its lease runs out
    claimed = await queue.claim("dead", now=_now(), lease=timedelta(seconds=1),
                                kinds=["test.count"])
    assert claimed is not None and claimed.id == job.id
    assert await queue.claim("other", now=_now(), lease=timedelta(seconds=1),
                             kinds=["test.count"]) is None
    later = _now() + timedelta(seconds=2)
    taken = await queue.claim("other", now=later, lease=timedelta(seconds=5),
                              kinds=["test.count"])
    assert taken is not None and taken.id == job.id and taken.attempts == 2
    # the dead worker's late reports are ignored
    await queue.report(job.id, "dead", 99, "stale")
    await taken.refresh_from_db()
    assert taken.progress == 0 and taken.locked_by == "other"


async def test_failing_job_retries_then_stops_with_its_error(db: None) -> None:
    job = await queue.enqueue("test.broken", now=_now(), max_attempts=2)
    runner = Runner(OPTIONS, kinds=TEST_KINDS)
    assert await runner.run_once()
    await job.refresh_from_db()
    assert job.status == JobStatus.QUEUED and "disk on fire" in job.error
    await Job.filter(id=job.id).update(run_after=_now())
    assert await runner.run_once()
    await job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.attempts == 2
    assert "disk on fire" in job.error


async def test_clear_failure_does_not_retry(db: None) -> None:
    job = await queue.enqueue("test.refuse", now=_now())
    await Runner(OPTIONS, kinds=TEST_KINDS).run_once()
    await job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.message == "文件格式不支持"


async def test_periodic_job_enqueues_its_next_run(db: None) -> None:
    runner = Runner(OPTIONS, kinds=["test.sweep"])
    await runner.ensure_periodic()
    await runner.ensure_periodic()  # idempotent: still one instance
    assert await Job.filter(kind="test.sweep").count() == 1
    assert await runner.run_once()
    done = await Job.filter(kind="test.sweep", status=JobStatus.SUCCEEDED).count()
    pending = await Job.filter(kind="test.sweep", status=JobStatus.QUEUED).all()
    assert done == 1
    assert len(pending) == 1 and pending[0].run_after > _now() + timedelta(minutes=4)


async def test_embedded_runner_runs_jobs_in_the_background(db: None) -> None:
    runner = Runner(OPTIONS, kinds=TEST_KINDS)
    job = await queue.enqueue("test.count", now=_now())
    await runner.start()
    try:
        for _ in range(200):
            await job.refresh_from_db()
            if job.status == JobStatus.SUCCEEDED:
                break
            await asyncio.sleep(0.02)
    finally:
        await runner.stop()
    assert job.status == JobStatus.SUCCEEDED


async def test_progress_fragment_polls_until_done(owner_client: httpx.AsyncClient) -> None:
    ws = await Workspace.first()
    assert ws is not None
    job = await queue.enqueue("test.count", now=_now(), workspace_id=ws.id)
    page = await owner_client.get(f"/jobs/{job.id}", headers={"HX-Request": "true"})
    node = BeautifulSoup(page.text, "html.parser").select_one(".job")
    assert page.status_code == 200 and node["hx-trigger"] == "load delay:1s"
    await Runner(OPTIONS, kinds=TEST_KINDS).run_once()
    done = await owner_client.get(f"/jobs/{job.id}", headers={"HX-Request": "true"})
    assert done.status_code == 286
    node = BeautifulSoup(done.text, "html.parser").select_one(".job")
    assert not node.has_attr("hx-get") and "已完成" in node.get_text()


def test_handlers_are_registered() -> None:
    assert {"test.count", "test.broken", "test.refuse", "test.sweep"} <= set(HANDLERS)
