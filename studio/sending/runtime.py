"""The sending options the background jobs use.

Job handlers receive only their job, so the views hand the app's options over on each
request (`use`), and a worker process without requests reads them from the environment,
which is where the app's settings come from too. Tests call `use` with their own options.
"""

from __future__ import annotations

import os

from starlette.config import Config

from studio.settings import SendingOptions

_options: SendingOptions | None = None


def use(options: SendingOptions) -> None:
    global _options
    _options = options


def options() -> SendingOptions:
    return _options or SendingOptions.from_env(Config(environ=os.environ))
