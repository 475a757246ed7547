"""The visit spool: edge processes hand their visits to one writer process through files.

With `H5_SPOOL_DIR` set, the standalone h5 app (`uvicorn h5.app:app`, as many processes as
the host has cores) does no database work for visits: its `VisitWriter` flushes each batch
with `SpoolSink` as one file, written under a temporary name and renamed, so a reader never
sees half a file. `studio h5-writer` runs `SpoolIngester`: it reads the files in name (time)
order, writes several at a time in one transaction with exactly the rollups of the
in-process writer, records the files' names in that transaction (`visit_spool_file`, so a
crash between commit and unlink never counts a file twice, and a second writer cannot take
the same file), then deletes them. The writer runs at a lower CPU priority: under a burst
the edge answers first and the writer catches up after.

A graceful stop of an edge process flushes its buffer to the spool (no database needed), so
no visit is lost; a killed edge process loses at most its last second of visits.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import marshal
import os
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from h5.rollups import build_batch, write_batch
from h5.tracking import RawVisit, VisitRow, from_row
from studio.models.visits import SpoolFile

log = logging.getLogger("h5.spool")

SUFFIX = ".visits"
#: A file is this header, then the rows with `marshal` (the edge encodes a second's visits in
#: a fraction of a millisecond; JSON took eight times longer on the request processes). The
#: marshal format belongs to the Python version, which the header names: files of another
#: version (drain the spool before upgrading) are set aside, never misread. The folder is
#: private to the installation (0700); every row is checked again by `from_row`.
HEADER = f"h5-visits 1 py{sys.version_info[0]}.{sys.version_info[1]}\n".encode()


def encode(rows: list[VisitRow]) -> bytes:
    return HEADER + marshal.dumps(rows)


def decode(data: bytes) -> list[RawVisit]:
    """The visits of one spool file; ValueError when it is not one."""
    if not data.startswith(HEADER):
        raise ValueError("not a spool file of this version")
    try:
        rows = marshal.loads(data[len(HEADER):])
    except (EOFError, TypeError) as exc:
        raise ValueError(f"damaged spool file: {exc}") from exc
    if not isinstance(rows, list):
        raise ValueError("not a spool file: no visits")
    return [from_row(row) for row in rows]


class SpoolSink:
    """The edge side: each flushed batch becomes one file in `directory`."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._tmp = directory / "tmp"
        self._tmp.mkdir(parents=True, exist_ok=True)
        for folder in (directory, self._tmp):
            folder.chmod(0o700)
        self._seq = 0

    def write(self, rows: list[VisitRow]) -> Path:
        self._seq += 1
        name = f"{time.time_ns():020d}-{os.getpid()}-{self._seq:06d}{SUFFIX}"
        tmp = self._tmp / name
        tmp.write_bytes(encode(rows))
        final = self.directory / name
        os.replace(tmp, final)
        return final

    async def __call__(self, rows: list[VisitRow]) -> None:
        self.write(rows)


class SpoolIngester:
    """The writer side: files → database, each file exactly once."""

    def __init__(self, directory: Path, hash_key: str, *, max_files: int = 50,
                 max_visits: int = 20_000) -> None:
        self.directory = directory
        self._hash_key = hash_key
        self._max_files = max_files
        self._max_visits = max_visits
        self._bad = directory / "bad"
        self.written = 0
        self.files = 0

    def waiting(self) -> list[Path]:
        return sorted(self.directory.glob(f"*{SUFFIX}"))

    def _read(self, path: Path) -> list[RawVisit] | None:
        try:
            return decode(path.read_bytes())
        except FileNotFoundError:
            return None  # another writer took it
        except ValueError as exc:
            log.error("%s is not a spool file (%s); moved to %s", path.name, exc, self._bad)
            self._bad.mkdir(exist_ok=True)
            with contextlib.suppress(OSError):
                os.replace(path, self._bad / path.name)
            return None

    async def ingest(self) -> int:
        """Write the waiting files (up to the limits) in one transaction; visits written."""
        taken: list[Path] = []
        visits: list[RawVisit] = []
        for path in self.waiting()[: self._max_files]:
            read = self._read(path)
            if read is None:
                continue
            taken.append(path)
            visits.extend(read)
            if len(visits) >= self._max_visits:
                break
        if not taken:
            return 0
        try:
            async with in_transaction() as conn:
                await SpoolFile.bulk_create([SpoolFile(name=p.name) for p in taken],
                                            using_db=conn)
                await write_batch(conn, build_batch(visits, self._hash_key))
        except IntegrityError:
            return await self._one_by_one(taken)
        self._done(taken)
        self.written += len(visits)
        return len(visits)

    async def _one_by_one(self, paths: list[Path]) -> int:
        """A name was already recorded (a crash after commit, or a second writer): take the
        files one at a time and drop the ones already counted."""
        written = 0
        for path in paths:
            visits = self._read(path)
            if visits is None:
                continue
            try:
                async with in_transaction() as conn:
                    await SpoolFile.create(name=path.name, using_db=conn)
                    await write_batch(conn, build_batch(visits, self._hash_key))
            except IntegrityError:
                log.warning("%s was already written; removing it", path.name)
            else:
                written += len(visits)
            self._done([path])
        self.written += written
        return written

    def _done(self, paths: list[Path]) -> None:
        for path in paths:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
        self.files += len(paths)

    async def forget_old_names(self, days: int = 7) -> int:
        """Names are only needed while their file might still exist."""
        cutoff = datetime.now(UTC) - timedelta(days=days)
        return await SpoolFile.filter(at__lt=cutoff).delete()

    async def run(self, stop: asyncio.Event, poll: float = 0.5) -> None:
        """Ingest until `stop` is set, then drain what is waiting. A failed write (database
        away) is retried with a growing pause; the files stay where they are meanwhile."""
        pause = poll
        last_cleanup = 0.0
        while True:
            try:
                while await self.ingest():
                    pass
                pause = poll
                if time.monotonic() - last_cleanup > 3600:
                    await self.forget_old_names()
                    last_cleanup = time.monotonic()
            except Exception:
                log.exception("writing spooled visits failed; will retry")
                pause = min(max(pause * 2, 1.0), 30.0)
            if stop.is_set():
                return
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=pause)
