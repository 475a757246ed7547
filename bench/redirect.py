"""Benchmark: the tracked short-link redirect against a bare 302, and a stop under load.

Run alone: ``python bench/redirect.py [--seconds 3] [--pairs 40] [--groups 5] [--connections 64]``.
Needs ``wrk`` (Debian package ``wrk``). Everything runs on 127.0.0.1 with a temporary
SQLite database:

(a) four servers under uvicorn with the same settings, driven by the same wrk script (1,000
    codes, 600 realistic user agents, varied client IPs through a trusted proxy header):
    - bare: a Starlette app answering the same 302 with no lookup and no tracking (the
      baseline the target is measured against);
    - raw: the same 302 from a plain ASGI callable, no framework at all; printed for
      comparison, because the tracked edge answers a cached link before Starlette's router
      (`h5.redirect.Edge`);
    - tracked (the production layout): ``h5.app:app`` with ``H5_SPOOL_DIR`` (cached lookup,
      302 with the visitor cookie, visits spooled to files) plus one ``studio h5-writer``
      process writing them to the database at a lower CPU priority;
    - in-process: ``h5.app:app`` writing its visits to the database itself (the embedded
      default's layout), for comparison.
    The servers take turns in short slices under the same wrk load. The target ratio comes
    from ``--pairs`` pairs of neighbouring bare and tracked slices (order alternating), one
    ratio per pair, summed up by the median: on a shared VM the host's speed changes from one
    slice to the next (the bare app against a copy of itself, neighbouring 2 s slices:
    quartiles 0.93–1.09, all 0.83–1.17), so one run's median needs many pairs. Then
    ``--groups`` groups of one slice per server give the other ratios.
    Prints the server stack (uvicorn picks httptools and uvloop when they are installed),
    each pair and group, the median ratios with their quartiles (target: median ≥ 0.8 for
    tracked/bare), requests/s, the server process's CPU time per request, and how long the
    writer needed after each tracked slice to catch up;
(b) SIGTERM to the tracked server in the middle of a wrk run: responses wrk received vs visit
    rows stored once the writer drained the spool (target: equal);
(c) the CH5 page's HTML+CSS size, gzipped (budget 14 KB).
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import http.client
import importlib.util
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from starlette.applications import Starlette
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.wrk_load import (  # noqa: E402
    responses,
    run_wrk,
    user_agents,
    write_wrk_script,
    wrk_command,
)

CODES = 1000


# -- the baseline: the same 302 with no lookup and no tracking -------------------------------

class _BareRedirect:
    """The same 302 (headers as the tracked path sends them, minus the visitor cookie) from a
    raw ASGI endpoint like the tracked one: the ratio measures the tracking work, not a
    difference in framework layers."""

    _start = {"type": "http.response.start", "status": 302, "headers": [
        (b"cache-control", b"private, no-store"), (b"referrer-policy", b"no-referrer"),
        (b"content-length", b"0"), (b"location", b"https://example.cn/landing?a=1")]}
    _body = {"type": "http.response.body", "body": b"", "more_body": False}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send(self._start)
        await send(self._body)


bare_app = Starlette(routes=[Route("/{code}", _BareRedirect(), methods=["GET"])])


async def raw_app(scope: Scope, receive: Receive, send: Send) -> None:
    """The same 302 with no framework at all (every path): for comparison, since the tracked
    edge answers a cached link before Starlette's router (`h5.redirect.Edge`)."""
    if scope["type"] == "lifespan":
        while True:
            if (await receive())["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            else:
                await send({"type": "lifespan.shutdown.complete"})
                return
    await send(_BareRedirect._start)
    await send(_BareRedirect._body)


# -- servers ---------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(app: str, env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "uvicorn", app, "--host", "127.0.0.1", "--port", str(port),
               "--no-proxy-headers", "--no-access-log", "--log-level", "warning",
               "--app-dir", str(ROOT)]
    process = subprocess.Popen(command, env=env, cwd=ROOT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/robots.txt")
            connection.getresponse().read()
            return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit(f"{app} did not start")


def warm_up(port: int, codes: list[str], agents: list[str]) -> None:
    """One request per user agent, then wait until the writer has flushed them: the run
    measures the steady state, not the first parse of each user agent (~5 ms each)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    for i, agent in enumerate(agents):
        connection.request("GET", f"/{codes[i % len(codes)]}", headers={"User-Agent": agent})
        connection.getresponse().read()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        connection.request("GET", "/-/health")
        response = connection.getresponse()
        body = response.read().decode()
        if response.status != 200 or "pending=0" in body:  # the bare app has no writer
            break
        time.sleep(0.5)
    connection.close()


def stop_server(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()


# -- data ------------------------------------------------------------------------------------

async def _prepare(database_url: str) -> tuple[list[str], str]:
    from studio.db import close_db, init_db
    from studio.links.service import LinkSpec, create_link
    from studio.models.accounts import Workspace
    from studio.models.links import ShortLink
    from studio.models.messages import ChatbotProfile, Message, MessageVersion, ReviewStatus
    from tests.h5.documents import CARD

    await init_db(database_url, migrate=True)
    workspace = await Workspace.create(name="bench")
    links = [ShortLink(workspace=workspace, code=f"b{i:05d}x", name=f"link {i}",
                       target_url=f"https://example.cn/landing/{i}?from=sms")
             for i in range(CODES)]
    await ShortLink.bulk_create(links)
    bot = await ChatbotProfile.create(workspace=workspace, name="示例银行")
    message = await Message.create(workspace=workspace, name="card", kind="card", chatbot=bot,
                                   approved_version=1)
    version = await MessageVersion.create(workspace=workspace, message=message, number=1,
                                          document=CARD, status=ReviewStatus.APPROVED)
    ch5 = await create_link(workspace.id, None, LinkSpec(
        message_version_id=version.id, variables={"city": "上海", "name": "张三"}))
    await close_db()
    return [link.code for link in links], ch5.code


async def _count_visits(database_url: str) -> int:
    from studio.db import close_db, init_db
    from studio.models.visits import Visit

    await init_db(database_url, migrate=False)
    count = await Visit.all().count()
    await close_db()
    return count


# -- the runs --------------------------------------------------------------------------------

def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (all its threads)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start_writer(env: dict[str, str]) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-c", "from studio.cli import main; raise SystemExit(main())",
               "h5-writer"]
    return subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL)


def spooled(spool: Path) -> int:
    return sum(1 for _ in spool.glob("*.visits"))


def wait_drained(spool: Path, limit: float = 300) -> float:
    """Seconds until the writer has taken every spooled file."""
    began = time.monotonic()
    while spooled(spool) and time.monotonic() - began < limit:
        time.sleep(0.1)
    return time.monotonic() - began


class Slices:
    """Runs the servers in turns of `seconds` under the same wrk load, and keeps what each
    slice measured (requests/s, the server's CPU time per request, the writer's catch-up)."""

    def __init__(self, servers: dict[str, subprocess.Popen[bytes]], ports: dict[str, int],
                 script: Path, seconds: int, connections: int, spool: Path) -> None:
        self.servers, self.ports, self.script = servers, ports, script
        self.seconds, self.connections, self.spool = seconds, connections, spool
        self.best = dict.fromkeys(servers, 0.0)
        self.costs: dict[str, list[float]] = {name: [] for name in servers}
        self.catch_up: list[float] = []

    def run(self, name: str) -> float:
        before = cpu_seconds(self.servers[name].pid)
        rate, total, bad = run_wrk(f"http://127.0.0.1:{self.ports[name]}", self.script,
                                   self.seconds, self.connections)
        if bad:
            raise SystemExit(f"{name}: {bad} answers were not redirects")
        self.costs[name].append((cpu_seconds(self.servers[name].pid) - before) / total * 1e6)
        self.best[name] = max(self.best[name], rate)
        if name == "tracked":
            self.catch_up.append(wait_drained(self.spool))
        elif name == "in-process":
            time.sleep(1.5)  # its writer's last flush stays in its own slice
        return rate

    def pair(self, number: int) -> tuple[float, float]:
        """(bare, tracked) requests/s of two neighbouring slices, in alternating order."""
        order = ("bare", "tracked") if number % 2 == 0 else ("tracked", "bare")
        rate = {name: self.run(name) for name in order}
        print(f"pair {number + 1:2}: " + ", ".join(
            f"{name} {rate[name]:,.0f} req/s ({self.costs[name][-1]:.0f} us CPU/req)"
            for name in order) + f"; tracked/bare {rate['tracked'] / rate['bare']:.2f}; "
            f"writer caught up {self.catch_up[-1]:.1f} s later", flush=True)
        return rate["bare"], rate["tracked"]

    def group(self, number: int) -> dict[str, float]:
        """One slice of every server, each first in turn."""
        names = list(self.servers)
        order = names[number % len(names):] + names[:number % len(names)]
        rate = {name: self.run(name) for name in order}
        print(f"group {number + 1}: " + ", ".join(
            f"{name} {rate[name]:,.0f} req/s ({self.costs[name][-1]:.0f} us CPU/req)"
            for name in names), flush=True)
        return rate


def _stack() -> str:
    """What uvicorn runs on here: its HTTP parser and event loop (auto-detected)."""
    http = "httptools" if importlib.util.find_spec("httptools") else "h11"
    loop = "uvloop" if importlib.util.find_spec("uvloop") else "asyncio"
    return f"{http}, {loop}"


def _quartiles(values: list[float]) -> str:
    q1, q2, q3 = statistics.quantiles(values, n=4) if len(values) > 1 else values * 3
    return f"median {q2:.2f} (quartiles {q1:.2f}–{q3:.2f}, all {min(values):.2f}–{max(values):.2f})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=3, help="length of one slice")
    parser.add_argument("--pairs", type=int, default=40,
                        help="pairs of bare and tracked slices (the target ratio)")
    parser.add_argument("--groups", type=int, default=5,
                        help="groups of one slice per server (the other ratios)")
    parser.add_argument("--connections", type=int, default=64)
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is required: apt-get install wrk")

    tmp = Path(tempfile.mkdtemp(prefix="bench-redirect-"))
    database_url = f"sqlite://{tmp / 'bench.sqlite3'}"
    codes, ch5_code = asyncio.run(_prepare(database_url))
    script = tmp / "load.lua"
    write_wrk_script(script, codes, user_agents())
    spool = tmp / "spool"
    env = {**os.environ, "STUDIO_DATA_DIR": str(tmp), "DATABASE_URL": database_url,
           "H5_TRUSTED_PROXIES": "127.0.0.1", "PYTHONPATH": str(ROOT)}
    spool_env = {**env, "H5_SPOOL_DIR": str(spool)}
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text()
                .splitlines() if line.startswith("model name")), "?")
    print(f"server CPU: {cpu}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}; "
          f"one uvicorn process each ({_stack()}); wrk -t1 -c{args.connections}, "
          f"{args.pairs} pairs of {args.seconds} s slices, then {args.groups} groups of four")
    print(f"{CODES} codes, {len(user_agents())} user agents, random client IPs")

    names = ("bare", "raw", "tracked", "in-process")
    ports = {name: free_port() for name in names}
    servers: dict[str, subprocess.Popen[bytes]] = {}
    writer = start_writer(spool_env)
    try:
        servers["bare"] = start_server("bench.redirect:bare_app", env, ports["bare"])
        servers["raw"] = start_server("bench.redirect:raw_app", env, ports["raw"])
        servers["tracked"] = start_server("h5.app:app", spool_env, ports["tracked"])
        servers["in-process"] = start_server("h5.app:app", env, ports["in-process"])
        agents = user_agents()
        for name in names:
            warm_up(ports[name], codes, agents)
            run_wrk(f"http://127.0.0.1:{ports[name]}", script, 3, args.connections)
        wait_drained(spool)
        slices = Slices(servers, ports, script, args.seconds, args.connections, spool)
        visits, writer_cpu = asyncio.run(_count_visits(database_url)), cpu_seconds(writer.pid)
        pairs = [slices.pair(number) for number in range(args.pairs)]
        ratios = [tracked / bare for bare, tracked in pairs]
        visits = asyncio.run(_count_visits(database_url)) - visits
        per_visit = (cpu_seconds(writer.pid) - writer_cpu) / max(visits, 1) * 1e6
        print(f"(a) tracked/bare over {len(pairs)} pairs: {_quartiles(ratios)} "
              "(target: median >= 0.8)")
        print(f"    the writer: {per_visit:.0f} us CPU per visit stored ({visits:,} visits; "
              f"one writer process keeps up with {1e6 / per_visit:,.0f} visits/s)")
        compared: dict[str, list[float]] = {"in-process": [], "raw": []}
        for group in range(args.groups):
            rate = slices.group(group)
            compared["in-process"].append(rate["in-process"] / rate["bare"])
            compared["raw"].append(rate["tracked"] / rate["raw"])
        print(f"    in-process/bare over {args.groups} groups: "
              f"{_quartiles(compared['in-process'])}")
        print(f"    tracked/raw (no framework in the baseline): {_quartiles(compared['raw'])}")
        print("    best slices: " + ", ".join(f"{name} {slices.best[name]:,.0f} req/s"
                                             for name in names)
              + "; median server CPU per request: " + ", ".join(
                  f"{name} {statistics.median(slices.costs[name]):.0f} us" for name in names)
              + f"; the writer caught up {min(slices.catch_up):.1f}–"
              f"{max(slices.catch_up):.1f} s after a tracked slice")
    finally:
        for process in servers.values():
            stop_server(process)
    wait_drained(spool)

    before = asyncio.run(_count_visits(database_url))
    tracked = start_server("h5.app:app", spool_env, ports["tracked"])
    load = subprocess.Popen(wrk_command(f"http://127.0.0.1:{ports['tracked']}", script, 6,
                                        args.connections), stdout=subprocess.PIPE, text=True)
    time.sleep(3)
    tracked.send_signal(signal.SIGTERM)
    tracked.wait(timeout=60)
    out, _ = load.communicate(timeout=60)
    wait_drained(spool)
    stop_server(writer)
    answered = responses(out)
    stored = asyncio.run(_count_visits(database_url)) - before
    verdict = "equal" if answered == stored else "DIFFERENT"
    print(f"(b) SIGTERM under load: {answered} responses, {stored} visits stored ({verdict})")

    page = start_server("h5.app:app", env, ports["tracked"])
    try:
        html = urllib.request.urlopen(f"http://127.0.0.1:{ports['tracked']}/{ch5_code}?nostat").read()
    finally:
        stop_server(page)
    print(f"(c) CH5 card page: {len(html)} bytes HTML+CSS, {len(gzip.compress(html))} gzipped "
          "(budget 14,000)")
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
