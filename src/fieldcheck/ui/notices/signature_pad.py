"""A pad to sign on with a mouse, a pen (QTabletEvent) or a finger (touch).

Strokes are kept as points in the pad's coordinates and drawn as quadratic curves through
the midpoints of successive points, so a jittery mouse still gives a smooth line; a pen's
pressure thickens the line. The signature leaves as a transparent PNG cropped to the ink
(what the notice prints) plus the vector strokes (what the record keeps).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QImage,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QTabletEvent,
    QTouchEvent,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from fieldcheck.i18n import tr

INK = QColor("#14171c")
PEN_WIDTH = 2.6  # logical pixels at full pressure 0.5 (a mouse draws at this width)
MIN_STEP = 1.2  # points closer than this to the last one are jitter, not movement
PNG_SCALE = 3.0  # the PNG is drawn at 3× so it stays sharp on a 300–600 dpi printout
CROP_MARGIN = 6.0


@dataclass
class Stroke:
    points: list[QPointF]
    pressures: list[float]

    def add(self, point: QPointF, pressure: float) -> bool:
        if self.points:
            last = self.points[-1]
            if abs(point.x() - last.x()) + abs(point.y() - last.y()) < MIN_STEP:
                return False
        self.points.append(QPointF(point))
        self.pressures.append(pressure)
        return True


class SignaturePad(QWidget):
    """Draw with mouse, pen or touch; `png()` and `strokes()` export what was drawn."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("signaturePad")
        self.setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setMinimumSize(QSize(460, 170))
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._strokes: list[Stroke] = []
        self._current: Stroke | None = None

    # --- what was drawn ----------------------------------------------------------------

    def is_empty(self) -> bool:
        return not any(len(s.points) > 0 for s in self._strokes)

    def clear(self) -> None:
        self._strokes.clear()
        self._current = None
        self.update()
        self.changed.emit()

    def strokes(self) -> list[list[tuple[float, float]]]:
        """Vector strokes in pad coordinates (logical pixels), rounded to 0.1 px."""
        return [[(round(p.x(), 1), round(p.y(), 1)) for p in s.points] for s in self._strokes]

    def ink_rect(self) -> QRectF:
        rect = QRectF()
        for stroke in self._strokes:
            for p in stroke.points:
                rect = rect.united(QRectF(p.x() - 0.5, p.y() - 0.5, 1.0, 1.0))
        return rect

    def png(self) -> bytes:
        """A transparent PNG of the ink, cropped with a small margin; b"" when empty."""
        if self.is_empty():
            return b""
        crop = self.ink_rect().adjusted(-CROP_MARGIN, -CROP_MARGIN, CROP_MARGIN, CROP_MARGIN)
        image = QImage(round(crop.width() * PNG_SCALE), round(crop.height() * PNG_SCALE),
                       QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.scale(PNG_SCALE, PNG_SCALE)
        painter.translate(-crop.topLeft())
        self._draw_strokes(painter)
        painter.end()
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        image.save(buffer, "PNG")  # type: ignore[call-overload]  # the stub says bytes; str works
        buffer.close()
        return bytes(data.data())

    # --- input: mouse, pen, touch --------------------------------------------------------

    def _begin(self, point: QPointF, pressure: float) -> None:
        self._current = Stroke([], [])
        self._current.add(point, pressure)
        self._strokes.append(self._current)
        self.update()

    def _extend(self, point: QPointF, pressure: float) -> None:
        if self._current is not None and self._current.add(point, pressure):
            self.update()

    def _end(self, point: QPointF | None = None, pressure: float = 0.5) -> None:
        if self._current is None:
            return
        if point is not None:
            self._current.add(point, pressure)
        self._current = None
        self.update()
        self.changed.emit()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._begin(event.position(), 0.5)
            event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._current is not None:
            self._extend(event.position(), 0.5)
            event.accept()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._end(event.position())
            event.accept()

    def tabletEvent(self, event: QTabletEvent) -> None:
        # Accepted, so Qt does not also deliver the pen as a synthesised mouse.
        pressure = max(0.15, min(1.0, event.pressure()))
        kind = event.type()
        if kind == QTabletEvent.Type.TabletPress:
            self._begin(event.position(), pressure)
        elif kind == QTabletEvent.Type.TabletMove and self._current is not None:
            self._extend(event.position(), pressure)
        elif kind == QTabletEvent.Type.TabletRelease:
            self._end(event.position(), pressure)
        event.accept()

    def event(self, event: object) -> bool:
        if isinstance(event, QTouchEvent):
            return self._touch(event)
        return super().event(event)  # type: ignore[arg-type]

    def _touch(self, event: QTouchEvent) -> bool:
        points = event.points()
        kind = event.type()
        if kind == QTouchEvent.Type.TouchBegin and points:
            self._begin(points[0].position(), 0.5)
        elif kind == QTouchEvent.Type.TouchUpdate and points:
            self._extend(points[0].position(), 0.5)
        elif kind in (QTouchEvent.Type.TouchEnd, QTouchEvent.Type.TouchCancel):
            self._end(points[0].position() if points else None)
        event.accept()
        return True

    # --- drawing -------------------------------------------------------------------------

    def _draw_strokes(self, painter: QPainter) -> None:
        for stroke in self._strokes:
            _draw_stroke(painter, stroke)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        frame = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        painter.setPen(QPen(QColor("#c9cdd4"), 1))
        painter.setBrush(QColor("white"))
        painter.drawRoundedRect(frame, 6, 6)
        baseline = self.height() * 0.74
        painter.setPen(QPen(QColor("#d5d9df"), 1, Qt.PenStyle.DashLine))
        painter.drawLine(QPointF(24, baseline), QPointF(self.width() - 24, baseline))
        if self.is_empty():
            painter.setPen(QColor("#a3a9b2"))
            painter.drawText(QRectF(0, 0, self.width(), baseline - 8),
                             Qt.AlignmentFlag.AlignCenter, tr("请在此处签名"))
        painter.setPen(QColor("#b0b5bd"))
        painter.drawText(QPointF(26, baseline + 18), "✕")
        self._draw_strokes(painter)
        painter.end()


def _pen(pressure: float) -> QPen:
    pen = QPen(INK, PEN_WIDTH * (0.55 + 0.9 * pressure))
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    return pen


def _mid(a: QPointF, b: QPointF) -> QPointF:
    return QPointF((a.x() + b.x()) / 2, (a.y() + b.y()) / 2)


def _draw_stroke(painter: QPainter, stroke: Stroke) -> None:
    """Quadratic segments from midpoint to midpoint with each point as control: smooth."""
    pts, pressures = stroke.points, stroke.pressures
    painter.setBrush(Qt.BrushStyle.NoBrush)
    if len(pts) == 1:
        painter.setPen(_pen(pressures[0]))
        painter.drawPoint(pts[0])
        return
    start = pts[0]
    for i in range(1, len(pts)):
        path = QPainterPath(start)
        if i + 1 < len(pts):
            end = _mid(pts[i], pts[i + 1])
            path.quadTo(pts[i], end)
        else:
            end = pts[i]
            path.lineTo(end)
        painter.setPen(_pen((pressures[i - 1] + pressures[i]) / 2))
        painter.drawPath(path)
        start = end
