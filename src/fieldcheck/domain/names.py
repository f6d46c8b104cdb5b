"""The Chinese names of visit kinds, statuses and finding severities (translated by the screens).

Keyed by the enum values (models/enums.py, StrEnum, so an enum member finds its name too) and
free of SQLAlchemy, so the first window can show them before the ORM is loaded.
"""

from __future__ import annotations

from typing import Final

KIND_NAMES: Final = {
    "open": "明查",
    "unannounced": "暗访",
    "reinspection": "复查",
    "project": "专项",
}
STATUS_NAMES: Final = {
    "planned": "计划",
    "in_progress": "进行中",
    "completed": "已完成",
    "cancelled": "已取消",
}
SEVERITY_NAMES: Final = {"minor": "一般", "major": "较重", "serious": "严重"}
