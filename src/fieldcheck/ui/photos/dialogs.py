"""The photo dialogs: full view with caption, the folder/camera-card picker, and the report
of an import that rejected files."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon, QImage, QPixmap, QResizeEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from fieldcheck.domain.evidence import ImportReport
from fieldcheck.i18n import tr
from fieldcheck.ui.common.context import AppContext
from fieldcheck.ui.common.guard import GuardedDialog
from fieldcheck.ui.common.widgets import button, label
from fieldcheck.ui.photos import data
from fieldcheck.ui.photos.data import CardScan, PhotoRow

THUMB_BATCH = 24  # thumbnails made per background task, shown as each batch is ready

if TYPE_CHECKING:
    from fieldcheck.store import Store


def read_display(store: Store, sha256: str, name: str = "") -> QImage:
    """Worker: make (first time) and read the ~1600 px display copy."""
    path = data.display_path(store, sha256, name)
    return QImage(str(path))


class PhotoViewer(GuardedDialog):
    """One photo at full size, its facts, and its caption (saved with 保存说明)."""

    caption_saved = Signal(str, str)  # photo id, caption

    def __init__(self, ctx: AppContext, rows: list[PhotoRow], index: int, read_only: bool,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.rows, self.index, self.read_only = ctx, list(rows), index, read_only
        self._caption_shown = False
        self.setWindowTitle(tr("查看照片"))
        self.resize(1100, 780)
        self.image = QImage()
        layout = QVBoxLayout(self)
        self.picture = QLabel(tr("正在加载…"))
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.picture.setMinimumSize(400, 300)
        self.picture.setStyleSheet("background: #26292e; color: #c8ccd2; border-radius: 4px;")
        layout.addWidget(self.picture, 1)
        self.facts = label("", "muted", wrap=True)
        layout.addWidget(self.facts)
        row = QHBoxLayout()
        self.caption = QLineEdit()
        self.caption.setPlaceholderText(tr("照片说明，例如：10:15 综合窗口无人值守"))
        self.caption.returnPressed.connect(self.save_caption)
        self.save = button(tr("保存说明"), "primary")
        self.save.clicked.connect(self.save_caption)
        self.prev, self.next = button(tr("◀ 上一张")), button(tr("下一张 ▶"))
        self.prev.clicked.connect(lambda: self.show_photo(self.index - 1))
        self.next.clicked.connect(lambda: self.show_photo(self.index + 1))
        close = button(tr("关闭"))
        close.clicked.connect(self.reject)
        for widget in (self.prev, self.next):
            row.addWidget(widget)
        row.addWidget(self.caption, 1)
        for widget in (self.save, close):
            row.addWidget(widget)
        layout.addLayout(row)
        self.caption.setReadOnly(read_only)
        self.save.setEnabled(not read_only)
        self.show_photo(index)

    def has_unsaved(self) -> bool:
        return (self._caption_shown and not self.read_only
                and self.caption.text() != self.rows[self.index].caption)

    def show_photo(self, index: int) -> None:
        if not 0 <= index < len(self.rows):
            return
        if self.has_unsaved():  # moving on keeps the caption typed for this photo
            self.save_caption()
        self.index = index
        row = self.rows[index]
        self.caption.setText(row.caption)
        self._caption_shown = True
        self.prev.setEnabled(index > 0)
        self.next.setEnabled(index < len(self.rows) - 1)
        taken = row.taken_at.astimezone().strftime("%Y-%m-%d %H:%M:%S") if row.taken_at else tr("无拍摄时间")
        self.facts.setText(tr(
            "{name} · 拍摄于 {taken} · {w}×{h} 像素 · {kb} KB · SHA-256 {sha}…",
            name=row.original_name, taken=taken, w=row.width, h=row.height,
            kb=max(1, row.size // 1024), sha=row.sha256[:16]))
        self.picture.setText(tr("正在加载…"))
        self.image = QImage()
        sha = row.sha256
        self.ctx.tasks.run(read_display, self.ctx.store, sha, tr("“{name}”", name=row.original_name),
                           owner=self,
                           on_done=lambda image: self._loaded(sha, image))

    def _loaded(self, sha256: str, image: QImage) -> None:
        if self.rows[self.index].sha256 == sha256:
            self.image = image
            self._fit()

    def _fit(self) -> None:
        if not self.image.isNull():
            self.picture.setPixmap(QPixmap.fromImage(self.image).scaled(
                self.picture.size(), Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def save_caption(self) -> None:
        if not self.read_only:
            row = self.rows[self.index]
            self.caption_saved.emit(row.id, self.caption.text())
            self.rows[self.index] = replace(row, caption=self.caption.text())


class FolderImportDialog(QDialog):
    """Photos in a folder or camera card taken during the visit, offered with checkboxes."""

    chosen = Signal(list)  # list[Path]

    def __init__(self, ctx: AppContext, visit_id: str, folder: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("从文件夹/相机卡导入"))
        self.resize(760, 600)
        self.ctx = ctx
        layout = QVBoxLayout(self)
        self.status = label(tr("正在扫描 {folder} …", folder=folder), wrap=True)
        layout.addWidget(self.status)
        self.skipped = label("", "muted", wrap=True)
        self.skipped.hide()
        layout.addWidget(self.skipped)
        self.list = QListWidget()
        self.list.setViewMode(QListView.ViewMode.IconMode)
        self.list.setIconSize(QSize(data.THUMB_SIDE, data.THUMB_SIDE * 3 // 4))
        self.list.setGridSize(QSize(data.THUMB_SIDE + 24, data.THUMB_SIDE * 3 // 4 + 58))
        self.list.setResizeMode(QListView.ResizeMode.Adjust)
        self.list.setMovement(QListView.Movement.Static)
        self.list.setWordWrap(True)
        self.items: dict[Path, QListWidgetItem] = {}
        layout.addWidget(self.list, 1)
        row = QHBoxLayout()
        all_on, all_off = button(tr("全选")), button(tr("全不选"))
        all_on.clicked.connect(lambda: self._check_all(True))
        all_off.clicked.connect(lambda: self._check_all(False))
        row.addWidget(all_on)
        row.addWidget(all_off)
        row.addStretch(1)
        box = QDialogButtonBox()
        self.ok = box.addButton(tr("导入所选"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok.setObjectName("primary")
        self.ok.setEnabled(False)
        box.addButton(tr("取消"), QDialogButtonBox.ButtonRole.RejectRole)
        box.accepted.connect(self.accept)
        box.rejected.connect(self.reject)
        row.addWidget(box)
        layout.addLayout(row)
        self.scanned = False
        ctx.tasks.run(data.scan, ctx.store, visit_id, folder, owner=self, on_done=self.show_candidates,
                      on_error=self._scan_failed)

    def show_candidates(self, scan: CardScan) -> None:
        self.scanned = True
        self.scan = scan
        for candidate in scan.candidates:
            when = candidate.taken_at.strftime("%H:%M:%S")
            item = QListWidgetItem(f"{candidate.path.name}\n{when}")
            item.setData(Qt.ItemDataRole.UserRole, str(candidate.path))
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            item.setToolTip(tr("{path}\n拍摄于 {t}", path=candidate.path,
                               t=candidate.taken_at.strftime("%Y-%m-%d %H:%M:%S")))
            self.list.addItem(item)
            self.items[candidate.path] = item
        self.status.setText(tr("找到 {n} 张拍摄时间在本次检查期间的照片。", n=len(scan.candidates))
                            if scan.candidates else tr("该文件夹中没有拍摄时间在本次检查期间的照片。"))
        reasons = [(scan.outside, tr("{n} 张拍摄时间不在本次检查期间")),
                   (scan.no_time, tr("{n} 张图片没有拍摄时间（如截图、编辑过的副本）")),
                   (scan.not_image, tr("{n} 个文件不是可导入的照片（如视频、附属文件）"))]
        if scan.skipped:
            self.skipped.setText(tr("已跳过 {n} 个文件：{why}。", n=scan.skipped,
                                    why="；".join(text.format(n=n) for n, text in reasons if n)))
            self.skipped.show()
        self.ok.setEnabled(bool(scan.candidates))
        paths = [c.path for c in scan.candidates]
        for start in range(0, len(paths), THUMB_BATCH):
            self.ctx.tasks.run(data.card_thumbnails, paths[start:start + THUMB_BATCH], owner=self,
                               on_done=self._thumbnails)

    def _thumbnails(self, thumbs: dict[Path, bytes]) -> None:
        for path, jpeg in thumbs.items():
            item = self.items.get(path)
            if item is not None:
                pixmap = QPixmap()
                pixmap.loadFromData(jpeg, "JPEG")
                item.setIcon(QIcon(pixmap))

    def _scan_failed(self, exc: BaseException) -> None:
        self.scanned = True
        self.status.setText(str(exc))

    def _check_all(self, on: bool) -> None:
        state = Qt.CheckState.Checked if on else Qt.CheckState.Unchecked
        for n in range(self.list.count()):
            self.list.item(n).setCheckState(state)

    def selected(self) -> list[Path]:
        return [Path(self.list.item(n).data(Qt.ItemDataRole.UserRole)) for n in range(self.list.count())
                if self.list.item(n).checkState() == Qt.CheckState.Checked]

    def accept(self) -> None:
        self.chosen.emit(self.selected())
        super().accept()


class ImportReportDialog(QDialog):
    """Which files were not imported, and why (each message names the file)."""

    def __init__(self, report: ImportReport, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("照片导入结果"))
        self.resize(640, 360)
        layout = QVBoxLayout(self)
        layout.addWidget(label(report.summary(), "pageTitle"))
        layout.addWidget(label(tr("以下文件未导入（原文件未被改动）："), wrap=True))
        self.list = QListWidget()
        self.list.setWordWrap(True)
        for name, message in report.rejected:
            self.list.addItem(f"{name}：{message}")
        layout.addWidget(self.list, 1)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        box.button(QDialogButtonBox.StandardButton.Ok).setText(tr("确定"))
        box.accepted.connect(self.accept)
        layout.addWidget(box)
