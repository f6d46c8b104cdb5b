"""The look: a calm white-and-grey office tool with one dark-red accent, in a CJK font."""

from __future__ import annotations

import os
import sys

from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QApplication

from fieldcheck.paths import resources_dir

# Preferred UI faces: Windows, macOS, then the free fonts of Linux distributions.
CJK_FAMILIES = (
    "Microsoft YaHei UI", "Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC",
    "Source Han Sans SC", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "AR PL UMing CN",
)
FONT_POINT_SIZE = 10.5

ACCENT = "#9b1c1c"  # 中国红, darkened: titles, primary buttons
ACCENT_DARK = "#7a1515"
NAVY = "#1f3a5f"
INK = "#1f2329"
MUTED = "#646a73"
LINE = "#dee0e3"
CANVAS = "#f3f4f6"
FAILED_BG = "#fdf2f2"

STATUS_COLOURS = {
    "planned": "#2f5d8a",
    "in_progress": "#b26a00",
    "completed": "#2e7d32",
    "cancelled": "#8a8f98",
}
SEVERITY_COLOURS = {"minor": "#8a6d00", "major": "#b45309", "serious": "#9b1c1c"}


def status_colour(status: str) -> QColor:
    return QColor(STATUS_COLOURS.get(status, MUTED))


def pick_ui_font() -> QFont:
    """The first of CJK_FAMILIES this machine has, else Qt's default. Matched by Qt when text
    is first drawn, not by listing every installed font first (which cost as much as a tenth
    of a bare window's start)."""
    font = QFont(QApplication.font())
    font.setFamilies([*CJK_FAMILIES, *QApplication.font().families()])
    font.setPointSizeF(FONT_POINT_SIZE)
    return font


def icon_path(name: str) -> str:
    return (resources_dir() / "icons" / name).as_posix()


def apply_style(app: QApplication) -> None:
    if _may_start_in_another_style():
        app.setStyle("Fusion")
    app.setFont(pick_ui_font())
    app.setStyleSheet(STYLE_SHEET + controls_sheet())


def _may_start_in_another_style() -> bool:
    """Linux starts in Fusion; setting it again re-polishes, and asking which style is in use
    builds QStyle's Python enums (a few ms before the first paint). Windows and macOS start in
    their native styles, and QT_STYLE_OVERRIDE may name another anywhere."""
    return not sys.platform.startswith("linux") or bool(os.environ.get("QT_STYLE_OVERRIDE"))


def controls_sheet() -> str:
    """Arrows of drop-downs and spin boxes, drawn from resources/icons (QSS needs paths)."""
    down, up, calendar = icon_path("chevron-down.svg"), icon_path("chevron-up.svg"), icon_path("calendar.svg")
    return f"""
QComboBox, QDateEdit, QDateTimeEdit {{ padding-right: 24px; }}
QComboBox::drop-down, QDateEdit::drop-down, QDateTimeEdit::drop-down {{ subcontrol-origin: padding;
    subcontrol-position: center right; width: 22px; border: none; }}
QComboBox::down-arrow {{ image: url({down}); width: 11px; height: 11px; }}
QDateEdit::down-arrow, QDateTimeEdit::down-arrow {{ image: url({calendar}); width: 13px; height: 13px; }}
QSpinBox, QDoubleSpinBox {{ padding-right: 22px; }}
QSpinBox::up-button, QDoubleSpinBox::up-button {{ subcontrol-origin: border;
    subcontrol-position: top right; width: 20px; border: none; border-left: 1px solid {LINE}; }}
QSpinBox::down-button, QDoubleSpinBox::down-button {{ subcontrol-origin: border;
    subcontrol-position: bottom right; width: 20px; border: none; border-left: 1px solid {LINE}; }}
QSpinBox::up-arrow, QDoubleSpinBox::up-arrow {{ image: url({up}); width: 9px; height: 9px; }}
QSpinBox::down-arrow, QDoubleSpinBox::down-arrow {{ image: url({down}); width: 9px; height: 9px; }}
QComboBox QAbstractItemView {{ background: white; border: 1px solid {LINE};
    selection-background-color: #e4ebf4; selection-color: {INK}; outline: none; }}
"""


