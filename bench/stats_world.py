"""The generated dataset of `bench/stats.py`: a realistic workspace (links, messages, send
batches, people) and a million visits written through the writer's own code
(`h5.rollups.build_batch` + `write_batch`), so the rollups are what production writes."""

from __future__ import annotations

import math
import random
import time
from array import array
from datetime import UTC, datetime, timedelta
from itertools import accumulate

from tortoise.connection import get_connection
from tortoise.transactions import in_transaction

from bench.redirect import user_agents
from h5.rollups import build_batch, write_batch
from h5.tracking import LinkRef, RawVisit
from h5.visitor import Visitor
from studio.models.accounts import Workspace
from studio.models.links import ShortLink
from studio.models.messages import ChatbotProfile, Message, MessageVersion, ReviewStatus
from studio.models.sending import SendBatch
from tests.h5.documents import CARD

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


async def _reused_world() -> World:
    world = World()
    workspace = await Workspace.filter(name="统计基准").first()
    assert workspace is not None, "not a database made by this benchmark"
    world.workspace_id = workspace.id
    world.message_ids = [m.id for m in await Message.filter(workspace=workspace).order_by("id")]
    world.batch_ids = [b.id for b in await SendBatch.filter(workspace=workspace).order_by("id")]
    return world
