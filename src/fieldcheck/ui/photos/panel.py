"""The 照片 tab: thumbnails, full view with captions, and three ways to import."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QModelIndex, Signal
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QProgressBar, QVBoxLayout, QWidget

from fieldcheck.domain.evidence import ImportReport
from fieldcheck.i18n import tr
from fieldcheck.ui.common import dialogs
from fieldcheck.ui.common.context import AppContext
from fieldcheck.ui.common.widgets import button, label
from fieldcheck.ui.photos import data
from fieldcheck.ui.photos.data import PhotoRow
from fieldcheck.ui.photos.dialogs import FolderImportDialog, ImportReportDialog, PhotoViewer
from fieldcheck.ui.photos.grid import PhotoGrid
from fieldcheck.ui.photos.importer import IMAGE_FILTER, PhotoImporter
from fieldcheck.ui.photos.model import ROW_ROLE, PhotoListModel


class PhotosPanel(QWidget):
    changed = Signal(list)  # list[PhotoRow], after every load

    def __init__(self, ctx: AppContext, visit_id: str, importer: PhotoImporter,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.visit_id, self.importer = ctx, visit_id, importer
        self.read_only = True
        self.model = PhotoListModel(ctx, self)
        self.viewer: PhotoViewer | None = None
        self.folder_dialog: FolderImportDialog | None = None
        self.report_dialog: ImportReportDialog | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(10)
        layout.addLayout(self._toolbar())
        layout.addLayout(self._progress_row())
        self.grid = PhotoGrid()
        self.grid.setModel(self.model)
        self.grid.doubleClicked.connect(lambda index: self.open_viewer(index.row()))
        self.grid.files_dropped.connect(self.import_files)
        layout.addWidget(self.grid, 1)
        importer.started.connect(self._import_started)
        importer.progress.connect(self._import_progress)
        importer.finished.connect(self._import_finished)
        importer.failed.connect(self._import_ended)

    def _toolbar(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addWidget(label(tr("照片证据"), "pageTitle"))
        self.count = label("", "muted")
        row.addWidget(self.count)
        row.addStretch(1)
        self.add_files = button(tr("添加照片…"), "primary")
        self.add_files.clicked.connect(self.choose_files)
        self.add_folder = button(tr("从文件夹/相机卡导入…"),
                                 tip=tr("按拍摄时间找出本次检查期间拍摄的照片"))
        self.add_folder.clicked.connect(self.choose_folder)
        self.view_button = button(tr("查看"))
        self.view_button.clicked.connect(lambda: self.open_viewer(self._current_row()))
        self.remove_button = button(tr("移除"), "danger")
        self.remove_button.clicked.connect(self.remove_selected)
        for widget in (self.add_files, self.add_folder, self.view_button, self.remove_button):
            row.addWidget(widget)
        return row

    def _progress_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.progress = QProgressBar()
        self.progress.setTextVisible(False)
        self.progress.setFixedHeight(8)
        self.progress.hide()
        self.status = label("", "muted")
        self.stop_button = button(tr("停止导入"), "link")
        self.stop_button.clicked.connect(self.importer.cancel)
        self.stop_button.hide()
        row.addWidget(self.progress, 1)
        row.addWidget(self.status)
        row.addWidget(self.stop_button)
        return row

    def load(self) -> None:
        self.ctx.tasks.run(data.load, self.ctx.store, self.visit_id, owner=self, on_done=self._show)

    def _show(self, rows: list[PhotoRow]) -> None:
        self.model.set_rows(rows)
        self.count.setText(tr("共 {n} 张", n=len(rows)))
        if self.viewer is not None and self.viewer.isVisible():
            self.viewer.rows = rows
        self.changed.emit(rows)

    def set_read_only(self, read_only: bool) -> None:
        self.read_only = read_only
        for widget in (self.add_files, self.add_folder, self.remove_button):
            widget.setEnabled(not read_only)
        self.grid.accepting = not read_only
        self.grid.viewport().update()

    def choose_files(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(
            self, tr("选择照片"), "", tr("图片") + f" ({IMAGE_FILTER});;" + tr("所有文件") + " (*)")
        if names:
            self.import_files([Path(n) for n in names])

    def import_files(self, paths: list[Path]) -> None:
        """What the button, drag and drop and the folder dialog all end in."""
        if not self.read_only:
            self.importer.start(paths)

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, tr("选择照片文件夹或相机卡"))
        if folder:
            self.open_folder_import(Path(folder))

    def open_folder_import(self, folder: Path) -> FolderImportDialog:
        self.folder_dialog = FolderImportDialog(self.ctx, self.visit_id, folder, self)
        self.folder_dialog.chosen.connect(self.import_files)
        self.folder_dialog.open()
        return self.folder_dialog

    def _import_started(self, total: int) -> None:
        self.progress.setRange(0, total)
        self.progress.setValue(0)
        self.progress.show()
        self.stop_button.show()
        self.status.setText(tr("正在导入 0/{total} …", total=total))

    def _import_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, total)
        self.progress.setValue(done)
        self.status.setText(tr("正在导入 {done}/{total} …", done=done, total=total))

    def _import_ended(self, _error: object = None) -> None:
        self.progress.hide()
        self.stop_button.hide()

    def _import_finished(self, report: ImportReport) -> None:
        self._import_ended()
        self.status.setText(report.summary())
        self.load()
        if report.rejected:
            self.report_dialog = ImportReportDialog(report, self)
            self.report_dialog.open()

    def _current_row(self) -> int:
        index = self.grid.currentIndex()
        return index.row() if index.isValid() else -1

    def open_viewer(self, row: int) -> None:
        if 0 <= row < len(self.model.rows):
            self.viewer = PhotoViewer(self.ctx, self.model.rows, row, self.read_only, self)
            self.viewer.caption_saved.connect(self.save_caption)
            self.viewer.open()

    def save_caption(self, photo_id: str, caption: str) -> None:
        self.ctx.tasks.write(data.set_caption, self.ctx.store, self.visit_id, photo_id, caption,
                             owner=self, on_done=self._captioned)

    def _captioned(self, rows: list[PhotoRow]) -> None:
        self._show(rows)
        self.status.setText(tr("说明已保存"))

    def remove_selected(self) -> None:
        rows: list[PhotoRow] = [i.data(ROW_ROLE) for i in self.grid.selectionModel().selectedIndexes()
                                if isinstance(i, QModelIndex)]
        if not rows or self.read_only:
            return
        text = tr("从本次检查中移除所选的 {n} 张照片？原始文件仍会保留（作为证据不会被删除）。", n=len(rows))
        if dialogs.confirm(self, tr("移除照片"), text):
            for row in rows:
                self.ctx.tasks.write(data.remove, self.ctx.store, self.visit_id, row.id,
                                     owner=self, on_done=self._show)
