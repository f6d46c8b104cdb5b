"""Fixtures of the template tests."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from template_builders import body, section

from fieldcheck.templates import Template, parse_template


@pytest.fixture
def build() -> Callable[..., Template]:
    """build(item(...), item(...)) → a Template with one section holding those items."""

    def _build(*items: dict[str, Any]) -> Template:
        return parse_template(body(section("main", *items)), "demo.json")

    return _build


@pytest.fixture
def write_template(tmp_path: Path) -> Callable[..., Path]:
    """write_template(data_or_text, name) → the path of a template file in tmp_path."""

    def _write(data: Any, name: str = "bad.json") -> Path:
        path = tmp_path / name
        text = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False, indent=2)
        path.write_text(text, encoding="utf-8")
        return path

    return _write
