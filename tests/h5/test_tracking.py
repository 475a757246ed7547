"""Visitor parsing at the edge: client IP and trusted proxies, anonymisation, caps."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from h5.tracking import anonymise_ip, drop_reason, fallback_visitor_id, ip_hash
from h5.visitor import client_ip, parse_networks

PROXIES = parse_networks(("10.0.0.0/8", "2001:db8:ffff::/48", "127.0.0.1"))


@pytest.mark.parametrize(("peer", "xff", "expected"), [
    ("203.0.113.9", "1.2.3.4", "203.0.113.9"),
    ("10.1.2.3", "1.2.3.4", "1.2.3.4"),
    ("10.1.2.3", "1.2.3.4, 10.9.9.9", "1.2.3.4"),
    ("10.1.2.3", "6.6.6.6, 1.2.3.4", "1.2.3.4"),
    ("10.1.2.3", "", "10.1.2.3"),
    ("10.1.2.3", "garbage", "10.1.2.3"),
    ("2001:db8:ffff::1", "2400:cb00::1", "2400:cb00::1"),
    ("2001:db8:ffff::1", "[2400:cb00::1]", "2400:cb00::1"),
    ("2001:db8:aaaa::1", "1.2.3.4", "2001:db8:aaaa::1"),
    ("::ffff:10.0.0.1", "1.2.3.4", "1.2.3.4"),
    ("127.0.0.1", "2400:cb00::7, 10.0.0.2", "2400:cb00::7"),
], ids=["untrusted-peer-spoof", "trusted-v4", "trusted-chain", "rightmost-untrusted",
        "no-header", "garbage", "trusted-v6", "bracketed-v6", "untrusted-v6-peer",
        "v4-mapped-peer", "v6-client-through-two-proxies"])
def test_client_ip_believes_only_trusted_proxies(peer: str, xff: str, expected: str) -> None:
    assert client_ip(peer, xff, PROXIES) == expected


def test_without_trusted_proxies_the_header_is_ignored() -> None:
    assert client_ip("127.0.0.1", "1.2.3.4", parse_networks(())) == "127.0.0.1"


@pytest.mark.parametrize(("ip", "expected"), [
    ("198.51.100.23", "198.51.100.0"),
    ("2001:db8:1234:5678:9abc::1", "2001:db8:1234::"),
    ("2400:cb00:2049:1::a29f:1804", "2400:cb00:2049::"),
    ("::1", "::"),
    ("not an ip", ""),
], ids=["v4", "v6", "v6-real", "v6-loopback", "garbage"])
def test_anonymise(ip: str, expected: str) -> None:
    assert anonymise_ip(ip) == expected


def test_ip_hash_is_keyed_and_stable() -> None:
    assert ip_hash("k1", "1.2.3.4") == ip_hash("k1", "1.2.3.4")
    assert ip_hash("k1", "1.2.3.4") != ip_hash("k2", "1.2.3.4")
    assert ip_hash("k1", "1.2.3.4") != ip_hash("k1", "1.2.3.5")
    assert len(ip_hash("k1", "1.2.3.4")) == 32 and ip_hash("k1", "") == ""


def test_fallback_visitor_id_is_per_day_and_cookie_shaped() -> None:
    a = fallback_visitor_id("k", "1.2.3.4", "UA", 20261125)
    assert a == fallback_visitor_id("k", "1.2.3.4", "UA", 20261125)
    assert a != fallback_visitor_id("k", "1.2.3.4", "UA", 20261126)
    assert a != fallback_visitor_id("k", "1.2.3.4", "UA2", 20261125)
    assert 16 <= len(a) <= 32


@pytest.mark.parametrize(("method", "query", "dropped"), [
    ("GET", b"", False), ("HEAD", b"", True), ("GET", b"nostat", True), ("POST", b"a=1", False),
], ids=["get", "head", "preview", "post"])
def test_drop_rules(method: str, query: bytes, dropped: bool) -> None:
    assert (drop_reason(method, query) is not None) is dropped


@pytest.mark.parametrize("text", [
    "1.2.3.4", " 10.1.2.3 ", "0.0.0.0", "255.255.255.255", "010.1.1.1", "256.1.1.1", "1.2.3",
    "1.2.3.4.5", "1.2.3.04", "١.2.3.4", "1..3.4", "+1.2.3.4", "::ffff:1.2.3.4", "[2001:db8::1]",
    "2001:db8:ffff::9", "fe80::1%eth0", "", "unknown",
])
def test_the_ipv4_fast_path_agrees_with_ipaddress(text: str) -> None:
    import ipaddress

    try:
        address = ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        expected = None
    else:
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
            address = address.ipv4_mapped
        trusted = any(address.version == n.version and address in n for n in PROXIES.networks)
        expected = (str(address), trusted)
    assert PROXIES.hop(text) == expected


@pytest.mark.parametrize("tz", ["Asia/Shanghai", "America/New_York", "Europe/London", "UTC"])
def test_the_cached_local_day_agrees_with_the_conversion(tz: str) -> None:
    import random
    from datetime import UTC, datetime, timedelta

    from h5.tracking import local_day, local_day_us

    rng = random.Random(tz)
    start = datetime(2026, 3, 1, tzinfo=UTC)  # across a DST change in the zones that have one
    instants = sorted(start + timedelta(seconds=rng.randrange(90 * 86400)) for _ in range(3000))
    instants += [datetime(2026, 11, 24, 16, 0, tzinfo=UTC) + timedelta(microseconds=d)
                 for d in (-1, 0, 1)]  # Shanghai midnight, to the microsecond
    for at in instants:
        at_us = (at - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1)
        assert local_day_us(at_us, tz) == local_day(at, tz), at


@pytest.mark.parametrize("tz", ["Asia/Kolkata", "Asia/Kathmandu", "Australia/Eucla",
                                "America/New_York", "Asia/Shanghai"])
def test_the_writer_counts_each_visit_on_its_local_day(tz: str) -> None:
    """The writer looks up a local day once per zone and UTC quarter hour: visits on both
    sides of a local midnight in zones offset by :30 or :45 land on their own days."""
    import random
    from datetime import UTC, datetime, timedelta

    from h5.rollups import build_batch
    from h5.tracking import LinkRef, RawVisit, local_day
    from h5.visitor import Visitor
    from studio.models.visits import VisitType

    rng = random.Random(tz)
    midnight = datetime(2026, 11, 25, tzinfo=ZoneInfo(tz)).astimezone(UTC)
    instants = [midnight + timedelta(microseconds=d) for d in (-1, 0, 1)]
    instants += [midnight + timedelta(seconds=rng.randrange(-3 * 3600, 3 * 3600))
                 for _ in range(200)]
    link = LinkRef(1, 1, None, None, tz)
    visits = [RawVisit(VisitType.LINK, at, Visitor("10.0.0.1", "Mozilla/5.0", "", f"c{i:015d}"),
                       link) for i, at in enumerate(instants)]
    batch = build_batch(visits, "k" * 32, now=midnight + timedelta(days=2))
    days = {key: day for (_, scope, _, day, key) in batch.visitors if scope == "l"}
    for i, at in enumerate(instants):
        assert days[f"c{i:015d}"] == local_day(at, tz), at
