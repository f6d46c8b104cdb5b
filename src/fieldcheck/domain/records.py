"""Plain-JSON form of a record, for the audit chain, the sync outbox and exports."""

from __future__ import annotations

import base64
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, LargeBinary
from sqlalchemy import inspect as sa_inspect

from fieldcheck.models import REPLICATED, Base
from fieldcheck.models.coltypes import UTCDateTime

ENTITY_OF: dict[type[Base], str] = {cls: name for name, cls in REPLICATED.items()}


def to_plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return UTCDateTime().process_bind_param(value, None)  # type: ignore[arg-type]
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    return value


def record_dict(obj: Base) -> dict[str, Any]:
    """Every column of a mapped object, with JSON-safe values, keyed by column name."""
    mapper = sa_inspect(type(obj))
    return {attr.key: to_plain(getattr(obj, attr.key)) for attr in mapper.column_attrs}


def entity_name(obj: Base) -> str:
    return ENTITY_OF[type(obj)]


def from_plain(cls: type[Base], field: str, value: Any) -> Any:
    """A plain-JSON value back into the Python type of `cls.field`'s column."""
    if value is None:
        return None
    coltype = cls.__table__.columns[field].type
    if isinstance(coltype, UTCDateTime):
        return coltype.process_result_value(value, None)  # type: ignore[arg-type]
    if isinstance(coltype, Date):
        return date.fromisoformat(value)
    if isinstance(coltype, LargeBinary):
        return base64.b64decode(value)
    return value
