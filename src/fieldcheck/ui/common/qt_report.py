"""Qt's side of `fieldcheck about`: which plugins and Chinese catalogs this Qt finds.

Needs no display: a QCoreApplication is enough to load Qt's plugin lists and catalogs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QTranslator, qVersion
from PySide6.QtGui import QImageReader

from fieldcheck.ui.common.qt_language import LOCALES, QT_CATALOGS


def _plugin_names(folder: Path) -> list[str]:
    if not folder.is_dir():
        return []
    names = []
    for path in sorted(folder.iterdir()):
        stem = path.name.split(".")[0]
        names.append(stem.removeprefix("lib"))
    return names


def qt_report() -> dict[str, Any]:
    app = QCoreApplication.instance() or QCoreApplication([])
    plugins = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath))
    translations = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    zh = []
    for catalog in QT_CATALOGS:
        translator = QTranslator(app)
        if translator.load(LOCALES["zh"], catalog, "_", translations):
            zh.append(Path(translator.filePath()).name)
    return {
        "version": qVersion(),
        "plugins": str(plugins),
        "platforms": _plugin_names(plugins / "platforms"),
        "print_support": _plugin_names(plugins / "printsupport"),
        "image_formats": sorted(bytes(f.data()).decode() for f in QImageReader.supportedImageFormats()),
        "translations": translations,
        "zh_catalogs": zh,
    }
