"""The job runner: in the web process (embedded default) or as `studio worker`."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import uuid
from datetime import UTC, datetime, timedelta

from studio.jobs import queue
from studio.jobs.registry import HANDLERS, JobContext, JobFailed
from studio.models.jobs import Job
from studio.settings import JobOptions

log = logging.getLogger("studio.jobs")


def _now() -> datetime:
    return datetime.now(UTC)


class Runner:
    def __init__(
        self, options: JobOptions, *, name: str | None = None, kinds: list[str] | None = None
    ) -> None:
        self.options = options
        #: job kinds this runner takes; None = every registered kind
        self.kinds = kinds
        self.name = name or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self._stop = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []

    @property
    def lease(self) -> timedelta:
        return timedelta(seconds=self.options.lease_seconds)

    async def ensure_periodic(self) -> None:
        """One queued or running instance of every periodic kind this runner takes."""
        for kind in HANDLERS.values():
            if kind.every is not None and (self.kinds is None or kind.name in self.kinds):
                await queue.ensure_periodic(kind.name, now=_now())

    async def start(self) -> None:
        await self.ensure_periodic()
        for i in range(self.options.concurrency):
            self._tasks.append(asyncio.create_task(self._loop(), name=f"job-runner-{i}"))

    async def stop(self) -> None:
        self._stop.set()
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()

    async def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                worked = await self.run_once()
            except Exception:  # the database may be briefly away; keep the loop alive
                log.exception("job runner iteration failed")
                worked = False
            if not worked:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stop.wait(), self.options.poll_seconds)

    async def run_once(self) -> bool:
        """Claim and run one job; False when none was due."""
        kinds = [k for k in HANDLERS if self.kinds is None or k in self.kinds]
        job = await queue.claim(self.name, now=_now(), lease=self.lease, kinds=kinds)
        if job is None:
            return False
        await self._run(job)
        return True

    async def _run(self, job: Job) -> None:
        kind = HANDLERS[job.kind]
        if job.attempts > job.max_attempts:
            message = "多次尝试后仍未完成，已停止重试"
            await queue.fail(job, self.name, message, now=_now(), retry=False)
            return

        async def report(progress: int, message: str) -> None:
            await queue.report(job.id, self.name, progress, message)

        beat = asyncio.create_task(self._heartbeat(job.id))
        try:
            await kind.handler(JobContext(job, report))
        except JobFailed as exc:
            await queue.fail(job, self.name, exc.message, now=_now(), retry=False)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.exception("job %s (%s) failed", job.id, job.kind)
            await queue.fail(job, self.name, f"{type(exc).__name__}: {exc}", now=_now(), retry=True)
        else:
            await queue.succeed(job, self.name, now=_now())
            if kind.every is not None:
                await queue.enqueue(kind.name, now=_now(), run_after=_now() + kind.every)
        finally:
            beat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await beat

    async def _heartbeat(self, job_id: int) -> None:
        while True:
            await asyncio.sleep(max(0.5, self.options.lease_seconds / 3))
            await queue.heartbeat(job_id, self.name, now=_now(), lease=self.lease)
