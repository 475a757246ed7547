"""Visits to short links and the rollups statistics read (never the raw visit table).

Scopes: ``l`` link, ``m`` message, ``b`` send batch, ``w`` workspace; ``scope_id`` is the id
of that object. ``hour`` is whole hours since 1970-01-01 UTC; ``day`` is the workspace's local
date at the time of the visit as an integer ``yyyymmdd`` (compact, ordered, both databases).
"""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class VisitType(StrEnum):
    LINK = "link"  #: a redirect link opened
    CH5_VIEW = "ch5_view"  #: a CH5 page opened
    BUTTON = "button"  #: a button on a CH5 page tapped (tracked redirect)
    REPLY = "reply"  #: a reply button posted
    EXPIRED = "expired"  #: an expired or disabled link opened
    ORPHAN = "orphan"  #: an unknown code (aggregated in OrphanHourly, no Visit row)

    @property
    def is_open(self) -> bool:
        return self in (VisitType.LINK, VisitType.CH5_VIEW)


class Scope(StrEnum):
    LINK = "l"
    MESSAGE = "m"
    BATCH = "b"
    WORKSPACE = "w"


class Visit(Model):
    id = fields.BigIntField(primary_key=True)
    workspace = fields.ForeignKeyField(
        "studio.Workspace", related_name="visits", on_delete=fields.CASCADE
    )
    link = fields.ForeignKeyField(
        "studio.ShortLink", related_name="visit_rows", on_delete=fields.CASCADE
    )
    type = fields.CharEnumField(VisitType, max_length=12)
    #: the button of a click or reply (c0b1, s0), else empty
    button_id = fields.CharField(max_length=16, default="")
    at = fields.DatetimeField()
    #: IPv4 with the last octet zeroed, IPv6 cut to /48
    ip_anon = fields.CharField(max_length=64, default="")
    #: keyed hash of the full IP (distinct-IP counting), hex
    ip_hash = fields.CharField(max_length=32, default="")
    #: first-party cookie id, or empty when the browser sent none
    visitor_id = fields.CharField(max_length=32, default="")
    user_agent = fields.CharField(max_length=512, default="")
    device = fields.CharField(max_length=16, default="")
    os = fields.CharField(max_length=32, default="")
    browser = fields.CharField(max_length=32, default="")
    #: host of the referring page, empty when direct
    referrer = fields.CharField(max_length=255, default="")
    potential_bot = fields.BooleanField(default=False)

    class Meta:
        table = "visit"
        indexes = (("link_id", "at"), ("workspace_id", "at"))


class VisitHourly(Model):
    """Counts per scope and UTC hour."""

    id = fields.BigIntField(primary_key=True)
    workspace = fields.ForeignKeyField(
        "studio.Workspace", related_name="visit_hourly", on_delete=fields.CASCADE
    )
    scope = fields.CharField(max_length=1)
    scope_id = fields.IntField()
    #: hours since the epoch, UTC
    hour = fields.IntField()
    #: non-bot opens (link or CH5 page)
    pv = fields.IntField(default=0)
    #: opens flagged as potential bots
    bots = fields.IntField(default=0)
    #: non-bot button taps
    clicks = fields.IntField(default=0)
    #: non-bot replies
    replies = fields.IntField(default=0)
    #: opens of expired or disabled links
    expired = fields.IntField(default=0)

    class Meta:
        table = "visit_hourly"
        unique_together = (("scope", "scope_id", "hour"),)
        indexes = (("workspace_id", "scope", "hour"),)


class VisitDim(Model):
    """Non-bot opens per scope and local day by a dimension (device, os, browser, referrer),
    and button taps per button (dimension ``button``)."""

    id = fields.BigIntField(primary_key=True)
    workspace = fields.ForeignKeyField(
        "studio.Workspace", related_name="visit_dims", on_delete=fields.CASCADE
    )
    scope = fields.CharField(max_length=1)
    scope_id = fields.IntField()
    #: local date as yyyymmdd
    day = fields.IntField()
    dim = fields.CharField(max_length=12)
    value = fields.CharField(max_length=64)
    count = fields.IntField(default=0)

    class Meta:
        table = "visit_dim"
        unique_together = (("scope", "scope_id", "day", "dim", "value"),)
        #: covering the top links of a workspace: opens per link and day are the sum of
        #: its ``device`` rows, a tenth of the hourly rows
        indexes = (("workspace_id", "scope", "dim", "scope_id", "day", "count"),)


class UniqueVisitor(Model):
    """One row per visitor, scope and local day: UV over any range is a distinct count."""

    id = fields.BigIntField(primary_key=True)
    workspace_id = fields.IntField()
    scope = fields.CharField(max_length=1)
    scope_id = fields.IntField()
    #: local date as yyyymmdd
    day = fields.IntField()
    #: ``c`` + cookie id, or ``a`` + hash of IP hash and user agent for that day
    key = fields.CharField(max_length=33)

    class Meta:
        table = "unique_visitor"
        unique_together = (("scope", "scope_id", "day", "key"),)
        #: distinct counts over long ranges walk this in key order (no sort of every row)
        indexes = (("scope", "scope_id", "key", "day"),)


class UniqueIp(Model):
    """One row per IP hash, scope and local day."""

    id = fields.BigIntField(primary_key=True)
    workspace_id = fields.IntField()
    scope = fields.CharField(max_length=1)
    scope_id = fields.IntField()
    #: local date as yyyymmdd
    day = fields.IntField()
    ip_hash = fields.CharField(max_length=32)

    class Meta:
        table = "unique_ip"
        unique_together = (("scope", "scope_id", "day", "ip_hash"),)
        #: distinct counts over long ranges walk this in hash order (no sort of every row)
        indexes = (("scope", "scope_id", "ip_hash", "day"),)


class UniqueCount(Model):
    """UV and IP数 of a scope over closed local days [first_day, last_day] (a day, a month,
    the closed part of a range), counted once from the two tables above: rows of a day that
    ended more than a day ago no longer change, so pages read these instead of recounting."""

    id = fields.BigIntField(primary_key=True)
    workspace_id = fields.IntField()
    scope = fields.CharField(max_length=1)
    scope_id = fields.IntField()
    #: first and last local day counted, yyyymmdd
    first_day = fields.IntField()
    last_day = fields.IntField()
    uv = fields.IntField()
    ip = fields.IntField()

    class Meta:
        table = "unique_count"
        unique_together = (("scope", "scope_id", "first_day", "last_day"),)


class OrphanHourly(Model):
    """Unknown-code visits, aggregated per UTC hour and IP hash instead of a row each."""

    id = fields.BigIntField(primary_key=True)
    #: hours since the epoch, UTC
    hour = fields.IntField()
    ip_hash = fields.CharField(max_length=32)
    count = fields.IntField(default=0)
    #: the last unknown code asked for from this IP in this hour (for spotting scans)
    last_code = fields.CharField(max_length=64, default="")

    class Meta:
        table = "orphan_hourly"
        unique_together = (("hour", "ip_hash"),)


class SpoolFile(Model):
    """A visit spool file already written to the database (see h5/spool.py): recorded in the
    same transaction as its visits, so no file is ever counted twice."""

    id = fields.BigIntField(primary_key=True)
    name = fields.CharField(max_length=80, unique=True)
    at = fields.DatetimeField(auto_now_add=True, db_index=True)

    class Meta:
        table = "visit_spool_file"
