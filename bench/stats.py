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
from array import array
from datetime import UTC, date, datetime, timedelta
from itertools import accumulate
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from tortoise.connection import get_connection  # noqa: E402
from tortoise.transactions import in_transaction  # noqa: E402

from bench.redirect import user_agents  # noqa: E402
from h5.rollups import build_batch, write_batch  # noqa: E402
from h5.tracking import LinkRef, RawVisit  # noqa: E402
from h5.visitor import Visitor  # noqa: E402
from studio.app import create_app  # noqa: E402
from studio.models.accounts import Workspace  # noqa: E402
from studio.models.links import ShortLink  # noqa: E402
from studio.models.messages import ChatbotProfile, Message, MessageVersion, ReviewStatus  # noqa: E402
from studio.models.sending import SendBatch  # noqa: E402
from studio.settings import JobOptions, Settings  # noqa: E402
from studio.stats.period import closed_through, day_int  # noqa: E402
from studio.stats.uniques import over_range  # noqa: E402
from studio.stats.warm import warm_all  # noqa: E402
from tests.h5.documents import CARD  # noqa: E402

TZ = "Asia/Shanghai"
DAYS = 90
SHARED_LINKS = 300
CH5_SHARE = 0.3
MESSAGES = 8
BATCHES = 5
PER_BATCH = 20_000
#: recipients who open their personalised link at all (the others never do)
OPENERS = 0.3
OTHER_LINKS = 20
PEOPLE = 300_000
CHUNK = 20_000
HASH_KEY = "bench-ip-hash-key"
BUTTONS = ["c0b0", "c0b1", "c0b2", "c0b3", "s1"]
BUTTON_WEIGHTS = [50, 15, 10, 5, 20]
BOT_AGENTS = [
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "Mozilla/5.0 (Linux; Android 8.0.0; SM-G935F Build/R16NW; wv) AppleWebKit/537.36 (KHTML, "
    "like Gecko) YisouSpider/5.0 Mobile Safari/537.36",
    "python-requests/2.31.0",
    "curl/8.5.0",
    "",
]
DESKTOP_AGENTS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.1 Safari/605.1.15",
    "Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/108.0.5359.95 Safari/537.36 QBCore/4.0.1326.400 QQBrowser/9.0.2524.400 "
    "Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/81.0.4044.138 Safari/537.36 NetType/WIFI MicroMessenger/7.0.20.1781(0x6700143B) "
    "WindowsWechat(0x63090719) XWEB/8501",
]
REFERRERS = ["", "", "", "", "", "", "https://weixin.qq.com/", "https://m.weibo.cn/status/1",
             "https://www.baidu.com/s?wd=x", "https://mp.weixin.qq.com/s/abc",
             "https://www.douyin.com/"]
#: share of a local day's traffic per hour (phones: evening peak, quiet nights)
HOURS = [1, 0.6, 0.4, 0.3, 0.3, 0.5, 1.2, 2.5, 4, 5, 5.5, 6, 6.5, 5.5, 5, 5, 5, 5.5, 6, 7, 7.5,
         7, 5, 2.5]
KIND_OPEN, KIND_CH5, KIND_BUTTON, KIND_REPLY, KIND_EXPIRED, KIND_ORPHAN = range(6)


# -- the studio, through HTTP -----------------------------------------------------------------

_CSRF_RE = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


async def _login(client: httpx.AsyncClient) -> None:
    page = await client.get("/login")
    match = _CSRF_RE.search(page.text)
    assert match, f"no login form ({page.status_code})"
    response = await client.post("/login", data={
        "login": "owner@example.cn", "password": "correct horse 1", "csrf_token": match.group(1)})
    assert response.status_code == 303, response.text[:500]


async def _reused_world() -> World:
    world = World()
    workspace = await Workspace.filter(name="统计基准").first()
    assert workspace is not None, "not a database made by this benchmark"
    world.workspace_id = workspace.id
    world.message_ids = [m.id for m in await Message.filter(workspace=workspace).order_by("id")]
    world.batch_ids = [b.id for b in await SendBatch.filter(workspace=workspace).order_by("id")]
    return world


