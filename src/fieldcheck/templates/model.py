"""Typed, immutable checklist templates: Template → Section → Item (→ Option).

Instances are only made by `parse_template`, which has validated everything, so the rest
of the app can trust every field. The raw JSON body is kept beside the typed view because
a visit pins the exact body of the version it was worked against.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from fieldcheck.templates.expr import VALUE_NAME, Expression

# Answer type of an item; see checklist.py for the value each one stores.
YES_NO = "yes_no"
SINGLE = "single"
MULTI = "multi"
NUMBER = "number"
TEXT = "text"
DATETIME = "datetime"
PHOTO = "photo"
ITEM_TYPES: tuple[str, ...] = (YES_NO, SINGLE, MULTI, NUMBER, TEXT, DATETIME, PHOTO)

# yes_no answers
YES = "yes"
NO = "no"
NA = "na"  # 不适用

# Same values as fieldcheck.models.enums.VisitKind / Severity; repeated here so that templates
# stay importable without SQLAlchemy (a test keeps the two in step).
VISIT_KINDS: tuple[str, ...] = ("open", "unannounced", "reinspection", "project")
SEVERITIES: tuple[str, ...] = ("minor", "major", "serious")

# Facts of the 现场检查记录 an item's answer can fill in (the template marks it with "prefill"),
# so the record need not ask again what the checklist already holds.
PREFILL_FIELDS: tuple[str, ...] = ("check_kind", "unit_contact")  # 检查方式, 被检查单位负责人

# The fail condition a yes_no item gets when its template gives none.
DEFAULT_YES_NO_FAIL = 'value == "no"'


@dataclass(frozen=True)
class Option:
    key: str
    label: str


@dataclass(frozen=True)
class SuggestedFinding:
    """The finding an inspector is offered when an item fails; the text is a starting point."""

    category: str  # a key of resources/finding_categories.json
    text: str
    basis: str = ""  # 依据, copied to Finding.legal_basis
    requirement: str = ""  # 整改要求, copied to Finding.requirement
    severity: str = "minor"


@dataclass(frozen=True)
class Item:
    key: str
    type: str
    label: str
    section_key: str
    help: str = ""
    required: bool = False
    weight: float = 0
    options: tuple[Option, ...] = ()
    unit: str = ""
    minimum: float | None = None
    maximum: float | None = None
    allow_na: bool = False
    fail: Expression | None = None
    suggested_finding: SuggestedFinding | None = None
    photo_on_fail: bool = False
    visible_if: Expression | None = None
    prefill: str = ""  # one of PREFILL_FIELDS, or ""
    # True when the answer agrees with the others (抽查数 ≤ 总数); shown as constraint_message.
    constraint: Expression | None = None
    constraint_message: str = ""

    @property
    def option_keys(self) -> tuple[str, ...]:
        return tuple(o.key for o in self.options)

    def option(self, key: str) -> Option | None:
        return next((o for o in self.options if o.key == key), None)

    @property
    def can_fail(self) -> bool:
        return self.fail is not None

    @property
    def constraint_refs(self) -> tuple[str, ...]:
        """Keys of the other items the constraint reads, in the order it names them."""
        if self.constraint is None:
            return ()
        own = (self.key, VALUE_NAME)
        return tuple(dict.fromkeys(n.name for n in self.constraint.names if n.name not in own))


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    items: tuple[Item, ...]
    description: str = ""


@dataclass(frozen=True)
class Template:
    key: str
    title: str
    version: int
    kinds: tuple[str, ...]
    description: str
    sections: tuple[Section, ...]
    source_name: str = field(default="", compare=False)
    # The JSON body as validated (a private deep copy): what a visit pins and sync ships.
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False, repr=False)

    @cached_property
    def items(self) -> tuple[Item, ...]:
        """Every item in checklist order; expressions may only look backwards in this order."""
        return tuple(item for section in self.sections for item in section.items)

    @cached_property
    def _by_key(self) -> dict[str, Item]:
        return {item.key: item for item in self.items}

    def item(self, key: str) -> Item:
        """The item with this key; KeyError when the template has none."""
        return self._by_key[key]

    def get_item(self, key: str) -> Item | None:
        return self._by_key.get(key)

    def section(self, key: str) -> Section | None:
        return next((s for s in self.sections if s.key == key), None)
