"""Errors of the notice engine; messages are translated and say what the person can do."""

from __future__ import annotations

from fieldcheck.errors import FieldCheckError


class NoticeError(FieldCheckError):
    """A notice cannot be rendered as asked (bad image, bad number, bad text resource)."""

    code = "notice"


class FontError(NoticeError):
    """No usable Chinese TrueType font was found for a role the notice needs."""

    code = "font"


class MissingGlyphError(NoticeError):
    """Some characters exist in no available font; printing them would leave boxes."""

    code = "missing_glyph"

    def __init__(self, message: str, characters: list[str]) -> None:
        super().__init__(message)
        self.characters = list(characters)