async def _setup_owner(client: httpx.AsyncClient) -> None:
    page = await client.get("/setup")
    match = _CSRF_RE.search(page.text)
    assert match, f"no setup form ({page.status_code})"
    response = await client.post("/setup", data={
        "workspace_name": "统计基准", "name": "王经理", "login": "owner@example.cn",
        "password": "correct horse 1", "csrf_token": match.group(1)})
    assert response.status_code == 303, response.text[:500]


# -- the workspace ----------------------------------------------------------------------------

class World:
    """The links and people visits are drawn from (parallel lists, kept small)."""

    def __init__(self) -> None:
        self.refs: list[LinkRef] = []
        self.is_ch5: list[bool] = []
        #: link index → first day (0..DAYS-1) and decay in days
        self.start: list[float] = []
        self.decay: list[float] = []
        #: link index → expiry (unix seconds) or 0
        self.expires: list[int] = []
        self.weights: list[float] = []
        #: personalised link index → its recipient (a person)
        self.recipient: dict[int, int] = {}
        self.people: list[Visitor] = []
        self.message_ids: list[int] = []
        self.batch_ids: list[int] = []
        self.workspace_id = 0


async def _messages(workspace: Workspace, count: int) -> list[MessageVersion]:
    bot = await ChatbotProfile.create(workspace=workspace, name="示例银行")
    versions = []
    for i in range(count):
        message = await Message.create(workspace=workspace, name=f"冬季活动 {i + 1}",
                                       kind="card", chatbot=bot, approved_version=1)
        versions.append(await MessageVersion.create(
            workspace=workspace, message=message, number=1, document=CARD,
            status=ReviewStatus.APPROVED))
    return versions


def _people(rng: random.Random, count: int) -> list[Visitor]:
    agents = user_agents(600)
    people = []
    for i in range(count):
        roll = rng.random()
        if roll < 0.03:
            agent = rng.choice(BOT_AGENTS)
        elif roll < 0.08:
            agent = rng.choice(DESKTOP_AGENTS)
        else:
            agent = agents[min(int(rng.paretovariate(1.2)) - 1, len(agents) - 1)
                           if rng.random() < 0.5 else rng.randrange(len(agents))]
        if rng.random() < 0.85:
            ip = (f"{rng.choice([36, 39, 58, 59, 60, 61, 101, 106, 111, 112, 113, 117, 120, 183])}"
                  f".{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}")
        else:
            ip = f"240e:{rng.randrange(0x400, 0x4ff):x}:{rng.randrange(65536):x}::{i % 9973:x}"
        cookie = "" if rng.random() < 0.2 else f"v{i:09d}{rng.getrandbits(64):016x}"[:22]
        people.append(Visitor(ip=ip, user_agent=agent, referrer=rng.choice(REFERRERS),
                              visitor_id=cookie))
    return people


