"""Background jobs: rows with status, progress and a lease, so they survive restarts."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def finished(self) -> bool:
        return self in (JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED)


class Job(Model):
    id = fields.IntField(primary_key=True)
    workspace = fields.ForeignKeyField(
        "studio.Workspace", related_name="jobs", null=True, on_delete=fields.CASCADE
    )
    #: handler name in studio.jobs.registry
    kind = fields.CharField(max_length=64)
    payload = fields.JSONField(default=dict)
    status = fields.CharEnumField(JobStatus, max_length=16, default=JobStatus.QUEUED)
    #: 0-100
    progress = fields.IntField(default=0)
    #: short zh-CN status line shown under the progress bar
    message = fields.CharField(max_length=500, default="")
    #: last error (kept when the job gives up)
    error = fields.TextField(default="")
    attempts = fields.IntField(default=0)
    max_attempts = fields.IntField(default=3)
    #: not before this time (scheduled work, retries, periodic sweeps)
    run_after = fields.DatetimeField()
    #: a running job whose lease has passed is taken over by another runner
    lease_until = fields.DatetimeField(null=True)
    locked_by = fields.CharField(max_length=64, default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    started_at = fields.DatetimeField(null=True)
    finished_at = fields.DatetimeField(null=True)

    class Meta:
        table = "job"
        indexes = (("status", "run_after"),)
