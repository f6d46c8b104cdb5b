"""Pagination: a cursor running down the 版心, new pages, and per-page marks at page end."""

from __future__ import annotations

import math
from collections.abc import Callable

from reportlab.pdfgen.canvas import Canvas

from fieldcheck.notices.geometry import LINE_PITCH, TEXT_BOTTOM, TEXT_TOP

_EPS = 0.01


class PageFlow:
    """Keeps `y`, the top of the next free space on the current page (points from the top)."""

    def __init__(self, canvas: Canvas, on_page_end: Callable[[int], None]) -> None:
        self.canvas = canvas
        self.page = 1
        self.y = TEXT_TOP
        self.bottom = TEXT_BOTTOM  # a form keeps a per-page signature footer below this
        self._on_page_end = on_page_end

    def space_left(self) -> float:
        return self.bottom - self.y

    def page_height(self) -> float:
        return self.bottom - TEXT_TOP

    def lines_per_page(self) -> int:
        return math.floor(self.page_height() / LINE_PITCH + _EPS)

    def lines_left(self) -> int:
        """Whole grid lines still free on this page."""
        return max(0, math.floor((self.bottom - self.y) / LINE_PITCH + _EPS))

    def at_page_top(self) -> bool:
        return self.y <= TEXT_TOP + _EPS

    def need(self, height: float) -> bool:
        """Start a new page unless `height` fits; True if a page was started."""
        if self.space_left() + _EPS < height and not self.at_page_top():
            self.new_page()
            return True
        return False

    def new_page(self) -> None:
        self._on_page_end(self.page)
        self.canvas.showPage()
        self.page += 1
        self.y = TEXT_TOP

    def finish(self) -> None:
        self._on_page_end(self.page)
        self.canvas.showPage()

    def snap_to_grid(self) -> None:
        """Move down to the next grid line, so body text after a table stays on the grid."""
        lines = (self.y - TEXT_TOP) / LINE_PITCH
        # At the foot of the page the next writer starts the new page (none: no blank page).
        self.y = min(TEXT_TOP + math.ceil(lines - _EPS) * LINE_PITCH, self.bottom)

    def skip_lines(self, count: int) -> None:
        """Blank grid lines; they are dropped at the top of a page rather than carried over."""
        if self.at_page_top():
            return
        self.y = min(self.y + count * LINE_PITCH, self.bottom)

    def skip(self, height: float) -> None:
        if not self.at_page_top():
            self.y = min(self.y + height, self.bottom)
