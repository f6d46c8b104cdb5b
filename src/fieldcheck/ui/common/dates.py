"""Date and date-time fields that may be blank.

A blank field shows its special text (未填, 不限) at its minimum value. Three things Qt's own
QDateTimeEdit gets wrong for that use: its calendar opens at the blank value's month (January
2000) instead of today's; Tab walks its sections and, on the special text, never leaves the
field; and the popup is sized before the style sheet's fonts, cutting off the last week.
"""

from __future__ import annotations

from PySide6.QtCore import QDate, QDateTime, QEvent, QObject, QTime
from PySide6.QtWidgets import QCalendarWidget, QDateTimeEdit, QTableView, QWidget

BLANK_DATE = QDate(2000, 1, 1)
BLANK_MOMENT = QDateTime(BLANK_DATE, QTime(0, 0))
ROW_PADDING = 8  # pixels above and below a day number


class DateTimeField(QDateTimeEdit):
    """A date(-time) field with a calendar; with `blank_text`, its minimum means "not filled
    in" and shows that text."""

    def __init__(self, display_format: str, blank_text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.blankable = bool(blank_text)
        self.setCalendarPopup(True)
        self.setDisplayFormat(display_format)
        if self.blankable:
            self.setMinimumDateTime(BLANK_MOMENT)
            self.setSpecialValueText(blank_text)
            self.setDateTime(BLANK_MOMENT)
        calendar = self.calendarWidget()
        calendar.setVerticalHeaderFormat(QCalendarWidget.VerticalHeaderFormat.NoVerticalHeader)
        calendar.installEventFilter(self)

    def is_blank(self) -> bool:
        return self.blankable and self.dateTime() <= BLANK_MOMENT

    def clear_value(self) -> None:
        self.setDateTime(BLANK_MOMENT)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        calendar = self.calendarWidget()
        if watched is calendar and event.type() == QEvent.Type.Show:
            if self.is_blank():
                today = QDate.currentDate()
                calendar.setCurrentPage(today.year(), today.month())
            self._fit_weeks(calendar)
        return super().eventFilter(watched, event)

    @staticmethod
    def _fit_weeks(calendar: QCalendarWidget) -> None:
        """Give the day grid room for its header and six weeks in the style sheet's font
        (Qt sizes it a few pixels short, which hides the last week)."""
        grid = calendar.findChild(QTableView)
        if grid is None:
            return
        rows = grid.model().rowCount() if grid.model() is not None else 7
        needed = rows * (grid.fontMetrics().height() + ROW_PADDING) + 2 * grid.frameWidth()
        missing = needed - grid.height()
        if missing > 0:
            calendar.setMinimumHeight(calendar.height() + missing)
            popup = calendar.window()
            if popup is not calendar:
                popup.resize(popup.width(), popup.height() + missing)

    def focusNextPrevChild(self, next_child: bool) -> bool:
        # Tab leaves the field (sections are reached with the arrow keys and by clicking).
        return QWidget.focusNextPrevChild(self, next_child)
