"""Factories shared by the sending tests (no tests here)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from studio.models.accounts import Workspace
from studio.models.messages import Message, MessageVersion, ReviewStatus
from studio.models.sending import Category, FallbackPolicy, SendBatch
from studio.models.templates import Signature
from studio.sending.batches import BatchSpec, create_batch
from studio.settings import SendingOptions

#: a Tuesday 10:00 in Shanghai (inside the marketing window)
NOON = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)

DOC: dict[str, Any] = {
    "version": 2, "kind": "text", "text": "{{name}}您好，双11特惠",
    "variables": [{"name": "name", "sample": "张三"}],
    "fallback": {"type": "sms_ch5", "text": "{{name}}您好，双11特惠"}, "ch5": True,
}


def options(**changes: Any) -> SendingOptions:
    base = SendingOptions(outbox_report_seconds=0, outbox_failure_share=0.0,
                          outbox_5g_share=0.5, rate_per_second=0)
    return SendingOptions(**{**base.__dict__, **changes})


async def workspace(name: str = "示例科技") -> Workspace:
    ws = await Workspace.create(name=name)
    await approved_signature(ws, name)
    return ws


async def approved_signature(ws: Workspace, text: str = "示例科技") -> Signature:
    return await Signature.create(workspace=ws, text=text, status=ReviewStatus.APPROVED)


async def approved_version(ws: Workspace, doc: dict[str, Any] | None = None,
                           status: ReviewStatus = ReviewStatus.APPROVED) -> MessageVersion:
    document = doc or DOC
    message = await Message.create(workspace=ws, name="双11活动", kind=document["kind"],
                                   approved_version=1)
    return await MessageVersion.create(workspace=ws, message=message, number=1,
                                       document=document, status=status)


async def batch(
    ws: Workspace, *, category: Category = Category.MARKETING, link_days: int = 3,
    fallback: FallbackPolicy | None = None, doc: dict[str, Any] | None = None,
) -> SendBatch:
    version = await approved_version(ws, doc)
    spec = BatchSpec(name="双11", message_version_id=version.id, category=category,
                     signature="示例科技", link_days=link_days, fallback=fallback)
    made = await create_batch(ws.id, None, spec, now=NOON)
    made.link_base = "https://t.example.cn"
    await made.save()
    return made


def csv_rows(phones: list[str]) -> list[list[str]]:
    return [["phone", "name"], *[[p, f"客户{i}"] for i, p in enumerate(phones)]]
