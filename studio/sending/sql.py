"""Chunked multi-row inserts: executemany on SQLite, COPY on PostgreSQL (asyncpg's binary
copy, several times faster than executemany there)."""

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
        part = rows[start:start + CHUNK]
        if is_postgres() and await _copy(conn, table, columns, part):
            continue
        await conn.execute_many(sql, [list(r) for r in part])


async def _copy(conn: Any, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]
                ) -> bool:
    """COPY a chunk in; False when a row hits a unique index (the caller then inserts the
    chunk with ON CONFLICT) or this connection cannot copy (inside a transaction wrapper)."""
    import asyncpg

    try:
        async with conn.acquire_connection() as raw:
            if not hasattr(raw, "copy_records_to_table"):
                return False
            await raw.copy_records_to_table(table, records=[tuple(r) for r in rows],
                                            columns=list(columns))
    except asyncpg.UniqueViolationError:
        return False
    return True
