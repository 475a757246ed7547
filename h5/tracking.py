"""The tracking rules, in one place (CONVENTIONS 6).

- HEAD requests answer but are not tracked; nor are requests with `?nostat` from the studio's
  own preview (`DropReason`).
- The full IP never reaches the database: it is stored anonymised (IPv4 last octet zeroed,
  IPv6 cut to /48) next to a keyed hash (`settings.ip_hash_key`) used to count distinct IPs.
- Bots are flagged (`potential_bot`) and counted apart, never dropped.
- UV: the visitor cookie; a visit without one counts by a keyed hash of IP + user agent +
  local day, and the cookie then set carries that same id, so a first visit and the visits
  after it are one visitor.
"""

from __future__ import annotations

import hashlib
import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from h5.visitor import Visitor
from studio.models.visits import VisitType


class DropReason(StrEnum):
    HEAD = "head"  #: HEAD answers without a visit
    PREVIEW = "preview"  #: the studio's own preview (?nostat)


def drop_reason(method: str, query: bytes) -> DropReason | None:
    if method == "HEAD":
        return DropReason.HEAD
    if query == b"nostat" or query.startswith(b"nostat&"):
        return DropReason.PREVIEW
    return None


@lru_cache(maxsize=4096)
def _anonymise_v6(ip: str) -> str:
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ""
    if address.version == 4:
        return ip.rsplit(".", 1)[0] + ".0"
    return str(ipaddress.IPv6Address(address.packed[:6] + bytes(10)))


def anonymise_ip(ip: str) -> str:
    """IPv4 → last octet zeroed; IPv6 → its /48 network address; anything else → empty.

    `ip` comes from `Visitor` (already a normalised address or empty), so a dotted IPv4 form
    is cut as text; only IPv6 goes through `ipaddress`."""
    if not ip:
        return ""
    if ":" not in ip:
        head, dot, _ = ip.rpartition(".")
        return head + ".0" if dot and head.count(".") == 2 else ""
    return _anonymise_v6(ip)


@lru_cache(maxsize=8)
def _key(key: str) -> bytes:
    # BLAKE2b takes a key of at most 64 bytes; longer secrets are hashed down first
    raw = key.encode()
    return raw if len(raw) <= 64 else hashlib.blake2b(raw).digest()


def ip_hash(key: str, ip: str) -> str:
    """Keyed hash of the full IP (32 hex characters); equal IPs hash equal, nothing else."""
    if not ip:
        return ""
    return hashlib.blake2b(ip.encode(), key=_key(key), digest_size=16).hexdigest()


def local_day(at: datetime, tz: str) -> int:
    """The local date of `at` in zone `tz`, as yyyymmdd."""
    d = at.astimezone(_zone(tz))
    return d.year * 10000 + d.month * 100 + d.day


_ZONES: dict[str, ZoneInfo] = {}


def _zone(name: str) -> ZoneInfo:
    zone = _ZONES.get(name)
    if zone is None:
        try:
            zone = ZoneInfo(name)
        except (KeyError, ValueError):
            zone = ZoneInfo("Asia/Shanghai")
        _ZONES[name] = zone
    return zone


_DAYS: dict[str, tuple[int, int, int]] = {}


