"""Laurel's configuration: safe defaults, then instance/config.py, then LAUREL_* variables.

`create_app` applies the layers in that order and the test mapping last. Nothing here reads the
environment at import time; `environment_overrides()` is called by the factory.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from zxcvbn import zxcvbn

from app.database import ENGINE_OPTIONS

#: Keys that are public knowledge (examples, tutorials) and must never sign a real session.
KNOWN_SECRET_KEYS = frozenset({"", "dev", "development", "secret", "changeme", "change-me", "laurel"})

DEFAULTS: dict[str, Any] = {
    "SECRET_KEY": "",
    "DATABASE_URL": "",  # empty: SQLite at <instance>/laurel.db
    "SQLALCHEMY_TRACK_MODIFICATIONS": False,
    "SQLALCHEMY_ENGINE_OPTIONS": ENGINE_OPTIONS,
    "RATELIMIT_STORAGE_URI": "memory://",
    "RATELIMIT_HEADERS_ENABLED": True,
    "LOGIN_ACCOUNT_RATE_LIMIT": "5 per minute; 20 per hour",
    "LOGIN_ADDRESS_RATE_LIMIT": "50 per minute; 500 per hour",
    "TIMEZONE": "Asia/Shanghai",
    "LANGUAGES": ["en", "zh"],
    "BABEL_DEFAULT_LOCALE": "en",
    "BABEL_DEFAULT_TIMEZONE": "Asia/Shanghai",
    "DEMO_MODE": False,
    "MAX_UPLOAD_MB": 10,
    "MAX_WORK_MB": 100,  # a team's work (slides, a video): its own ceiling, above the forms' and imports'
    "TOKEN_DAYS": 30,
    "PROXY_COUNT": 0,
    "SMTP_HOST": "",
    "SMTP_PORT": 587,
    "SMTP_USERNAME": "",
    "SMTP_PASSWORD": "",
    "SMTP_STARTTLS": True,
    "MAIL_FROM": "Laurel <no-reply@laurel.local>",
    "SIGNUP_RATE_LIMIT": "10 per hour",
    "OBJECTION_RATE_LIMIT": "10 per hour",  # objections and evidence files one account may send (app/notices)
    "EVIDENCE_MAX_MB": 5,  # the largest file of evidence for an objection
    "VERIFY_RATE_LIMIT": "60 per minute; 1000 per hour",
    "PUBLIC_URL": "",  # empty: the address of the request that issues a certificate or sends a mail
    "REDIS_URL": "",  # empty: jobs run in a thread of the app's own process
    "JOB_QUEUE_NAME": "laurel",  # the RQ queue that `flask --app wsgi worker` runs
    "JOB_THRESHOLD_ROWS": 5000,
    "JOB_THRESHOLD_TEAMS": 20000,
    "JOB_STALE_SECONDS": 300,
    "JOB_HEARTBEAT_SECONDS": 10,
    "MAIL_JOB_THRESHOLD": 50,
    "MAIL_PER_MINUTE": 300,
    "PASSWORD_HASH_METHOD": "argon2id",  # app/auth/hashing.py
    "SESSION_COOKIE_SECURE": False,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "WTF_CSRF_TIME_LIMIT": None,  # a judge may keep a sheet open all afternoon
    # flask-smorest: the spec is served at /api/v1/openapi.json; our own page serves the docs.
    "API_TITLE": "Laurel",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/api/v1",
    "OPENAPI_JSON_PATH": "openapi.json",
}


def _boolean(value: str) -> bool:
    if value.strip().lower() in {"1", "true", "yes", "on"}:
        return True
    if value.strip().lower() in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError(f"expected a yes/no value such as 1 or 0, got {value!r}")


def _language_list(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


#: Every LAUREL_* variable Laurel reads: name -> (config key, parser, what it does).
#: README.md's configuration table is written from this mapping; keep them together.
ENVIRONMENT_VARIABLES: dict[str, tuple[str, Callable[[str], Any], str]] = {
    "LAUREL_SECRET_KEY": ("SECRET_KEY", str, "signs sessions and CSRF tokens; generated into instance/config.py on first run"),
    "LAUREL_DATABASE_URL": ("DATABASE_URL", str, "SQLAlchemy URL; default SQLite at instance/laurel.db"),
    "LAUREL_RATELIMIT_STORAGE_URI": ("RATELIMIT_STORAGE_URI", str, "rate-limit storage, memory:// or redis://host:6379"),
    "LAUREL_LOGIN_ACCOUNT_RATE_LIMIT": (
        "LOGIN_ACCOUNT_RATE_LIMIT",
        str,
        "failed sign-ins allowed per account, form and API together, default 5 per minute; 20 per hour",
    ),
    "LAUREL_LOGIN_ADDRESS_RATE_LIMIT": (
        "LOGIN_ADDRESS_RATE_LIMIT",
        str,
        "failed sign-ins allowed per client address, form and API together, default 50 per minute; 500 per hour",
    ),
    "LAUREL_TIMEZONE": ("TIMEZONE", str, "default time zone of new contests, default Asia/Shanghai"),
    "LAUREL_LANGUAGES": ("LANGUAGES", _language_list, "interface languages offered, default en,zh"),
    "LAUREL_DEMO_MODE": ("DEMO_MODE", _boolean, "1 shows the demo accounts on the login page"),
    "LAUREL_MAX_UPLOAD_MB": ("MAX_UPLOAD_MB", int, "largest upload accepted, in MB, default 10"),
    "LAUREL_MAX_WORK_MB": (
        "MAX_WORK_MB",
        int,
        "largest work a team hands in (a round's items are within it), in MB, default 100",
    ),
    "LAUREL_TOKEN_DAYS": ("TOKEN_DAYS", int, "days an API token lives, default 30"),
    "LAUREL_PROXY_COUNT": (
        "PROXY_COUNT",
        int,
        "reverse proxies in front of Laurel whose X-Forwarded-* headers to trust, default 0",
    ),
    "LAUREL_SMTP_HOST": ("SMTP_HOST", str, "SMTP server for mail; unset: mail is written to instance/outbox/ as .eml files"),
    "LAUREL_SMTP_PORT": ("SMTP_PORT", int, "SMTP port, default 587"),
    "LAUREL_SMTP_USERNAME": ("SMTP_USERNAME", str, "SMTP login, if the server needs one"),
    "LAUREL_SMTP_PASSWORD": ("SMTP_PASSWORD", str, "SMTP password"),
    "LAUREL_SMTP_STARTTLS": ("SMTP_STARTTLS", _boolean, "1 (default) to upgrade the SMTP connection with STARTTLS"),
    "LAUREL_MAIL_FROM": ("MAIL_FROM", str, "the From address of Laurel's mail"),
    "LAUREL_MAIL_PER_MINUTE": (
        "MAIL_PER_MINUTE",
        int,
        "result mails sent a minute over SMTP, the pace your mail server accepts (default 300; 0: no pause)",
    ),
    "LAUREL_SIGNUP_RATE_LIMIT": ("SIGNUP_RATE_LIMIT", str, "captain sign-ups allowed per client address, default 10 per hour"),
    "LAUREL_OBJECTION_RATE_LIMIT": (
        "OBJECTION_RATE_LIMIT",
        str,
        "objections and evidence files one account may send, default 10 per hour",
    ),
    "LAUREL_EVIDENCE_MAX_MB": ("EVIDENCE_MAX_MB", int, "the largest file of evidence for an objection, in MB, default 5"),
    "LAUREL_VERIFY_RATE_LIMIT": (
        "VERIFY_RATE_LIMIT",
        str,
        "certificate verifications allowed per client address, default 60 per minute; 1000 per hour",
    ),
    "LAUREL_PUBLIC_URL": (
        "PUBLIC_URL",
        str,
        "the address people reach Laurel at, printed in certificates' QR codes and objections' mails; unset: the request's",
    ),
    "LAUREL_REDIS_URL": ("REDIS_URL", str, "Redis for background jobs (RQ); unset: jobs run in the app's own process"),
    "LAUREL_JOB_QUEUE_NAME": ("JOB_QUEUE_NAME", str, "the Redis queue of Laurel's jobs, default laurel (one per installation)"),
    "LAUREL_JOB_THRESHOLD_ROWS": ("JOB_THRESHOLD_ROWS", int, "imports of more rows run as background jobs, default 5000"),
    "LAUREL_JOB_THRESHOLD_TEAMS": (
        "JOB_THRESHOLD_TEAMS",
        int,
        "results of rounds with more teams are computed as background jobs, default 20000",
    ),
    "LAUREL_JOB_STALE_SECONDS": (
        "JOB_STALE_SECONDS",
        int,
        "a job whose worker is silent this long is run again once, then failed, default 300",
    ),
    "LAUREL_SESSION_COOKIE_SECURE": (
        "SESSION_COOKIE_SECURE",
        _boolean,
        "1 when served over HTTPS: cookies are sent only over HTTPS",
    ),
}


def environment_overrides(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Read the LAUREL_* variables that are set, parsed to their config types.

    A malformed value stops the start with a message that names the variable.
    """
    environ = os.environ if environ is None else environ
    overrides: dict[str, Any] = {}
    for variable, (key, parse, _) in ENVIRONMENT_VARIABLES.items():
        if variable in environ:
            try:
                overrides[key] = parse(environ[variable])
            except ValueError as error:
                raise RuntimeError(f"{variable} is not valid: {error}") from error
    return overrides


