"""A statistics period: local dates in the workspace's time zone, mapped to UTC hours."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

MAX_DAYS = 731
#: by the hour, a period spans at most this many days (else it is shown by the day)
MAX_HOUR_DAYS = 14


class Granularity(StrEnum):
    HOUR = "hour"
    DAY = "day"
    MONTH = "month"

    @property
    def label_zh(self) -> str:
        return {"hour": "按小时", "day": "按天", "month": "按月"}[self.value]


#: a day is closed this long after it ended: the writer flushes every second or so, and a
#: database away for minutes is retried; visits of the day written later still (a backlog)
#: drop the kept counts of that day (`h5.rollups`), so they are counted again
CLOSE_AFTER = timedelta(hours=1)


def closed_through(now_local: datetime) -> date:
    """The last closed local day at `now_local` (a time in the workspace's zone)."""
    return (now_local - CLOSE_AFTER).date() - timedelta(days=1)


def day_int(d: date) -> int:
    return d.year * 10000 + d.month * 100 + d.day


@dataclass(frozen=True)
class Period:
    start: date  #: first local day, included
    end: date  #: last local day, included
    tz: str
    granularity: Granularity = Granularity.DAY
    #: the last closed local day (see `closed_through`): counts of days up to it no longer
    #: change and may be kept; None = count everything afresh
    closed_through: date | None = None

    @classmethod
    def parse(
        cls, values: dict[str, str], tz: str, today: date, default_days: int = 7,
        closed_through: date | None = None,
    ) -> Period:
        """From query values `from`, `to`, `by`; bad or missing values fall back quietly.
        By the month, the period starts on the first of its first month (whole months)."""
        end = _date(values.get("to")) or today
        start = _date(values.get("from")) or end - timedelta(days=default_days - 1)
        if start > end:
            start, end = end, start
        if (end - start).days > MAX_DAYS:
            start = end - timedelta(days=MAX_DAYS)
        try:
            by = Granularity(values.get("by", ""))
        except ValueError:
            by = Granularity.HOUR if start == end else Granularity.DAY
        if by is Granularity.HOUR and (end - start).days >= MAX_HOUR_DAYS:
            by = Granularity.DAY  # a few hundred points at most: a table stays readable
        if by is Granularity.MONTH:
            start = start.replace(day=1)
        return cls(start, end, tz, by, closed_through)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.tz)

    @property
    def start_day(self) -> int:
        return day_int(self.start)

    @property
    def end_day(self) -> int:
        return day_int(self.end)

    def _epoch_hour(self, d: date) -> int:
        moment = datetime.combine(d, time(0), tzinfo=self.zone)
        return int(moment.timestamp()) // 3600

    @property
    def hours(self) -> tuple[int, int]:
        """UTC epoch hours [first, last) covering the local days."""
        return self._epoch_hour(self.start), self._epoch_hour(self.end + timedelta(days=1))

    def bucket(self, epoch_hour: int) -> str:
        local = datetime.fromtimestamp(epoch_hour * 3600, self.zone)
        if self.granularity is Granularity.HOUR:
            return local.strftime("%Y-%m-%d %H:00")
        if self.granularity is Granularity.MONTH:
            return local.strftime("%Y-%m")
        return local.strftime("%Y-%m-%d")

    def months(self) -> list[tuple[int, int, int]]:
        """(yyyymm, first day, last day) of every month the period touches, each clipped to
        the period, days as yyyymmdd."""
        months = []
        first = self.start
        while first <= self.end:
            following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
            last = min(following - timedelta(days=1), self.end)
            months.append((first.year * 100 + first.month, day_int(first), day_int(last)))
            first = following
        return months

    def day_bucket(self, day: int) -> str:
        d = date(day // 10000, day // 100 % 100, day % 100)
        if self.granularity is Granularity.MONTH:
            return d.strftime("%Y-%m")
        return d.strftime("%Y-%m-%d")

    def buckets(self) -> list[str]:
        """Every bucket label of the period, in order (empty ones included)."""
        first, last = self.hours
        labels: list[str] = []
        for hour in range(first, last):
            label = self.bucket(hour)
            if not labels or labels[-1] != label:
                labels.append(label)
        return labels


def _date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None
