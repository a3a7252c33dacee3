"""Configuration from the environment, with defaults that serve the bundled content locally.

Every knob a deployment turns is here, read once at start-up; nothing else reads os.environ.
"""

from __future__ import annotations

import base64
import binascii
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from api.content.sync_tokens import DEFAULT_KEY

ROOT = Path(__file__).resolve().parent.parent
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")  # ALLOWED_HOSTS by default


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    value = env.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise SystemExit(f"{name} must be a whole number, got {value!r}") from None


def _float(env: Mapping[str, str], name: str, default: float) -> float:
    value = env.get(name, "").strip()
    if not value:
        return default
    try:
        number = float(value)
    except ValueError:
        number = -1.0
    if not 0 <= number < float("inf"):
        raise SystemExit(f"{name} must be a number, 0 or more, got {value!r}")
    return number


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    value = env.get(name, "").strip().lower()
    if not value:
        return default
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise SystemExit(f"{name} must be true or false, got {value!r}")


def _list(env: Mapping[str, str], name: str, default: list[str]) -> list[str]:
    value = env.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.replace(",", " ").split() if item.strip()]


@dataclass(frozen=True)
class Limits:
    """Bounds on what one request may ask of the server."""

    max_body_bytes: int = 1_000_000
    max_query_chars: int = 20_000
    max_tokens: int = 5_000
    max_depth: int = 12
    max_aliases: int = 30
    max_fields: int = 5_000  # fields in the query's text, fragments expanded
    max_cost: int = 20_000  # fields times the lengths of the lists they are in (api.schema.cost)
    max_answer_bytes: int = 4 * 1024 * 1024  # no answer is bigger: a clear error instead
    max_json_depth: int = 32  # levels of lists and objects in `variables` and `extensions`
    max_head_bytes: int = 16 * 1024  # a request's line and headers together (api.http.protocol)
    max_headers: int = 100
    execution_seconds: float = 2.0  # one execution's deadline, enforced while it runs
    max_resolved_fields: int = 100_000  # fields one execution may complete (the cost allows 20,000)


# Standard Webhooks' secrets are 24 to 64 random bytes, written "whsec_" + base64.
WEBHOOK_SECRET_BYTES = (24, 64)


@dataclass(frozen=True)
class Webhooks:
    """Who is told when content is published (api.publishing.sender), and how hard we try."""

    urls: list[str] = field(default_factory=list)
    secret: str = ""  # whsec_…
    retry_seconds: tuple[float, ...] = (5, 30, 120, 600, 1800, 3600)  # waits after each failed try
    timeout_seconds: float = 10.0  # for a receiver's answer

    @property
    def on(self) -> bool:
        return bool(self.urls)


