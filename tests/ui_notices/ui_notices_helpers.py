"""Helpers the notices GUI tests share: waiting for background work, scripted answers."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

from fieldcheck.ui.notices import NoticesDialog


def wait_idle(qtbot: Any, dialog: NoticesDialog, timeout: int = 15_000) -> None:
    """Until every background task of the dialog has delivered its result."""
    qtbot.waitUntil(lambda: dialog.tasks.pending == 0, timeout=timeout)


class Answers:
    """Stands in for the modal questions of ui.common.dialogs; records what was asked."""

    def __init__(self) -> None:
        self.confirms: list[tuple[str, str]] = []
        self.confirm_answers: list[bool] = []
        self.texts: list[str | None] = []
        self.offered: list[str] = []  # the text each ask_text started from

    def confirm(self, _parent: Any, title: str, text: str, yes: str = "") -> bool:
        self.confirms.append((title, text))
        return self.confirm_answers.pop(0) if self.confirm_answers else True

    def ask_text(self, _parent: Any, _title: str, _prompt: str, text: str = "") -> str | None:
        self.offered.append(text)
        return self.texts.pop(0) if self.texts else None


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout
