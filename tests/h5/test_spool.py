"""The visit spool: standalone edge processes write files, `studio h5-writer` writes them to
the database exactly once, with the same rows and rollups as the in-process writer."""

from __future__ import annotations

import marshal
import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from h5.app import create_h5_app
from h5.spool import HEADER, SUFFIX, SpoolIngester, SpoolSink, decode, encode
from h5.tracking import LinkRef, RawVisit, to_row
from h5.visitor import Visitor
from studio.models.links import ShortLink
from studio.models.visits import SpoolFile, UniqueVisitor, Visit, VisitHourly, VisitType
from studio.settings import Settings, TrackingOptions
from tests.h5.conftest import ANDROID_CHROME, IPHONE_WECHAT, LinkFactory

ROOT = Path(__file__).resolve().parents[2]


def _spooled(settings: Settings, spool: Path) -> Settings:
    return settings.with_(tracking=TrackingOptions(
        spool_dir=str(spool), flush_seconds=60, flush_size=10_000))


def test_a_visit_survives_the_file_unchanged() -> None:
    at = datetime(2026, 11, 25, 8, 30, 15, 123456, tzinfo=UTC)
    ref = LinkRef(7, 3, 11, None, "Asia/Shanghai")
    visits = [
        RawVisit(VisitType.LINK, at, Visitor("203.0.113.9", IPHONE_WECHAT, "", ""), ref,
                 key="k" * 22),
        RawVisit(VisitType.BUTTON, at, Visitor("2408:8207:1:2::9", "爬虫/1.0 \x00",
                                               "https://例子.cn/", "c" * 22), ref,
                 button_id="b1"),
        RawVisit(VisitType.ORPHAN, at, Visitor("", "", "", ""), None, code="zz9"),
    ]
    assert decode(encode([to_row(v) for v in visits])) == visits


@pytest.mark.parametrize("data", [
    b"", b"{", HEADER, HEADER + b"\x00garbage", HEADER + marshal.dumps({"visits": []}),
    HEADER + marshal.dumps([(1, 2)]), HEADER + marshal.dumps([("x", 0, "", "", "", "", "", None,
                                                               "", "")]),
    HEADER.replace(b"py3", b"py2") + marshal.dumps([]),
])
def test_anything_else_is_refused(data: bytes) -> None:
    with pytest.raises(ValueError):
        decode(data)


async def test_edge_spools_and_the_writer_counts_each_file_once(
    settings: Settings, make_link: LinkFactory, tmp_path: Path
) -> None:
    link = await make_link()
    spool = tmp_path / "spool"
    # a standalone edge with a spool directory (the studio-mounted app writes itself)
    edge = create_h5_app(_spooled(settings, spool), standalone=True)
    lifecycle = edge.state.lifecycle
    await lifecycle.start()
    transport = httpx.ASGITransport(app=edge, client=("192.0.2.1", 1))
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
        for i in range(30):
            agent = ANDROID_CHROME if i % 2 else IPHONE_WECHAT
            r = await c.get(f"/{link.code}", headers={"user-agent": agent,
                                                      "cookie": f"h5v={'v' * 20}{i % 3:02d}"})
            assert r.status_code == 302
    await lifecycle.stop()  # a graceful stop flushes the buffer to the spool
    files = sorted(spool.glob(f"*{SUFFIX}"))
    assert len(files) == 1 and len(decode(files[0].read_bytes())) == 30
    assert await Visit.filter(link_id=link.id).count() == 0  # nothing written by the edge

    kept = tmp_path / "copy"
    shutil.copyfile(files[0], kept)
    ingester = SpoolIngester(spool, settings.ip_hash_key)
    assert await ingester.ingest() == 30
    assert list(spool.glob(f"*{SUFFIX}")) == []
    # a crash after the commit but before the unlink: the file comes back
    shutil.copyfile(kept, files[0])
    assert await ingester.ingest() == 0
    assert list(spool.glob(f"*{SUFFIX}")) == []

    assert await Visit.filter(link_id=link.id).count() == 30
    assert (await ShortLink.get(id=link.id)).visits == 30
    hourly = await VisitHourly.filter(scope="l", scope_id=link.id)
    assert sum(h.pv for h in hourly) == 30
    assert await UniqueVisitor.filter(scope="l", scope_id=link.id).count() == 3
    assert await SpoolFile.filter(name=files[0].name).count() == 1


async def test_a_damaged_file_is_set_aside(db: None, settings: Settings, tmp_path: Path) -> None:
    spool = tmp_path / "spool"
    sink = SpoolSink(spool)
    (spool / f"00000000000000000001-1-000001{SUFFIX}").write_bytes(b"not a spool file")
    good = sink.write([to_row(RawVisit(VisitType.ORPHAN, datetime.now(UTC),
                                       Visitor("192.0.2.7", ANDROID_CHROME, "", ""),
                                       code="nope"))])
    ingester = SpoolIngester(spool, settings.ip_hash_key)
    assert await ingester.ingest() == 1
    assert not good.exists()
    assert [p.name for p in (spool / "bad").iterdir()] == [
        f"00000000000000000001-1-000001{SUFFIX}"]


@pytest.mark.slow
async def test_studio_h5_writer_command_drains_the_spool(
    settings: Settings, make_link: LinkFactory, tmp_path: Path
) -> None:
    link = await make_link()
    spool = tmp_path / "spool"
    at = datetime.now(UTC)
    ref = LinkRef(link.id, link.workspace_id, None, None, "Asia/Shanghai")
    sink = SpoolSink(spool)
    for n in range(3):
        sink.write([to_row(RawVisit(VisitType.LINK, at,
                                    Visitor(f"192.0.2.{i}", ANDROID_CHROME, "", ""), ref))
                    for i in range(1, 11 + n)])
    env = {**os.environ, "STUDIO_DATA_DIR": str(settings.data_dir),
           "DATABASE_URL": settings.database_url, "H5_SPOOL_DIR": str(spool),
           "H5_WRITER_NICE": "0", "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-c", "from studio.cli import main; raise SystemExit(main())",
               "h5-writer", "--once"]
    done = subprocess.run(command, env=env,
                          capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert "33 visits from 3 files written" in done.stdout
    assert await Visit.filter(link_id=link.id).count() == 33
    assert list(spool.glob(f"*{SUFFIX}")) == []


@pytest.mark.skipif(not hasattr(os, "SCHED_IDLE"), reason="SCHED_IDLE is Linux-only")
@pytest.mark.parametrize(("idle", "policy"), [(True, "SCHED_IDLE"), (False, "SCHED_OTHER")])
def test_the_writer_takes_only_idle_cpu_unless_told_otherwise(idle: bool, policy: str) -> None:
    """`studio h5-writer` lowers its own priority before its first write (in a child
    process here: a process cannot raise its priority back)."""
    probe = ("import os; from studio.cli import _lower_priority; "
             f"_lower_priority(0, {idle}); print(os.sched_getscheduler(0))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          timeout=60, cwd=ROOT, check=True)
    assert int(done.stdout) == getattr(os, policy)
