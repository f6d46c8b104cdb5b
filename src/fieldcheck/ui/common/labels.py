"""Names of kinds, statuses and severities as the screens show them (translated).

Free of SQLAlchemy (domain/names.py): the first page of the visit list uses it at start-up.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import cast

from fieldcheck.domain.names import KIND_NAMES, SEVERITY_NAMES, STATUS_NAMES
from fieldcheck.i18n import tr

_KINDS = cast(Mapping[str, str], KIND_NAMES)
_STATUSES = cast(Mapping[str, str], STATUS_NAMES)
_SEVERITIES = cast(Mapping[str, str], SEVERITY_NAMES)


def kind_name(kind: str) -> str:
    return tr(_KINDS.get(kind, kind))


def status_name(status: str) -> str:
    return tr(_STATUSES.get(status, status))


def severity_name(severity: str) -> str:
    return tr(_SEVERITIES.get(severity, severity))


def kinds() -> list[tuple[str, str]]:
    """(key, translated name) in the domain's order."""
    return [(str(key), tr(name)) for key, name in _KINDS.items()]


def statuses() -> list[tuple[str, str]]:
    return [(str(key), tr(name)) for key, name in _STATUSES.items()]


def severities() -> list[tuple[str, str]]:
    return [(str(key), tr(name)) for key, name in _SEVERITIES.items()]
