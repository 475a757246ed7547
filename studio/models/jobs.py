"""Background jobs: rows with status, progress and a lease, so they survive restarts."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from studio.i18n import Text


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
    #: the msgid, context and parameters of `message` when it is an i18n.Text, so it is shown
    #: in each reader's language (null: a plain zh-CN constant, translated as it is)
    message_i18n = fields.JSONField(null=True)
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

    @property
    def shown_message(self) -> str:
        """`message` as templates translate it: through its msgid when it was an i18n.Text."""
        if self.message_i18n:
            return Text.from_json(self.message_i18n)
        return self.message

    @staticmethod
    def i18n_of(message: str) -> dict[str, object] | None:
        """What `message_i18n` keeps for a message about to be stored."""
        return message.to_json() if isinstance(message, Text) else None

    class Meta:
        table = "job"
        indexes = (("status", "run_after"),)