def redact(url: str) -> str:
    """``url`` without its user name or password, for logs and tools."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc="***@" + parts.netloc.rsplit("@", 1)[1]))


def _webhook_urls(env: Mapping[str, str]) -> list[str]:
    urls = _list(env, "WEBHOOK_URLS", [])
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise SystemExit(f"WEBHOOK_URLS: {redact(url)!r} is not an http:// or https:// URL with a host")
    if len(urls) > 20:
        raise SystemExit(f"WEBHOOK_URLS: at most 20 receivers, got {len(urls)}")
    return list(dict.fromkeys(urls))


def _webhook_secret(env: Mapping[str, str], needed: bool) -> str:
    secret = env.get("WEBHOOK_SECRET", "").strip()
    if not secret:
        if needed:
            raise SystemExit("WEBHOOK_URLS is set but WEBHOOK_SECRET is not: receivers could not verify the "
                             "events (make one: python -m api.content secret)")
        return ""
    try:
        key = base64.b64decode(secret.removeprefix("whsec_"), validate=True)
    except binascii.Error:
        key = b""
    low, high = WEBHOOK_SECRET_BYTES
    if not secret.startswith("whsec_") or not low <= len(key) <= high:
        raise SystemExit(f"WEBHOOK_SECRET must be whsec_ and the base64 of {low} to {high} random bytes "
                         "(make one: python -m api.content secret)")
    return secret


def _seconds_list(env: Mapping[str, str], name: str, default: tuple[float, ...]) -> tuple[float, ...]:
    value = env.get(name, "").strip()
    if not value:
        return default
    try:
        found = tuple(float(v) for v in value.replace(",", " ").split())
    except ValueError:
        found = ()
    if not found or not all(0 < v < float("inf") for v in found) or len(found) > 50:
        raise SystemExit(f"{name} must be 1 to 50 numbers of seconds, above 0, got {value!r}")
    return found


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    content_path: Path = ROOT / "content.json"
    cors_origins: list[str] = field(default_factory=lambda: ["*"])
    frame_ancestors: list[str] = field(default_factory=lambda: ["*"])
    public_url: str = ""
    allowed_hosts: list[str] = field(default_factory=lambda: list(LOOPBACK_HOSTS))  # without PUBLIC_URL
    introspection: bool = True
    response_cache: bool = True
    response_cache_entries: int = 2_000
    response_cache_bytes: int = 256 * 1024 * 1024  # answers kept, with their gzip and keys
    document_cache_entries: int = 500
    document_cache_bytes: int = 64 * 1024 * 1024  # parsed queries (estimated: see endpoint.AST_BYTES_PER_CHAR)
    persisted_query_entries: int = 2_000
    persisted_query_bytes: int = 32 * 1024 * 1024  # query texts held for their hashes
    embed_cache_bytes: int = 64 * 1024 * 1024  # rendered embed pages
    cache_max_age: int = 300
    stale_while_revalidate: int = 86_400
    limits: Limits = field(default_factory=Limits)
    log_level: str = "info"
    access_log_flush_seconds: float = 1.0
    execution_rate: float = 50.0  # new (not yet answered) queries a second per client; 0: no limit
    execution_burst: int = 200
    execution_threads: int = 2  # worker threads that execute queries, per process
    execution_queue: int = 64  # executions running or waiting before a quick 503
    limit_concurrency: int = 1_000
    keep_alive_seconds: int = 5
    head_timeout_seconds: float = 10.0  # for a request's headers to arrive, from its first byte
    max_connections_per_client: int = 256  # open connections one address may hold; 0: no limit
    graceful_shutdown_seconds: int = 20
    sync_token_key: str = DEFAULT_KEY  # signs sync tokens; the same on every server of one library
    sync_history_path: Path | None = None  # item tables of past versions (SQLite); None: in memory only
    content_watch_seconds: float = 1.0  # how often each worker looks for a new content file; 0: only SIGHUP
    preview: bool = False  # serve a draft: nothing cacheable, nothing indexed, a banner (make preview)
    webhooks: Webhooks = field(default_factory=lambda: Webhooks())


def from_env(env: Mapping[str, str] = os.environ) -> Settings:
    """Read the settings from the environment (see README, 'Configuration'), or from ``env``."""
    return Settings(
        host=env.get("HOST", "127.0.0.1"),
        port=_int(env, "PORT", 8000),
        workers=_int(env, "WORKERS", 1),
        content_path=Path(env.get("CONTENT_PATH", str(ROOT / "content.json"))),
        cors_origins=_list(env, "CORS_ORIGINS", ["*"]),
        frame_ancestors=_list(env, "FRAME_ANCESTORS", ["*"]),
        public_url=env.get("PUBLIC_URL", "").rstrip("/"),
        allowed_hosts=_list(env, "ALLOWED_HOSTS", list(LOOPBACK_HOSTS)),
        introspection=_bool(env, "INTROSPECTION", True),
        response_cache=_bool(env, "RESPONSE_CACHE", True),
        response_cache_entries=_int(env, "RESPONSE_CACHE_ENTRIES", Settings.response_cache_entries),
        response_cache_bytes=_int(env, "RESPONSE_CACHE_BYTES", Settings.response_cache_bytes),
        document_cache_bytes=_int(env, "DOCUMENT_CACHE_BYTES", Settings.document_cache_bytes),
        persisted_query_bytes=_int(env, "PERSISTED_QUERY_BYTES", Settings.persisted_query_bytes),
        embed_cache_bytes=_int(env, "EMBED_CACHE_BYTES", Settings.embed_cache_bytes),
        cache_max_age=_int(env, "CACHE_MAX_AGE", 300),
        limits=Limits(
            max_body_bytes=_int(env, "MAX_BODY_BYTES", Limits.max_body_bytes),
            max_query_chars=_int(env, "MAX_QUERY_CHARS", Limits.max_query_chars),
            max_tokens=_int(env, "MAX_TOKENS", Limits.max_tokens),
            max_depth=_int(env, "MAX_DEPTH", Limits.max_depth),
            max_aliases=_int(env, "MAX_ALIASES", Limits.max_aliases),
            max_fields=_int(env, "MAX_FIELDS", Limits.max_fields),
            max_cost=_int(env, "MAX_COST", Limits.max_cost),
            max_answer_bytes=_int(env, "MAX_ANSWER_BYTES", Limits.max_answer_bytes),
            max_json_depth=_int(env, "MAX_JSON_DEPTH", Limits.max_json_depth),
            max_head_bytes=_int(env, "MAX_HEAD_BYTES", Limits.max_head_bytes),
            max_headers=_int(env, "MAX_HEADERS", Limits.max_headers),
            execution_seconds=_float(env, "EXECUTION_SECONDS", Limits.execution_seconds),
            max_resolved_fields=_int(env, "MAX_RESOLVED_FIELDS", Limits.max_resolved_fields),
        ),
        log_level=env.get("LOG_LEVEL", "info"),
        access_log_flush_seconds=_float(env, "ACCESS_LOG_FLUSH_SECONDS", 1.0),
        execution_rate=_float(env, "EXECUTION_RATE", 50.0),
        execution_burst=_int(env, "EXECUTION_BURST", 200),
        execution_threads=_int(env, "EXECUTION_THREADS", Settings.execution_threads),
        execution_queue=_int(env, "EXECUTION_QUEUE", Settings.execution_queue),
        limit_concurrency=_int(env, "LIMIT_CONCURRENCY", 1_000),
        keep_alive_seconds=_int(env, "KEEP_ALIVE_SECONDS", 5),
        head_timeout_seconds=_float(env, "HEAD_TIMEOUT_SECONDS", Settings.head_timeout_seconds),
        max_connections_per_client=_int(env, "MAX_CONNECTIONS_PER_CLIENT", Settings.max_connections_per_client),
        graceful_shutdown_seconds=_int(env, "GRACEFUL_SHUTDOWN_SECONDS", 20),
        sync_token_key=env.get("SYNC_TOKEN_KEY", "") or DEFAULT_KEY,
        sync_history_path=_history_path(env),
        content_watch_seconds=_float(env, "CONTENT_WATCH_SECONDS", Settings.content_watch_seconds),
        preview=_bool(env, "PREVIEW", False),
        webhooks=_webhooks(env),
    )


def _webhooks(env: Mapping[str, str]) -> Webhooks:
    urls = _webhook_urls(env)
    return Webhooks(urls, _webhook_secret(env, bool(urls)),
                    _seconds_list(env, "WEBHOOK_RETRY_SECONDS", Webhooks.retry_seconds),
                    _float(env, "WEBHOOK_TIMEOUT_SECONDS", Webhooks.timeout_seconds) or Webhooks.timeout_seconds)


def _history_path(env: Mapping[str, str]) -> Path | None:
    """``SYNC_HISTORY_PATH``; by default a file beside the content file (``.content.json.sync-history``),
    so every worker and every start of one library share it; ``off`` keeps the history in memory."""
    value = env.get("SYNC_HISTORY_PATH", "").strip()
    if value.lower() == "off":
        return None
    if value:
        return Path(value)
    content = Path(env.get("CONTENT_PATH", str(ROOT / "content.json")))
    return content.with_name(f".{content.name}.sync-history")


def configure_logging(level: str) -> None:
    """Send our logs (access lines, content reloads) to stderr once per process.

    Called from ``python -m api`` and again by each app instance, because uvicorn's worker
    processes (``WORKERS`` > 1) start fresh and would otherwise drop every access line.
    """
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(level=level.upper(), format="%(asctime)s %(levelname)s %(name)s %(message)s")
    logging.getLogger("clara").setLevel(level.upper())
