"""Every KENNISNET_* setting with its default, read from the environment in one place."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]  # the checkout: kennisnet/core/config.py


def _flag(value: str | None, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on", "ja"}


def data_paths(data_dir: Path) -> dict[str, Path]:
    return {
        "UPLOAD_DIR": data_dir / "uploads",
        "INDEX_DIR": data_dir / "index",
        # Thumbnails and page images: derived from uploads/, content-addressed on their own.
        "PREVIEW_DIR": data_dir / "previews",
        "INSTANCE_DIR": data_dir / "instance",
    }


def load_or_create_secret(instance_dir: Path) -> str:
    """Read the generated secret key, or create one on first run.

    A hard-coded fallback would let anyone forge session cookies, so a checkout without
    KENNISNET_SECRET_KEY gets its own random key under instance/ (mode 0600).
    """
    path = instance_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(key)
    tmp.chmod(0o600)
    tmp.replace(path)
    return key


REDIS_SCHEMES = ("redis", "rediss", "unix")


def check_redis_url(url: str) -> None:
    if url.partition("://")[0] not in REDIS_SCHEMES:
        raise ValueError(
            f"KENNISNET_REDIS_URL must start with redis://, rediss:// or unix://, not {url!r}"
        )


def limiter_storage_uri(redis_url: str) -> str:
    """Flask-Limiter's storage for ``KENNISNET_REDIS_URL``: shared counters, or per process."""
    if not redis_url:
        return "memory://"
    check_redis_url(redis_url)
    scheme, _, rest = redis_url.partition("://")
    if scheme == "unix":  # the limits library spells a socket path this way
        return f"redis+unix://{rest}"
    return redis_url


def settings_from_env(env: Mapping[str, str]) -> dict[str, Any]:
    data_dir = Path(env.get("KENNISNET_DATA_DIR") or ROOT).resolve()
    paths = data_paths(data_dir)
    database_url = env.get("KENNISNET_DATABASE_URL") or (
        f"sqlite:///{paths['INSTANCE_DIR'] / 'kennisnet.db'}"
    )
    max_upload_mb = int(env.get("KENNISNET_MAX_UPLOAD_MB") or 50)
    return {
        "DATA_DIR": data_dir,
        **paths,
        "SQLALCHEMY_DATABASE_URI": database_url,
        # A PostgreSQL streaming replica for the pages browsers read (core/replica.py).
        "DATABASE_READ_URL": (env.get("KENNISNET_DATABASE_READ_URL") or "").strip(),
        "SECRET_KEY": env.get("KENNISNET_SECRET_KEY") or None,
        "MAX_UPLOAD_MB": max_upload_mb,
        "MAX_UPLOAD_BYTES": max_upload_mb * 1024 * 1024,
        # Room for the form fields around the files; each file is checked exactly in ingest.
        "MAX_CONTENT_LENGTH": (max_upload_mb * 10 + 1) * 1024 * 1024,
        # Empty: files in UPLOAD_DIR and PREVIEW_DIR; s3://bucket/prefix: in an object store
        # (endpoint and credentials from boto3's AWS_* settings; docs/deployment.md).
        "STORAGE_URL": (env.get("KENNISNET_STORAGE_URL") or "").strip(),
        # "sqlite" (FTS5, the default) or "whoosh": see docs/decisions.md.
        "SEARCH_BACKEND": (env.get("KENNISNET_SEARCH_BACKEND") or "sqlite").strip().lower(),
        "TASKS_IMMEDIATE": _flag(env.get("KENNISNET_TASKS_IMMEDIATE")),
        "TASKS_WORKERS": int(env.get("KENNISNET_TASKS_WORKERS") or 2),
        # redis://host:port/db or unix:///path/redis.sock?db=N: the queue and the rate-limit
        # counters are then shared by every app server and worker. Empty: a SQLite queue under
        # instance/ and counters per process (one machine).
        "REDIS_URL": (env.get("KENNISNET_REDIS_URL") or "").strip(),
        # A worker holds a lease on the document it processes, renewed while it works; a
        # worker that dies loses it after this many seconds and the document is queued again.
        "TASK_LEASE_SECONDS": float(env.get("KENNISNET_TASK_LEASE_SECONDS") or 60),
        # How often each worker looks for documents left in 'processing' without a task.
        "QUEUE_SWEEP_SECONDS": float(env.get("KENNISNET_QUEUE_SWEEP_SECONDS") or 60),
        "EXTRACTION_TIMEOUT": float(env.get("KENNISNET_EXTRACTION_TIMEOUT") or 120),
        "EXTRACTION_MEMORY_MB": int(env.get("KENNISNET_EXTRACTION_MEMORY_MB") or 1024),
        # Text recognition reads at most this many pages of a scan; the rest are named.
        "OCR_MAX_PAGES": int(env.get("KENNISNET_OCR_MAX_PAGES") or 50),
        # Page images for the document page's viewer; the thumbnail is always made.
        "PREVIEW_PAGES": int(env.get("KENNISNET_PREVIEW_PAGES") or 30),
        # Files read at once by the import and the worker (one per core by default).
        "EXTRACTION_WORKERS": int(env.get("KENNISNET_EXTRACTION_WORKERS") or os.cpu_count() or 1),
        # The import and the worker index in batches of this many documents, or of what is
        # ready within this many milliseconds, whichever comes first.
        "INDEX_BATCH_SIZE": int(env.get("KENNISNET_INDEX_BATCH_SIZE") or 100),
        "INDEX_BATCH_MS": int(env.get("KENNISNET_INDEX_BATCH_MS") or 2000),
        "EXTRACTION_ISOLATED": _flag(env.get("KENNISNET_EXTRACTION_ISOLATED"), default=True),
        "INVITATION_DAYS": int(env.get("KENNISNET_INVITATION_DAYS") or 14),
        # Where the site is reached from outside: links in the CLI's JSON, mails and feeds.
        "BASE_URL": (env.get("KENNISNET_BASE_URL") or "http://127.0.0.1:5000").rstrip("/"),
        # Outgoing mail (the digest): smtp://, smtp+starttls:// or smtps://host:port; empty
        # means no mail is sent.
        "SMTP_URL": (env.get("KENNISNET_SMTP_URL") or "").strip(),
        "MAIL_FROM": (env.get("KENNISNET_MAIL_FROM") or "Kennisnet <kennisnet@localhost>").strip(),
        # How many reverse proxies (nginx, a load balancer) stand in front: their
        # X-Forwarded-For/-Proto/-Host are then believed, so rate limits count per visitor.
        "TRUSTED_PROXIES": int(env.get("KENNISNET_TRUSTED_PROXIES") or 0),
        "SESSION_COOKIE_SECURE": _flag(env.get("KENNISNET_SECURE_COOKIES")),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "BABEL_DEFAULT_LOCALE": "nl",
        "BABEL_TRANSLATION_DIRECTORIES": str(ROOT / "translations"),
        "SQLALCHEMY_ENGINE_OPTIONS": {},
        "WTF_CSRF_TIME_LIMIT": None,
    }
