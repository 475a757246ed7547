"""Raw SQL for the statistics reads: `?` placeholders, rewritten for PostgreSQL."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.connection import get_connection


def placeholders(conn: BaseDBAsyncClient, sql: str) -> str:
    """`?` placeholders as the database wants them ($1, $2, … on PostgreSQL)."""
    if conn.capabilities.dialect != "postgres":
        return sql
    parts = sql.split("?")
    return parts[0] + "".join(f"${i}{part}" for i, part in enumerate(parts[1:], start=1))


async def rows(sql: str, params: Sequence[Any]) -> list[dict[str, Any]]:
    conn = get_connection("default")
    return list(await conn.execute_query_dict(placeholders(conn, sql), list(params)))


async def execute_many(sql: str, values: Sequence[Sequence[Any]]) -> None:
    conn = get_connection("default")
    await conn.execute_many(placeholders(conn, sql), [list(v) for v in values])
