"""Settings, read once from the environment into frozen option objects.

Every variable is listed in README.md ("Configuration"). Secrets never have a default in
code: on first start they are generated and kept in the data folder (mode 0600), and an
environment variable overrides the stored value.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field, replace
from pathlib import Path

from starlette.config import Config

_SECRET_FILES = {"secret_key": "secret_key", "ip_hash_key": "ip_hash_key"}


@dataclass(frozen=True)
class JobOptions:
    #: run the job runner inside the web process (the embedded default)
    embedded: bool = True
    poll_seconds: float = 1.0
    lease_seconds: float = 60.0
    max_attempts: int = 3
    concurrency: int = 1


@dataclass(frozen=True)
class SecurityOptions:
    login_max_failures: int = 5
    login_window_seconds: int = 900
    session_max_age: int = 14 * 24 * 3600
    https_only: bool = False


@dataclass(frozen=True)
class TrackingOptions:
    """How the h5 app records visits (see h5/tracking.py for the rules)."""

    #: peers (CIDR, IPv4 or IPv6) whose X-Forwarded-For is believed; nobody else's
    trusted_proxies: tuple[str, ...] = ()
    #: seconds a short-link lookup stays cached in each h5 process
    link_cache_seconds: float = 5.0
    #: the writer flushes when this many visits are buffered, or every flush_seconds
    flush_size: int = 500
    flush_seconds: float = 1.0
    #: visits kept in memory at most while the database is unavailable
    max_buffer: int = 200_000
    #: unknown-code answers per IP and minute before the h5 app answers 429
    not_found_per_minute: int = 30
    #: days raw visit rows are kept (rollups are kept for ever); 0 = for ever
    raw_visit_days: int = 400
    #: when set, the standalone h5 app spools visits to files here and `studio h5-writer`
    #: writes them to the database (h5/spool.py); empty: each process writes its own
    spool_dir: str = ""
    #: CPU niceness `studio h5-writer` takes: it uses what the edge leaves, so under a burst
    #: the edge answers first and the writer catches up after
    writer_nice: int = 19
    #: on Linux, `studio h5-writer` also takes the SCHED_IDLE policy: it runs only on CPU
    #: time no other process wants, so it never slows the edge (nor, in a benchmark, the
    #: load generator); under a sustained full load the spool grows until the load passes
    writer_idle: bool = True

    @classmethod
    def from_env(cls, env: Config) -> TrackingOptions:
        return cls(
            trusted_proxies=_split(env("H5_TRUSTED_PROXIES", default="")),
            link_cache_seconds=env("H5_LINK_CACHE_SECONDS", cast=float, default=5.0),
            flush_size=env("H5_FLUSH_SIZE", cast=int, default=500),
            flush_seconds=env("H5_FLUSH_SECONDS", cast=float, default=1.0),
            not_found_per_minute=env("H5_NOT_FOUND_PER_MINUTE", cast=int, default=30),
            raw_visit_days=max(0, env("VISIT_RETENTION_DAYS", cast=int, default=400)),
            spool_dir=env("H5_SPOOL_DIR", default=""),
            writer_nice=env("H5_WRITER_NICE", cast=int, default=19),
            writer_idle=env("H5_WRITER_IDLE", cast=bool, default=True),
        )


@dataclass(frozen=True)
class MediaOptions:
    """Uploads and transcoding (see studio/media_library/)."""

    #: uploads over this many bytes are refused while streaming (1 MB = 1,000,000 bytes)
    upload_max_bytes: int = 200_000_000
    #: ffmpeg -threads for every transcode
    ffmpeg_threads: int = 2
    #: wall-clock limit of one ffmpeg run, in seconds (the process is killed past it)
    ffmpeg_timeout: float = 900.0


@dataclass(frozen=True)
class SendingOptions:
    """Send batches and gateways (studio/sending, studio/gateways)."""

    #: outbox (records payloads, simulates reports) | http (CTCU MaaP carrier API)
    gateway: str = "outbox"
    #: outbox: seconds until a simulated delivery report, share failing, share 5G-capable
    outbox_report_seconds: float = 5.0
    outbox_failure_share: float = 0.02
    outbox_5g_share: float = 0.8
    #: http: carrier API root, chatbot URI, credentials and the callback signing secret
    http_base_url: str = ""
    http_chatbot_uri: str = "sip:chatbot@botplatform.example.com"
    http_app_id: str = ""
    http_app_key: str = ""
    http_callback_secret: str = ""
    http_timeout_seconds: float = 5.0
    http_retries: int = 3
    http_backoff_seconds: float = 0.5
    #: messages per second per batch (0 = as fast as the gateway answers)
    rate_per_second: float = 200.0
    #: marketing: messages per number and workspace per 24 h; verification: per hour
    marketing_cap_per_day: int = 1
    verification_cap_per_hour: int = 10
    #: marketing batches send only inside this local window (HH:MM-HH:MM, Asia/Shanghai)
    marketing_window: str = "09:00-20:00"
    #: a scheduled batch starts at least this many minutes ahead
    min_schedule_minutes: int = 5
    #: sent without a report for this long becomes unknown
    unknown_after_hours: int = 72
    #: days recipient numbers are kept on delivery rows (0 = for ever); counts stay
    phone_retention_days: int = 180

    @classmethod
    def from_env(cls, env: Config) -> SendingOptions:
        return cls(
            gateway=env("SEND_GATEWAY", default="outbox"),
            outbox_report_seconds=env("SEND_OUTBOX_REPORT_SECONDS", cast=float, default=5.0),
            outbox_failure_share=env("SEND_OUTBOX_FAILURE_SHARE", cast=float, default=0.02),
            outbox_5g_share=env("SEND_OUTBOX_5G_SHARE", cast=float, default=0.8),
            http_base_url=env("SEND_HTTP_BASE_URL", default="").rstrip("/"),
            http_chatbot_uri=env(
                "SEND_HTTP_CHATBOT_URI", default="sip:chatbot@botplatform.example.com"),
            http_app_id=env("SEND_HTTP_APP_ID", default=""),
            http_app_key=env("SEND_HTTP_APP_KEY", default=""),
            http_callback_secret=env("SEND_HTTP_CALLBACK_SECRET", default=""),
            http_timeout_seconds=env("SEND_HTTP_TIMEOUT_SECONDS", cast=float, default=5.0),
            http_retries=env("SEND_HTTP_RETRIES", cast=int, default=3),
            rate_per_second=env("SEND_RATE_PER_SECOND", cast=float, default=200.0),
            marketing_cap_per_day=env("SEND_MARKETING_CAP_PER_DAY", cast=int, default=1),
            verification_cap_per_hour=env("SEND_VERIFICATION_CAP_PER_HOUR", cast=int, default=10),
            marketing_window=env("SEND_MARKETING_WINDOW", default="09:00-20:00"),
            min_schedule_minutes=env("SEND_MIN_SCHEDULE_MINUTES", cast=int, default=5),
            unknown_after_hours=env("SEND_UNKNOWN_AFTER_HOURS", cast=int, default=72),
            phone_retention_days=env("SEND_PHONE_RETENTION_DAYS", cast=int, default=180),
        )


def _split(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    secret_key: str
    ip_hash_key: str
    production: bool = False
    #: public base URL of the h5 app, e.g. https://t.example.cn; empty = served under /s/
    short_base_url: str = ""
    default_locale: str = "zh_CN"
    ffmpeg_binary: str = ""
    jobs: JobOptions = field(default_factory=JobOptions)
    security: SecurityOptions = field(default_factory=SecurityOptions)
    tracking: TrackingOptions = field(default_factory=TrackingOptions)
    sending: SendingOptions = field(default_factory=SendingOptions)
    media: MediaOptions = field(default_factory=MediaOptions)

    @property
    def media_dir(self) -> Path:
        return self.data_dir / "media"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def with_(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]

    @classmethod
    def from_env(cls, environ: os._Environ[str] | dict[str, str] | None = None) -> Settings:
        env = Config(environ=environ if environ is not None else os.environ)
        data_dir = Path(env("STUDIO_DATA_DIR", default="data")).resolve()
        database_url = env("DATABASE_URL", default="") or f"sqlite://{data_dir / 'studio.sqlite3'}"
        stored = _stored_secrets(data_dir)
        return cls(
            data_dir=data_dir,
            database_url=database_url,
            secret_key=env("STUDIO_SECRET_KEY", default="") or stored["secret_key"],
            ip_hash_key=env("STUDIO_IP_HASH_KEY", default="") or stored["ip_hash_key"],
            production=env("STUDIO_PRODUCTION", cast=bool, default=False),
            short_base_url=env("SHORT_BASE_URL", default="").rstrip("/"),
            default_locale=env("STUDIO_LOCALE", default="zh_CN"),
            ffmpeg_binary=env("FFMPEG_BINARY", default=""),
            jobs=JobOptions(
                embedded=env("STUDIO_EMBEDDED_WORKER", cast=bool, default=True),
                poll_seconds=env("STUDIO_JOB_POLL_SECONDS", cast=float, default=1.0),
                lease_seconds=env("STUDIO_JOB_LEASE_SECONDS", cast=float, default=60.0),
                max_attempts=env("STUDIO_JOB_MAX_ATTEMPTS", cast=int, default=3),
            ),
            security=SecurityOptions(
                login_max_failures=env("STUDIO_LOGIN_MAX_FAILURES", cast=int, default=5),
                https_only=env("STUDIO_HTTPS_ONLY", cast=bool, default=False),
            ),
            tracking=TrackingOptions.from_env(env),
            sending=SendingOptions.from_env(env),
            media=MediaOptions(
                upload_max_bytes=env("STUDIO_UPLOAD_MAX_BYTES", cast=int, default=200_000_000),
                ffmpeg_threads=env("STUDIO_FFMPEG_THREADS", cast=int, default=2),
                ffmpeg_timeout=env("STUDIO_FFMPEG_TIMEOUT", cast=float, default=900.0),
            ),
        )


def _stored_secrets(data_dir: Path) -> dict[str, str]:
    """Read the generated secrets from the data folder, creating them on first start."""
    data_dir.mkdir(parents=True, exist_ok=True)
    values = {}
    for key, name in _SECRET_FILES.items():
        path = data_dir / name
        if not path.exists():
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_urlsafe(48))
        values[key] = path.read_text().strip()
    return values


class InsecureSettings(RuntimeError):
    """Raised when production mode is asked for with unsafe settings."""


def check_production(settings: Settings) -> None:
    """Refuse to start in production mode with weak or missing secrets."""
    if not settings.production:
        return
    if len(settings.secret_key) < 32:
        raise InsecureSettings("STUDIO_SECRET_KEY must be at least 32 characters in production")
    if not settings.security.https_only:
        raise InsecureSettings("production mode needs STUDIO_HTTPS_ONLY=1 (cookies must be Secure)")
