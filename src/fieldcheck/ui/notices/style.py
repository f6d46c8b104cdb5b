"""The notices dialog's own touches on top of the app style (ui/common/style.py)."""

from __future__ import annotations

from fieldcheck.ui.common.style import ACCENT, CANVAS, INK, LINE, MUTED, NAVY

SCROLLBARS = """
QScrollBar:vertical { background: transparent; width: 10px; margin: 2px; }
QScrollBar::handle:vertical { background: #c3c8cf; border-radius: 3px; min-height: 30px; }
QScrollBar::handle:vertical:hover { background: #9aa1ab; }
QScrollBar::add-line:vertical, QScrollBar::sub-line:vertical { height: 0; }
QScrollBar::add-page:vertical, QScrollBar::sub-page:vertical { background: transparent; }
"""

NOTICES_STYLE = SCROLLBARS + f"""
#noticesDialog {{ background: {CANVAS}; }}
#noticesBar {{ background: white; border-bottom: 1px solid {LINE}; border-top: 3px solid {ACCENT}; }}
#barTitle {{ font-size: 15pt; font-weight: 600; color: {ACCENT}; letter-spacing: 2px; }}
#barSubtitle {{ color: {INK}; font-size: 11pt; padding-left: 12px; }}
#listPane {{ background: {CANVAS}; }}
#noticeList {{ border: 1px solid {LINE}; }}
#noticeList::item {{ border-bottom: 1px solid #eceef1; }}
#noticeList::item:selected {{ background: #e4ebf4; border-left: 3px solid {NAVY}; }}
#noticeNumber {{ color: {NAVY}; font-size: 11.5pt; font-weight: 600; }}
#noticeMessage {{ border-radius: 4px; padding: 7px 12px; }}
#noticeMessage[kind="info"] {{ background: #eef4fb; border: 1px solid #c5d6ea; color: {NAVY}; }}
#noticeMessage[kind="ok"] {{ background: #eef7ef; border: 1px solid #b9dcbf; color: #1e6b2a; }}
#noticeMessage[kind="warn"] {{ background: #fff8e6; border: 1px solid #f0d9a4; color: #6b4e00; }}
#muted {{ color: {MUTED}; }}
QSplitter::handle {{ background: transparent; }}
"""
