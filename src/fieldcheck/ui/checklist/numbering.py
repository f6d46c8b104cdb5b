"""Item numbers as the inspector sees them: only shown items are counted, so hiding a
conditional item never leaves a gap (1.1, 1.2, 1.3 rather than 1.1, 1.2, 1.6).

Qt-free: the checklist view, the finding editor's item list and tests share it.
"""

from __future__ import annotations

from collections.abc import Collection

from fieldcheck.templates import Template


def item_numbers(template: Template, visible_keys: Collection[str]) -> dict[str, str]:
    """`section.position` of every visible item; hidden items get no number."""
    numbers: dict[str, str] = {}
    for s_no, section in enumerate(template.sections, start=1):
        shown = [item for item in section.items if item.key in visible_keys]
        for i_no, item in enumerate(shown, start=1):
            numbers[item.key] = f"{s_no}.{i_no}"
    return numbers


def hidden_counts(template: Template, visible_keys: Collection[str]) -> list[int]:
    """How many items of each section the earlier answers hide."""
    return [sum(1 for item in section.items if item.key not in visible_keys)
            for section in template.sections]


def numbered_items(template: Template, visible_keys: Collection[str],
                   hidden_suffix: str) -> list[tuple[str, str]]:
    """(key, "n.m label") for linking a finding to an item: shown items in order, then the
    hidden ones (unnumbered, marked) so a finding linked to one keeps its link."""
    numbers = item_numbers(template, visible_keys)
    shown = [(i.key, f"{numbers[i.key]} {i.label}") for i in template.items if i.key in numbers]
    hidden = [(i.key, f"{i.label}{hidden_suffix}") for i in template.items if i.key not in numbers]
    return shown + hidden
