"""文书: a visit's official notices — edit, sign, preview, issue with a number, print."""

from fieldcheck.ui.notices.dialog import NoticesDialog, open_notices_dialog

__all__ = ["NoticesDialog", "open_notices_dialog"]