STYLE_SHEET = f"""
QMainWindow, QDialog {{ background: {CANVAS}; }}
QWidget {{ color: {INK}; }}
QToolTip {{ background: white; color: {INK}; border: 1px solid {LINE}; padding: 4px; }}

#appBar {{ background: {ACCENT}; }}
#appBar QLabel {{ color: white; }}
#appTitle {{ font-size: 15pt; font-weight: 600; letter-spacing: 1px; }}
#appSubtitle {{ color: #f3d9d9; }}
#appBar QPushButton {{ background: transparent; color: white; border: 1px solid #c76b6b;
    border-radius: 4px; padding: 4px 12px; }}
#appBar QPushButton:hover {{ background: {ACCENT_DARK}; }}

#panel, #card, #headerCard {{ background: white; border: 1px solid {LINE}; border-radius: 6px; }}
#pageTitle {{ font-size: 13pt; font-weight: 600; color: {INK}; }}
#sectionTitle {{ font-size: 11.5pt; font-weight: 600; color: {NAVY}; padding-top: 6px; }}
#sectionDescription, #help, #muted {{ color: {MUTED}; }}
#unitTitle {{ font-size: 15pt; font-weight: 600; }}
#bigNumber {{ font-size: 13pt; font-weight: 600; color: {NAVY}; }}
#banner {{ background: #fff8e6; border: 1px solid #f0d9a4; border-radius: 4px; padding: 6px 10px;
    color: #6b4e00; }}
#continueBanner {{ background: #fff8e6; border: 1px solid #f0d9a4; border-left: 4px solid #e0a526;
    border-radius: 6px; }}
#continueBanner QLabel {{ color: #5c4300; font-weight: 600; }}
#emptyHint {{ color: {MUTED}; padding: 16px; }}
#startHint {{ color: {MUTED}; padding: 16px; qproperty-alignment: AlignCenter; }}

#itemCard {{ background: white; border: 1px solid {LINE}; border-radius: 6px; }}
#itemCard[failed="true"] {{ background: {FAILED_BG}; border: 1px solid #e8b4b4;
    border-left: 4px solid {ACCENT}; }}
#itemCard[missing="true"] {{ border: 1px solid #e0a526; border-left: 4px solid #e0a526; }}
#itemCard[violated="true"] {{ border: 1px solid #e0a526; border-left: 4px solid #e0a526; }}
#constraintMessage {{ color: #8a4b00; background: #fff8e6; border: 1px solid #f0d9a4;
    border-radius: 4px; }}
#itemLabel {{ font-weight: 600; }}
#hiddenSign {{ color: {MUTED}; font-size: 9.5pt; padding-top: 6px; }}
#required {{ color: {ACCENT}; font-weight: 600; }}
#failedTag {{ color: {ACCENT}; font-weight: 600; }}

QPushButton {{ background: white; border: 1px solid #c9cdd4; border-radius: 4px;
    padding: 5px 14px; min-height: 20px; }}
QPushButton:hover {{ border-color: {NAVY}; }}
QPushButton:pressed {{ background: #eef1f5; }}
QPushButton:disabled {{ color: #a8adb5; border-color: {LINE}; background: #f7f7f8; }}
QPushButton#primary {{ background: {ACCENT}; color: white; border: 1px solid {ACCENT_DARK};
    font-weight: 600; }}
QPushButton#primary:hover {{ background: {ACCENT_DARK}; }}
QPushButton#primary:disabled {{ background: #d9b3b3; border-color: #d9b3b3; color: white; }}
QPushButton#quick {{ text-align: left; padding: 6px 10px; }}
QPushButton#link {{ border: none; background: transparent; color: {NAVY}; padding: 2px 4px; }}
QPushButton#link:hover {{ text-decoration: underline; }}
QPushButton#danger {{ color: {ACCENT}; }}

QLineEdit, QPlainTextEdit, QTextEdit, QComboBox, QSpinBox, QDoubleSpinBox, QDateEdit,
QDateTimeEdit {{ background: white; border: 1px solid #c9cdd4; border-radius: 4px;
    padding: 3px 6px; selection-background-color: {NAVY}; }}
QLineEdit:focus, QPlainTextEdit:focus, QComboBox:focus, QSpinBox:focus, QDoubleSpinBox:focus,
QDateEdit:focus, QDateTimeEdit:focus {{ border: 1px solid {NAVY}; }}
QLineEdit:disabled, QPlainTextEdit:disabled, QComboBox:disabled, QDoubleSpinBox:disabled,
QDateTimeEdit:disabled {{ background: #f5f6f7; color: #5f656e; }}
QLineEdit[readOnly="true"], QPlainTextEdit[readOnly="true"] {{ background: #f5f6f7;
    color: #5f656e; border-color: {LINE}; }}
QRadioButton, QCheckBox {{ spacing: 6px; }}
QRadioButton:focus, QCheckBox:focus {{ color: {NAVY}; }}

QTabWidget::pane {{ border: 1px solid {LINE}; background: white; border-radius: 0 6px 6px 6px;
    top: -1px; }}
QTabBar::tab {{ background: #e9ebee; border: 1px solid {LINE}; padding: 7px 18px;
    margin-right: 2px; border-top-left-radius: 5px; border-top-right-radius: 5px; color: {MUTED}; }}
QTabBar::tab:selected {{ background: white; color: {ACCENT}; font-weight: 600;
    border-bottom-color: white; }}

QTableView, QListView, QListWidget, QTreeWidget {{ background: white; border: 1px solid {LINE};
    border-radius: 4px; alternate-background-color: #fafbfc;
    selection-background-color: #e4ebf4; selection-color: {INK}; }}
QHeaderView::section {{ background: #f3f4f6; border: none; border-bottom: 1px solid {LINE};
    border-right: 1px solid {LINE}; padding: 6px 8px; font-weight: 600; color: #3b4048; }}
QListWidget::item {{ padding: 4px 2px; }}
QTreeWidget::item {{ padding: 5px 2px; }}
#sectionIndex {{ background: #fafbfc; border: none; border-right: 1px solid {LINE}; padding: 6px 0; }}
#sectionIndex::item {{ padding: 7px 12px; border-left: 3px solid transparent; }}
#sectionIndex::item:selected {{ background: white; border-left: 3px solid {ACCENT}; color: {INK}; }}
#problemList {{ border: none; background: #fbf4f4; }}
#problemList::item {{ padding: 5px 6px; color: {ACCENT_DARK}; }}
#errorMessage {{ font-size: 11pt; font-weight: 600; }}
QScrollArea {{ border: none; background: transparent; }}
QScrollArea > QWidget > QWidget {{ background: transparent; }}
QProgressBar {{ border: 1px solid {LINE}; border-radius: 3px; background: #eef0f2; height: 8px;
    text-align: center; }}
QProgressBar::chunk {{ background: {NAVY}; border-radius: 3px; }}
"""
