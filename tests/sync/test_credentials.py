"""The device token: in the OS keyring where one works, else a file only the user can read."""

from __future__ import annotations

import stat
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend

from fieldcheck.sync.credentials import TOKEN_FILE, load_token, save_token


class MemoryKeyring(KeyringBackend):
    priority = -1  # type: ignore[assignment]  # never chosen on its own: only set_keyring

    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}

    def set_password(self, service: str, username: str, password: str) -> None:
        self.secrets[(service, username)] = password

    def get_password(self, service: str, username: str) -> str | None:
        return self.secrets.get((service, username))

    def delete_password(self, service: str, username: str) -> None:
        self.secrets.pop((service, username), None)


def test_without_a_keyring_the_token_is_a_file_only_the_user_reads(tmp_path: Path) -> None:
    where = save_token(tmp_path, "secret-token")
    path = tmp_path / TOKEN_FILE
    assert where == str(path) and path.read_text() == "secret-token"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_token(tmp_path) == "secret-token"


def test_with_a_keyring_the_token_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ring = MemoryKeyring()
    previous = keyring.get_keyring()
    keyring.set_keyring(ring)
    try:
        (tmp_path / TOKEN_FILE).write_text("old")
        assert save_token(tmp_path, "secret-token") == "keyring"
        assert not (tmp_path / TOKEN_FILE).exists()
        assert load_token(tmp_path) == "secret-token"
        assert "secret-token" in ring.secrets.values()
    finally:
        keyring.set_keyring(previous)
