"""One configuration object, read from the environment (``BERDIKARI_*`` variables).

Nothing else in the package reads ``os.environ`` for Berdikari settings. A value that cannot be
used raises :class:`ConfigError`, whose message names the variable.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
"""The source checkout (``checklists/``, ``guides/``, ``notebooks/`` live here)."""

LOCKOUT_TRIES = 5
"""Wrong PINs or passwords that lock one client out of one account (``BERDIKARI_LOCKOUT_TRIES``;
a sign-in that cannot tell clients apart, such as the CLI's, locks the account itself; see
:mod:`berdikari.web.limits`)."""
LOCKOUT_MINUTES = 15
"""How long such a lock lasts (``BERDIKARI_LOCKOUT_MINUTES``)."""


class ConfigError(ValueError):
    """A ``BERDIKARI_*`` variable holds a value that cannot be used; the message names it."""


LOCKOUT_TRIES_MAX = 1000
LOCKOUT_MINUTES_MAX = 7 * 24 * 60
"""A week. 99999999999 minutes overflowed the date arithmetic and so disabled the lockout."""


def _whole_number(env, name: str, default: int, maximum: int | None = None) -> int:
    """``env[name]`` as a whole number of at least 1 (and at most ``maximum``), ``default``
    when unset or empty; anything else is a :class:`ConfigError` naming the variable."""
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw) if raw.isascii() and len(raw) <= 20 else 0
    except ValueError:
        value = 0
    if value < 1 or (maximum is not None and value > maximum):
        allowed = f"from 1 to {maximum}" if maximum is not None else "of at least 1"
        raise ConfigError(f"{name} must be a whole number {allowed} (got {raw[:40]!r})")
    return value


_URL = re.compile(r"(?P<backend>[A-Za-z0-9]+)(?:\+(?P<driver>[A-Za-z0-9_]+))?://")
_DRIVERS = {"sqlite": (None, "pysqlite"), "postgresql": (None, "psycopg"), "postgres": (None,)}


def _database_url(env, name: str, default: str) -> str:
    """``env[name]``: an SQLite or PostgreSQL (psycopg) URL, else a :class:`ConfigError` that
    names the variable and shows only the URL's scheme (the rest may hold a password)."""
    url = env.get(name, "").strip()
    if not url:
        return default
    m = _URL.match(url)
    if not m or m["driver"] not in _DRIVERS.get(m["backend"].lower(), ()):
        scheme = m.group(0) if m else (url.split(":", 1)[0][:20] + ":" if ":" in url else "")
        got = f"a URL starting {scheme!r}" if scheme else "no URL scheme"
        raise ConfigError(
            f"{name} must be sqlite:///path/to/berdikari.db or "
            f"postgresql+psycopg://user:password@host/database (got {got})"
        )
    rest = url[m.end() :]
    if m["backend"].lower() == "sqlite" and rest and not rest.startswith("/"):
        raise ConfigError(
            f"{name}: an SQLite URL has three slashes before the path: sqlite:///path/to/file.db"
        )
    return url


def check_database_url(url: str, name: str = "BERDIKARI_DATABASE_URL") -> str:
    """``url`` if it can be a Berdikari database URL, else :class:`ConfigError` naming ``name``
    (the CLI checks ``--database-url`` with it)."""
    return _database_url({name: url}, name, url)


def _addresses(env, name: str) -> tuple[str, ...]:
    """``env[name]`` as comma-separated IP addresses or networks (``10.0.0.0/8``)."""
    import ipaddress

    out = []
    for part in env.get(name, "").split(","):
        part = part.strip()
        if not part:
            continue
        try:
            ipaddress.ip_network(part, strict=False)
        except ValueError:
            raise ConfigError(
                f"{name} must list IP addresses or networks separated by commas (got {part!r})"
            ) from None
        out.append(part)
    return tuple(out)


@dataclass(frozen=True)
class Settings:
    root: Path
    checklists_dir: Path
    guides_dir: Path
    notebooks_dir: Path
    data_dir: Path
    database_url: str
    lockout_tries: int = LOCKOUT_TRIES
    lockout_minutes: int = LOCKOUT_MINUTES
    trusted_proxies: tuple[str, ...] = ()
    """``BERDIKARI_TRUSTED_PROXIES``: addresses of proxies whose ``X-Forwarded-For`` is believed
    (:func:`berdikari.web.limits.client_address`); empty: the header is ignored."""
    site_url: str = ""
    """``BERDIKARI_SITE_URL``: the site's public address (MkDocs reads it too); QR codes of the
    Etalase carry it. Empty: the address the visitor used."""


def settings() -> Settings:
    env = os.environ
    root = Path(env.get("BERDIKARI_ROOT", ROOT))
    data_dir = Path(env.get("BERDIKARI_DATA_DIR", root / "data"))
    return Settings(
        root=root,
        checklists_dir=Path(env.get("BERDIKARI_CHECKLISTS_DIR", root / "checklists")),
        guides_dir=Path(env.get("BERDIKARI_GUIDES_DIR", root / "guides")),
        notebooks_dir=Path(env.get("BERDIKARI_NOTEBOOKS_DIR", root / "notebooks")),
        data_dir=data_dir,
        database_url=_database_url(
            env, "BERDIKARI_DATABASE_URL", f"sqlite:///{data_dir / 'berdikari.db'}"
        ),
        lockout_tries=_whole_number(
            env, "BERDIKARI_LOCKOUT_TRIES", LOCKOUT_TRIES, maximum=LOCKOUT_TRIES_MAX
        ),
        lockout_minutes=_whole_number(
            env, "BERDIKARI_LOCKOUT_MINUTES", LOCKOUT_MINUTES, maximum=LOCKOUT_MINUTES_MAX
        ),
        trusted_proxies=_addresses(env, "BERDIKARI_TRUSTED_PROXIES"),
        site_url=env.get("BERDIKARI_SITE_URL", "").strip(),
    )
