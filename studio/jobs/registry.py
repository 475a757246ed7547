"""Job kinds and their handlers. Later features register theirs with `@job_handler`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from studio.models.jobs import Job


class JobFailed(Exception):
    """A handler's clear failure: no retry, the message (zh-CN) is kept on the job."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        #: kept as given: an i18n.Text stays one (str(exc) would be plain Chinese)
        self.message = message


@dataclass
class JobContext:
    job: Job
    report: Callable[[int, str], Awaitable[None]]

    @property
    def payload(self) -> dict[str, Any]:
        return dict(self.job.payload or {})

    async def progress(self, percent: float, message: str = "") -> None:
        await self.report(max(0, min(100, int(percent))), message)


JobHandler = Callable[[JobContext], Awaitable[None]]


@dataclass(frozen=True)
class JobKind:
    name: str
    handler: JobHandler
    #: re-enqueue itself this long after each run (periodic sweeps); None = one-off
    every: timedelta | None = None


HANDLERS: dict[str, JobKind] = {}


def job_handler(
    name: str, *, every: timedelta | None = None
) -> Callable[[JobHandler], JobHandler]:
    def register(handler: JobHandler) -> JobHandler:
        HANDLERS[name] = JobKind(name, handler, every)
        return handler

    return register
