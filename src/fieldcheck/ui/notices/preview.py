"""Every page of the notice as it will print, one under another on a grey desk.

Pages are rendered by QtPdf from the very PDF that prints (on a worker thread, see
`render_notice_pages`), flattened onto white, and scaled smoothly to the pane's width.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage, QPixmap, QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QGraphicsDropShadowEffect,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from fieldcheck.domain.notice_settings import BureauSettings
from fieldcheck.i18n import tr
from fieldcheck.ui.notices import data
from fieldcheck.ui.notices.pdfpages import render_pages

if TYPE_CHECKING:
    from fieldcheck.store import Store

PREVIEW_DPI = 144  # sharp on a high-density laptop screen, ~1200 px per A4 width
SCREEN_POINTS_DPI = 96  # "actual size" on screen: A4 is 794 logical pixels wide
DESK = "#d9dce1"


@dataclass(frozen=True)
class RenderedNotice:
    notice_id: str
    pdf: bytes
    pages: tuple[QImage, ...]
    font_warnings: tuple[str, ...] = ()  # a role printed in a stand-in of another style


def render_notice_pages(store: Store, notice_id: str, settings: BureauSettings) -> RenderedNotice:
    """Worker: the PDF as it prints now, each of its pages as an image, and what the fonts
    used are standing in for."""
    pdf = data.render(store, notice_id, settings)
    warnings = tuple(data.font_warnings(settings))
    return RenderedNotice(notice_id, pdf, tuple(render_pages(pdf, PREVIEW_DPI)), warnings)


class PageView(QScrollArea):
    """The pages, fit to the width (never larger than actual size)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pageView")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setStyleSheet(f"#pageView, #pageDesk {{ background: {DESK}; }}")
        self.images: list[QImage] = []
        self.page_labels: list[QLabel] = []
        desk = QWidget()
        desk.setObjectName("pageDesk")
        self.setWidget(desk)
        self._layout = QVBoxLayout(desk)
        self._layout.setContentsMargins(18, 18, 18, 18)
        self._layout.setSpacing(18)
        self._layout.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.message = QLabel()
        self.message.setObjectName("emptyHint")
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        self._layout.addWidget(self.message)

    @property
    def page_count(self) -> int:
        return len(self.images)

    def show_message(self, text: str) -> None:
        self._clear_pages()
        self.message.setText(text)
        self.message.show()

    def show_pages(self, images: tuple[QImage, ...] | list[QImage]) -> None:
        self._clear_pages()
        self.message.hide()
        self.images = list(images)
        for number, _image in enumerate(self.images, start=1):
            page = QLabel()
            page.setObjectName("previewPage")
            page.setToolTip(tr("第 {n} 页", n=number))
            page.setStyleSheet("background: white;")
            shadow = QGraphicsDropShadowEffect(page)
            shadow.setBlurRadius(14)
            shadow.setOffset(0, 2)
            shadow.setColor(QColor(0, 0, 0, 70))
            page.setGraphicsEffect(shadow)
            self.page_labels.append(page)
            self._layout.addWidget(page, 0, Qt.AlignmentFlag.AlignHCenter)
            page.show()  # a layout shows a new child only later, from the event loop
        self._scale_pages()

    def _clear_pages(self) -> None:
        for page in self.page_labels:
            self._layout.removeWidget(page)
            page.deleteLater()
        self.page_labels = []
        self.images = []

    def _scale_pages(self) -> None:
        available = self.viewport().width() - 40
        ratio = self.devicePixelRatioF()
        for image, page in zip(self.images, self.page_labels, strict=True):
            actual = image.width() * SCREEN_POINTS_DPI / PREVIEW_DPI
            width = max(200, min(available, int(actual)))
            scaled = image.scaledToWidth(int(width * ratio), Qt.TransformationMode.SmoothTransformation)
            pixmap = QPixmap.fromImage(scaled)
            pixmap.setDevicePixelRatio(ratio)
            page.setPixmap(pixmap)
            page.setFixedSize(pixmap.deviceIndependentSize().toSize())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.images:
            self._scale_pages()
