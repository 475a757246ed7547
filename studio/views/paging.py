"""Paging for the long lists (media library, messages): ``?page=N`` shows the Nth slice.

The page ends with a "load more" link to the next page: a plain link without JavaScript, and
with htmx a request whose rows are appended in place of the link (``hx-select``), so one
server response serves both.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from starlette.datastructures import URL

T = TypeVar("T")

#: pages past this are not served (a huge number is page 1, never a huge offset)
MAX_PAGE = 1_000


@dataclass(frozen=True)
class Page:
    number: int
    size: int

    @classmethod
    def from_params(cls, params: Mapping[str, str], size: int) -> Page:
        raw = params.get("page", "").strip()
        number = int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 4 else 1
        return cls(number if 1 <= number <= MAX_PAGE else 1, size)

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size

    @property
    def fetch(self) -> int:
        """Rows to ask for: up to the end of this page, and one more to know if there is more."""
        return self.offset + self.size + 1

    def cut(self, rows: Sequence[T]) -> tuple[list[T], bool]:
        """This page's rows, and whether a next page has any."""
        end = self.offset + self.size
        return list(rows[self.offset:end]), len(rows) > end and self.number < MAX_PAGE

    def url(self, base: URL, number: int) -> str:
        """`base` (the list with its filters) at page `number`."""
        return str(base.include_query_params(page=number))