def local_day_us(at_us: int, tz: str) -> int:
    """`local_day` of an instant in microseconds since the epoch; the current local day's
    bounds are kept per zone, so on the request path this is a comparison, not a conversion."""
    known = _DAYS.get(tz)
    if known is not None and known[0] <= at_us < known[1]:
        return known[2]
    zone = _zone(tz)
    local = datetime.fromtimestamp(at_us // 1_000_000, UTC).astimezone(zone)
    start = datetime(local.year, local.month, local.day, tzinfo=zone)
    end = start + timedelta(days=1)
    day = local.year * 10000 + local.month * 100 + local.day
    _DAYS[tz] = (int(start.timestamp()) * 1_000_000, int(end.timestamp()) * 1_000_000, day)
    return day


@lru_cache(maxsize=8)
def _visitor_hasher(key: str) -> Any:
    return hashlib.blake2b(key=_key(key), digest_size=16, person=b"visitor")


def fallback_visitor_id(key: str, ip: str, user_agent: str, day: int) -> str:
    """The visitor id of a browser that sent no cookie: keyed hash of IP, user agent, day
    (32 hex characters, the form of the visitor cookie)."""
    hasher = _visitor_hasher(key).copy()
    hasher.update(f"{ip}\n{user_agent}\n{day}".encode())
    return hasher.hexdigest()


@dataclass(frozen=True, slots=True)
class LinkRef:
    """What a visit needs to know about its link (copied from the cached lookup)."""

    link_id: int
    workspace_id: int
    message_id: int | None
    batch_id: int | None
    timezone: str


@dataclass(frozen=True, slots=True)
class RawVisit:
    """A visit as recorded on the request path: nothing parsed, nothing hashed yet."""

    type: VisitType
    at: datetime
    visitor: Visitor
    link: LinkRef | None = None
    button_id: str = ""
    #: the unknown code of an orphan visit
    code: str = ""
    #: the visitor key when the request path already computed it (a cookie was issued)
    key: str = ""

    @classmethod
    def for_link(cls, link: LinkRef, visitor: Visitor, now: datetime, *, ch5: bool) -> RawVisit:
        return cls(VisitType.CH5_VIEW if ch5 else VisitType.LINK, now, visitor, link)

    @classmethod
    def for_expired(cls, link: LinkRef, visitor: Visitor, now: datetime) -> RawVisit:
        return cls(VisitType.EXPIRED, now, visitor, link)

    @classmethod
    def for_button(cls, link: LinkRef, button_id: str, visitor: Visitor, now: datetime) -> RawVisit:
        return cls(VisitType.BUTTON, now, visitor, link, button_id=button_id)

    @classmethod
    def for_reply(cls, link: LinkRef, button_id: str, visitor: Visitor, now: datetime) -> RawVisit:
        return cls(VisitType.REPLY, now, visitor, link, button_id=button_id)

    @classmethod
    def for_unknown_code(cls, code: str, visitor: Visitor, now: datetime) -> RawVisit:
        return cls(VisitType.ORPHAN, now, visitor, None, code=code[:64])


#: A visit as the request path records it, flat, so it is cheap to build, to buffer and to
#: spool: (type, microseconds since the epoch UTC, ip, user agent, referrer, visitor cookie,
#: visitor key, link (link id, workspace id, message id, batch id, time zone) or None,
#: button id, unknown code). `RawVisit` is the same visit as a value for the writer.
VisitRow = tuple[str, int, str, str, str, str, str, "tuple[Any, ...] | None", str, str]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICRO = timedelta(microseconds=1)


def link_row(link: LinkRef) -> tuple[Any, ...]:
    return (link.link_id, link.workspace_id, link.message_id, link.batch_id, link.timezone)


def to_row(visit: RawVisit) -> VisitRow:
    v, link = visit.visitor, visit.link
    return (visit.type.value, (visit.at - _EPOCH) // _MICRO, v.ip, v.user_agent, v.referrer,
            v.visitor_id, visit.key, None if link is None else link_row(link), visit.button_id,
            visit.code)


def from_row(row: Sequence[Any]) -> RawVisit:
    """The visit of a row (from the buffer or a spool file); ValueError when it is not one."""
    try:
        kind, at, ip, agent, referrer, visitor_id, key, ref, button_id, code = row
        link = None if ref is None else LinkRef(
            int(ref[0]), int(ref[1]), None if ref[2] is None else int(ref[2]),
            None if ref[3] is None else int(ref[3]), str(ref[4]))
        return RawVisit(
            type=VisitType(kind), at=_EPOCH + timedelta(microseconds=int(at)),
            visitor=Visitor(str(ip), str(agent), str(referrer), str(visitor_id)), link=link,
            button_id=str(button_id), code=str(code), key=str(key))
    except (TypeError, IndexError, KeyError) as exc:
        raise ValueError(f"not a visit: {exc}") from exc


def visitor_key(raw: RawVisit, hash_key: str, day: int) -> str:
    """The id UV counts: the cookie the browser sent, else the IP + user agent fallback."""
    v = raw.visitor
    return v.visitor_id or raw.key or fallback_visitor_id(hash_key, v.ip, v.user_agent, day)


def utc_now() -> datetime:
    return datetime.now(UTC)
