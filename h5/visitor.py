"""Who opened a link, parsed once at the edge into a frozen value.

Only cheap work happens here (it runs on every request): the client IP is chosen, the user
agent and referrer are capped, the visitor cookie is read. Hashing, anonymising and
user-agent parsing happen later, in the writer.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from starlette.requests import Request

MAX_USER_AGENT = 512
MAX_REFERRER = 1024
COOKIE_NAME = "h5v"
COOKIE_MAX_AGE = 365 * 24 * 3600
_COOKIE_RE = re.compile(r"[A-Za-z0-9_-]{16,32}")

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@lru_cache(maxsize=16)
def parse_networks(cidrs: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    """Trusted proxy networks from settings (a bare address is a /32 or /128)."""
    return tuple(ipaddress.ip_network(c, strict=False) for c in cidrs)


def _address(value: str) -> IPAddress | None:
    try:
        address = ipaddress.ip_address(value.strip().strip("[]"))
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _trusted(address: IPAddress, networks: Iterable[IPNetwork]) -> bool:
    return any(address.version == n.version and address in n for n in networks)


@lru_cache(maxsize=4096)
def _peer(peer: str, networks: tuple[IPNetwork, ...]) -> tuple[str, bool]:
    """The peer address (normalised) and whether it is a trusted proxy (few peers: cached)."""
    address = _address(peer)
    if address is None:
        return "", False
    return str(address), bool(networks) and _trusted(address, networks)


def client_ip(peer: str, forwarded_for: str, networks: tuple[IPNetwork, ...]) -> str:
    """The visitor's IP: the socket peer, unless the peer is a trusted proxy.

    Behind trusted proxies, X-Forwarded-For is read from the right; the first address that is
    not itself a trusted proxy is the client. Anything unparsable stops the walk there.
    """
    peer_ip, trusted = _peer(peer, networks)
    if not forwarded_for or not trusted:
        return peer_ip
    address: IPAddress | None = None
    for hop in reversed(forwarded_for.split(",")[-20:]):
        hop_address = _address(hop)
        if hop_address is None:
            break
        address = hop_address
        if not _trusted(address, networks):
            break
    return peer_ip if address is None else str(address)


@dataclass(frozen=True, slots=True)
class Visitor:
    ip: str
    user_agent: str
    referrer: str
    #: the visitor cookie the browser sent (valid form), else empty
    visitor_id: str

    @classmethod
    def from_request(cls, request: Request, trusted: tuple[IPNetwork, ...]) -> Visitor:
        headers = request.headers
        peer = request.client.host if request.client else ""
        cookie = request.cookies.get(COOKIE_NAME, "")
        valid = cookie if _COOKIE_RE.fullmatch(cookie) else ""
        return cls(
            ip=client_ip(peer, headers.get("x-forwarded-for", ""), trusted),
            user_agent=headers.get("user-agent", "")[:MAX_USER_AGENT],
            referrer=headers.get("referer", "")[:MAX_REFERRER],
            visitor_id=valid,
        )
