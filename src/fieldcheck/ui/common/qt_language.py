"""Qt's own words (file dialogs, the right-click menu, the calendar, QMessageBox buttons) in
the UI's language: the catalogs PySide6 ships, and a matching default locale.

Chinese is the source language of FieldCheck; Qt's source language is English, so the Chinese
UI installs qtbase_zh_CN (and qtmultimedia_zh_CN for the camera) and an English UI none.
"""

from __future__ import annotations

import json
import logging

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from fieldcheck.paths import resources_dir

log = logging.getLogger(__name__)

QT_CATALOGS = ("qtbase", "qtmultimedia")
LOCALES = {"zh": QLocale(QLocale.Language.Chinese, QLocale.Country.China),
           "en": QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)}

_installed: list[QTranslator] = []


class SupplementTranslator(QTranslator):
    """Qt strings the shipped catalog misses (resources/i18n/qt_<locale>.json)."""

    def __init__(self, entries: dict[str, dict[str, str]], parent: QCoreApplication) -> None:
        super().__init__(parent)
        self.entries = entries

    def translate(self, context: str, source: str, disambiguation: str | None = None,
                  n: int = -1) -> str | None:
        # None is Qt's null string: "not translated here, ask the next catalog"
        return self.entries.get(context, {}).get(source)

    def isEmpty(self) -> bool:  # noqa: N802 - Qt's name
        return not self.entries


def _supplement(locale: QLocale) -> dict[str, dict[str, str]]:
    path = resources_dir() / "i18n" / f"qt_{locale.name()}.json"
    if not path.exists():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return {k: v for k, v in data.items() if isinstance(v, dict)}


def remove_qt_translations(app: QCoreApplication) -> None:
    for old in _installed:
        app.removeTranslator(old)
    _installed.clear()


def install_qt_translations(app: QCoreApplication, lang: str) -> list[QTranslator]:
    """Replace the Qt translators for `lang` ("zh" or "en"); returns what was installed."""
    remove_qt_translations(app)
    locale = LOCALES.get(lang, LOCALES["en"])
    QLocale.setDefault(locale)  # day and month names in calendars, number formats
    if locale.language() == QLocale.Language.English:
        return []
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    for catalog in QT_CATALOGS:
        translator = QTranslator(app)
        if translator.load(locale, catalog, "_", folder):
            app.installTranslator(translator)
            _installed.append(translator)
        else:
            log.warning("Qt catalog %s for %s not found in %s", catalog, locale.name(), folder)
    supplement = _supplement(locale)
    if supplement:  # installed last, so asked first
        extra = SupplementTranslator(supplement, app)
        app.installTranslator(extra)
        _installed.append(extra)
    return list(_installed)
