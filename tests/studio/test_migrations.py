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



async def test_model_indexes_name_real_columns(tmp_path: Path) -> None:
    """SQLite takes an unknown double-quoted column as a string literal; PostgreSQL fails.

    So an index on a relation must name its column (`workspace_id`), not the field.
    """
    from tortoise.indexes import Index

    await init_db(f"sqlite://{tmp_path / 'idx.sqlite3'}", migrate=False)
    try:
        problems = []
        for model in Tortoise.apps["studio"].values():
            columns = {f.source_field or name for name, f in model._meta.fields_map.items()}
            for index in model._meta.indexes:
                fields = index.fields if isinstance(index, Index) else index
                problems += [f"{model.__name__}: {f}" for f in fields if f not in columns]
    finally:
        await close_db()
    assert problems == []
