"""Logins for the web app: the users of HQBOT_AUTH."""

from __future__ import annotations

from pathlib import Path

from bot.errors import ConfigError


def parse_auth(spec: str | None) -> list[tuple[str, str]] | None:
    """Logins from HQBOT_AUTH: "user:pass,user2:pass2" or a file with one user:password per line."""
    if not spec or not spec.strip():
        return None
    path = Path(spec.strip()).expanduser()
    if path.is_file():
        lines = path.read_text(encoding="utf-8").splitlines()
        entries = [(f"Line {i} of {path}", ln.strip()) for i, ln in enumerate(lines, 1)]
        entries = [(where, e) for where, e in entries if e and not e.startswith("#")]
    elif ":" not in spec:
        raise ConfigError(f"HQBOT_AUTH names no existing file ({path}) and holds no user:password pair: fix it.")
    else:
        entries = [(f"Entry {i} of HQBOT_AUTH", e.strip()) for i, e in enumerate(spec.split(","), 1) if e.strip()]
    pairs = []
    for where, entry in entries:
        user, sep, password = entry.partition(":")
        if not sep or not user.strip() or not password.strip():
            raise ConfigError(f"{where} is not in user:password form: fix it (passwords are never shown).")
        pairs.append((user.strip(), password.strip()))
    if not pairs:
        raise ConfigError(f"HQBOT_AUTH ({path}) lists no user:password pair: add one or leave HQBOT_AUTH empty.")
    return pairs
