"""The PySide6 desktop app: one folder per screen and a thin main window.

This is the only package that imports PySide6 (tests/ui/test_qt_boundary.py checks it).
"""