INSTANCE_CONFIG_TEMPLATE = """\
# Laurel's local configuration: generated on first run, never committed.
# Any key of app/config.py may be set here; LAUREL_* environment variables override it.
SECRET_KEY = {secret_key}
"""


def ensure_instance_config(instance_path: str | Path) -> Path:
    """Create instance/config.py with a fresh random SECRET_KEY unless it exists.

    The file is created exclusively, so two workers starting at once cannot both write it.
    """
    path = Path(instance_path) / "config.py"
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(INSTANCE_CONFIG_TEMPLATE.format(secret_key=json.dumps(secrets.token_hex(32))))
    return path


#: A secret key shorter than this is refused outside debug and tests (a generated one has 64 characters).
MIN_SECRET_KEY_LENGTH = 32
#: ... and so is one that zxcvbn guesses in fewer tries than this (about 80 bits): a phrase, a repeat, a
#: sequence. Random keys of 32 hex or base64 characters are estimated well above it.
MIN_SECRET_KEY_GUESSES_LOG10 = 24


def secret_key_problem(key: str) -> str | None:
    """Why `key` cannot sign sessions, or None: empty or well known, shorter than 32 characters, or too
    easy to guess (zxcvbn's estimate, over its first 72 characters, below 10^24 guesses)."""
    if key.strip().lower() in KNOWN_SECRET_KEYS:
        return "is empty or a known example value"
    if len(key) < MIN_SECRET_KEY_LENGTH:
        return f"has {len(key)} characters; it needs at least {MIN_SECRET_KEY_LENGTH} random ones"
    if zxcvbn(key[:72])["guesses_log10"] < MIN_SECRET_KEY_GUESSES_LOG10:
        return "is too easy to guess (a phrase, a repeat or a sequence); it needs random characters"
    return None


def check_secret_key(config: Mapping[str, Any]) -> None:
    """Refuse to run outside debug and tests with a secret key that someone could know or guess."""
    if config.get("TESTING") or config.get("DEBUG"):
        return
    problem = secret_key_problem(str(config.get("SECRET_KEY") or ""))
    if problem:
        raise RuntimeError(
            f"LAUREL_SECRET_KEY (or SECRET_KEY in instance/config.py) {problem}. Set LAUREL_SECRET_KEY to the "
            "output of `python -c 'import secrets; print(secrets.token_hex(32))'`, the same on every instance, "
            "or remove SECRET_KEY from instance/config.py to have a random one generated."
        )


def database_uri(config: Mapping[str, Any], instance_path: str | Path) -> str:
    """The SQLAlchemy URL: DATABASE_URL when set, else SQLite inside the instance folder."""
    url = str(config.get("DATABASE_URL") or "")
    if url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgres://")
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url or f"sqlite:///{Path(instance_path) / 'laurel.db'}"
