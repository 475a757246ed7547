"""The job table as a queue: enqueue, atomic claim with a lease, finish, retry."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from tortoise.connection import get_connection
from tortoise.expressions import F, Q
from tortoise.transactions import in_transaction

from studio.models.jobs import Job, JobStatus


async def enqueue(
    kind: str,
    payload: dict[str, Any] | None = None,
    *,
    now: datetime,
    workspace_id: int | None = None,
    run_after: datetime | None = None,
    max_attempts: int = 3,
) -> Job:
    return await Job.create(
        kind=kind,
        payload=payload or {},
        workspace_id=workspace_id,
        run_after=run_after or now,
        max_attempts=max_attempts,
    )


def _claimable(now: datetime) -> Q:
    queued = Q(status=JobStatus.QUEUED, run_after__lte=now)
    abandoned = Q(status=JobStatus.RUNNING, lease_until__lt=now)
    return queued | abandoned


def _is_postgres() -> bool:
    return "asyncpg" in type(get_connection("default")).__module__


async def claim(worker: str, *, now: datetime, lease: timedelta, kinds: list[str]) -> Job | None:
    """Take one due job (or one whose lease expired); None when there is nothing to do.

    On PostgreSQL the candidate row is locked with FOR UPDATE SKIP LOCKED so concurrent
    workers never wait on each other; everywhere, the final UPDATE is conditional on the
    status and lease seen, so a job is claimed by exactly one worker.
    """
    if not kinds:
        return None
    base = Job.filter(_claimable(now), kind__in=kinds).order_by("run_after", "id")
    if _is_postgres():
        async with in_transaction():
            job = await base.select_for_update(skip_locked=True).first()
            if job is None:
                return None
            return await _take(job, worker, now, lease)
    for _ in range(5):
        job = await base.first()
        if job is None:
            return None
        taken = await _take(job, worker, now, lease)
        if taken is not None:
            return taken
    return None


async def _take(job: Job, worker: str, now: datetime, lease: timedelta) -> Job | None:
    updated = await Job.filter(
        id=job.id, status=job.status, lease_until=job.lease_until, attempts=job.attempts
    ).update(
        status=JobStatus.RUNNING,
        locked_by=worker,
        lease_until=now + lease,
        attempts=F("attempts") + 1,
        started_at=now,
    )
    if updated != 1:
        return None
    return await Job.get(id=job.id)


async def heartbeat(job_id: int, worker: str, *, now: datetime, lease: timedelta) -> bool:
    """Extend the lease; False when another worker has taken the job over."""
    updated = await Job.filter(id=job_id, locked_by=worker, status=JobStatus.RUNNING).update(
        lease_until=now + lease
    )
    return updated == 1


async def report(job_id: int, worker: str, progress: int, message: str) -> None:
    await Job.filter(id=job_id, locked_by=worker, status=JobStatus.RUNNING).update(
        progress=progress, message=message[:500], message_i18n=Job.i18n_of(message)
    )


async def succeed(job: Job, worker: str, *, now: datetime) -> None:
    await Job.filter(id=job.id, locked_by=worker).update(
        status=JobStatus.SUCCEEDED, progress=100, finished_at=now, lease_until=None
    )


async def fail(job: Job, worker: str, error: str, *, now: datetime, retry: bool) -> None:
    """Record a failure: back to the queue with a backoff, or failed for good."""
    if retry and job.attempts < job.max_attempts:
        backoff = timedelta(seconds=min(300, 5 * 2 ** (job.attempts - 1)))
        await Job.filter(id=job.id, locked_by=worker).update(
            status=JobStatus.QUEUED, error=error[:4000], run_after=now + backoff, lease_until=None
        )
        return
    await Job.filter(id=job.id, locked_by=worker).update(
        status=JobStatus.FAILED, error=error[:4000], finished_at=now, lease_until=None,
        message=error[:500], message_i18n=Job.i18n_of(error),
    )


async def cancel(job: Job, *, now: datetime) -> bool:
    updated = await Job.filter(id=job.id, status=JobStatus.QUEUED).update(
        status=JobStatus.CANCELLED, finished_at=now
    )
    return updated == 1


async def ensure_periodic(kind: str, *, now: datetime) -> None:
    """Make sure one queued or running instance of a periodic kind exists."""
    active = await Job.filter(
        kind=kind, status__in=[JobStatus.QUEUED, JobStatus.RUNNING]
    ).exists()
    if not active:
        await enqueue(kind, now=now)
