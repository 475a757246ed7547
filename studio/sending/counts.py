"""A batch's send counters, recounted from its delivery rows (one GROUP BY)."""

from __future__ import annotations

from tortoise.functions import Count

from studio.models.sending import Delivery, SendBatch

STATUS_KEYS = ("queued", "submitting", "sent", "delivered", "failed", "unknown", "skipped")


async def refresh_counts(batch_id: int) -> dict[str, int]:
    rows = await Delivery.filter(batch_id=batch_id, is_test=False).annotate(
        n=Count("id")).group_by("status", "skip_reason", "channel").values(
        "status", "skip_reason", "channel", "n")
    counts = {key: 0 for key in STATUS_KEYS}
    for row in rows:
        n = int(row["n"])
        counts[str(row["status"])] = counts.get(str(row["status"]), 0) + n
        if row["skip_reason"]:
            key = "skip_" + str(row["skip_reason"])
            counts[key] = counts.get(key, 0) + n
        if row["status"] not in ("skipped",):
            key = "channel_" + str(row["channel"])
            counts[key] = counts.get(key, 0) + n
    counts["queued"] += counts.pop("submitting")
    counts["to_send"] = sum(counts[k] for k in ("queued", "sent", "delivered", "failed",
                                                  "unknown"))
    counts["submitted"] = counts["sent"] + counts["delivered"] + counts["failed"] + counts[
        "unknown"]
    batch = await SendBatch.get(id=batch_id)
    batch.counts = {**(batch.counts or {}), **counts}
    await batch.save(update_fields=["counts", "updated_at"])
    return batch.counts
