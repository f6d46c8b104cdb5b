"""文书设置: what the bureau sets once — issuer, 红头, 机关代字, seal, contact line, fonts,
reply period and copies — saved to notice_settings.json in the data directory."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontDatabase, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from fieldcheck.domain.notice_settings import load_settings
from fieldcheck.errors import FieldCheckError, ValidationError
from fieldcheck.i18n import tr
from fieldcheck.store import Store
from fieldcheck.ui.common.guard import GuardedDialog
from fieldcheck.ui.common.style import ACCENT, LINE, MUTED
from fieldcheck.ui.common.tasks import Tasks
from fieldcheck.ui.common.widgets import button, card, label
from fieldcheck.ui.notices.style import SCROLLBARS
from fieldcheck.ui.settings import data
from fieldcheck.ui.settings.data import FONT_FACES, PREFIX_TYPES, SettingsForm

SEAL_PREVIEW_PX = 112
STYLE = SCROLLBARS + f"""
#settingsDialog #sealPreview {{ background: white; border: 1px dashed {LINE}; border-radius: 4px;
    color: {MUTED}; }}
#settingsDialog #markPreview {{ color: {ACCENT}; font-size: 17pt; font-weight: 600;
    letter-spacing: 3px; padding: 6px 0; }}
#settingsDialog #fieldError {{ color: {ACCENT}; }}
#settingsDialog #fieldWarning {{ color: #8a6100; }}
"""


def open_settings_dialog(parent: QWidget | None, data_dir: Path, ctx: Any = None,
                         store: Store | None = None) -> QDialog:
    """Show the bureau's notice settings (window-modal) and return the dialog. With the app
    context (or at least the store) a saved change is audited."""
    dialog = SettingsDialog(parent, data_dir, ctx, store)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


def ask_open_path(parent: QWidget | None, title: str, filters: str) -> Path | None:
    name, _ = QFileDialog.getOpenFileName(parent, title, str(Path.home()), filters)
    return Path(name) if name else None


MARK_FAMILIES = ("方正小标宋简体", "FZXiaoBiaoSong-B05S", "SimSun", "宋体", "Noto Serif CJK SC",
                 "AR PL UMing CN")


def _song_font(base: QFont) -> QFont:
    """The 红头 is set in 小标宋; show it in the closest 宋体 face installed."""
    installed = set(QFontDatabase.families())
    family = next((f for f in MARK_FAMILIES if f in installed), None)
    font = QFont(base)
    if family:
        font.setFamily(family)
    return font


def _section(title: str, help_text: str = "") -> tuple[QWidget, QFrame]:
    box = QWidget()
    column = QVBoxLayout(box)
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(6)
    column.addWidget(label(title, "sectionTitle"))
    if help_text:
        column.addWidget(label(help_text, "help", wrap=True))
    frame = card()
    column.addWidget(frame)
    return box, frame


class SettingsDialog(GuardedDialog):
    def __init__(self, parent: QWidget | None, data_dir: Path, ctx: Any = None,
                 store: Store | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.setWindowTitle(tr("文书设置"))
        self.setStyleSheet(STYLE)
        self.resize(760, 820)
        self.data_dir = data_dir
        self.ctx = ctx
        self.store = ctx.store if ctx is not None else store
        self.tasks = Tasks(self)
        self.form = data.form_of(load_settings(data_dir))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 14)
        layout.setSpacing(10)
        layout.addWidget(label(tr("文书设置"), "pageTitle"))
        layout.addWidget(label(tr("本机签发的文书使用以下设置。修改只影响之后生成和签发的文书。"), "help"))
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        body = QWidget()
        scroll.setWidget(body)
        column = QVBoxLayout(body)
        column.setContentsMargins(0, 4, 8, 4)
        column.setSpacing(14)
        for section in (self._issuer(), self._prefixes(), self._seal(), self._fonts(),
                        self._printing()):
            column.addWidget(section)
        if ctx is not None:  # the document number blocks of this laptop's store
            from fieldcheck.ui.sync.numbers import NumbersSection

            self.numbers = NumbersSection(ctx.store, ctx.tasks)
            column.addWidget(self.numbers)
        column.addStretch(1)
        layout.addWidget(scroll, 1)
        self.error = label("", "fieldError", wrap=True)
        self.error.hide()
        layout.addWidget(self.error)
        layout.addLayout(self._buttons())
        self._show_seal(self.form.seal_png)
        self.mark_clean()

    # --- sections ------------------------------------------------------------------------

    def _issuer(self) -> QWidget:
        box, frame = _section(tr("发文机关"))
        form = QFormLayout(frame)
        form.setContentsMargins(14, 12, 14, 12)
        self.issuer_name = QLineEdit(self.form.issuer_name)
        self.issuer_name.setPlaceholderText(tr("如：清河市监察局"))
        form.addRow(tr("发文机关名称"), self.issuer_name)
        self.issuer_mark = QLineEdit(self.form.issuer_mark)
        self.issuer_mark.setPlaceholderText(tr("留空则使用发文机关名称"))
        form.addRow(tr("发文机关标志（红头）"), self.issuer_mark)
        self.mark_preview = label("", "markPreview")
        self.mark_preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.mark_preview.setFont(_song_font(self.mark_preview.font()))
        form.addRow("", self.mark_preview)
        self.contact_line = QLineEdit(self.form.contact_line)
        self.contact_line.setPlaceholderText(tr("如：联系人：效能监察室，电话：0318-2123456"))
        form.addRow(tr("附注（联系方式）"), self.contact_line)
        for edit in (self.issuer_name, self.issuer_mark):
            edit.textChanged.connect(self._update_mark)
        self._update_mark()
        return box

    def _prefixes(self) -> QWidget:
        box, frame = _section(tr("机关代字"), tr("文号为“机关代字〔年份〕序号号”，每类文书分别编号。"))
        grid = QGridLayout(frame)
        grid.setContentsMargins(14, 12, 14, 12)
        grid.setHorizontalSpacing(12)
        self.prefix_edits: dict[str, QLineEdit] = {}
        self.prefix_examples: dict[str, QLabel] = {}
        for row, kind in enumerate(PREFIX_TYPES):
            edit = QLineEdit(self.form.prefixes.get(str(kind), ""))
            edit.setMaximumWidth(180)
            example = label("", "muted")
            edit.textChanged.connect(lambda _t, k=str(kind): self._update_example(k))
            self.prefix_edits[str(kind)] = edit
            self.prefix_examples[str(kind)] = example
            grid.addWidget(label(data.type_name(kind)), row, 0)
            grid.addWidget(edit, row, 1)
            grid.addWidget(example, row, 2)
            self._update_example(str(kind))
        grid.setColumnStretch(2, 1)
        return box

    def _seal(self) -> QWidget:
        box, frame = _section(tr("印章"), tr("透明背景的 PNG 图片，签发时盖在发文机关署名和成文日期上。"))
        row = QHBoxLayout(frame)
        row.setContentsMargins(14, 12, 14, 12)
        row.setSpacing(14)
        self.seal_preview = QLabel()
        self.seal_preview.setObjectName("sealPreview")
        self.seal_preview.setFixedSize(SEAL_PREVIEW_PX, SEAL_PREVIEW_PX)
        self.seal_preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        row.addWidget(self.seal_preview)
        column = QVBoxLayout()
        self.seal_path = label("", wrap=True)
        self.seal_path.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        column.addWidget(self.seal_path)
        self.seal_message = label("", "fieldError", wrap=True)
        self.seal_message.hide()
        column.addWidget(self.seal_message)
        buttons = QHBoxLayout()
        choose = button(tr("选择 PNG…"))
        choose.clicked.connect(self.choose_seal)
        clear = button(tr("不用印章"), "link")
        clear.clicked.connect(lambda: self._show_seal(""))
        buttons.addWidget(choose)
        buttons.addWidget(clear)
        buttons.addStretch(1)
        column.addLayout(buttons)
        column.addStretch(1)
        row.addLayout(column, 1)
        return box

    def _fonts(self) -> QWidget:
        box, frame = _section(tr("字体（可选）"), tr(
            "留空则自动查找：先找 Windows 自带的仿宋、黑体、楷体，再找已安装的免费中文字体。"
            "可以使用 TrueType 或 OpenType 字体（.ttf/.ttc/.otf，含思源、Noto 等 CFF 字体）。"))
        grid = QGridLayout(frame)
        grid.setContentsMargins(14, 12, 14, 12)
        self.font_edits: dict[str, QLineEdit] = {}
        self.font_messages: dict[str, QLabel] = {}
        self.font_in_use: dict[str, QLabel] = {}
        self.font_warnings: dict[str, QLabel] = {}
        for row, face in enumerate(FONT_FACES):
            edit = QLineEdit(self.form.fonts.get(face, ""))
            edit.setPlaceholderText(tr("自动"))
            choose = button(tr("选择…"))
            choose.clicked.connect(lambda _=False, f=face: self.choose_font(f))
            message = label("", "fieldError", wrap=True)
            message.hide()
            in_use = label(tr("正在查找字体…"), "muted", wrap=True)
            in_use.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            warning = label("", "fieldWarning", wrap=True)
            warning.hide()
            self.font_edits[face], self.font_messages[face] = edit, message
            self.font_in_use[face], self.font_warnings[face] = in_use, warning
            grid.addWidget(label(tr(face)), row * 4, 0)
            grid.addWidget(edit, row * 4, 1)
            grid.addWidget(choose, row * 4, 2)
            grid.addWidget(message, row * 4 + 1, 1, 1, 2)
            grid.addWidget(in_use, row * 4 + 2, 1, 1, 2)
            grid.addWidget(warning, row * 4 + 3, 1, 1, 2)
            edit.editingFinished.connect(self.refresh_faces)
        grid.setColumnStretch(1, 1)
        self.refresh_faces()
        return box

    def refresh_faces(self) -> None:
        """Show which file fills each role now (fonts are parsed on a worker)."""
        fonts = {face: e.text().strip() for face, e in self.font_edits.items()}
        self.tasks.run(data.faces_in_use, fonts, owner=self, on_done=self._show_faces)

    def _show_faces(self, faces: list[data.FaceInUse]) -> None:
        for face in faces:
            if face.face not in self.font_in_use:
                continue
            self.font_in_use[face.face].setText(tr("当前使用：{line}", line=face.line))
            self.font_warnings[face.face].setText(face.warning)
            self.font_warnings[face.face].setVisible(bool(face.warning))

    def _printing(self) -> QWidget:
        box, frame = _section(tr("期限与打印"))
        form = QFormLayout(frame)
        form.setContentsMargins(14, 12, 14, 12)
        self.reply_days = QSpinBox()
        self.reply_days.setRange(1, 365)
        self.reply_days.setSuffix(tr(" 天"))
        self.reply_days.setValue(self.form.reply_days)
        form.addRow(tr("整改回复期限"), self.reply_days)
        self.copies = QSpinBox()
        self.copies.setRange(1, 10)
        self.copies.setSuffix(tr(" 份"))
        self.copies.setValue(self.form.copies)
        form.addRow(tr("默认打印份数"), self.copies)
        form.addRow("", label(tr("一式两份：一份交被检查单位，一份存档。"), "help"))
        return box

    def _buttons(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addStretch(1)
        cancel = button(tr("取消"))
        cancel.clicked.connect(self.reject)
        self.save = button(tr("保存"), "primary")
        self.save.setDefault(True)
        self.save.clicked.connect(self.accept)
        row.addWidget(cancel)
        row.addWidget(self.save)
        return row

    # --- live feedback -------------------------------------------------------------------

    def _update_mark(self) -> None:
        self.mark_preview.setText(self.issuer_mark.text().strip() or self.issuer_name.text().strip())

    def _update_example(self, kind: str) -> None:
        prefix = self.prefix_edits[kind].text().strip()
        self.prefix_examples[kind].setText(
            tr("例：{prefix}〔{year}〕1号", prefix=prefix, year=date.today().year) if prefix
            else tr("未填写"))

    # --- seal ----------------------------------------------------------------------------

    def choose_seal(self) -> None:
        path = ask_open_path(self, tr("选择印章图片"), tr("PNG 图片") + " (*.png);;" + tr("所有文件") + " (*)")
        if path is not None:
            self.set_seal_file(path)

    def set_seal_file(self, path: Path) -> bool:
        """Use `path` as the seal if it is a PNG; otherwise say why and keep the old one."""
        check = data.check_seal(path)
        if not check.ok:
            self._seal_message(check.problem, error=True)
            return False
        self._show_seal(str(path))
        if check.warning:
            self._seal_message(check.warning, error=False)
        return True

    def _seal_message(self, text: str, *, error: bool) -> None:
        self.seal_message.setObjectName("fieldError" if error else "fieldWarning")
        self.seal_message.style().unpolish(self.seal_message)
        self.seal_message.style().polish(self.seal_message)
        self.seal_message.setText(text)
        self.seal_message.setVisible(bool(text))

    def _show_seal(self, path: str) -> None:
        self.form.seal_png = path
        self._seal_message("", error=True)
        pixmap = QPixmap(path) if path else QPixmap()
        if pixmap.isNull():
            self.seal_preview.setPixmap(QPixmap())
            self.seal_preview.setText(tr("未设置印章"))
            self.seal_path.setText(path if path else tr("未设置印章：文书上只印发文机关署名和日期。"))
            return
        size = SEAL_PREVIEW_PX - 10
        self.seal_preview.setPixmap(pixmap.scaled(size, size, Qt.AspectRatioMode.KeepAspectRatio,
                                                  Qt.TransformationMode.SmoothTransformation))
        self.seal_path.setText(path)

    # --- fonts ---------------------------------------------------------------------------

    def choose_font(self, face: str) -> None:
        path = ask_open_path(self, tr("选择{face}字体文件", face=tr(face)),
                             tr("字体文件") + " (*.ttf *.ttc *.otf *.otc)")
        if path is not None:
            self.set_font_file(face, path)

    def set_font_file(self, face: str, path: Path) -> None:
        self.font_edits[face].setText(str(path))
        message = self.font_messages[face]
        message.setText(tr("正在检查字体…"))
        message.show()

        def checked(problem: str) -> None:
            message.setText(problem)
            message.setVisible(bool(problem))
            self.refresh_faces()

        self.tasks.run(data.check_font, path, owner=self, on_done=checked)

    # --- saving --------------------------------------------------------------------------

    def edited_form(self) -> SettingsForm:
        return SettingsForm(
            issuer_name=self.issuer_name.text(), issuer_mark=self.issuer_mark.text(),
            prefixes={k: e.text() for k, e in self.prefix_edits.items()},
            seal_png=self.form.seal_png, contact_line=self.contact_line.text(),
            fonts={face: e.text().strip() for face, e in self.font_edits.items()},
            reply_days=self.reply_days.value(), copies=self.copies.value(),
        )

    def accept(self) -> None:
        try:
            data.save_form(self.data_dir, self.edited_form(), self.store)
        except ValidationError as exc:
            self.error.setText("\n".join([str(exc), *[f"• {p}" for p in exc.problems]]))
            self.error.show()
            return
        except (FieldCheckError, OSError) as exc:
            self.error.setText(tr("设置未保存：{error}", error=exc))
            self.error.show()
            return
        super().accept()
