"""Small widgets the screens share: badges, titles, buttons, an empty-list hint."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFrame, QLabel, QPushButton, QWidget

from fieldcheck.ui.common.style import MUTED

if TYPE_CHECKING:  # their enums are made on first use; the first paint needs neither
    from PySide6.QtWidgets import QLineEdit, QPlainTextEdit


class Badge(QLabel):
    """A small coloured tag: a status, a kind, a severity."""

    def __init__(self, text: str = "", colour: str = MUTED, parent: QWidget | None = None) -> None:
        from PySide6.QtCore import Qt  # not at import: the main window's first paint needs no `Qt`

        super().__init__(text, parent)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.set_colour(colour)

    def set_colour(self, colour: str) -> None:
        self.setStyleSheet(
            f"QLabel {{ color: {colour}; border: 1px solid {colour}; border-radius: 9px;"
            f" padding: 1px 9px; background: white; font-size: 9.5pt; }}"
        )

    def show_text(self, text: str, colour: str) -> None:
        self.setText(text)
        self.set_colour(colour)


def label(text: str, name: str = "", *, wrap: bool = False) -> QLabel:
    widget = QLabel(text)
    if name:
        widget.setObjectName(name)
    widget.setWordWrap(wrap)
    return widget


def button(text: str, name: str = "", *, tip: str = "") -> QPushButton:
    widget = QPushButton(text)
    if name:
        widget.setObjectName(name)
    if tip:
        widget.setToolTip(tip)
    return widget


def set_read_only(widget: QLineEdit | QPlainTextEdit, read_only: bool) -> None:
    """Read-only, and looking it (the style sheet's [readOnly="true"] needs a re-polish)."""
    if widget.isReadOnly() != read_only:
        widget.setReadOnly(read_only)
        widget.style().unpolish(widget)
        widget.style().polish(widget)
        widget.update()


def card(name: str = "card") -> QFrame:
    frame = QFrame()
    frame.setObjectName(name)
    return frame


def hline() -> QFrame:
    line = QFrame()
    line.setFrameShape(QFrame.Shape.HLine)
    line.setStyleSheet("color: #e3e5e8;")
    return line
