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

import base64
import hashlib
import ipaddress
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from functools import lru_cache
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


def fallback_visitor_id(key: str, ip: str, user_agent: str, day: int) -> str:
    """The visitor id of a browser that sent no cookie: keyed hash of IP, user agent, day."""
    data = f"{ip}\n{user_agent}\n{day}".encode()
    digest = hashlib.blake2b(data, key=_key(key), digest_size=16, person=b"visitor").digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


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


def visitor_key(raw: RawVisit, hash_key: str, day: int) -> str:
    """The id UV counts: the cookie the browser sent, else the IP + user agent fallback."""
    v = raw.visitor
    return v.visitor_id or raw.key or fallback_visitor_id(hash_key, v.ip, v.user_agent, day)


def utc_now() -> datetime:
    return datetime.now(UTC)
