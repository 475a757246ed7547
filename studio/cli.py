"""The `studio` command: run, migrate, makemigrations, createuser, resetpassword, worker,
h5-writer, render, validate, media."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import importlib
import signal
import sys
from collections.abc import Callable, Coroutine
from typing import Any

from studio.settings import Settings


def _with_db(settings: Settings, func: Callable[[], Coroutine[Any, Any, Any]], *,
             migrate: bool = True) -> Any:
    from studio.db import close_db, init_db

    async def run() -> Any:
        await init_db(settings.database_url, migrate=migrate)
        try:
            return await func()
        finally:
            await close_db()

    return asyncio.run(run())


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from studio.app import create_app

    print(f"Studio on http://{args.host}:{args.port}  (data: {settings.data_dir})", flush=True)
    uvicorn.run(
        create_app(settings),
        host=args.host,
        port=args.port,
        proxy_headers=False,  # only the app's trusted-proxy setting decides client IPs
        log_level=args.log_level,
    )
    return 0


def cmd_migrate(args: argparse.Namespace, settings: Settings) -> int:
    _with_db(settings, _noop)
    print("Migrations applied.")
    return 0


async def _noop() -> None:
    return None


def cmd_makemigrations(args: argparse.Namespace, settings: Settings) -> int:
    from studio.db import make_migrations

    paths = _with_db(Settings.from_env({"DATABASE_URL": "sqlite://:memory:",
                                        "STUDIO_DATA_DIR": str(settings.data_dir)}),
                     lambda: make_migrations(args.name), migrate=True)
    for path in paths:
        print(f"Created {path}")
    if not paths:
        print("No changes detected.")
    return 0


def _ask_password(given: str | None) -> str:
    if given:
        return given
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Password (again): "):
        raise SystemExit("Passwords differ.")
    return first


def cmd_createuser(args: argparse.Namespace, settings: Settings) -> int:
    from studio import accounts
    from studio.errors import FormInvalid

    password = _ask_password(args.password)

    async def create() -> None:
        await accounts.create_user(
            login=args.login, password=password, name=args.name or "",
            is_operator=args.operator,
        )

    try:
        _with_db(settings, create)
    except FormInvalid as exc:
        for field, message in exc.errors.items():
            print(f"{field}: {message}", file=sys.stderr)
        return 1
    print(f"User {args.login} created.")
    return 0


def cmd_resetpassword(args: argparse.Namespace, settings: Settings) -> int:
    from studio.models.accounts import User
    from studio.passwords import hash_password, password_problem

    password = _ask_password(args.password)
    if problem := password_problem(password):
        print(problem, file=sys.stderr)
        return 1

    async def reset() -> int:
        return await User.filter(email=args.login.strip().lower()).update(
            password_hash=hash_password(password), must_change_password=False
        )

    if _with_db(settings, reset) != 1:
        print(f"No user {args.login}.", file=sys.stderr)
        return 1
    print(f"Password of {args.login} reset.")
    return 0


def cmd_worker(args: argparse.Namespace, settings: Settings) -> int:
    from studio.jobs.runner import Runner

    async def work() -> None:
        runner = Runner(settings.jobs)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await runner.start()
        print(f"Worker {runner.name} running.", flush=True)
        await stop.wait()
        await runner.stop()

    _with_db(settings, work)
    return 0


def _lower_priority(nice: int, idle: bool) -> None:
    """Make this process yield the CPU to the edge: niceness, and SCHED_IDLE where the
    system has it (Linux)."""
    import os

    if nice:
        os.nice(nice)
    if idle and hasattr(os, "sched_setscheduler"):
        try:
            os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
        except OSError as exc:
            print(f"SCHED_IDLE not available ({exc}); running at niceness {nice}.",
                  file=sys.stderr)


def cmd_h5_writer(args: argparse.Namespace, settings: Settings) -> int:
    """Write the visits the standalone h5 processes spooled (H5_SPOOL_DIR) to the database."""
    from pathlib import Path

    from h5.spool import SpoolIngester

    if not settings.tracking.spool_dir:
        print("H5_SPOOL_DIR is not set: the h5 processes write their visits themselves.",
              file=sys.stderr)
        return 2
    directory = Path(settings.tracking.spool_dir)
    directory.mkdir(parents=True, exist_ok=True)
    _lower_priority(settings.tracking.writer_nice, settings.tracking.writer_idle)
    ingester = SpoolIngester(directory, settings.ip_hash_key)

    async def work() -> None:
        stop = asyncio.Event()
        if args.once:
            stop.set()
        else:
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(sig, stop.set)
            print(f"Writing spooled visits from {directory}.", flush=True)
        await ingester.run(stop)
        print(f"{ingester.written} visits from {ingester.files} files written.", flush=True)

    _with_db(settings, work)
    return 0


def _delegate(module: str) -> Callable[[argparse.Namespace, Settings], int]:
    def run(args: argparse.Namespace, settings: Settings) -> int:
        main = importlib.import_module(module).main
        return int(main(list(args.rest)))

    return run


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="studio", description="5G message content studio")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="start the studio (and the h5 app under /s/)")
    run.add_argument("--host", default="127.0.0.1")
    run.add_argument("--port", type=int, default=8000)
    run.add_argument("--log-level", default="info")
    run.set_defaults(func=cmd_run)
    sub.add_parser("migrate", help="apply database migrations").set_defaults(func=cmd_migrate)
    mk = sub.add_parser("makemigrations", help="write migrations for model changes")
    mk.add_argument("--name", default=None)
    mk.set_defaults(func=cmd_makemigrations)
    cu = sub.add_parser("createuser", help="create a user (operator with --operator)")
    cu.add_argument("login")
    cu.add_argument("--password", default=None)
    cu.add_argument("--name", default="")
    cu.add_argument("--operator", action="store_true")
    cu.set_defaults(func=cmd_createuser)
    rp = sub.add_parser("resetpassword", help="set a user's password")
    rp.add_argument("login")
    rp.add_argument("--password", default=None)
    rp.set_defaults(func=cmd_resetpassword)
    sub.add_parser("worker", help="run background jobs").set_defaults(func=cmd_worker)
    hw = sub.add_parser("h5-writer", help="write the visits spooled by h5 processes")
    hw.add_argument("--once", action="store_true", help="drain what is waiting, then exit")
    hw.set_defaults(func=cmd_h5_writer)
    for name, module, help_text in (
        ("render", "renderers.cli", "render a message document"),
        ("validate", "renderers.cli", "validate a message document"),
        ("media", "media.cli", "media tools (media fit SRC --profile NAME --out DST)"),
    ):
        p = sub.add_parser(name, help=help_text, add_help=False)
        p.add_argument("rest", nargs=argparse.REMAINDER)
        p.set_defaults(func=_delegate(module))
    return parser


#: commands whose arguments belong to another module's own parser
_DELEGATED = ("render", "validate", "media")


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    # REMAINDER does not take a first argument that looks like an option (`media --help`),
    # so unknown arguments of a delegated command are handed on rather than refused
    args, extra = parser.parse_known_args(argv)
    if extra and args.command not in _DELEGATED:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    if extra:
        args.rest = [*args.rest, *extra]
    if args.command in ("render", "validate"):
        args.rest = [args.command, *args.rest]
    settings = Settings.from_env()
    return int(args.func(args, settings))


if __name__ == "__main__":
    raise SystemExit(main())
