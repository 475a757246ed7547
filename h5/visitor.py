"""Who opened a link, parsed once at the edge into a frozen value.

Only cheap work happens here (it runs on every request): one pass over the raw headers picks
the user agent, X-Forwarded-For, the visitor cookie and the referrer; the client IP is chosen;
user agent and referrer are capped. Hashing, anonymising and user-agent parsing happen later,
in the writer.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from functools import lru_cache
from socket import AF_INET, inet_pton

from starlette.requests import Request
from starlette.types import Scope

MAX_USER_AGENT = 512
MAX_REFERRER = 1024
COOKIE_NAME = "h5v"
COOKIE_MAX_AGE = 365 * 24 * 3600
_COOKIE_RE = re.compile(r"[A-Za-z0-9_-]{16,32}")

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def _address(value: str) -> IPAddress | None:
    try:
        address = ipaddress.ip_address(value.strip().strip("[]"))
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _ipv4(text: str) -> int | None:
    """A dotted IPv4 address in its canonical form (what proxies write) as an integer, read
    by the C library (strict: four decimal octets, no leading zeros, as `ipaddress` wants);
    None for anything else, which then goes through `ipaddress`."""
    try:
        return int.from_bytes(inet_pton(AF_INET, text), "big")
    except (OSError, ValueError):
        return None


class TrustedProxies:
    """The proxies whose X-Forwarded-For is believed, with what the per-request check needs
    computed once (this runs on every open of a link)."""

    def __init__(self, networks: tuple[IPNetwork, ...]) -> None:
        self.networks = networks
        self._v4 = tuple((int(n.network_address), int(n.netmask))
                         for n in networks if n.version == 4)
        #: socket peers are few (the proxies, or visitors when there is no proxy)
        self._peers: dict[str, tuple[str, bool] | None] = {}

    def __bool__(self) -> bool:
        return bool(self.networks)

    def hop(self, value: str) -> tuple[str, bool] | None:
        """An address as the socket or a header gives it: (normalised form, is a trusted
        proxy), or None when it is not an address. Plain IPv4 is read by hand; the rest
        (IPv6, odd forms) by `ipaddress`."""
        text = value.strip()
        number = _ipv4(text)
        if number is None:
            address = _address(text)
            if address is None:
                return None
            trusted = any(address.version == n.version and address in n for n in self.networks)
            return str(address), trusted
        return text, any(number & mask == net for net, mask in self._v4)

    def peer(self, value: str) -> tuple[str, bool] | None:
        found = self._peers.get(value, False)
        if found is False:
            if len(self._peers) > 4096:
                self._peers.clear()
            found = self._peers[value] = self.hop(value)
        return found  # type: ignore[return-value]


@lru_cache(maxsize=16)
def parse_networks(cidrs: tuple[str, ...]) -> TrustedProxies:
    """Trusted proxy networks from settings (a bare address is a /32 or /128)."""
    return TrustedProxies(tuple(ipaddress.ip_network(c, strict=False) for c in cidrs))


def client_ip(peer: str, forwarded_for: str, proxies: TrustedProxies) -> str:
    """The visitor's IP: the socket peer, unless the peer is a trusted proxy.

    Behind trusted proxies, X-Forwarded-For is read from the right; the first address that is
    not itself a trusted proxy is the client. Anything unparsable stops the walk there.
    """
    peer_hop = proxies.peer(peer)
    if peer_hop is None:
        return ""
    peer_ip, trusted = peer_hop
    if not forwarded_for or not trusted:
        return peer_ip
    found = ""
    for hop in reversed(forwarded_for.split(",")[-20:]):
        parsed = proxies.hop(hop)
        if parsed is None:
            break
        found, hop_trusted = parsed
        if not hop_trusted:
            break
    return found or peer_ip


def cookie_value(header: str) -> str:
    """Our visitor cookie from a Cookie header, when it has the form we issue; else ""."""
    if COOKIE_NAME not in header:
        return ""
    for part in header.split(";"):
        name, _, value = part.strip().partition("=")
        if name == COOKIE_NAME:
            return value if _COOKIE_RE.fullmatch(value) else ""
    return ""


#: the user agents seen lately, decoded once: phones of a campaign share a few hundred
_AGENTS: dict[bytes, str] = {}


def _agent(raw: bytes) -> str:
    agent = _AGENTS.get(raw)
    if agent is None:
        if len(_AGENTS) >= 20_000:
            _AGENTS.clear()
        agent = _AGENTS[raw] = raw[:MAX_USER_AGENT].decode("latin-1")
    return agent


def read_scope(scope: Scope, trusted: TrustedProxies) -> tuple[str, str, str, str]:
    """(ip, user agent, referrer, visitor cookie) in one pass over the raw ASGI headers."""
    user_agent = forwarded = visitor_id = referrer = ""
    for name, value in scope["headers"]:
        if name == b"user-agent":
            user_agent = _agent(value)
        elif name == b"x-forwarded-for":
            hops = value.decode("latin-1")
            forwarded = f"{forwarded},{hops}" if forwarded else hops
        elif name == b"cookie":
            visitor_id = cookie_value(value.decode("latin-1")) or visitor_id
        elif name == b"referer":
            referrer = value[:MAX_REFERRER].decode("latin-1")
    client = scope.get("client")
    return client_ip(client[0] if client else "", forwarded, trusted), user_agent, referrer, \
        visitor_id


@dataclass(frozen=True, slots=True)
class Visitor:
    ip: str
    user_agent: str
    referrer: str
    #: the visitor cookie the browser sent (valid form), else empty
    visitor_id: str

    @classmethod
    def from_scope(cls, scope: Scope, trusted: TrustedProxies) -> Visitor:
        return cls(*read_scope(scope, trusted))

    @classmethod
    def from_request(cls, request: Request, trusted: TrustedProxies) -> Visitor:
        return cls.from_scope(request.scope, trusted)
