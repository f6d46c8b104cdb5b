"""The photo grid's model; thumbnails are read from disk in the background, a batch at a time."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSize,
    Qt,
)
from PySide6.QtGui import QColor, QIcon, QImage, QPainter, QPixmap

from fieldcheck.i18n import tr
from fieldcheck.ui.common.context import AppContext
from fieldcheck.ui.photos.data import PhotoRow

THUMB = QSize(168, 126)
BATCH = 24
ROW_ROLE = Qt.ItemDataRole.UserRole

Index = QModelIndex | QPersistentModelIndex


def read_thumbnails(paths: list[tuple[str, Path]]) -> dict[str, QImage]:
    """Worker: QImage (unlike QPixmap) may be made off the GUI thread."""
    images: dict[str, QImage] = {}
    for sha, path in paths:
        image = QImage(str(path))
        if not image.isNull():
            images[sha] = image.scaled(THUMB, Qt.AspectRatioMode.KeepAspectRatio,
                                       Qt.TransformationMode.SmoothTransformation)
    return images


def placeholder_icon() -> QIcon:
    pixmap = QPixmap(THUMB)
    pixmap.fill(QColor("#eceef1"))
    painter = QPainter(pixmap)
    painter.setPen(QColor("#9aa0a8"))
    painter.drawText(pixmap.rect(), Qt.AlignmentFlag.AlignCenter, tr("加载中…"))
    painter.end()
    return QIcon(pixmap)


class PhotoListModel(QAbstractListModel):
    def __init__(self, ctx: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.rows: list[PhotoRow] = []
        self.icons: dict[str, QIcon] = {}
        self.finding_names: dict[str, str] = {}
        self._placeholder = placeholder_icon()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            when = row.taken_at.astimezone().strftime("%H:%M") if row.taken_at else ""
            title = row.caption or row.original_name
            return f"{when}  {title}" if when else title
        if role == Qt.ItemDataRole.DecorationRole:
            return self.icons.get(row.sha256, self._placeholder)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row)
        if role == ROW_ROLE:
            return row
        return None

    def _tooltip(self, row: PhotoRow) -> str:
        lines = [row.original_name]
        if row.caption:
            lines.append(tr("说明：{text}", text=row.caption))
        if row.taken_at:
            lines.append(tr("拍摄时间：{t}", t=row.taken_at.astimezone().strftime("%Y-%m-%d %H:%M:%S")))
        if row.finding_id:
            lines.append(tr("已作为问题证据"))
        return "\n".join(lines)

    def set_rows(self, rows: list[PhotoRow]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()
        missing = [(r.sha256, self.ctx.store.blobs.thumbnail_path(r.sha256))
                   for r in rows if r.sha256 not in self.icons]
        for start in range(0, len(missing), BATCH):
            self.ctx.tasks.run(read_thumbnails, missing[start:start + BATCH], owner=self,
                               on_done=self._thumbnails_read)

    def _thumbnails_read(self, images: dict[str, QImage]) -> None:
        for sha, image in images.items():
            self.icons[sha] = QIcon(QPixmap.fromImage(image))
        for n, row in enumerate(self.rows):
            if row.sha256 in images:
                index = self.index(n)
                self.dataChanged.emit(index, index, [Qt.ItemDataRole.DecorationRole])

    def thumbnails_ready(self) -> bool:
        return all(r.sha256 in self.icons for r in self.rows)
