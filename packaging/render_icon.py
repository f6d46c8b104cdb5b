"""Render the app icon's SVG to a PNG of the given size (for the icon theme and Windows)."""

import sys

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer


def main(svg: str, size: int, out: str) -> None:
    app = QGuiApplication([])  # noqa: F841 - QPainter on an image needs an application
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    QSvgRenderer(svg).render(painter)
    painter.end()
    if not image.save(out):
        raise SystemExit(f"cannot write {out}")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3])
