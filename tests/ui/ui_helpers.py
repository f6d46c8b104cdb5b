"""Helpers of the GUI tests."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PIL import Image


def make_jpeg(path: Path, colour: tuple[int, int, int], taken: datetime | None = None) -> Path:
    """A small real JPEG, with an EXIF DateTimeOriginal when `taken` is given."""
    image = Image.new("RGB", (640, 480), colour)
    exif = Image.Exif()
    if taken is not None:
        stamp = taken.strftime("%Y:%m:%d %H:%M:%S")
        exif[0x0132] = stamp  # DateTime
        exif.get_ifd(0x8769)[0x9003] = stamp  # DateTimeOriginal
    image.save(path, "JPEG", quality=85, exif=exif)
    return path


def type_chinese(widget: object, text: str) -> None:
    """Type as a Chinese input method does: one committed string (QTest only types Latin-1)."""
    from PySide6.QtGui import QInputMethodEvent
    from PySide6.QtWidgets import QApplication

    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)  # type: ignore[arg-type]
