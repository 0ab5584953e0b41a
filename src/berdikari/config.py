"""One configuration object, read from the environment (``BERDIKARI_*`` variables).

Nothing else in the package reads ``os.environ`` for Berdikari settings. A value that cannot be
used raises :class:`ConfigError`, whose message names the variable.
"""

from __future__ import annotations

import os
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


def _whole_number(env, name: str, default: int) -> int:
    """``env[name]`` as a whole number of at least 1, ``default`` when unset or empty."""
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        raise ConfigError(f"{name} must be a whole number of at least 1 (got {raw!r})")
    return value


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
        database_url=env.get("BERDIKARI_DATABASE_URL", f"sqlite:///{data_dir / 'berdikari.db'}"),
        lockout_tries=_whole_number(env, "BERDIKARI_LOCKOUT_TRIES", LOCKOUT_TRIES),
        lockout_minutes=_whole_number(env, "BERDIKARI_LOCKOUT_MINUTES", LOCKOUT_MINUTES),
        trusted_proxies=_addresses(env, "BERDIKARI_TRUSTED_PROXIES"),
    )
