"""Shared fixtures: a real database (SQLite file per test, or a fresh PostgreSQL database per
run when TEST_DB=postgres://...), the studio app inside its lifespan, an httpx client."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx
import pytest
from starlette.applications import Starlette

from studio.app import create_app
from studio.settings import JobOptions, Settings

TEST_DB = os.environ.get("TEST_DB", "sqlite")
DB_FIXTURES = {"app", "client", "db", "owner_client"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if DB_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.db)


def _is_postgres() -> bool:
    return TEST_DB.startswith(("postgres://", "postgresql://"))


async def _pg_admin(url: str, sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str | None]:
    """A fresh database for this run, dropped at the end, so runs never see each other."""
    if not _is_postgres():
        yield None
        return
    name = f"studio_test_{uuid.uuid4().hex[:10]}"
    asyncio.run(_pg_admin(TEST_DB, f'CREATE DATABASE "{name}"'))
    parts = urlsplit(TEST_DB)
    yield urlunsplit(parts._replace(path=f"/{name}"))
    asyncio.run(_pg_admin(TEST_DB, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file made once per run; each test gets a copy of it."""
    from studio.db import close_db, init_db

    path = tmp_path_factory.mktemp("template") / "migrated.sqlite3"

    async def build() -> None:
        await init_db(f"sqlite://{path}", migrate=True)
        await close_db()

    asyncio.run(build())
    return path


@pytest.fixture
def settings(tmp_path: Path, postgres_url: str | None, sqlite_template: Path) -> Settings:
    if postgres_url is None:
        shutil.copyfile(sqlite_template, tmp_path / "test.sqlite3")
    db_url = postgres_url or f"sqlite://{tmp_path / 'test.sqlite3'}"
    base = Settings.from_env(
        {"STUDIO_DATA_DIR": str(tmp_path / "data"), "DATABASE_URL": db_url,
         # the outbox gateway fails 2 % of random message ids by default: tests that
         # want failures ask for a share, the others must not fail by chance
         "SEND_OUTBOX_FAILURE_SHARE": "0"}
    )
    return base.with_(jobs=JobOptions(embedded=False, poll_seconds=0.05, lease_seconds=5))


async def _truncate_all() -> None:
    from tortoise import Tortoise
    from tortoise.connection import get_connection

    tables = [m._meta.db_table for m in Tortoise.apps["studio"].values()]
    quoted = ", ".join(f'"{t}"' for t in tables)
    await get_connection("default").execute_script(
        f"TRUNCATE TABLE {quoted} RESTART IDENTITY CASCADE"
    )


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[Starlette]:
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        if _is_postgres():
            await _truncate_all()
        yield application


@pytest.fixture
async def db(app: Starlette) -> AsyncIterator[None]:
    """The database only (through the app's lifespan), for domain-level tests."""
    yield None


@pytest.fixture
async def client(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 51234))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


_CSRF_RE = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


async def csrf_of(client: httpx.AsyncClient, path: str = "/login") -> str:
    response = await client.get(path)
    match = _CSRF_RE.search(response.text)
    assert match, f"no CSRF token on {path} ({response.status_code})"
    return match.group(1)


async def post_form(
    client: httpx.AsyncClient, path: str, data: dict[str, str], *, token_from: str = "/login"
) -> httpx.Response:
    token = await csrf_of(client, token_from)
    return await client.post(path, data={**data, "csrf_token": token})


OWNER = {"workspace_name": "示例科技", "name": "王经理", "login": "owner@example.cn",
         "password": "correct horse 1"}


async def do_setup(client: httpx.AsyncClient, **overrides: str) -> httpx.Response:
    token = await csrf_of(client, "/setup")
    return await client.post("/setup", data={**OWNER, **overrides, "csrf_token": token})


async def login(client: httpx.AsyncClient, login_name: str, password: str) -> httpx.Response:
    return await post_form(client, "/login", {"login": login_name, "password": password})


@pytest.fixture
async def owner_client(client: httpx.AsyncClient) -> httpx.AsyncClient:
    response = await do_setup(client)
    assert response.status_code == 303, response.text
    return client
