"""Chunked multi-row inserts through the connection (executemany), for both databases."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tortoise.connection import get_connection

#: rows per executemany: short transactions, so SQLite never blocks the redirect path long
CHUNK = 2000


def is_postgres() -> bool:
    return get_connection("default").capabilities.dialect == "postgres"


def placeholders(count: int) -> str:
    if is_postgres():
        return ", ".join(f"${i}" for i in range(1, count + 1))
    return ", ".join("?" * count)


async def insert_many(
    table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]], *, conflict: str = ""
) -> None:
    """INSERT rows in chunks; `conflict` names the unique column to skip duplicates on."""
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders(len(columns))})"
    if conflict:
        sql += f" ON CONFLICT ({conflict}) DO NOTHING"
    conn = get_connection("default")
    for start in range(0, len(rows), CHUNK):
        await conn.execute_many(sql, [list(r) for r in rows[start:start + CHUNK]])
