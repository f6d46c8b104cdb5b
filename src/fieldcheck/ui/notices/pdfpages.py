"""PDF pages as images with QtPdf, for the preview and for printing.

`QPdfDocument.render()` gives a transparent background; every image here is flattened onto
white so it looks on screen, and prints, like paper. These functions create their own
QPdfDocument and may run on a worker thread (painting onto a QImage is thread-safe).
"""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRect, QSize, QSizeF, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtPdf import QPdfDocument, QPdfDocumentRenderOptions

from fieldcheck.errors import FieldCheckError
from fieldcheck.i18n import tr

POINTS_PER_INCH = 72.0


def open_pdf(pdf: bytes) -> QPdfDocument:
    """A loaded document; the buffer it reads from lives as long as the document."""
    document = QPdfDocument()
    buffer = QBuffer(document)
    buffer.setData(QByteArray(pdf))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document.load(buffer)
    if document.status() != QPdfDocument.Status.Ready or document.pageCount() < 1:
        raise FieldCheckError(tr("文书 PDF 无法打开（{error}），请重新生成。",
                                 error=document.error().name))
    return document


def page_pixels(document: QPdfDocument, page: int, dpi: float) -> QSize:
    """The page's size in pixels at `dpi` (PDF pages are measured in points)."""
    points: QSizeF = document.pagePointSize(page)
    return QSize(round(points.width() * dpi / POINTS_PER_INCH),
                 round(points.height() * dpi / POINTS_PER_INCH))


def on_white(image: QImage) -> QImage:
    """The rendered image composed over white paper, without an alpha channel."""
    paper = QImage(image.size(), QImage.Format.Format_RGB32)
    paper.fill(Qt.GlobalColor.white)
    painter = QPainter(paper)
    painter.drawImage(0, 0, image)
    painter.end()
    return paper


def render_strip(document: QPdfDocument, page: int, full: QSize, top: int, height: int) -> QImage:
    """Rows [top, top + height) of the page rendered at size `full`, on white."""
    options = QPdfDocumentRenderOptions()
    options.setScaledSize(full)
    options.setScaledClipRect(QRect(0, top, full.width(), height))
    return on_white(document.render(page, QSize(full.width(), height), options))


def render_page(document: QPdfDocument, page: int, dpi: float) -> QImage:
    size = page_pixels(document, page, dpi)
    return on_white(document.render(page, size))


def render_pages(pdf: bytes, dpi: float) -> list[QImage]:
    """Every page of the PDF at `dpi`, on white (runs on a worker thread)."""
    document = open_pdf(pdf)
    try:
        return [render_page(document, page, dpi) for page in range(document.pageCount())]
    finally:
        document.close()


def page_count(pdf: bytes) -> int:
    document = open_pdf(pdf)
    try:
        return document.pageCount()
    finally:
        document.close()
