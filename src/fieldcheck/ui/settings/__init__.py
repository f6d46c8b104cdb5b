"""文书设置: the bureau's issuer, 机关代字, seal, contact line, fonts, reply days and copies."""

from fieldcheck.ui.settings.dialog import SettingsDialog, open_settings_dialog

__all__ = ["SettingsDialog", "open_settings_dialog"]