async def build_world(rng: random.Random, owner_id: int, now: datetime) -> World:
    world = World()
    workspace = await Workspace.get(id=owner_id)
    world.workspace_id = workspace.id
    versions = await _messages(workspace, MESSAGES)
    world.message_ids = [v.message_id for v in versions]  # type: ignore[attr-defined]
    origin = now - timedelta(days=DAYS)
    rows: list[ShortLink] = []
    plans: list[tuple[float, float, int, float, int | None]] = []  # start, decay, expiry, w, b
    for i in range(SHARED_LINKS):
        version = versions[i % MESSAGES] if rng.random() < CH5_SHARE else None
        rows.append(ShortLink(
            workspace=workspace, code=f"s{i:05d}", name=f"活动短链 {i + 1}",
            target_url="" if version else f"https://shop.example.cn/p/{i}?utm=sms",
            message_version_id=version.id if version else None,
            message_id=version.message_id if version else None))  # type: ignore[attr-defined]
        start = rng.uniform(0, DAYS - 2)
        plans.append((start, rng.uniform(2, 25), 0, 1 / (i + 1) ** 0.8, None))
    for b in range(BATCHES):
        version = versions[b % MESSAGES]
        sent = rng.uniform(3, DAYS - 3)
        link_days = rng.choice([3, 5, 7])
        batch = await SendBatch.create(
            workspace=workspace, number=f"B{now:%Y%m%d}{b:04d}", name=f"会员关怀第 {b + 1} 期",
            message_version=version, message_id=version.message_id,  # type: ignore[attr-defined]
            template_name="冬季活动", link_days=link_days)
        world.batch_ids.append(batch.id)
        expiry = int((origin + timedelta(days=sent + link_days)).timestamp())
        for r in range(PER_BATCH):
            rows.append(ShortLink(
                workspace=workspace, code=f"p{b}{r:05d}{rng.getrandbits(20):05x}",
                message_version_id=version.id, message_id=version.message_id,  # type: ignore[attr-defined]
                batch_id=batch.id, recipient=f"138****{r % 10000:04d}",
                variables={"name": "张三", "city": "上海"},
                expires_at=datetime.fromtimestamp(expiry, UTC)))
            plans.append((sent, 0.8, expiry, 0.0, batch.id))
    other = await Workspace.create(name="别家", timezone=TZ)
    for i in range(OTHER_LINKS):
        rows.append(ShortLink(workspace=other, code=f"o{i:05d}", name=f"别家 {i}",
                              target_url=f"https://other.example.cn/{i}"))
        plans.append((rng.uniform(0, DAYS - 2), 30.0, 0, 0.05, None))
    await ShortLink.bulk_create(rows, batch_size=2000)
    saved = {link.code: link for link in await ShortLink.all()}
    for row, (start, decay, expiry, weight, batch_id) in zip(rows, plans, strict=True):
        link = saved[row.code]
        world.refs.append(LinkRef(link.id, link.workspace_id,  # type: ignore[attr-defined]
                                  link.message_id, batch_id, TZ))
        world.is_ch5.append(link.message_version_id is not None)  # type: ignore[attr-defined]
        world.start.append(start)
        world.decay.append(decay)
        world.expires.append(expiry)
        world.weights.append(weight)
    world.people = _people(rng, PEOPLE)
    first_personal = SHARED_LINKS
    for k in range(BATCHES * PER_BATCH):
        world.recipient[first_personal + k] = rng.randrange(PEOPLE)
    return world


# -- the visits -------------------------------------------------------------------------------

