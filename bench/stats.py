"""Benchmark: every statistics page and export over 1,000,000 generated visits, on SQLite.

Run alone: ``python bench/stats.py [--visits 1000000] [--repeat 20] [--keep]``.

1. A temporary SQLite database, migrated by the studio app's own lifespan; an owner set up
   through ``/setup`` and logged in (the session cookie of a real login).
2. A realistic workspace: 300 shared links (URL and CH5 links of 8 approved messages), 5 send
   batches of 20,000 personalised CH5 links each (expiring after a few days, 30% of the
   recipients open theirs, ~6% of the visits), a second
   workspace with its own traffic, ~300,000 people (repeat visitors, a fifth without
   cookies, IPv4 and IPv6, ~600 real mobile user agents, WeChat/QQ in-app browsers), bots,
   button taps, replies, expired opens and unknown-code scans, over the last 90 days with
   a daily curve and campaign decay.
3. The visits go through the writer's own code: ``h5.rollups.build_batch`` then
   ``write_batch`` in one transaction per chunk (as ``h5.writer`` flushes), so the raw visit
   rows and the rollups (visit_hourly, visit_dim, unique_visitor, unique_ip, orphan_hourly)
   are exactly what production writes. Prints how long that took.
4. Every statistics page (overview, per link, per message, per batch) over several ranges
   (7/30/90 days, one day by the hour, 90 days by month) and the CSV/xlsx exports, requested
   through the real ASGI app, after the hourly ``stats.warm`` job ran once: the first request
   of each page (it counts and keeps the closed days nothing kept yet), then ``--repeat``
   more; prints p50/p95 per page and the machine load. Target: every page p95 < 300 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from tortoise.connection import get_connection  # noqa: E402

from bench.stats_world import (  # noqa: E402
    DAYS,
    PEOPLE,
    TZ,
    World,
    _reused_world,
    build_world,
    plan_visits,
    table_counts,
    write_visits,
)
from studio.app import create_app  # noqa: E402
from studio.models.accounts import Workspace  # noqa: E402
from studio.models.links import ShortLink  # noqa: E402
from studio.settings import JobOptions, Settings  # noqa: E402
from studio.stats.period import closed_through, day_int  # noqa: E402
from studio.stats.uniques import over_range  # noqa: E402
from studio.stats.warm import warm_all  # noqa: E402

# -- the studio, through HTTP -----------------------------------------------------------------

_CSRF_RE = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


async def _login(client: httpx.AsyncClient) -> None:
    page = await client.get("/login")
    match = _CSRF_RE.search(page.text)
    assert match, f"no login form ({page.status_code})"
    response = await client.post("/login", data={
        "login": "owner@example.cn", "password": "correct horse 1", "csrf_token": match.group(1)})
    assert response.status_code == 303, response.text[:500]


async def _setup_owner(client: httpx.AsyncClient) -> None:
    page = await client.get("/setup")
    match = _CSRF_RE.search(page.text)
    assert match, f"no setup form ({page.status_code})"
    response = await client.post("/setup", data={
        "workspace_name": "统计基准", "name": "王经理", "login": "owner@example.cn",
        "password": "correct horse 1", "csrf_token": match.group(1)})
    assert response.status_code == 303, response.text[:500]


# -- the pages --------------------------------------------------------------------------------

def ranges(today: date) -> list[tuple[str, dict[str, str]]]:
    return [
        ("7 days (default)", {}),
        ("30 days", {"from": str(today - timedelta(days=29)), "to": str(today)}),
        ("90 days", {"from": str(today - timedelta(days=89)), "to": str(today)}),
        ("1 day by hour", {"from": str(today - timedelta(days=1)),
                           "to": str(today - timedelta(days=1))}),
        ("90 days by month", {"from": str(today - timedelta(days=89)), "to": str(today),
                              "by": "month"}),
    ]


async def pages(world: World, today: date) -> list[tuple[str, str, dict[str, str]]]:
    """(label, path, query) of every page measured."""
    ws = world.workspace_id
    top = await get_connection("default").execute_query_dict(
        "SELECT id FROM short_link WHERE workspace_id = ? AND batch_id IS NULL "
        "ORDER BY visits DESC LIMIT 1", [ws])
    personal = await ShortLink.filter(workspace_id=ws, batch_id__isnull=False).order_by(
        "-visits").first()
    subjects = [
        ("overview", "/stats"),
        ("link (most visited)", f"/stats/link/{top[0]['id']}"),
        ("link (personalised)", f"/stats/link/{personal.id if personal else 0}"),
        ("message", f"/stats/message/{world.message_ids[0]}"),
        ("batch", f"/stats/batch/{world.batch_ids[0]}"),
    ]
    measured = [(f"{label} · {name}", path, query)
                for label, path in subjects for name, query in ranges(today)]
    last90 = ranges(today)[2][1]
    measured.append(("overview · export.csv 90 days", "/stats/export.csv", last90))
    for label, path in subjects[1:]:
        measured.append((f"{label} · export.csv 90 days", f"{path}/export.csv", last90))
    measured.append(("batch · export.xlsx 90 days", f"{subjects[4][1]}/export.xlsx", last90))
    measured.append(("link list sorted by visits", "/links", {"sort": "visits"}))
    return measured


async def measure(client: httpx.AsyncClient, path: str, query: dict[str, str],
                  repeat: int) -> tuple[float, list[float]]:
    """The first request (it counts and keeps what the warm job did not) and `repeat` more."""
    t0 = time.perf_counter()
    response = await client.get(path, params=query)
    first = (time.perf_counter() - t0) * 1000
    assert response.status_code == 200, (path, response.status_code, response.text[:300])
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        response = await client.get(path, params=query)
        times.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    return first, times


async def worst_hour(world: World, today: date, repeat: int) -> None:
    """Between 00:00 and 01:00 local time yesterday is not closed yet, so a range ending
    today probes two days of keys instead of the hours of today: that range's UV/IP cost
    then, for the workspace over 90 days (a page asks it for the totals, and by month once
    more for the current month)."""
    ws = world.workspace_id
    first = day_int(today - timedelta(days=89))
    for label, closed in (("now", closed_through(datetime.now(ZoneInfo(TZ)))),
                          ("00:00-01:00", today - timedelta(days=2))):
        await over_range(ws, "w", ws, first, day_int(today), closed)  # its closed part kept
        times = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            await over_range(ws, "w", ws, first, day_int(today), closed)
            times.append((time.perf_counter() - t0) * 1000)
        print(f"workspace UV+IP over 90 days, open days after {closed} ({label}): "
              f"p50 {statistics.median(times):.1f} ms, p95 {p95(times):.1f} ms")


def p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, math.ceil(0.95 * len(ordered)) - 1)]


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "?"


async def generate(client: httpx.AsyncClient, args: argparse.Namespace, database: Path,
                   ) -> World:
    await _setup_owner(client)
    workspace = await Workspace.first()
    assert workspace is not None
    rng = random.Random(args.seed)
    now = datetime.now(UTC).replace(microsecond=0)
    t0 = time.perf_counter()
    world = await build_world(rng, workspace.id, now)
    origin = (now - timedelta(days=DAYS)).timestamp()
    planned = plan_visits(rng, world, args.visits, origin, now.timestamp())
    t1 = time.perf_counter()
    print(f"workspace: {len(world.refs):,} links, {PEOPLE:,} people; "
          f"{args.visits:,} visits planned in {t1 - t0:.1f} s")
    built, written = await write_visits(world, planned)
    t2 = time.perf_counter()
    del planned
    counts = await table_counts()
    print(f"generation: {t2 - t0:.1f} s in all (build_batch {built:.1f} s, "
          f"write_batch {written:.1f} s; {args.visits / (built + written):,.0f} "
          f"visits/s through the writer's code)")
    print("rows: " + ", ".join(f"{t} {n:,}" for t, n in counts.items()))
    print(f"database: {database.stat().st_size / 1e6:,.0f} MB; "
          f"load {os.getloadavg()[0]:.2f}")
    return world


async def run(args: argparse.Namespace) -> int:
    tmp = Path(args.reuse) if args.reuse else Path(tempfile.mkdtemp(prefix="bench-stats-"))
    database = tmp / "stats.sqlite3"
    settings = Settings.from_env({"STUDIO_DATA_DIR": str(tmp / "data"),
                                  "DATABASE_URL": f"sqlite://{database}"})
    settings = settings.with_(jobs=JobOptions(embedded=False))
    app = create_app(settings)
    print(f"CPU: {cpu_model()}, {os.cpu_count()} cores; load {os.getloadavg()[0]:.2f} "
          f"{os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f} (1/5/15 min)")
    try:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 51234))
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver",
                                         timeout=120) as client:
                if args.reuse:
                    await _login(client)
                    world = await _reused_world()
                    print(f"reusing {database} ({database.stat().st_size / 1e6:,.0f} MB)")
                else:
                    world = await generate(client, args, database)
                today = datetime.now(ZoneInfo(TZ)).date()
                t0 = time.perf_counter()
                await warm_all(datetime.now(UTC))
                print(f"stats.warm job (keeps the overview's closed-day counts, hourly): "
                      f"{time.perf_counter() - t0:.1f} s")
                print(f"\n{'page':<48} {'first':>7} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
                worst = 0.0
                slow = []
                for label, path, query in await pages(world, today):
                    if args.only not in label:
                        continue
                    first, times = await measure(client, path, query, args.repeat)
                    high = p95(times)
                    worst = max(worst, high)
                    flag = "" if high < args.target else "  SLOW"
                    if flag:
                        slow.append(label)
                    print(f"{label:<48} {first:7.0f} {statistics.median(times):8.1f} {high:8.1f} "
                          f"{max(times):8.1f}{flag}", flush=True)
                await worst_hour(world, today, args.repeat)
        la = os.getloadavg()
        print(f"\nworst p95 {worst:.0f} ms (target < {args.target:.0f} ms, {args.repeat} "
              f"requests per page); load {la[0]:.2f} {la[1]:.2f} {la[2]:.2f} (1/5/15 min)")
        print("all pages within target" if not slow else f"over target: {', '.join(slow)}")
        return 0 if not slow else 1
    finally:
        if args.keep or args.reuse:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visits", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--target", type=float, default=300.0, help="p95 target in ms")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", metavar="DIR",
                        help="measure the pages on a folder kept by --keep (no generation)")
    parser.add_argument("--only", default="", help="measure only pages whose label has this")
    return asyncio.run(run(parser.parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
