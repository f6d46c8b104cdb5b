"""Where the device token lives: the OS keyring where one works, else a file only the laptop
user can read (0600 in the data folder). The token is never logged or printed."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

SERVICE = "fieldcheck"
TOKEN_FILE = "device_token"


def _keyring_name(data_dir: Path) -> str:
    return f"device-token:{data_dir.resolve()}"


def _keyring():  # type: ignore[no-untyped-def]
    try:
        import keyring
        from keyring.backends.fail import Keyring as FailKeyring
    except ImportError:
        return None
    if isinstance(keyring.get_keyring(), FailKeyring):
        return None
    return keyring


def save_token(data_dir: Path, token: str) -> str:
    """Store the token; returns where ("keyring" or the file path)."""
    ring = _keyring()
    if ring is not None:
        try:
            ring.set_password(SERVICE, _keyring_name(data_dir), token)
            (data_dir / TOKEN_FILE).unlink(missing_ok=True)
            return "keyring"
        except Exception:  # noqa: BLE001 - any keyring failure falls back to the file
            pass
    path = data_dir / TOKEN_FILE
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(token)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    return str(path)


def load_token(data_dir: Path) -> str | None:
    ring = _keyring()
    if ring is not None:
        with contextlib.suppress(Exception):
            token = ring.get_password(SERVICE, _keyring_name(data_dir))
            if token:
                return str(token)
    path = data_dir / TOKEN_FILE
    try:
        return path.read_text(encoding="ascii").strip() or None
    except FileNotFoundError:
        return None
