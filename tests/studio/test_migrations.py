from __future__ import annotations

from pathlib import Path

from tortoise import Tortoise
from tortoise.connection import get_connection

from studio.db import close_db, init_db, pending_model_changes


async def test_migrations_build_an_empty_database(tmp_path: Path) -> None:
    await init_db(f"sqlite://{tmp_path / 'empty.sqlite3'}", migrate=True)
    try:
        rows = await get_connection("default").execute_query_dict(
            "SELECT name FROM sqlite_master WHERE type='table'"
        )
        tables = {row["name"] for row in rows}
        expected = {m._meta.db_table for m in Tortoise.apps["studio"].values()}
        assert expected <= tables
        # applying again is a no-op
        from studio.db import apply_migrations

        await apply_migrations()
    finally:
        await close_db()


async def test_models_have_no_unmigrated_changes(tmp_path: Path) -> None:
    await init_db(f"sqlite://{tmp_path / 'check.sqlite3'}", migrate=False)
    try:
        pending = await pending_model_changes()
    finally:
        await close_db()
    assert pending == [], "models changed without a migration: run `studio makemigrations`"