def plan_visits(rng: random.Random, world: World, total: int, origin: float, end: float,
                ) -> tuple[array[int], array[int], array[int], array[int], array[int]]:
    """Visits as parallel arrays (time, link, person, kind, button): small enough for a
    million. A personalised link is opened by its recipient (now and then by someone it was
    forwarded to); shared links by anyone, popular ones more."""
    ts, links, persons, kinds, buttons = (array("q"), array("i"), array("i"), array("b"),
                                          array("b"))
    shared = list(range(SHARED_LINKS))
    shared_cum = list(accumulate(world.weights[i] for i in shared))
    others = list(range(SHARED_LINKS + BATCHES * PER_BATCH, len(world.refs)))
    personal0 = SHARED_LINKS
    hour_cum = list(accumulate(HOURS))
    hours = list(range(24))
    button_cum = list(accumulate(BUTTON_WEIGHTS))
    button_ids = list(range(len(BUTTONS)))
    day = 86400.0

    def moment(link: int) -> float:
        offset = world.start[link] + rng.expovariate(1 / world.decay[link])
        if offset >= DAYS:
            offset = rng.uniform(world.start[link], DAYS)
        base = origin + math.floor(offset) * day
        # local hour from the daily curve (Shanghai is UTC+8)
        hour = rng.choices(hours, cum_weights=hour_cum)[0]
        return base + ((hour - 8) % 24) * 3600 + rng.uniform(0, 3600)

    def add(t: float, link: int, person: int, kind: int, button: int = -1) -> None:
        if t >= end:
            t = end - rng.uniform(60, 6 * 3600)
        ts.append(int(t * 1000))
        links.append(link)
        persons.append(person)
        kinds.append(kind)
        buttons.append(button)

    while len(ts) < total:
        roll = rng.random()
        if roll < 0.005:  # a scan of unknown codes
            add(rng.uniform(origin, end), -1, rng.randrange(200), KIND_ORPHAN)
            continue
        if roll < 0.02:
            link = rng.choice(others)
            person = rng.randrange(PEOPLE)
        elif roll < 0.08:
            batch = rng.randrange(BATCHES)
            link = personal0 + batch * PER_BATCH + rng.randrange(int(PER_BATCH * OPENERS))
            person = world.recipient[link]
            if rng.random() < 0.1:  # forwarded to a friend
                person = rng.randrange(PEOPLE)
        else:
            link = rng.choices(shared, cum_weights=shared_cum)[0]
            person = int(rng.paretovariate(0.9) * 7) % PEOPLE if rng.random() < 0.3 \
                else rng.randrange(PEOPLE)
        t = moment(link)
        expiry = world.expires[link]
        if expiry and t >= expiry:
            add(t, link, person, KIND_EXPIRED)
            continue
        ch5 = world.is_ch5[link]
        add(t, link, person, KIND_CH5 if ch5 else KIND_OPEN)
        if ch5 and rng.random() < 0.3:
            add(t + rng.uniform(3, 90), link, person, KIND_BUTTON,
                rng.choices(button_ids, cum_weights=button_cum)[0])
        if ch5 and rng.random() < 0.02:
            add(t + rng.uniform(5, 120), link, person, KIND_REPLY, 4)
    del ts[total:], links[total:], persons[total:], kinds[total:], buttons[total:]
    return ts, links, persons, kinds, buttons


def _raw(world: World, t: int, link: int, person: int, kind: int, button: int) -> RawVisit:
    at = datetime.fromtimestamp(t / 1000, UTC)
    visitor = world.people[person]
    if kind == KIND_ORPHAN:
        return RawVisit.for_unknown_code(f"zz{t % 99991:05d}", visitor, at)
    ref = world.refs[link]
    if kind == KIND_EXPIRED:
        return RawVisit.for_expired(ref, visitor, at)
    if kind == KIND_BUTTON:
        return RawVisit.for_button(ref, BUTTONS[button], visitor, at)
    if kind == KIND_REPLY:
        return RawVisit.for_reply(ref, BUTTONS[button], visitor, at)
    return RawVisit.for_link(ref, visitor, at, ch5=kind == KIND_CH5)


async def write_visits(world: World, planned: tuple[array[int], ...]) -> tuple[float, float]:
    """Through the writer's code, in time order, one transaction per chunk; returns the
    seconds spent building batches and writing them."""
    ts, links, persons, kinds, buttons = planned
    order = sorted(range(len(ts)), key=ts.__getitem__)
    built = written = 0.0
    for start in range(0, len(order), CHUNK):
        t0 = time.perf_counter()
        raws = [_raw(world, ts[i], links[i], persons[i], kinds[i], buttons[i])
                for i in order[start:start + CHUNK]]
        batch = build_batch(raws, HASH_KEY)
        t1 = time.perf_counter()
        async with in_transaction() as conn:
            await write_batch(conn, batch)
        t2 = time.perf_counter()
        built, written = built + t1 - t0, written + t2 - t1
        done = min(start + CHUNK, len(order))
        if done % 200_000 < CHUNK:
            print(f"  {done:>9,} visits written ({built + written:.0f} s)", flush=True)
    return built, written


async def table_counts() -> dict[str, int]:
    conn = get_connection("default")
    counts = {}
    for table in ("visit", "visit_hourly", "visit_dim", "unique_visitor", "unique_ip",
                  "orphan_hourly", "short_link"):
        rows = await conn.execute_query_dict(f"SELECT COUNT(*) AS n FROM {table}")
        counts[table] = int(rows[0]["n"])
    return counts


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
