"""Benchmark: a 100,000-row recipient file to a ready-to-send batch, then the outbox rate.

Run alone: ``python bench/batch.py [--rows 100000] [--send 20000] [--db sqlite|postgres://…]``.
Generates a CSV (GBK, as Chinese Excel saves it) and an xlsx with ~3% invalid numbers and
~2% duplicates, then for each prints the phases of the import (read + parse, 5G capability,
delivery rows, rejected rows, personalised links) with seconds and rows/s, the total against
a baseline measured in the same run (reading the same rows with csv.reader only), and the
memory peak. Then it sends `--send` deliveries through the outbox gateway and prints
messages/s against a baseline of inserting the same number of outbox rows in one executemany.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import os
import random
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from studio.db import close_db, init_db  # noqa: E402
from studio.gateways.outbox import OutboxGateway  # noqa: E402
from studio.models.accounts import Workspace  # noqa: E402
from studio.models.links import ShortLink  # noqa: E402
from studio.models.messages import Message, MessageVersion, ReviewStatus  # noqa: E402
from studio.models.sending import (  # noqa: E402
    BatchKind,  # noqa: E402
    Category,
    SendBatch,
)
from studio.models.templates import Signature, SmsKind, SmsTemplate  # noqa: E402
from studio.sending import batches  # noqa: E402
from studio.sending.batches import BatchSpec, create_batch  # noqa: E402
from studio.sending.importing import import_rows  # noqa: E402
from studio.sending.jobs import import_plan  # noqa: E402
from studio.sending.sender import run_batch  # noqa: E402
from studio.sending.sources import rows_from_file  # noqa: E402
from studio.sending.sql import insert_many  # noqa: E402
from studio.settings import SendingOptions  # noqa: E402

DOC: dict[str, Any] = {
    "version": 2, "kind": "text", "text": "{{name}}您好，{{city}}门店双11特惠",
    "variables": [{"name": "name", "sample": "张三"}, {"name": "city", "sample": "北京"}],
    "fallback": {"type": "sms_ch5", "text": "{{name}}您好，双11特惠"}, "ch5": True,
}
NOON = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)


#: progress message → phase printed
_PHASES = (("正在解析", "read + parse"), ("5G", "5G capability"),
           ("保存号码", "delivery + rejected rows"), ("短链", "personalised links"),
           ("完成", "batch counts"))


def _rss_mb() -> float:
    """Peak resident memory of this process (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def sqlite_baseline(n: int) -> float:
    """Seconds for plain sqlite3 to insert n delivery-like rows (same indexes) in memory."""
    import sqlite3

    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.execute("CREATE TABLE d (id INTEGER PRIMARY KEY AUTOINCREMENT, ws INT, key TEXT UNIQUE,"
                 " uid TEXT UNIQUE, phone TEXT, vars TEXT, st TEXT, sub TEXT, batch INT)")
    conn.execute("CREATE INDEX i1 ON d (batch, st)")
    conn.execute("CREATE INDEX i2 ON d (ws, phone, sub)")
    rows = [(1, f"b1:{13800000000 + i}", f"{i:036d}", str(13800000000 + i), '{"name": "x"}',
             "queued", 1) for i in range(n)]
    start = time.perf_counter()
    for at in range(0, n, 2000):
        conn.execute("BEGIN")
        conn.executemany("INSERT INTO d (ws, key, uid, phone, vars, st, batch) VALUES "
                         "(?, ?, ?, ?, ?, ?, ?)", rows[at:at + 2000])
        conn.execute("COMMIT")
    return time.perf_counter() - start


def generate_rows(n: int, seed: int = 7) -> list[list[str]]:
    rnd = random.Random(seed)
    rows = [["手机号", "name", "city"]]
    for i in range(n):
        roll = rnd.random()
        if roll < 0.03:
            phone = str(rnd.randint(10_000, 99_999_999))  # invalid
        elif roll < 0.05 and i > 10:
            phone = rows[rnd.randint(1, i)][0]  # duplicate
        elif roll < 0.10:
            phone = (f"+86 1{rnd.randint(3, 9)}{rnd.randint(0, 9)}-"
                     f"{rnd.randint(0, 9999):04d}-{rnd.randint(0, 9999):04d}")
        else:
            phone = f"1{rnd.randint(3, 9)}{rnd.randint(0, 999_999_999):09d}"
        rows.append([phone, f"客户{i}", rnd.choice(["北京", "上海", "广州", "深圳"])])
    return rows


def csv_bytes(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("gbk")


def xlsx_bytes(rows: list[list[str]]) -> bytes:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    for row in rows:
        sheet.append([float(row[0]) if row[0].isdigit() else row[0], *row[1:]])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def new_batch(ws: Workspace, version: MessageVersion, name: str) -> SendBatch:
    spec = BatchSpec(name=name, message_version_id=version.id, category=Category.NOTIFICATION,
                     signature="示例科技", link_days=3)
    made = await create_batch(ws.id, None, spec, now=NOON)
    made.link_base = "https://t.example.cn"
    return made


async def template_batch(ws: Workspace, signature: Signature) -> SendBatch:
    """A batch of an approved text SMS template with a short link (carrier split, no 5G
    capability question, one personalised link per recipient)."""
    await ShortLink.create(workspace=ws, code="Bench1", target_url="https://shop.example.cn/")
    text = "{{name}}您好，{{city}}门店双11特惠 https://t.example.cn/Bench1 拒收请回复R"
    snap = {"version": 1, "name": "双11短信", "kind": "marketing", "signature_id": signature.id,
            "signature": signature.text, "text": text,
            "variables": [{"name": "name", "sample": "张三"}, {"name": "city", "sample": "北京"}]}
    row = await SmsTemplate.create(workspace=ws, name="双11短信", kind=SmsKind.MARKETING,
                                   signature=signature, text=text, approved=snap,
                                   approved_version=1, status=ReviewStatus.APPROVED)
    spec = BatchSpec(name="sms", kind=BatchKind.SMS, template_id=row.id, link_days=3)
    made = await create_batch(ws.id, None, spec, now=NOON)
    made.link_base = "https://t.example.cn"
    return made


async def timed_import(label: str, data: bytes, filename: str, batch: SendBatch,
                       options: SendingOptions) -> float:
    marks: list[tuple[float, str]] = []

    async def progress(percent: float, message: str) -> None:
        marks.append((time.perf_counter(), message))

    start = time.perf_counter()
    rows = rows_from_file(data, filename)
    required, targets = await import_plan(batch)
    result = await import_rows(batch, rows, gateway=OutboxGateway(options),
                               required=required, links=targets, progress=progress)
    total = time.perf_counter() - start
    n = result.total
    print(f"\n{label}: {n} rows, {len(result.recipients)} ready, {result.duplicates} duplicates, "
          f"{len(result.invalid)} invalid")
    phases: dict[str, float] = {}
    points = [*marks, (start + total, "")]
    for (at, message), (until, _next) in zip(points, points[1:], strict=False):
        name = next((label for key, label in _PHASES if key in message), "other")
        phases[name] = phases.get(name, 0.0) + until - at
    phases["read + parse"] = phases.get("read + parse", 0.0) + marks[0][0] - start
    for name, seconds in phases.items():
        print(f"  {name:<32} {seconds:7.2f} s")
    print(f"  {'total':<32} {total:7.2f} s  {n / total:9.0f} rows/s  "
          f"max RSS so far {_rss_mb():.0f} MB")
    return total


async def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--send", type=int, default=20_000)
    parser.add_argument("--db", default="")
    args = parser.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="bench-batch-"))
    await init_db(args.db or f"sqlite://{tmp / 'bench.sqlite3'}")
    try:
        print(f"max RSS before generating {_rss_mb():.0f} MB")
        rows = generate_rows(args.rows)
        data_csv, data_xlsx = csv_bytes(rows), xlsx_bytes(rows)
        print(f"files: csv {len(data_csv) / 1e6:.1f} MB (GBK), xlsx {len(data_xlsx) / 1e6:.1f} MB")
        start = time.perf_counter()
        baseline_rows = sum(1 for _ in csv.reader(io.StringIO(data_csv.decode("gbk"))))
        baseline = time.perf_counter() - start
        print(f"baseline: csv.reader over the same file {baseline:.2f} s ({baseline_rows} rows)")
        insert_base = sqlite_baseline(args.rows)
        print(f"baseline: plain sqlite3 inserting {args.rows} indexed rows in memory "
              f"{insert_base:.2f} s; load average {os.getloadavg()[0]:.1f} on "
              f"{os.cpu_count()} CPUs")
        options = SendingOptions(outbox_report_seconds=0, rate_per_second=0)
        ws = await Workspace.create(name="bench")
        signature = await Signature.create(workspace=ws, text="示例科技",
                                           status=ReviewStatus.APPROVED)
        message = await Message.create(workspace=ws, name="双11", kind="text",
                                       approved_version=1)
        version = await MessageVersion.create(workspace=ws, message=message, number=1,
                                              document=DOC, status=ReviewStatus.APPROVED)
        csv_batch = await new_batch(ws, version, "csv")
        total = await timed_import("csv", data_csv, "list.csv", csv_batch, options)
        print(f"  csv import / csv.reader: {total / baseline:.0f}x, / plain sqlite3 insert: "
              f"{total / insert_base:.1f}x   target ≤ 10 s: "
              f"{'met' if total <= 10 else 'MISSED'}")
        xlsx_batch = await new_batch(ws, version, "xlsx")
        await timed_import("xlsx", data_xlsx, "list.xlsx", xlsx_batch, options)
        sms_batch = await template_batch(ws, signature)
        await timed_import("csv, text SMS template", data_csv, "list.csv", sms_batch, options)

        send_batch = await new_batch(ws, version, "send")
        await import_rows(send_batch, rows[: args.send + 1], gateway=OutboxGateway(options),
                          required=("name",), links=True)
        send_batch = await SendBatch.get(id=send_batch.id)
        await batches.start_now(send_batch, now=NOON, link_base="https://t.example.cn")
        to_send = int(send_batch.counts.get("to_send", 0))
        start = time.perf_counter()
        await run_batch(send_batch.id, gateway=OutboxGateway(options), options=options,
                        clock=lambda: NOON)
        elapsed = time.perf_counter() - start
        start = time.perf_counter()
        await insert_many("outbox_message", ("workspace_id", "message_uid", "phone", "channel",
                                             "payload", "created_at", "report_at", "outcome"),
                          [(ws.id, f"base-{i}", "13800138000", "sms", '{"text": "x"}', NOON,
                            NOON, "") for i in range(to_send)])
        base = time.perf_counter() - start
        print(f"\noutbox send: {to_send} messages in {elapsed:.2f} s = {to_send / elapsed:.0f}/s "
              f"(each rendered; claimed, stored and marked per chunk); bulk insert of "
              f"the same rows {base:.2f} s, ratio {elapsed / base:.0f}x")
    finally:
        await close_db()
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1:])))
